/**
 * The health blueprint's validation reports (§1.2.1), rendered from a simulated
 * router's tc and iptables state as plausible command output.
 */
import type { ListKind, RouterSim } from './router-sim.js';

const INTERFACES = ['br-lan', 'eth0', 'eth1', 'wlan0', 'wlan1'];
const CHAIN_NAMES: Record<ListKind, string> = {
  whitelist: 'NETPILOT_WHITELIST',
  blacklist: 'NETPILOT_BLACKLIST',
};
const MARKS: Record<ListKind, string> = { whitelist: '0x1', blacklist: '0x2' };

function tcRate(rate: string): string {
  return rate.replace(/mbit$/, 'Mbit');
}

function tcClasses(router: RouterSim): string {
  const { rates, active_mode: mode } = router.state;
  // In blacklist mode tc uses whitelist_full as the unlimited class (§1.2.5).
  const limited = mode === 'blacklist' ? rates.blacklist_limited : rates.whitelist_limited;
  return [
    `class htb 1:1 root rate ${tcRate(rates.whitelist_full)} ceil ${tcRate(rates.whitelist_full)} burst 1375b cburst 1375b `,
    `class htb 1:10 parent 1:1 prio 0 rate ${tcRate(rates.whitelist_full)} ceil ${tcRate(rates.whitelist_full)} burst 1375b cburst 1375b `,
    `class htb 1:20 parent 1:1 prio 0 rate ${tcRate(limited)} ceil ${tcRate(limited)} burst 1600b cburst 1600b `,
    '',
  ].join('\n');
}

function chainListing(router: RouterSim, kind: ListKind): string {
  const rules = router.chains[kind];
  if (rules === null) {
    return '';
  }
  const references = router.forwardJump === kind ? 1 : 0;
  const lines = [
    `Chain ${CHAIN_NAMES[kind]} (${references} references)`,
    'target     prot opt source               destination         ',
    ...rules.map(
      (ip) => `MARK       all  --  ${ip.padEnd(20)} 0.0.0.0/0            MARK set ${MARKS[kind]}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function builtinChain(name: string, jump: ListKind | null): string {
  const lines = [
    `Chain ${name} (policy ACCEPT)`,
    'target     prot opt source               destination         ',
  ];
  if (jump !== null) {
    lines.push(
      `${CHAIN_NAMES[jump].padEnd(10)} all  --  0.0.0.0/0            0.0.0.0/0           `,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function infrastructureReport(router: RouterSim): Record<string, unknown> {
  const tcStatus: Record<string, unknown> = {};
  for (const iface of INTERFACES) {
    tcStatus[iface] = {
      has_classes: router.infrastructureReady,
      classes_output: router.infrastructureReady ? tcClasses(router) : '',
    };
  }
  const existing = (['whitelist', 'blacklist'] as const).filter((k) => router.chains[k] !== null);
  return {
    interfaces_found: INTERFACES.length,
    interfaces: [...INTERFACES],
    tc_status: tcStatus,
    iptables_chains: {
      has_whitelist_chain: router.chains.whitelist !== null,
      has_blacklist_chain: router.chains.blacklist !== null,
      chains_output: existing.map((k) => chainListing(router, k)).join('\n'),
    },
  };
}

export function deviceChainsReport(router: RouterSim): Record<string, unknown> {
  return {
    message: 'Device chains validation completed',
    details: {
      whitelist_chain: {
        exists: router.chains.whitelist !== null,
        rules_output: chainListing(router, 'whitelist'),
        // Searches for a string `iptables -L` never prints: always false (§1.2.1).
        has_default_rule: false,
      },
      blacklist_chain: {
        exists: router.chains.blacklist !== null,
        rules_output: chainListing(router, 'blacklist'),
      },
    },
  };
}

function jumpReport(output: string, jump: ListKind | null): Record<string, unknown> {
  return {
    has_whitelist_jump: jump === 'whitelist',
    has_blacklist_jump: jump === 'blacklist',
    rules_output: output,
  };
}

export function modeActivationReport(router: RouterSim): Record<string, unknown> {
  const jump = router.forwardJump === 'none' ? null : router.forwardJump;
  return {
    message: 'Mode activation validation completed',
    details: {
      // Derived from PREROUTING while activation jumps from FORWARD: reports `none`
      // even while a mode is active (§1.2.1).
      active_mode: { mode: 'none', error: null },
      prerouting_rules: jumpReport(builtinChain('PREROUTING', null), null),
      postrouting_rules: jumpReport(builtinChain('POSTROUTING', null), null),
      forward_rules: jumpReport(builtinChain('FORWARD', jump), jump),
    },
  };
}
