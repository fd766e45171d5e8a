import { sql } from 'drizzle-orm';
import { index, pgEnum, pgTable, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { baseColumns } from './columns.js';
import { routers } from './routers.js';
import { users } from './users.js';

export const routerRole = pgEnum('router_role', ['owner', 'member']);

/** Membership: which users may act on which router, and who owns it. */
export const userRouters = pgTable(
  'user_routers',
  {
    ...baseColumns,
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    routerId: uuid()
      .notNull()
      .references(() => routers.id, { onDelete: 'cascade' }),
    role: routerRole().notNull(),
  },
  (t) => [
    uniqueIndex('user_routers_user_router_uq').on(t.userId, t.routerId),
    // A router has at most one owner: two concurrent claims cannot both win.
    uniqueIndex('user_routers_one_owner_uq')
      .on(t.routerId)
      .where(sql`${t.role} = 'owner'`),
    index('user_routers_router_id_idx').on(t.routerId),
  ],
);
