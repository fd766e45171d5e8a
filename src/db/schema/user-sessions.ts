import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  inet,
  integer,
  pgEnum,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { baseColumns, tstz } from './columns.js';
import { users } from './users.js';

/** State of the Commands-Server session that mirrors this login (contract §3). */
export const csSessionState = pgEnum('cs_session_state', ['none', 'active', 'ending', 'ended']);

/** How a login session was established: the first factor (SPEC §4, issue #14). */
export const sessionAuthMethod = pgEnum('session_auth_method', ['password', 'oidc']);

export const userSessions = pgTable(
  'user_sessions',
  {
    // This id is the sessionId sent to the Commands-Server.
    ...baseColumns,
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Hex SHA-256 of the bearer secret; the secret itself is never stored. */
    tokenHash: text().notNull(),
    expiresAt: tstz().notNull(),
    absoluteExpiresAt: tstz().notNull(),
    lastSeenAt: tstz().notNull().defaultNow(),
    revokedAt: tstz(),
    revokedReason: text(),
    userAgent: text(),
    ip: inet(),
    authMethod: sessionAuthMethod().notNull().default('password'),
    /** A second factor (TOTP or a recovery code) was checked before the session was opened. */
    twoFactor: boolean().notNull().default(false),
    csState: csSessionState().notNull().default('none'),
    /** Routers whose infrastructure was prepared by the current Commands-Server session. */
    csRouterIds: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    csStartedAt: tstz(),
    csEndedAt: tstz(),
    csEndAttempts: integer().notNull().default(0),
    csNextAttemptAt: tstz(),
    csLastError: text(),
  },
  (t) => [
    uniqueIndex('user_sessions_token_hash_uq').on(t.tokenHash),
    index('user_sessions_user_id_idx').on(t.userId),
    // The sweeper's queue: sessions whose Commands-Server session may need ending.
    index('user_sessions_cs_sweep_idx')
      .on(t.csNextAttemptAt)
      .where(sql`${t.csState} in ('active', 'ending')`),
    index('user_sessions_expires_at_idx').on(t.expiresAt),
  ],
);
