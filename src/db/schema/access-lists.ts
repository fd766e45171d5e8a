import { sql } from 'drizzle-orm';
import { check, index, inet, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { baseColumns } from './columns.js';
import { routers } from './routers.js';
import { userDevices } from './user-devices.js';
import { users } from './users.js';

/**
 * The whitelist and the blacklist have the same shape; one builder keeps them
 * identical so one repository can serve both.
 */
function accessListTable<const N extends 'user_whitelists' | 'user_blacklists'>(name: N) {
  return pgTable(
    name,
    {
      ...baseColumns,
      routerId: uuid()
        .notNull()
        .references(() => routers.id, { onDelete: 'cascade' }),
      ip: inet().notNull(),
      deviceId: uuid().references(() => userDevices.id, { onDelete: 'set null' }),
      name: text(),
      description: text(),
      addedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    },
    (t) => [
      uniqueIndex(`${name}_router_ip_uq`).on(t.routerId, t.ip),
      index(`${name}_device_id_idx`).on(t.deviceId),
      check(`${name}_ipv4_ck`, sql`family(${t.ip}) = 4 and masklen(${t.ip}) = 32`),
      check(`${name}_name_length_ck`, sql`${t.name} is null or char_length(${t.name}) <= 100`),
      check(
        `${name}_description_length_ck`,
        sql`${t.description} is null or char_length(${t.description}) <= 500`,
      ),
    ],
  );
}

export const userWhitelists = accessListTable('user_whitelists');
export const userBlacklists = accessListTable('user_blacklists');
