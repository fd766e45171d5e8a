import { index, pgTable, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';
import { routers } from './routers.js';
import { users } from './users.js';

/**
 * NetPilot's existing web client's "current router" (NETPILOT_CLIENT_COMPAT): one
 * per user, set by POST /api/settings/router-id. It names a router; whether the
 * user may use it is still their membership (read with it), never this row. Gone
 * with the user or the router.
 */
export const userRouterSelections = pgTable(
  'user_router_selections',
  {
    userId: uuid()
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    routerId: uuid()
      .notNull()
      .references(() => routers.id, { onDelete: 'cascade' }),
    createdAt: tstz().notNull().defaultNow(),
    updatedAt: tstz().notNull().defaultNow(),
  },
  // Deleting a router finds its selections by this index.
  (t) => [index('user_router_selections_router_id_idx').on(t.routerId)],
);
