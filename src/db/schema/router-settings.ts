import { sql } from 'drizzle-orm';
import { check, doublePrecision, pgEnum, pgTable, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { baseColumns } from './columns.js';
import { routers } from './routers.js';

/** One mode at a time, as on the router: activating one deactivates the other. */
export const activeMode = pgEnum('active_mode', ['none', 'whitelist', 'blacklist']);

/** Typed per-router settings; defaults mirror the router's state-file defaults. */
export const routerSettings = pgTable(
  'router_settings',
  {
    ...baseColumns,
    routerId: uuid()
      .notNull()
      .references(() => routers.id, { onDelete: 'cascade' }),
    activeMode: activeMode().notNull().default('none'),
    whitelistLimitedMbps: doublePrecision().notNull().default(50),
    whitelistFullMbps: doublePrecision().notNull().default(1000),
    blacklistLimitedMbps: doublePrecision().notNull().default(50),
    blacklistFullMbps: doublePrecision().notNull().default(1000),
  },
  (t) => [
    uniqueIndex('router_settings_router_id_uq').on(t.routerId),
    check(
      'router_settings_rates_ck',
      sql`${t.whitelistLimitedMbps} between 1 and 1000 and ${t.whitelistFullMbps} between 1 and 1000 and ${t.blacklistLimitedMbps} between 1 and 1000 and ${t.blacklistFullMbps} between 1 and 1000`,
    ),
  ],
);
