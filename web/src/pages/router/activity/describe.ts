import type { Schemas } from '../../../api/client';

export type ActivityEvent = Schemas['ActivityEvent'];

/** Kinds of action people filter by: a label and the operations it covers. */
export const KINDS: readonly { value: string; label: string; test: (op: string) => boolean }[] = [
  {
    value: 'scan',
    label: 'Scans and device names',
    test: (op) => /^(network\.scan|device\.)/.test(op),
  },
  { value: 'block', label: 'Blocking', test: (op) => /^network\.(un)?block$/.test(op) },
  {
    value: 'lists',
    label: 'Whitelist and blacklist',
    test: (op) => /^(white|black)list\./.test(op),
  },
  { value: 'wifi', label: 'Wi-Fi', test: (op) => op.startsWith('wifi.') },
  {
    value: 'router',
    label: 'Router and members',
    test: (op) => op.startsWith('router.') || op.startsWith('invitation.'),
  },
];

export function kindOf(operation: string): string {
  return KINDS.find((k) => k.test(operation))?.value ?? 'other';
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function count(value: unknown, one: string, many: string): string {
  const n = typeof value === 'number' ? value : 0;
  return `${n} ${n === 1 ? one : many}`;
}

type Params = Record<string, unknown>;

function mbps(value: unknown): string {
  return typeof value === 'number' ? String(value) : '?';
}

const LIST_PHRASES: Record<string, (list: string, p: Params, r: Params) => string> = {
  add: (list, p) => `Added ${text(p.ip) ?? 'an address'} to the ${list}`,
  remove: (list, p) => `Removed ${text(p.ip) ?? 'an address'} from the ${list}`,
  activateMode: (list, _p, r) =>
    `Turned on ${list} mode${text(r.switchedOff) ? ` (${text(r.switchedOff)} mode switched off)` : ''}`,
  deactivateMode: (list) => `Turned off ${list} mode`,
  setRates: (list) => `Changed the ${list}’s speeds`,
  limitRate: (list, p) => `Set the ${list}’s limited speed to ${mbps(p.mbps)} Mbit/s`,
  fullRate: (list, p) => `Set the ${list}’s full speed to ${mbps(p.mbps)} Mbit/s`,
};

const PHRASES: Record<string, (p: Params, r: Params) => string> = {
  'network.scan': (_p, r) =>
    'found' in r
      ? `Scanned the network: ${count(r.found, 'device', 'devices')} found, ${count(r.new, 'new one', 'new')}`
      : 'Scanned the network',
  'network.block': (p) => `Blocked the device at ${text(p.ip) ?? 'an address'}`,
  'network.unblock': (p) => `Unblocked the device at ${text(p.ip) ?? 'an address'}`,
  'device.rename': (p) =>
    text(p.name) ? `Named a device “${text(p.name)}”` : 'Cleared a device’s name',
  'wifi.setSsid': (p) => `Renamed the Wi-Fi network to “${text(p.ssid) ?? '?'}”`,
  'wifi.setPassword': () => 'Changed the Wi-Fi password',
  'wifi.enable': () => 'Turned the Wi-Fi on',
  'wifi.disable': () => 'Turned the Wi-Fi off',
  'router.add': (p) => `Added the router as “${text(p.name) ?? '?'}”`,
  'router.rename': (p) =>
    `Renamed the router from “${text(p.previousName) ?? '?'}” to “${text(p.name) ?? '?'}”`,
  'router.delete': (p) => `Removed the router “${text(p.name) ?? '?'}” from NetPilot`,
  'router.leave': () => 'Left the router',
  'router.invite': (p) =>
    `${p.renewed === true ? 'Renewed the invitation of' : 'Invited'} ${text(p.email) ?? 'someone'}`,
  'router.invitation_revoke': (p) => `Revoked the invitation of ${text(p.email) ?? 'someone'}`,
  'router.member.remove': () => 'Removed a member',
  'router.ownerOnly': () => 'Tried an action only the owner may do',
  'invitation.accept': () => 'Accepted an invitation and joined',
  'invitation.decline': () => 'Declined an invitation',
};

/** What an event did, as a phrase: "Scanned the network: 12 devices found, 3 new". */
export function describeAction(event: ActivityEvent): string {
  const params = event.params ?? {};
  const result = event.result ?? {};
  const phrase = PHRASES[event.operation];
  if (phrase) {
    return phrase(params, result);
  }
  const [list, action] = event.operation.split('.');
  const listPhrase = action ? LIST_PHRASES[action] : undefined;
  if ((list === 'whitelist' || list === 'blacklist') && listPhrase) {
    return listPhrase(list, params, result);
  }
  return event.operation;
}
