import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { baseColumns, tstz } from './columns.js';
import { users } from './users.js';

/**
 * An OpenID sign-in between its start and its callback (issue #14): what the
 * callback must check, kept in the database so that any instance can finish
 * what another started. Single-use (`used_at`), short-lived (`expires_at`), and
 * bound to the browser that started it (the hash of a cookie only it holds).
 * Neither the state nor the binding is stored in clear; the PKCE verifier and
 * the nonce are cleared when the flow is used. The session sweeper deletes old rows.
 */
export const oidcFlows = pgTable(
  'oidc_flows',
  {
    ...baseColumns,
    /** Hex SHA-256 of the `state` sent to the provider. */
    stateHash: text().notNull(),
    /** Hex SHA-256 of the browser-binding cookie. */
    browserBindingHash: text().notNull(),
    nonce: text(),
    codeVerifier: text(),
    /** Where the browser goes afterwards (already checked against the allowed origins). */
    returnTo: text().notNull(),
    expiresAt: tstz().notNull(),
    usedAt: tstz(),
  },
  (t) => [
    uniqueIndex('oidc_flows_state_hash_uq').on(t.stateHash),
    index('oidc_flows_expires_at_idx').on(t.expiresAt),
    check('oidc_flows_return_to_length_ck', sql`char_length(${t.returnTo}) <= 2048`),
    check(
      'oidc_flows_used_cleared_ck',
      sql`${t.usedAt} is null or (${t.codeVerifier} is null and ${t.nonce} is null)`,
    ),
  ],
);

/**
 * A user's identity at an OpenID provider: the issuer and its subject (`sub`),
 * which never changes, unlike the email. One identity belongs to one user; the
 * unique index decides between two first sign-ins racing.
 */
export const userIdentities = pgTable(
  'user_identities',
  {
    id: uuid()
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    issuer: text().notNull(),
    subject: text().notNull(),
    /** The provider's verified email when the identity was linked (normalised). */
    email: text().notNull(),
  },
  (t) => [
    uniqueIndex('user_identities_issuer_subject_uq').on(t.issuer, t.subject),
    index('user_identities_user_id_idx').on(t.userId),
    check('user_identities_subject_length_ck', sql`char_length(${t.subject}) between 1 and 255`),
  ],
);
