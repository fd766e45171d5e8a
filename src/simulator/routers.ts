/**
 * The simulated routers, created lazily and deterministically from their ids, and the
 * stand-in for the port manager that decides which ids exist.
 */
import { assertDeviceCount, generateDevices } from './devices.js';
import { listBlocked } from './firewall.js';
import { pyStr } from './python.js';
import { RouterSim } from './router-sim.js';
import type { RouterConfig, RouterStateSnapshot, SimDevice } from './types.js';

/** A port-manager miss: the routerId is not registered (or not a valid id). */
export class PortManagerError extends Error {
  constructor(routerId: string) {
    super(`Router ${routerId} not found in port manager`);
    this.name = 'PortManagerError';
  }
}

export interface RouterRegistryOptions {
  pattern: RegExp;
  unknownIds: readonly string[];
  devicesPerRouter: number;
}

export class RouterRegistry {
  private readonly routers = new Map<string, RouterSim>();
  private readonly unknown: Set<string>;

  constructor(private readonly options: RouterRegistryOptions) {
    this.unknown = new Set(options.unknownIds);
  }

  /** Whether the port manager knows this id. Ids from JSON may be numbers: Python str()s them. */
  isKnown(routerId: unknown): boolean {
    const id = pyStr(routerId);
    this.options.pattern.lastIndex = 0;
    return this.options.pattern.test(id) && !this.unknown.has(id);
  }

  /** Looks the router up as the real server does before opening an SSH connection. */
  connect(routerId: unknown): RouterSim {
    const id = pyStr(routerId);
    if (!this.isKnown(id)) {
      throw new PortManagerError(id);
    }
    return this.get(id);
  }

  /** The router's state, created on first use (known or not: tests may inspect any id). */
  get(routerId: string): RouterSim {
    let router = this.routers.get(routerId);
    if (router === undefined) {
      router = new RouterSim(routerId, generateDevices(routerId, this.options.devicesPerRouter));
      this.routers.set(routerId, router);
    }
    return router;
  }

  configure(routerId: string, cfg: RouterConfig): void {
    const router = this.get(routerId);
    if (cfg.devices !== undefined) {
      router.devices = cfg.devices.map(normaliseDevice);
    } else if (cfg.deviceCount !== undefined) {
      assertDeviceCount(cfg.deviceCount, 'deviceCount');
      router.devices = generateDevices(routerId, cfg.deviceCount);
    }
    if (cfg.wifi !== undefined) {
      const radio0 = router.wifiIfaces[0];
      const { enabled, ssid, encryption, password } = cfg.wifi;
      router.wifiEnabled = enabled ?? router.wifiEnabled;
      if (radio0 !== undefined) {
        radio0.ssid = ssid ?? radio0.ssid;
        radio0.encryption = encryption ?? radio0.encryption;
        radio0.key = password ?? radio0.key;
      }
    }
  }

  snapshot(routerId: string): RouterStateSnapshot {
    const router = this.get(routerId);
    return router.snapshot(listBlocked(router));
  }
}

function normaliseDevice(device: SimDevice): SimDevice {
  return {
    ip: device.ip,
    mac: device.mac.toLowerCase(),
    hostname: device.hostname,
    vendor: device.vendor,
  };
}
