import { parseSsid, parseWifiPassword } from '../validation/router-input.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import type { RouterAccessPolicy } from './router-access.policy.js';
import type { RouterOperationRunner } from './router-operation.runner.js';

export interface WifiStatus {
  enabled: boolean;
  ssid: string;
  encryption: string;
}

/** What a Wi-Fi change answers: the router's own sentence, for display. */
export interface WifiChange {
  message: string;
}

/**
 * Wi-Fi of radio 0 (contract §1.2.4). Nothing is persisted: the router is the only
 * source of truth here. The SSID and the password reach a root shell on the router,
 * so they are validated first; the password is never stored, logged or audited.
 * Changing the SSID or password takes every device off the network, so both are
 * owner-only; any member may read the status or switch Wi-Fi on.
 */
export class WifiService {
  constructor(
    private readonly deps: {
      access: RouterAccessPolicy;
      runner: RouterOperationRunner;
    },
  ) {}

  /** `GET /api/wifi/status`. */
  async status(auth: AuthContext, routerId: string): Promise<WifiStatus> {
    const router = await this.deps.access.check(auth, routerId);
    return this.deps.runner.read(auth, router, (cs) => cs.wifiStatus());
  }

  /** `POST /api/wifi/ssid`; owner only. */
  async setSsid(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    rawSsid: string,
  ): Promise<WifiChange> {
    const router = await this.deps.access.check(auth, routerId, { ownerOnly: true });
    const ssid = parseSsid(rawSsid, 'body.ssid');
    const message = await this.deps.runner.execute({
      auth,
      client,
      router,
      operation: 'wifi.setSsid',
      params: { ssid },
      call: (cs) => cs.setSsid(ssid),
    });
    return { message };
  }

  /** `POST /api/wifi/password`; owner only. The audit event records that it changed, never the value. */
  async setPassword(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    rawPassword: string,
  ): Promise<WifiChange> {
    const router = await this.deps.access.check(auth, routerId, { ownerOnly: true });
    const password = parseWifiPassword(rawPassword, 'body.password');
    const message = await this.deps.runner.execute({
      auth,
      client,
      router,
      operation: 'wifi.setPassword',
      params: { password: '[REDACTED]' },
      call: (cs) => cs.setWifiPassword(password),
    });
    // The client has replaced the password with [REDACTED] in the answer.
    return { message };
  }

  /** `POST /api/wifi/enable`; idempotent upstream ("already enabled" is a success). */
  async enable(auth: AuthContext, client: ClientInfo, routerId: string): Promise<WifiChange> {
    const router = await this.deps.access.check(auth, routerId);
    const message = await this.deps.runner.execute({
      auth,
      client,
      router,
      operation: 'wifi.enable',
      call: (cs) => cs.enableWifi(),
    });
    return { message };
  }
}
