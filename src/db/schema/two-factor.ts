import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { baseColumns, tstz } from './columns.js';
import { sessionAuthMethod } from './user-sessions.js';
import { users } from './users.js';

/**
 * A user's TOTP authenticator (RFC 6238), at most one. The secret is stored
 * sealed (AES-256-GCM, SecretBox), never in plain form. `enabled_at` null: set up
 * but not yet confirmed with a code, so not asked at sign-in.
 */
export const userTwoFactor = pgTable('user_two_factor', {
  ...baseColumns,
  userId: uuid()
    .notNull()
    .unique('user_two_factor_user_id_uq')
    .references(() => users.id, { onDelete: 'cascade' }),
  secretSealed: text().notNull(),
  enabledAt: tstz(),
  /** The last 30-second step whose code was accepted: a code is never accepted twice. */
  lastUsedStep: bigint({ mode: 'number' }),
});

/** Single-use recovery codes, stored as keyed hashes (SecretBox.mac); a used one is gone. */
export const userRecoveryCodes = pgTable(
  'user_recovery_codes',
  {
    ...baseColumns,
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text().notNull(),
    usedAt: tstz(),
  },
  (t) => [uniqueIndex('user_recovery_codes_user_code_uq').on(t.userId, t.codeHash)],
);

/**
 * The step between a right first factor and the session, for users with 2FA:
 * a single-use token (its hash stored) that expires in minutes and dies after a
 * few wrong codes.
 */
export const loginChallenges = pgTable(
  'login_challenges',
  {
    ...baseColumns,
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text().notNull(),
    /** The first factor that was passed; the session records it. */
    method: sessionAuthMethod().notNull(),
    expiresAt: tstz().notNull(),
    usedAt: tstz(),
    failedAttempts: integer().notNull().default(0),
  },
  (t) => [
    uniqueIndex('login_challenges_token_hash_uq').on(t.tokenHash),
    index('login_challenges_expires_at_idx').on(t.expiresAt),
    check('login_challenges_failed_attempts_ck', sql`${t.failedAttempts} >= 0`),
  ],
);
