import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { baseColumns, tstz } from './columns.js';
import { routers } from './routers.js';
import { users } from './users.js';

/** What a failed operation answered: the error the synchronous call gives, with its status. */
export interface OperationError {
  code: string;
  message: string;
  status: number;
  /** The error's details (e.g. the router's own words); absent on rows written before they were kept. */
  details?: unknown;
}

/**
 * Long router operations a client can watch (a scan: up to two minutes). In the
 * database, not in memory, because several server instances share them: the partial
 * unique index allows one `running` operation of a kind per router, so "start or
 * join" is decided by PostgreSQL. Rows are deleted a day after they finished (the
 * sweeper); a `running` row older than the scan timeout is read as failed (its
 * process died).
 */
export const operations = pgTable(
  'operations',
  {
    ...baseColumns,
    routerId: uuid()
      .notNull()
      .references(() => routers.id, { onDelete: 'cascade' }),
    /** The audit name of the operation, e.g. `network.scan`. */
    kind: text().notNull(),
    state: text().$type<'running' | 'succeeded' | 'failed'>().notNull().default('running'),
    startedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    startedAt: tstz().notNull(),
    finishedAt: tstz(),
    /** What the synchronous call answers, when succeeded. */
    result: jsonb(),
    error: jsonb().$type<OperationError>(),
  },
  (t) => [
    uniqueIndex('operations_one_running_uq')
      .on(t.routerId, t.kind)
      .where(sql`${t.state} = 'running'`),
    index('operations_router_started_idx').on(t.routerId, t.startedAt.desc(), t.id.desc()),
    index('operations_finished_idx').on(t.finishedAt),
    check('operations_state_ck', sql`${t.state} in ('running', 'succeeded', 'failed')`),
    check('operations_finished_ck', sql`(${t.state} = 'running') = (${t.finishedAt} is null)`),
  ],
);
