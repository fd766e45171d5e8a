import { sql } from 'drizzle-orm';
import { check, index, inet, macaddr, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { baseColumns, tstz } from './columns.js';
import { routers } from './routers.js';

/** Devices seen on a router's LAN. They belong to the router, not to one user. */
export const userDevices = pgTable(
  'user_devices',
  {
    ...baseColumns,
    routerId: uuid()
      .notNull()
      .references(() => routers.id, { onDelete: 'cascade' }),
    mac: macaddr().notNull(),
    ip: inet(),
    hostname: text(),
    vendor: text(),
    /** User-given name. */
    name: text(),
    firstSeen: tstz().notNull().defaultNow(),
    lastSeen: tstz().notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('user_devices_router_mac_uq').on(t.routerId, t.mac),
    index('user_devices_router_ip_idx').on(t.routerId, t.ip),
    check('user_devices_name_length_ck', sql`${t.name} is null or char_length(${t.name}) <= 100`),
  ],
);
