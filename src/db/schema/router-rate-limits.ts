import { pgTable, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { baseColumns, tstz } from './columns.js';
import { routers } from './routers.js';

/**
 * When each rate-limited operation last ended on a router, so several server
 * instances share one limit. Kept out of `routers` on purpose: it is written even
 * when the call fails (the router did the costly work anyway), yet a failed operation must leave the router's
 * domain rows, updated_at included, untouched.
 */
export const routerRateLimits = pgTable(
  'router_rate_limits',
  {
    ...baseColumns,
    routerId: uuid()
      .notNull()
      .references(() => routers.id, { onDelete: 'cascade' }),
    /**
     * End of the latest scan (succeeded or failed): the per-router scan interval
     * counts from here. The column keeps its first name (it held the start before
     * scans became watchable operations).
     */
    scanRequestedAt: tstz().notNull(),
  },
  (t) => [uniqueIndex('router_rate_limits_router_id_uq').on(t.routerId)],
);
