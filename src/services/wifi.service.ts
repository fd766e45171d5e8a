import { CommandsServerError } from '../clients/commands-server.errors.js';
import type { CommandsServerClient } from '../clients/commands-server.client.js';
import { AppError } from '../errors.js';
import { parseSsid, parseWifiPassword } from '../validation/router-input.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import type { RouterAccessPolicy } from './router-access.policy.js';
import type { RouterOperationRunner } from './router-operation.runner.js';

export interface WifiStatus {
  enabled: boolean;
  ssid: string;
  encryption: string;
}

/**
 * What a Wi-Fi change answers: the status read from the router right after the change
 * (never the password), and the router's own sentence, for display.
 */
export interface WifiChange extends WifiStatus {
  message: string;
}

/**
 * The change, then the status read back from the router, in the same operation (one
 * audit event, one session retry, which redoes both). When only the read fails, the
 * error keeps its code but says the change was applied (`details.applied`): the
 * caller can read the status again.
 */
function thenStatus(change: (cs: CommandsServerClient) => Promise<string>) {
  return async (cs: CommandsServerClient): Promise<WifiChange> => {
    const message = await change(cs);
    try {
      const { enabled, ssid, encryption } = await cs.wifiStatus();
      return { enabled, ssid, encryption, message };
    } catch (err) {
      throw appliedBeforeReadFailed(err, message);
    }
  };
}

function appliedBeforeReadFailed(err: unknown, message: string): unknown {
  const retried = err instanceof CommandsServerError && err.isSessionInvalid;
  if (!(err instanceof AppError) || retried) {
    return err;
  }
  const details = typeof err.details === 'object' && err.details !== null ? err.details : {};
  return new AppError(
    err.code,
    `The router applied the change (details.applied) but its Wi-Fi status could not be read afterwards: ${err.message}`,
    { details: { ...details, applied: { message } }, cause: err },
  );
}

/** `/api/wifi/disable` answers 501 on the real Commands-Server: say so, in our words. */
async function disableOrNotSupported(cs: CommandsServerClient): Promise<string> {
  try {
    return await cs.disableWifi();
  } catch (err) {
    if (err instanceof CommandsServerError && err.isNotImplemented) {
      throw new AppError(
        'NOT_SUPPORTED_BY_ROUTER',
        'This router cannot switch Wi-Fi off remotely yet; Wi-Fi is unchanged.',
        { details: { operation: err.operation, upstreamStatus: err.upstreamStatus } },
      );
    }
    throw err;
  }
}

/**
 * Wi-Fi of radio 0 (contract §1.2.4). Nothing is persisted: the router is the only
 * source of truth here. The SSID and the password reach a root shell on the router,
 * so they are validated first; the password is never stored, logged or audited.
 * Changing the SSID or password, or switching Wi-Fi off, takes every device off the
 * network, so those are owner-only; any member may read the status or switch Wi-Fi on.
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
    const router = await this.deps.access.check(auth, routerId, {
      ownerOnly: true,
      operation: 'wifi.setSsid',
      client,
    });
    const ssid = parseSsid(rawSsid, 'body.ssid');
    return this.deps.runner.execute({
      auth,
      client,
      router,
      operation: 'wifi.setSsid',
      params: { ssid },
      call: thenStatus((cs) => cs.setSsid(ssid)),
    });
  }

  /** `POST /api/wifi/password`; owner only. The audit event records that it changed, never the value. */
  async setPassword(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    rawPassword: string,
  ): Promise<WifiChange> {
    const router = await this.deps.access.check(auth, routerId, {
      ownerOnly: true,
      operation: 'wifi.setPassword',
      client,
    });
    const password = parseWifiPassword(rawPassword, 'body.password');
    // The client has replaced the password with [REDACTED] in the router's sentence.
    return this.deps.runner.execute({
      auth,
      client,
      router,
      operation: 'wifi.setPassword',
      params: { password: '[REDACTED]' },
      call: thenStatus((cs) => cs.setWifiPassword(password)),
    });
  }

  /** `POST /api/wifi/enable`; idempotent upstream ("already enabled" is a success). */
  async enable(auth: AuthContext, client: ClientInfo, routerId: string): Promise<WifiChange> {
    const router = await this.deps.access.check(auth, routerId);
    return this.deps.runner.execute({
      auth,
      client,
      router,
      operation: 'wifi.enable',
      call: thenStatus((cs) => cs.enableWifi()),
    });
  }

  /**
   * `POST /api/wifi/disable`; owner only. The Commands-Server has no implementation yet
   * (501, contract #21): 501 NOT_SUPPORTED_BY_ROUTER, audited as failed.
   */
  async disable(auth: AuthContext, client: ClientInfo, routerId: string): Promise<WifiChange> {
    const router = await this.deps.access.check(auth, routerId, {
      ownerOnly: true,
      operation: 'wifi.disable',
      client,
    });
    return this.deps.runner.execute({
      auth,
      client,
      router,
      operation: 'wifi.disable',
      call: thenStatus(disableOrNotSupported),
    });
  }
}
