import { pgTable, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { baseColumns, tstz } from './columns.js';
import { routers } from './routers.js';

/**
 * When each rate-limited operation last started on a router, so several server
 * instances share one limit. Kept out of `routers` on purpose: a claim is made
 * before the Commands-Server call and stays even when the call fails (the router
 * did the costly work anyway), yet a failed operation must leave the router's
 * domain rows, updated_at included, untouched.
 */
export const routerRateLimits = pgTable(
  'router_rate_limits',
  {
    ...baseColumns,
    routerId: uuid()
      .notNull()
      .references(() => routers.id, { onDelete: 'cascade' }),
    /** Start of the latest scan allowed by the per-router scan interval. */
    scanRequestedAt: tstz().notNull(),
  },
  (t) => [uniqueIndex('router_rate_limits_router_id_uq').on(t.routerId)],
);
