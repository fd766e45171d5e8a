import { sql } from 'drizzle-orm';
import { check, index, inet, macaddr, pgTable, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { baseColumns } from './columns.js';
import { routers } from './routers.js';
import { users } from './users.js';

/** A device blocked with the Commands-Server's network/block. */
export const userBlockedDevices = pgTable(
  'user_blocked_devices',
  {
    ...baseColumns,
    routerId: uuid()
      .notNull()
      .references(() => routers.id, { onDelete: 'cascade' }),
    ip: inet().notNull(),
    mac: macaddr(),
    blockedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    uniqueIndex('user_blocked_devices_router_ip_uq').on(t.routerId, t.ip),
    index('user_blocked_devices_router_mac_idx').on(t.routerId, t.mac),
    check('user_blocked_devices_ipv4_ck', sql`family(${t.ip}) = 4 and masklen(${t.ip}) = 32`),
  ],
);
