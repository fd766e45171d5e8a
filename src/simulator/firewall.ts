/**
 * The network blueprint's services (§1.2.3): scan, block, unblock, reset and the
 * blocked list, over the router's ARP table, DHCP leases and uci firewall rules.
 */
import { CommandError, type RouterSim } from './router-sim.js';
import type { SimDevice } from './types.js';

const BLOCK_PREFIX = 'Block-';

export function scanNetwork(router: RouterSim): SimDevice[] {
  return router.devices.map((d) => ({
    ip: d.ip,
    mac: d.mac.toLowerCase(),
    hostname: d.hostname,
    vendor: d.vendor,
  }));
}

/**
 * The real lookup greps the ARP table, then the DHCP leases, for the ip as a plain
 * substring of the whole line, so `192.168.1.1` finds `192.168.1.10` when it comes
 * first, and the ip is never validated (§1.2.3, §5.10).
 */
export function findMacForIp(router: RouterSim, ip: string): string | undefined {
  const arpHit = router.arpLines().find((line) => line.includes(ip));
  if (arpHit !== undefined) {
    return arpHit.split(/\s+/)[2];
  }
  const leaseHit = router.leaseLines().find((line) => line.includes(ip));
  return leaseHit?.split(/\s+/)[1];
}

function ruleName(mac: string): string {
  return `${BLOCK_PREFIX}${mac.replace(/:/g, '-')}`;
}

export function blockDevice(router: RouterSim, ip: string): string {
  const mac = findMacForIp(router, ip);
  if (mac === undefined) {
    throw new CommandError(`Could not find MAC address for IP ${ip}`);
  }
  const name = ruleName(mac);
  // Simplification: blocking an already-blocked MAC does not add a second rule.
  if (!router.firewall.some((rule) => rule.name === name)) {
    router.firewall.push({ name, srcMac: mac });
  }
  return `Successfully blocked IP ${ip} (MAC: ${mac})`;
}

export function unblockDevice(router: RouterSim, ip: string, realUciBugs: boolean): string {
  const mac = findMacForIp(router, ip);
  if (mac === undefined) {
    throw new CommandError(`Could not find MAC address for IP ${ip}`);
  }
  const name = ruleName(mac);
  const index = router.firewall.findIndex((rule) => rule.name === name);
  if (index < 0) {
    throw new CommandError(`Block rule for IP ${ip} (MAC: ${mac}) not found`);
  }
  if (realUciBugs) {
    // Real `uci show` output defeats the rule-index parser, so the delete fails (§1.2.3).
    throw new CommandError(
      `Failed to apply unblock rule: uci: Invalid argument (firewall.@rule[${name}])`,
    );
  }
  router.firewall.splice(index, 1);
  return `Successfully unblocked IP ${ip} (MAC: ${mac})`;
}

/**
 * Deletes every firewall rule with index > 5 (stock rules included: destructive by
 * design) and the Wi-Fi MAC filter. With real `uci` output the index parse throws.
 */
export function resetRules(router: RouterSim, realUciBugs: boolean): string {
  if (realUciBugs) {
    throw new CommandError('An unexpected error occurred during rule reset.');
  }
  router.firewall = router.firewall.slice(0, 6);
  return 'All firewall rules and MAC blocks have been reset.';
}

/** Built from the `Block-<mac>` rule names; ip is "N/A" when the MAC is not in ARP. */
export function listBlocked(router: RouterSim): { mac: string; ip: string }[] {
  return router.firewall
    .filter((rule) => rule.name.startsWith(BLOCK_PREFIX))
    .map((rule) => {
      const mac = rule.name.slice(BLOCK_PREFIX.length).replace(/-/g, ':');
      const device = router.devices.find((d) => d.mac.toLowerCase() === mac);
      return { mac, ip: device?.ip ?? 'N/A' };
    });
}
