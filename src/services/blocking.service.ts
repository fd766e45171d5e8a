import { NotFoundError } from '../errors.js';
import {
  BLOCKED_ORDER,
  type BlockedDeviceRow,
  type BlockedDevicesRepository,
} from '../repositories/blocked-devices.repository.js';
import type { DevicesRepository } from '../repositories/devices.repository.js';
import { parseIpv4 } from '../validation/router-input.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import { paginate, type Page, type PageQuery } from './pagination.js';
import type { RouterAccessPolicy } from './router-access.policy.js';
import type { RouterOperationRunner } from './router-operation.runner.js';

/** A blocked device as the API shows it. */
export interface BlockedDeviceView {
  ip: string;
  mac: string | null;
  blockedBy: { userId: string; email: string | null } | null;
  blockedAt: string;
}

/**
 * The answer to a block: the block, whether this call made it, and a warning when the
 * router blocked another device.
 */
export interface BlockResultView extends BlockedDeviceView {
  changed: boolean;
  warning: string | null;
}

function toView(row: BlockedDeviceRow): BlockedDeviceView {
  return {
    ip: row.ip,
    mac: row.mac,
    blockedBy: row.blockedBy ? { userId: row.blockedBy, email: row.blockedByEmail } : null,
    blockedAt: row.blockedAt.toISOString(),
  };
}

/**
 * Blocking devices through the router's firewall (network/block and unblock).
 * The IP is pasted into a root shell on the router, so it is checked as a strict
 * IPv4 address before any call. Block and unblock are serialised per router: both
 * rewrite the router's firewall configuration.
 */
export class BlockingService {
  constructor(
    private readonly deps: {
      access: RouterAccessPolicy;
      runner: RouterOperationRunner;
      blocked: BlockedDevicesRepository;
      devices: DevicesRepository;
    },
  ) {}

  /**
   * Blocks the device with this IP and records it with the MAC the router blocked
   * (else the inventory's). The router finds that MAC by a substring match of the IP
   * (`.1` matches `.10`): when it blocked another MAC than the inventory knows at this
   * IP, the block stands as the router made it, recorded truthfully, and the answer
   * says so in `warning`.
   *
   * An IP that the latest scan did not find (and that is not blocked already) is 404
   * DEVICE_NOT_FOUND before any call, unless `force`: a typo would otherwise block
   * whichever device the router's substring match finds. An IP already blocked here
   * answers `changed: false` without calling the router: the real router's block adds
   * one more firewall rule each time (contract §1.2.3; the simulator simplifies this),
   * and one unblock would then leave a copy behind.
   */
  async block(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    input: { ip: string; force?: boolean },
  ): Promise<BlockResultView> {
    const router = await this.deps.access.check(auth, routerId);
    const ip = parseIpv4(input.ip, 'body.ip');
    if (input.force !== true) {
      await this.assertKnown(router.id, ip);
    }
    const { row, changed } = await this.deps.runner.execute({
      auth,
      client,
      router,
      operation: 'network.block',
      params: { ip, force: input.force === true },
      serialize: true,
      precheck: async (tx) => {
        const existing = await this.deps.blocked.find(router.id, ip, tx);
        return existing
          ? { done: { row: { ...existing, inventoryMac: null }, changed: false } }
          : null;
      },
      call: (cs) => cs.block(ip),
      persist: async (tx, blocked) => ({
        row: await this.deps.blocked.upsert(router.id, ip, blocked.mac, auth.userId, tx),
        changed: true,
      }),
      // The MAC the router blocked (it looks the IP up by substring; see the warning).
      summarize: (out) => ({ mac: out.row.mac }),
    });
    const other = row.inventoryMac !== null && row.mac !== null && row.mac !== row.inventoryMac;
    return {
      ...toView(row),
      changed,
      warning: other
        ? `The router blocked MAC ${row.mac}, not the device this inventory knows at ` +
          `${ip} (MAC ${row.inventoryMac}): it looks the IP up by substring. ` +
          `Check the blocked devices and the router's firewall rules.`
        : null,
    };
  }

  /** 404 DEVICE_NOT_FOUND unless the latest scan found the IP or it is blocked here. */
  private async assertKnown(routerUuid: string, ip: string): Promise<void> {
    const { devices, blocked } = this.deps;
    if (await devices.seenByLastScan(routerUuid, ip)) {
      return;
    }
    if ((await blocked.find(routerUuid, ip)) !== null) {
      return;
    }
    throw new NotFoundError(
      'DEVICE_NOT_FOUND',
      `The last scan of this router found no device at ${ip}; scan again, or send "force": true to block it anyway`,
    );
  }

  /**
   * Unblocks the IP on the router and deletes our row. The router is asked even when
   * we have no row: it may hold a rule our database lost (a block made before the
   * router was added here, or by another tool), and its answer is the truth. When it
   * has no rule for the IP the answer is `changed: false` (idempotent, like removing an
   * absent list entry), and a row of ours, stale, is deleted all the same.
   */
  async unblock(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    ipInput: string,
  ): Promise<{ ip: string; changed: boolean }> {
    const router = await this.deps.access.check(auth, routerId);
    const ip = parseIpv4(ipInput, 'body.ip');
    const changed = await this.deps.runner.execute({
      auth,
      client,
      router,
      operation: 'network.unblock',
      params: { ip },
      serialize: true,
      call: (cs) => cs.unblock(ip),
      persist: async (tx, result) => {
        await this.deps.blocked.delete(router.id, ip, tx);
        return result.changed;
      },
    });
    return { ip, changed };
  }

  /** The router's blocked devices, from the database, newest first, one page at a time. */
  async list(
    auth: AuthContext,
    routerId: string,
    query: PageQuery,
  ): Promise<Page<BlockedDeviceView>> {
    const router = await this.deps.access.check(auth, routerId);
    return paginate(
      BLOCKED_ORDER,
      query,
      (page) => this.deps.blocked.list(router.id, page),
      toView,
    );
  }
}
