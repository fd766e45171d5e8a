import { sql } from 'drizzle-orm';
import {
  check,
  index,
  inet,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { baseColumns } from './columns.js';
import { routers } from './routers.js';
import { userSessions } from './user-sessions.js';
import { users } from './users.js';

export const auditOutcome = pgEnum('audit_outcome', ['pending', 'succeeded', 'failed', 'unknown']);

/**
 * Append-only trail of auth events and router operations. Rows outlive the
 * user, session and router they mention (foreign keys set null), and keep the
 * router's external id so the trail stays readable. Parameters are stored with
 * secrets redacted.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    ...baseColumns,
    userId: uuid().references(() => users.id, { onDelete: 'set null' }),
    sessionId: uuid().references(() => userSessions.id, { onDelete: 'set null' }),
    routerId: uuid().references(() => routers.id, { onDelete: 'set null' }),
    routerExternalId: text(),
    operation: text().notNull(),
    params: jsonb().$type<Record<string, unknown>>(),
    outcome: auditOutcome().notNull(),
    errorCode: text(),
    durationMs: integer(),
    /** A short summary of what a succeeded router operation did (never a secret). */
    result: jsonb().$type<Record<string, unknown>>(),
    requestId: text(),
    ip: inet(),
  },
  (t) => [
    index('audit_events_router_created_idx').on(t.routerId, t.createdAt.desc(), t.id.desc()),
    index('audit_events_user_created_idx').on(t.userId, t.createdAt.desc()),
    check('audit_events_duration_ck', sql`${t.durationMs} is null or ${t.durationMs} >= 0`),
  ],
);
