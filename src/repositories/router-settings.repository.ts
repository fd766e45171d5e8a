import { eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { routerSettings } from '../db/schema/index.js';
import type { ListName } from '../clients/commands-server.types.js';

export type ActiveMode = 'none' | 'whitelist' | 'blacklist';

/** A router's mode and the four rates (Mbps). */
export interface RouterSettings {
  activeMode: ActiveMode;
  whitelistLimitedMbps: number;
  whitelistFullMbps: number;
  blacklistLimitedMbps: number;
  blacklistFullMbps: number;
}

/** Which column holds which rate of which list. */
export type RateColumn = Exclude<keyof RouterSettings, 'activeMode'>;

export const RATE_COLUMNS = {
  whitelist: { limited: 'whitelistLimitedMbps', full: 'whitelistFullMbps' },
  blacklist: { limited: 'blacklistLimitedMbps', full: 'blacklistFullMbps' },
} as const satisfies Record<ListName, Record<'limited' | 'full', RateColumn>>;

/** The schema defaults, which mirror the router's state-file defaults (contract §1.2.5). */
const DEFAULTS: RouterSettings = {
  activeMode: 'none',
  whitelistLimitedMbps: 50,
  whitelistFullMbps: 1000,
  blacklistLimitedMbps: 50,
  blacklistFullMbps: 1000,
};

/**
 * Every query on router_settings. Writes are upserts on the unique router_id, so a
 * router whose settings row is missing gets one instead of a silent no-op update.
 */
export class RouterSettingsRepository {
  constructor(private readonly db: Executor) {}

  /** The router's settings; the defaults when it has no row yet. */
  async get(routerId: string, executor: Executor = this.db): Promise<RouterSettings> {
    const [row] = await executor
      .select({
        activeMode: routerSettings.activeMode,
        whitelistLimitedMbps: routerSettings.whitelistLimitedMbps,
        whitelistFullMbps: routerSettings.whitelistFullMbps,
        blacklistLimitedMbps: routerSettings.blacklistLimitedMbps,
        blacklistFullMbps: routerSettings.blacklistFullMbps,
      })
      .from(routerSettings)
      .where(eq(routerSettings.routerId, routerId))
      .limit(1);
    return row ?? { ...DEFAULTS };
  }

  async setActiveMode(executor: Executor, routerId: string, mode: ActiveMode): Promise<void> {
    await executor
      .insert(routerSettings)
      .values({ routerId, activeMode: mode })
      .onConflictDoUpdate({ target: routerSettings.routerId, set: { activeMode: mode } });
  }

  /** Sets one rate column. */
  async setRate(
    executor: Executor,
    routerId: string,
    column: RateColumn,
    mbps: number,
  ): Promise<void> {
    await executor
      .insert(routerSettings)
      .values({ routerId, [column]: mbps })
      .onConflictDoUpdate({ target: routerSettings.routerId, set: { [column]: mbps } });
  }
}
