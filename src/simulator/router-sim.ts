/**
 * One simulated OpenWrt router: its LAN, the NetPilot state file (§1.2.5), the
 * iptables chains and jumps, the uci firewall rules, Wi-Fi and the infrastructure flag.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { hashOf } from './devices.js';
import { floatRepr } from './python.js';
import type { ActiveMode, RouterRates, RouterStateSnapshot, SimDevice } from './types.js';

export type ListKind = 'whitelist' | 'blacklist';
export type RateKind = 'full' | 'limited';

/** A service-level failure: the route answers COMMAND_FAILED with this reason (§1.0). */
export class CommandError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CommandError';
  }
}

/** `/etc/config/netpilot_state.json` on the router. */
export interface StateFile {
  active_mode: ActiveMode;
  rates: RouterRates;
  devices: { whitelist: string[]; blacklist: string[] };
}

export interface WifiIface {
  ssid: string;
  encryption: string;
  key: string;
}

export interface FirewallRule {
  name: string;
  srcMac?: string;
}

/** OpenWrt's stock firewall rules; reset deletes by index > 5, so some of these go too. */
const DEFAULT_FIREWALL_RULES = [
  'Allow-DHCP-Renew',
  'Allow-Ping',
  'Allow-IGMP',
  'Allow-DHCPv6',
  'Allow-MLD',
  'Allow-ICMPv6-Input',
  'Allow-ICMPv6-Forward',
  'Allow-IPSec-ESP',
  'Allow-ISAKMP',
];

/**
 * Time between the real service's read of the state file and its write-back (an SSH
 * round trip). It takes no lock in between (contract §3, "Races"), so concurrent list,
 * rate and mode changes of one router lose updates; the gap keeps that true here.
 */
export const STATE_FILE_ROUND_TRIP_MS = 2;

export function defaultStateFile(): StateFile {
  return {
    active_mode: 'none',
    rates: {
      whitelist_full: '1000mbit',
      whitelist_limited: '50mbit',
      blacklist_full: '1000mbit',
      blacklist_limited: '50mbit',
    },
    devices: { whitelist: [], blacklist: [] },
  };
}

export function capitalise(kind: ListKind): string {
  return kind === 'whitelist' ? 'Whitelist' : 'Blacklist';
}

export class RouterSim {
  devices: SimDevice[];
  state: StateFile = defaultStateFile();
  wifiEnabled = true;
  /** `wireless.@wifi-iface[N]`; every command targets index 0 except GET ssid (§1.2.4). */
  readonly wifiIfaces: WifiIface[];
  firewall: FirewallRule[] = DEFAULT_FIREWALL_RULES.map((name) => ({ name }));
  /** Where the mode jump really sits: FORWARD (§1.2.1). */
  forwardJump: ActiveMode = 'none';
  /** Mangle chains: null when the chain does not exist; otherwise the IPs with a rule. */
  chains: Record<ListKind, string[] | null> = { whitelist: null, blacklist: null };
  infrastructureReady = false;
  infrastructureSetups = 0;

  constructor(
    readonly id: string,
    devices: SimDevice[],
  ) {
    this.devices = devices;
    const key = `netpilot-${hashOf(id, 'wifi').toString('hex').slice(0, 8)}`;
    this.wifiIfaces = [
      { ssid: 'OpenWrt', encryption: 'psk2', key },
      { ssid: 'OpenWrt', encryption: 'psk2', key },
    ];
  }

  /** Start's step (d): tc classes, both mangle chains, state file, nlbwmon backups. */
  setUpInfrastructure(): void {
    this.infrastructureReady = true;
    this.infrastructureSetups += 1;
    this.chains.whitelist ??= [];
    this.chains.blacklist ??= [];
  }

  /**
   * Runs a change of the state file as the real service does: read it, wait for the
   * round trip, apply the change to the copy that was read and write that copy back
   * whole. Two concurrent changes start from the same read, so one of them is lost.
   */
  async rewriteStateFile<T>(change: () => T): Promise<T> {
    const read = structuredClone(this.state);
    await delay(STATE_FILE_ROUND_TRIP_MS);
    this.state = read;
    return change();
  }

  addToList(kind: ListKind, ip: string): string {
    const list = this.state.devices[kind];
    if (list.includes(ip)) {
      return `Device ${ip} already in ${kind}.`;
    }
    list.push(ip);
    if (this.state.active_mode === kind) {
      (this.chains[kind] ??= []).push(ip);
    }
    return `Device ${ip} added to ${kind}.`;
  }

  removeFromList(kind: ListKind, ip: string): string {
    const list = this.state.devices[kind];
    const index = list.indexOf(ip);
    if (index < 0) {
      return `Device ${ip} not in ${kind}.`;
    }
    list.splice(index, 1);
    const chain = this.chains[kind];
    if (chain) {
      this.chains[kind] = chain.filter((entry) => entry !== ip);
    }
    return `Device ${ip} removed from ${kind}.`;
  }

  /**
   * Stores a validated rate. The whitelist writes integral values without a decimal
   * (`"50mbit"`), the blacklist always the float form (`"50.0mbit"`); NaN and infinity
   * come out as Python prints them (§1.2.5, §5.11).
   */
  setRate(kind: ListKind, which: RateKind, mbps: number): void {
    const text =
      kind === 'whitelist' && Number.isInteger(mbps) ? BigInt(mbps).toString() : floatRepr(mbps);
    this.state.rates[`${kind}_${which}`] = `${text}mbit`;
  }

  /** Activation checks the state file only, and tears down the other mode first. */
  activateMode(kind: ListKind): string {
    if (this.state.active_mode === kind) {
      return `${capitalise(kind)} mode is already active.`;
    }
    if (this.state.active_mode !== 'none') {
      this.flushChain(this.state.active_mode);
    }
    this.chains[kind] = [...this.state.devices[kind]];
    this.forwardJump = kind;
    this.state.active_mode = kind;
    return `${capitalise(kind)} mode activated.`;
  }

  /**
   * Deactivation only checks for `none`, so DELETE on either list's mode route turns off
   * whichever mode is active (§1.2.5). The message names the route's own list.
   */
  deactivateMode(routeKind: ListKind): string {
    if (this.state.active_mode === 'none') {
      return 'Modes are already inactive.';
    }
    this.flushChain(this.state.active_mode);
    this.forwardJump = 'none';
    this.state.active_mode = 'none';
    return `${capitalise(routeKind)} mode deactivated.`;
  }

  /** /deactivate-all-modes: jumps removed, chains flushed, state file untouched (§1.2.1). */
  deactivateAllModes(): void {
    this.flushChain('whitelist');
    this.flushChain('blacklist');
    this.forwardJump = 'none';
  }

  private flushChain(kind: ListKind): void {
    if (this.chains[kind] !== null) {
      this.chains[kind] = [];
    }
  }

  /** The ARP table (net-tools `arp -n` lines on br-lan). */
  arpLines(): string[] {
    return this.devices.map(
      (d) => `${d.ip.padEnd(25)}ether   ${d.mac}   C                     br-lan`,
    );
  }

  /** `/tmp/dhcp.leases` lines: expiry, MAC, IP, hostname, client id. */
  leaseLines(): string[] {
    return this.devices.map(
      (d, i) =>
        `${1735689600 + i * 60} ${d.mac} ${d.ip} ${d.hostname === 'Unknown' ? '*' : d.hostname} 01:${d.mac}`,
    );
  }

  snapshot(blocked: { mac: string; ip: string }[]): RouterStateSnapshot {
    const radio0 = this.wifiIfaces[0];
    return {
      activeMode: this.state.active_mode,
      rates: { ...this.state.rates },
      whitelist: [...this.state.devices.whitelist],
      blacklist: [...this.state.devices.blacklist],
      blocked,
      wifi: {
        enabled: this.wifiEnabled,
        ssid: radio0?.ssid ?? 'Unknown',
        encryption: radio0?.encryption ?? 'Unknown',
        password: radio0?.key ?? '',
      },
      devices: this.devices.map((d) => ({ ...d })),
      infrastructureReady: this.infrastructureReady,
    };
  }
}
