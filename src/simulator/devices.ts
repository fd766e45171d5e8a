/**
 * Deterministic LAN devices of a simulated router, derived from a hash of the routerId,
 * so the same id always shows the same network.
 */
import { createHash } from 'node:crypto';
import type { SimDevice } from './types.js';

/** 250 hosts per /24 (x.2 … x.251), third octet 1 … 255. */
export const MAX_DEVICES = 255 * 250;

const HOSTNAMES = [
  'pixel-7',
  'iphone-13',
  'macbook-pro',
  'galaxy-s23',
  'ipad-air',
  'desktop-pc',
  'chromecast',
  'echo-dot',
  'roku-tv',
  'thinkpad-x1',
  'surface-pro',
  'ps5',
  'xbox-series-x',
  'nest-hub',
  'hp-printer',
  'raspberrypi',
  'living-room-tv',
  'kindle',
];

const VENDORS = [
  'Apple, Inc.',
  'Samsung Electronics Co.,Ltd',
  'Google, Inc.',
  'Intel Corporate',
  'Amazon Technologies Inc.',
  'Sony Interactive Entertainment Inc.',
  'Microsoft Corporation',
  'Raspberry Pi Trading Ltd',
  'HP Inc.',
  'Xiaomi Communications Co Ltd',
  'TP-LINK TECHNOLOGIES CO.,LTD.',
  'LG Electronics (Mobile Communications)',
];

/** SHA-256 of the parts; the source of every deterministic value in the simulator. */
export function hashOf(...parts: string[]): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest();
}

/** A uniform number in [0, 1) from the k-th 32-bit word of a hash. */
export function uniform(hash: Buffer, k: number): number {
  return hash.readUInt32BE((k * 4) % (hash.length - 3)) / 2 ** 32;
}

/** 192.168.1.2 … 192.168.1.251, then 192.168.2.2 …: 192.168.(1+⌊i/250⌋).(2+i%250). */
export function deviceIp(index: number): string {
  return `192.168.${1 + Math.floor(index / 250)}.${2 + (index % 250)}`;
}

export function generateDevice(routerId: string, index: number): SimDevice {
  const hash = hashOf(routerId, String(index), 'device');
  const bytes = [...hash.subarray(0, 6)];
  // Unicast, locally administered, like the randomised MACs phones use.
  bytes[0] = ((bytes[0] ?? 0) & 0xfc) | 0x02;
  const mac = bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
  const hostPick = hash[6] ?? 0;
  const vendorPick = hash[7] ?? 0;
  return {
    ip: deviceIp(index),
    mac,
    hostname:
      hostPick % 4 === 0 ? 'Unknown' : (HOSTNAMES[hostPick % HOSTNAMES.length] ?? 'Unknown'),
    vendor:
      vendorPick % 5 === 0
        ? 'Unknown Vendor'
        : (VENDORS[vendorPick % VENDORS.length] ?? 'Unknown Vendor'),
  };
}

export function generateDevices(routerId: string, count: number): SimDevice[] {
  const devices: SimDevice[] = [];
  for (let i = 0; i < count; i += 1) {
    devices.push(generateDevice(routerId, i));
  }
  return devices;
}

export function assertDeviceCount(count: number, what: string): void {
  if (!Number.isInteger(count) || count < 0 || count > MAX_DEVICES) {
    throw new RangeError(`${what} must be an integer between 0 and ${MAX_DEVICES}, got ${count}`);
  }
}
