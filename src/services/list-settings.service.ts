import { AppError } from '../errors.js';
import type { ListName } from '../clients/commands-server.types.js';
import type { RouterAccess } from '../repositories/routers.repository.js';
import {
  RATE_COLUMNS,
  type ActiveMode,
  type RouterSettingsRepository,
} from '../repositories/router-settings.repository.js';
import { parseRateMbps } from '../validation/router-input.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import type { RouterAccessPolicy } from './router-access.policy.js';
import type { RouterOperationRunner } from './router-operation.runner.js';

export interface ModeState {
  list: ListName;
  /** Whether this list's mode is the router's active mode. */
  active: boolean;
  activeMode: ActiveMode;
}

/** The answer to a mode change: the state after it, and whether the router's mode changed. */
export interface ModeChange extends ModeState {
  changed: boolean;
}

export interface RatesState {
  list: ListName;
  limitedMbps: number;
  fullMbps: number;
}

type RateKind = 'limited' | 'full';

/** Where a settings read comes from: the database (default) or the router itself. */
export type SettingsSource = 'database' | 'router';

function modeState(list: ListName, activeMode: ActiveMode): ModeState {
  return { list, active: activeMode === list, activeMode };
}

/**
 * The mode and the rates of the whitelist and the blacklist (SPEC §5, contract
 * §1.2.5), kept in router_settings. They apply to every device of the household,
 * so changes are owner-only; any member may read them. Changes are serialised per
 * router, like list changes: they rewrite the same state file on the router.
 */
export class ListSettingsService {
  constructor(
    private readonly deps: {
      access: RouterAccessPolicy;
      runner: RouterOperationRunner;
      settings: RouterSettingsRepository;
    },
  ) {}

  /**
   * Whether this list's mode is active, from the database or, with `source: 'router'`,
   * from the router's firewall (`GET /mode-activation`, the jump in FORWARD): an
   * unaudited read.
   */
  async getMode(
    auth: AuthContext,
    routerId: string,
    list: ListName,
    source: SettingsSource = 'database',
  ): Promise<ModeState & { source: SettingsSource }> {
    const router = await this.deps.access.check(auth, routerId);
    const activeMode =
      source === 'router'
        ? await this.deps.runner.read(auth, router, (cs) => cs.enforcedMode())
        : (await this.deps.settings.get(router.id)).activeMode;
    return { ...modeState(list, activeMode), source };
  }

  /**
   * Activates (`POST /api/{list}/mode`) or deactivates (`DELETE /api/{list}/mode`)
   * the list's mode; owner only. The router has one mode at a time, so activating one
   * replaces the other. Deactivating a mode that is not the active one makes no call:
   * upstream, DELETE on either list's route switches off whichever mode is active.
   * `changed` is false when the router said the mode already was as asked ("already
   * active", "already inactive") or when no call was needed.
   */
  async setMode(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    list: ListName,
    active: boolean,
  ): Promise<ModeChange> {
    const router = await this.deps.access.check(auth, routerId, {
      ownerOnly: true,
      operation: `${list}.${active ? 'activateMode' : 'deactivateMode'}`,
      client,
    });
    if (!active) {
      // Fast path with no session start and no audit event; the same check runs again
      // under the router's lock below, against a concurrent activation.
      const current = await this.deps.settings.get(router.id);
      if (current.activeMode !== list) {
        return { ...modeState(list, current.activeMode), changed: false };
      }
    }
    const { activeMode, changed } = await this.deps.runner.execute({
      auth,
      client,
      router,
      operation: `${list}.${active ? 'activateMode' : 'deactivateMode'}`,
      params: { active },
      serialize: true,
      precheck: active
        ? undefined
        : async (tx) => {
            const { activeMode } = await this.deps.settings.get(router.id, tx);
            const done = { activeMode, changed: false, switchedOff: null };
            return activeMode === list ? null : { done };
          },
      call: (cs) => (active ? cs.activateMode(list) : cs.deactivateMode(list)),
      persist: async (tx, result) => {
        const mode: ActiveMode = active ? list : 'none';
        const before = (await this.deps.settings.get(router.id, tx)).activeMode;
        await this.deps.settings.setActiveMode(tx, router.id, mode);
        // One mode at a time: activating one switches the other off.
        const switchedOff = before !== 'none' && before !== mode ? before : null;
        return { activeMode: mode, changed: result.changed, switchedOff };
      },
      summarize: (out) => ({ activeMode: out.activeMode, switchedOff: out.switchedOff }),
    });
    return { ...modeState(list, activeMode), changed };
  }

  /**
   * The list's limited and full rates, from the database. `source: 'router'` answers
   * 501 NOT_SUPPORTED_BY_ROUTER after the access check: the Commands-Server can set
   * rates but has no route that reads the ones its state file holds (contract §1.2.5).
   */
  async getRates(
    auth: AuthContext,
    routerId: string,
    list: ListName,
    source: SettingsSource = 'database',
  ): Promise<RatesState & { source: SettingsSource }> {
    const router = await this.deps.access.check(auth, routerId);
    if (source === 'router') {
      throw new AppError(
        'NOT_SUPPORTED_BY_ROUTER',
        "The router's rates cannot be read: the Commands-Server offers no read of them. Ask without ?source=router for the saved rates.",
      );
    }
    return { ...(await this.ratesOf(router, list)), source };
  }

  /**
   * Sets the limited and/or full rate (`POST /api/{list}/limit-rate`, `/full-rate`);
   * owner only. Both values are validated before any call, and the limited rate may
   * not exceed the full rate (400 VALIDATION_FAILED with both values). Each rate is its own
   * audited operation that saves its column as soon as the router took it, so the
   * database never claims a rate the router lacks nor misses one it has: when the
   * full rate fails after the limited one succeeded, the limited rate stays applied
   * and saved, and the error says so in `details.applied`.
   */
  async setRates(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    list: ListName,
    rates: { limitedMbps?: number; fullMbps?: number },
  ): Promise<RatesState> {
    const router = await this.deps.access.check(auth, routerId, {
      ownerOnly: true,
      operation: `${list}.setRates`,
      client,
    });
    const wanted: [RateKind, number][] = [];
    if (rates.limitedMbps !== undefined) {
      wanted.push(['limited', parseRateMbps(rates.limitedMbps, 'body.limitedMbps')]);
    }
    if (rates.fullMbps !== undefined) {
      wanted.push(['full', parseRateMbps(rates.fullMbps, 'body.fullMbps')]);
    }
    await this.checkRateOrder(router, list, wanted);
    const applied: Partial<Record<'limitedMbps' | 'fullMbps', number>> = {};
    for (const [kind, mbps] of wanted) {
      try {
        await this.applyRate(auth, client, router, list, kind, mbps);
      } catch (err) {
        throw withApplied(err, applied);
      }
      applied[`${kind}Mbps`] = mbps;
    }
    return this.ratesOf(router, list);
  }

  /**
   * The limited rate may not exceed the full rate: the values asked for, and the stored
   * one for a rate not given. Checked before any call (a concurrent change of the other
   * rate could still slip between this read and the router's lock).
   */
  private async checkRateOrder(
    router: RouterAccess,
    list: ListName,
    wanted: [RateKind, number][],
  ): Promise<void> {
    const given = new Map(wanted);
    const stored = given.size === 2 ? null : await this.ratesOf(router, list);
    const limitedMbps = given.get('limited') ?? stored!.limitedMbps;
    const fullMbps = given.get('full') ?? stored!.fullMbps;
    if (limitedMbps <= fullMbps) {
      return;
    }
    const field = given.has('limited') ? 'body.limitedMbps' : 'body.fullMbps';
    const message = `the limited rate (${limitedMbps} Mbps) may not exceed the full rate (${fullMbps} Mbps)`;
    throw new AppError('VALIDATION_FAILED', `${field}: ${message}`, {
      details: { fields: [{ field, message }], limitedMbps, fullMbps },
    });
  }

  private async ratesOf(router: RouterAccess, list: ListName): Promise<RatesState> {
    const settings = await this.deps.settings.get(router.id);
    return {
      list,
      limitedMbps: settings[RATE_COLUMNS[list].limited],
      fullMbps: settings[RATE_COLUMNS[list].full],
    };
  }

  private async applyRate(
    auth: AuthContext,
    client: ClientInfo,
    router: RouterAccess,
    list: ListName,
    kind: RateKind,
    mbps: number,
  ): Promise<void> {
    await this.deps.runner.execute({
      auth,
      client,
      router,
      operation: `${list}.${kind === 'limited' ? 'limitRate' : 'fullRate'}`,
      params: { mbps },
      serialize: true,
      call: (cs) =>
        kind === 'limited' ? cs.setLimitedRate(list, mbps) : cs.setFullRate(list, mbps),
      persist: (tx) => this.deps.settings.setRate(tx, router.id, RATE_COLUMNS[list][kind], mbps),
    });
  }
}

/** The error of a later rate, saying which earlier rates were applied and saved anyway. */
function withApplied(err: unknown, applied: Record<string, number>): unknown {
  if (!(err instanceof AppError) || Object.keys(applied).length === 0) {
    return err;
  }
  const details = typeof err.details === 'object' && err.details !== null ? { ...err.details } : {};
  return new AppError(
    err.code,
    `${err.message} The rates listed in details.applied were applied and saved before this failure.`,
    { details: { ...details, applied }, cause: err },
  );
}
