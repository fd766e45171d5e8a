import { sql } from 'drizzle-orm';
import { check, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { baseColumns, tstz } from './columns.js';

/** One row per physical router. `routerId` is the agent's id used by the Commands-Server. */
export const routers = pgTable(
  'routers',
  {
    ...baseColumns,
    routerId: text().notNull(),
    name: text().notNull(),
    /** Time of the latest successful scan; devices with last_seen equal to it are online. */
    lastScanAt: tstz(),
  },
  (t) => [
    uniqueIndex('routers_router_id_uq').on(t.routerId),
    check('routers_router_id_format_ck', sql`${t.routerId} ~ '^[A-Za-z0-9_.-]{1,128}$'`),
    check('routers_name_length_ck', sql`char_length(${t.name}) between 1 and 100`),
  ],
);
