import type { CommandsServerClient } from '../clients/commands-server.client.js';
import type { BlockedDevice, EnforcedMode, ListName } from '../clients/commands-server.types.js';
import type { AccessListsRepository } from '../repositories/access-lists.repository.js';
import type {
  BlockedDeviceRow,
  BlockedDevicesRepository,
} from '../repositories/blocked-devices.repository.js';
import {
  RATE_COLUMNS,
  type ActiveMode,
  type RouterSettings,
  type RouterSettingsRepository,
} from '../repositories/router-settings.repository.js';
import type { RouterAccess } from '../repositories/routers.repository.js';
import type { AuthContext } from './auth-context.js';
import type { RouterAccessPolicy } from './router-access.policy.js';
import type { RouterOperationRunner } from './router-operation.runner.js';

/** The addresses of one list that only one side holds. */
export interface ListDrift {
  onlyInDatabase: string[];
  onlyOnRouter: string[];
  inSync: boolean;
}

/** A blocked device as one side holds it; the MAC is what the router's firewall rule names. */
export interface BlockedEntry {
  mac: string | null;
  ip: string | null;
}

export interface RatesPair {
  limitedMbps: number;
  fullMbps: number;
}

/** Everything the database and the router each hold for one router, side by side. */
export interface RouterDrift {
  inSync: boolean;
  lists: Record<ListName, ListDrift>;
  mode: { database: ActiveMode; router: EnforcedMode; inSync: boolean };
  rates: Record<ListName, { database: RatesPair; router: null }> & { compared: false };
  ssid: { database: null; router: string; wifiEnabled: boolean; compared: false };
  blocked: { onlyInDatabase: BlockedEntry[]; onlyOnRouter: BlockedEntry[]; inSync: boolean };
}

/** What the router answers, read in one Commands-Server session attempt. */
interface RouterSide {
  lists: Record<ListName, string[]>;
  mode: EnforcedMode;
  ssid: string;
  wifiEnabled: boolean;
  blocked: BlockedDevice[];
}

/**
 * Sequential on purpose: one login's Commands-Server session is prepared for one router
 * at a time and the session service retries the whole attempt once on SESSION_INVALID;
 * five reads in a row keep that retry simple (and the router's SSH channel unhurried).
 */
async function readRouter(cs: CommandsServerClient): Promise<RouterSide> {
  const whitelist = await cs.getList('whitelist');
  const blacklist = await cs.getList('blacklist');
  const mode = await cs.enforcedMode();
  const wifi = await cs.wifiStatus();
  const blocked = await cs.blocked();
  return {
    lists: { whitelist, blacklist },
    mode,
    ssid: wifi.ssid,
    wifiEnabled: wifi.enabled,
    blocked,
  };
}

function compareLists(inDatabase: string[], onRouter: string[]): ListDrift {
  const db = new Set(inDatabase);
  const router = new Set(onRouter);
  const onlyInDatabase = [...db].filter((ip) => !router.has(ip)).sort();
  const onlyOnRouter = [...router].filter((ip) => !db.has(ip)).sort();
  return {
    onlyInDatabase,
    onlyOnRouter,
    inSync: onlyInDatabase.length + onlyOnRouter.length === 0,
  };
}

/**
 * Blocks compared by MAC, the address the router's firewall rule names. A row of ours
 * without a MAC matches nothing on the router, so it is always listed.
 */
function compareBlocked(rows: BlockedDeviceRow[], onRouter: BlockedDevice[]) {
  const routerMacs = new Set(onRouter.map((d) => d.mac.toLowerCase()));
  const dbMacs = new Set(rows.flatMap((r) => (r.mac ? [r.mac.toLowerCase()] : [])));
  const onlyInDatabase = rows
    .filter((r) => r.mac === null || !routerMacs.has(r.mac.toLowerCase()))
    .map((r) => ({ mac: r.mac, ip: r.ip }));
  const onlyOnRouter = onRouter
    .filter((d) => !dbMacs.has(d.mac.toLowerCase()))
    .map((d) => ({ mac: d.mac.toLowerCase(), ip: d.ip === 'N/A' ? null : d.ip }));
  const byMac = (a: BlockedEntry, b: BlockedEntry) =>
    `${a.mac ?? ''}${a.ip ?? ''}`.localeCompare(`${b.mac ?? ''}${b.ip ?? ''}`);
  return {
    onlyInDatabase: onlyInDatabase.sort(byMac),
    onlyOnRouter: onlyOnRouter.sort(byMac),
    inSync: onlyInDatabase.length + onlyOnRouter.length === 0,
  };
}

function ratesOf(settings: RouterSettings, list: ListName): RatesPair {
  return {
    limitedMbps: settings[RATE_COLUMNS[list].limited],
    fullMbps: settings[RATE_COLUMNS[list].full],
  };
}

/**
 * Drift between this server's database and the router (issue #13): the lists, the
 * mode, the blocked MACs; the rates and the SSID are shown but not compared (the
 * Commands-Server has no read of the stored rates, and the database keeps no Wi-Fi
 * settings). A read for any member, not audited.
 */
export class DriftService {
  constructor(
    private readonly deps: {
      access: RouterAccessPolicy;
      runner: RouterOperationRunner;
      accessLists: AccessListsRepository;
      routerSettings: RouterSettingsRepository;
      blockedDevices: BlockedDevicesRepository;
    },
  ) {}

  /**
   * Reads the router first, then the database. Not under the router's lock (a read
   * must not queue behind changes): a change that lands between the two reads can show
   * as drift once; asking again settles it.
   */
  async drift(auth: AuthContext, routerId: string): Promise<RouterDrift> {
    const router = await this.deps.access.check(auth, routerId);
    const onRouter = await this.deps.runner.read(auth, router, readRouter);
    return this.compare(router, onRouter);
  }

  private async compare(router: RouterAccess, onRouter: RouterSide): Promise<RouterDrift> {
    const { accessLists: lists, routerSettings: settings, blockedDevices: blocked } = this.deps;
    const whitelist = compareLists(
      await lists.ips(router.id, 'whitelist'),
      onRouter.lists.whitelist,
    );
    const blacklist = compareLists(
      await lists.ips(router.id, 'blacklist'),
      onRouter.lists.blacklist,
    );
    const stored = await settings.get(router.id);
    const blocks = compareBlocked(await blocked.all(router.id), onRouter.blocked);
    const mode = {
      database: stored.activeMode,
      router: onRouter.mode,
      inSync: stored.activeMode === onRouter.mode,
    };
    return {
      inSync: whitelist.inSync && blacklist.inSync && mode.inSync && blocks.inSync,
      lists: { whitelist, blacklist },
      mode,
      rates: {
        compared: false,
        whitelist: { database: ratesOf(stored, 'whitelist'), router: null },
        blacklist: { database: ratesOf(stored, 'blacklist'), router: null },
      },
      ssid: {
        database: null,
        router: onRouter.ssid,
        wifiEnabled: onRouter.wifiEnabled,
        compared: false,
      },
      blocked: blocks,
    };
  }
}
