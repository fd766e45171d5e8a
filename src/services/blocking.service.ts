import type {
  BlockedDeviceRow,
  BlockedDevicesRepository,
} from '../repositories/blocked-devices.repository.js';
import { parseIpv4 } from '../validation/router-input.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import type { RouterAccessPolicy } from './router-access.policy.js';
import type { RouterOperationRunner } from './router-operation.runner.js';

/** A blocked device as the API shows it. */
export interface BlockedDeviceView {
  ip: string;
  mac: string | null;
  blockedBy: { userId: string; email: string | null } | null;
  blockedAt: string;
}

/** The answer to a block: the block, and a warning when the router blocked another device. */
export interface BlockResultView extends BlockedDeviceView {
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
    },
  ) {}

  /**
   * Blocks the device with this IP and records it with the MAC the router blocked
   * (else the inventory's). The router finds that MAC by a substring match of the IP
   * (`.1` matches `.10`): when it blocked another MAC than the inventory knows at this
   * IP, the block stands as the router made it, recorded truthfully, and the answer
   * says so in `warning`.
   */
  async block(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    ipInput: string,
  ): Promise<BlockResultView> {
    const router = await this.deps.access.check(auth, routerId);
    const ip = parseIpv4(ipInput, 'body.ip');
    const row = await this.deps.runner.execute({
      auth,
      client,
      router,
      operation: 'network.block',
      params: { ip },
      serialize: true,
      call: (cs) => cs.block(ip),
      persist: (tx, blocked) =>
        this.deps.blocked.upsert(router.id, ip, blocked.mac, auth.userId, tx),
    });
    const other = row.inventoryMac !== null && row.mac !== null && row.mac !== row.inventoryMac;
    return {
      ...toView(row),
      warning: other
        ? `The router blocked MAC ${row.mac}, not the device this inventory knows at ` +
          `${ip} (MAC ${row.inventoryMac}): it looks the IP up by substring. ` +
          `Check the blocked devices and the router's firewall rules.`
        : null,
    };
  }

  /**
   * Unblocks the IP on the router and deletes our row. The router is called even
   * when we have no row for the IP: it may hold a rule our database lost (a block
   * made before the router was added here, or by another tool), and its answer is
   * the truth. When it has no such rule it answers COMMAND_FAILED ("not found"),
   * mapped like any failure (502, database unchanged). `removed` says whether a
   * row of ours was deleted.
   */
  async unblock(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    ipInput: string,
  ): Promise<{ ip: string; removed: boolean }> {
    const router = await this.deps.access.check(auth, routerId);
    const ip = parseIpv4(ipInput, 'body.ip');
    const removed = await this.deps.runner.execute({
      auth,
      client,
      router,
      operation: 'network.unblock',
      params: { ip },
      serialize: true,
      call: (cs) => cs.unblock(ip),
      persist: (tx) => this.deps.blocked.delete(router.id, ip, tx),
    });
    return { ip, removed };
  }

  /** The router's blocked devices, from the database. */
  async list(auth: AuthContext, routerId: string): Promise<BlockedDeviceView[]> {
    const router = await this.deps.access.check(auth, routerId);
    const rows = await this.deps.blocked.list(router.id);
    return rows.map(toView);
  }
}
