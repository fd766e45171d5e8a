import { CommandsServerError } from './commands-server.errors.js';
import type { CommandsServerHttp, RequestSpec } from './commands-server.http.js';
import { encodePathSegment, listRoot, usagePath } from './commands-server.paths.js';
import { redact } from './commands-server.response.js';
import {
  activatedData,
  addedData,
  anything,
  blockData,
  blockedData,
  deactivatedData,
  deviceUsageData,
  enforcedModeData,
  ipList,
  messageObject,
  rateData,
  removedData,
  scanData,
  sentence,
  ssidData,
  startSessionData,
  usageData,
  wifiStatusData,
  type Validator,
} from './commands-server.schemas.js';
import type {
  BlockedDevice,
  BlockResult,
  ChangeResult,
  CommandsServerIds,
  DeviceUsage,
  EnforcedMode,
  ListName,
  RateResult,
  ScannedDevice,
  StartSessionResult,
  UsageEntry,
  UsagePeriod,
  WifiStatus,
} from './commands-server.types.js';

type Body = Record<string, unknown>;

/**
 * One Commands-Server operation per method, for the `sessionId` and `routerId` of the
 * operation under way (SPEC §7). Cheap to construct; all of them share one
 * {@link CommandsServerHttp}. Every method resolves with validated data or rejects
 * with a `CommandsServerError`; a list name or period outside its union (possible only
 * from untyped callers) throws a TypeError synchronously, before any request.
 */
export class CommandsServerClient {
  private readonly ids: CommandsServerIds;

  constructor(
    private readonly http: CommandsServerHttp,
    ids: CommandsServerIds,
  ) {
    this.ids = { sessionId: ids.sessionId, routerId: ids.routerId };
  }

  /**
   * `POST /api/session/start`. Uses the scan deadline: a first start runs many SSH
   * round trips plus a 4 s sleep. A failed start leaves the session active upstream,
   * so the next start gets `SESSION_ALREADY_ACTIVE` (`err.isSessionAlreadyActive`),
   * which does not mean this router was set up.
   */
  startSession(options: { restart?: boolean } = {}): Promise<StartSessionResult> {
    // `restart` is judged by truthiness upstream (even "false" counts), so only send it when set.
    const body = options.restart === true ? { restart: true } : {};
    return this.call({
      operation: 'session.start',
      method: 'POST',
      path: '/api/session/start',
      body,
      slow: true,
      acceptAny2xx: true,
      validate: startSessionData,
    });
  }

  /** `POST /api/session/end`. Not idempotent: a second end is a 401 `SESSION_INVALID`. */
  async endSession(): Promise<void> {
    await this.call({
      operation: 'session.end',
      method: 'POST',
      path: '/api/session/end',
      validate: messageObject,
    });
  }

  /**
   * `POST /api/session/refresh`: sessionId read from the JSON body only (contract #9). It
   * always fails on the real server (500 `SESSION_REFRESH_ERROR`); kept so callers see it.
   */
  async refreshSession(): Promise<void> {
    await this.call({
      operation: 'session.refresh',
      method: 'POST',
      path: '/api/session/refresh',
      body: { sessionId: this.ids.sessionId },
      validate: anything,
    });
  }

  /** `GET /api/network/scan` with the scan deadline (0.5–5.5 s per device upstream). */
  scan(): Promise<ScannedDevice[]> {
    return this.call({
      operation: 'network.scan',
      method: 'GET',
      path: '/api/network/scan',
      slow: true,
      validate: scanData,
    });
  }

  /** `GET /api/network/blocked`: MACs blocked by firewall rule, `ip` `"N/A"` if unknown. */
  blocked(): Promise<BlockedDevice[]> {
    return this.read('network.blocked', '/api/network/blocked', blockedData);
  }

  /**
   * `POST /api/network/block`, answering the router's sentence and the MAC it says it
   * blocked (see {@link BlockResult.mac}). The IP reaches a root shell unchecked:
   * validate it first.
   */
  block(ip: string): Promise<BlockResult> {
    return this.call({
      operation: 'network.block',
      method: 'POST',
      path: '/api/network/block',
      body: { ip },
      validate: blockData,
    });
  }

  /** `POST /api/network/unblock`, same caveat as {@link block}. No rule: `changed: false`. */
  async unblock(ip: string): Promise<ChangeResult> {
    try {
      const text = await this.mutate('network.unblock', '/api/network/unblock', { ip }, sentence);
      return { message: text, changed: true };
    } catch (err) {
      if (err instanceof CommandsServerError && err.isNoBlockRuleFor(ip)) {
        return { message: err.upstreamMessage ?? '', changed: false };
      }
      throw err;
    }
  }

  /** `GET /api/{list}/`, always with the trailing slash: without it Werkzeug answers 308. */
  getList(list: ListName): Promise<string[]> {
    return this.read(`${list}.list`, `${listRoot(list)}/`, ipList);
  }

  /** `POST /api/{list}/add`; "already in" is also a 200 sentence: `changed: false`. */
  addToList(list: ListName, ip: string): Promise<ChangeResult> {
    return this.mutate(`${list}.add`, `${listRoot(list)}/add`, { ip }, addedData);
  }

  /** `POST /api/{list}/remove`; "not in" is also a 200 sentence: `changed: false`. */
  removeFromList(list: ListName, ip: string): Promise<ChangeResult> {
    return this.mutate(`${list}.remove`, `${listRoot(list)}/remove`, { ip }, removedData);
  }

  /** `POST /api/{list}/limit-rate` with the rate in Mbps. */
  setLimitedRate(list: ListName, mbps: number): Promise<RateResult> {
    return this.call({
      operation: `${list}.limitRate`,
      method: 'POST',
      path: `${listRoot(list)}/limit-rate`,
      body: { rate: mbps },
      validate: rateData,
    });
  }

  /** `POST /api/{list}/full-rate` with the rate in Mbps. */
  setFullRate(list: ListName, mbps: number): Promise<RateResult> {
    return this.call({
      operation: `${list}.fullRate`,
      method: 'POST',
      path: `${listRoot(list)}/full-rate`,
      body: { rate: mbps },
      validate: rateData,
    });
  }

  /** `POST /api/{list}/mode` (tears down the other mode); "already active": no change. */
  activateMode(list: ListName): Promise<ChangeResult> {
    return this.mutate(`${list}.activateMode`, `${listRoot(list)}/mode`, {}, activatedData);
  }

  /**
   * `DELETE /api/{list}/mode`. Upstream this deactivates whichever mode is active,
   * not only `list`'s (contract §1.2.5); "already inactive" is `changed: false`.
   */
  deactivateMode(list: ListName): Promise<ChangeResult> {
    return this.call({
      operation: `${list}.deactivateMode`,
      method: 'DELETE',
      path: `${listRoot(list)}/mode`,
      validate: deactivatedData,
    });
  }

  /** `GET /mode-activation`: the mode the firewall enforces (see {@link enforcedModeData}). */
  enforcedMode(): Promise<EnforcedMode> {
    return this.read('health.modeActivation', '/mode-activation', enforcedModeData);
  }

  /** `GET /api/wifi/status`. */
  wifiStatus(): Promise<WifiStatus> {
    return this.read('wifi.status', '/api/wifi/status', wifiStatusData);
  }

  /** `GET /api/wifi/ssid?interface=N` (the only Wi-Fi route that honours an interface). */
  getSsid(iface = 0): Promise<string> {
    return this.call({
      operation: 'wifi.getSsid',
      method: 'GET',
      path: '/api/wifi/ssid',
      query: { interface: String(iface) },
      validate: ssidData,
    });
  }

  /** `POST /api/wifi/ssid` (interface 0). The SSID reaches a root shell: validate it first. */
  setSsid(ssid: string): Promise<string> {
    return this.mutate('wifi.setSsid', '/api/wifi/ssid', { ssid }, sentence);
  }

  /**
   * `POST /api/wifi/password` (interface 0). The password is never logged, and is
   * replaced by `[REDACTED]` in the answer and in any upstream message kept in the
   * error. (The real server's sentences name the SSID only; never echo the password
   * should one change.)
   */
  async setWifiPassword(password: string): Promise<string> {
    const message = await this.call({
      operation: 'wifi.setPassword',
      method: 'POST',
      path: '/api/wifi/password',
      body: { password },
      secrets: [password],
      validate: sentence,
    });
    return redact(message, [password]);
  }

  /** `POST /api/wifi/enable`. */
  enableWifi(): Promise<string> {
    return this.mutate('wifi.enable', '/api/wifi/enable', {}, sentence);
  }

  /** `POST /api/wifi/disable`: always 501 `NOT_IMPLEMENTED` upstream (`err.isNotImplemented`). */
  disableWifi(): Promise<string> {
    return this.mutate('wifi.disable', '/api/wifi/disable', {}, sentence);
  }

  /** `GET /api/monitor/current|last-week|last-month`, sorted by total traffic upstream. */
  usage(period: UsagePeriod): Promise<UsageEntry[]> {
    return this.call({
      operation: `monitor.usage.${period}`,
      method: 'GET',
      path: usagePath(period),
      validate: usageData,
    });
  }

  /**
   * `GET /api/monitor/device/<mac>?period=`. "Not found" and "too little traffic" are
   * 500 `COMMAND_FAILED` upstream, not 404.
   */
  deviceUsage(mac: string, period: UsagePeriod): Promise<DeviceUsage> {
    usagePath(period); // same guard as usage(): refuse a period outside the union
    return this.call({
      operation: 'monitor.deviceUsage',
      method: 'GET',
      path: `/api/monitor/device/${encodePathSegment(mac)}`,
      query: { period },
      validate: deviceUsageData,
    });
  }

  private mutate<T>(operation: string, path: string, body: Body, validate: Validator<T>) {
    return this.call({ operation, method: 'POST', path, body, validate });
  }

  private read<T>(operation: string, path: string, validate: Validator<T>) {
    return this.call({ operation, method: 'GET', path, validate });
  }

  private call<T>(spec: Omit<RequestSpec<T>, 'ids'>): Promise<T> {
    return this.http.request({ ...spec, ids: this.ids });
  }
}
