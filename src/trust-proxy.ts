/**
 * TRUST_PROXY: which X-Forwarded-For entries name the client. A bare `true`
 * would believe the left-most entry, which the client writes itself, so it
 * could pick any address (and with it the login throttle's key and the audit
 * trail). Only what Fastify's `trustProxy` takes safely is accepted: a number
 * of proxies in front of this server, or the proxies' addresses and ranges.
 */
import { isIP } from 'node:net';
import { ParseProblem, type Parser } from './config-parsers.js';

/** Fastify's `trustProxy`: off, a hop count, or the trusted proxies' addresses and CIDR ranges. */
export type TrustProxy = false | number | string[];

const OFF = ['', 'false', 'no', 'off', '0'];
const EVERYONE = ['true', 'yes', 'on'];
const MAX_HOPS = 100;
const HOW =
  'write the number of proxies in front of this server (e.g. 1) or their addresses (e.g. 10.0.0.1,10.0.0.0/8)';

/** An IPv4 or IPv6 address, or a CIDR range of one (`10.0.0.0/8`, `fd00::/8`). */
export function isIpOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  // A zone id (fe80::1%eth0) means nothing to proxy-addr's matching.
  if (family === 0 || rest.length > 0 || address.includes('%')) {
    return false;
  }
  if (prefix === undefined) {
    return true;
  }
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

export const trustProxy: Parser<TrustProxy> = (raw) => {
  const value = raw.trim().toLowerCase();
  if (OFF.includes(value)) {
    return false;
  }
  if (EVERYONE.includes(value)) {
    throw new ParseProblem(
      `must not be "${raw.trim()}": that would trust any client's X-Forwarded-For (each client could choose its own IP); ${HOW}`,
    );
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > MAX_HOPS) {
      throw new ParseProblem(`must be a number of proxies from 0 to ${MAX_HOPS}, got ${hops}`);
    }
    return hops;
  }
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = entries.filter((entry) => !isIpOrCidr(entry));
  if (bad.length > 0) {
    throw new ParseProblem(
      `has ${bad.map((b) => `"${b}"`).join(', ')}, neither an IP address nor a CIDR range; ${HOW}`,
    );
  }
  return entries;
};

/**
 * The value for Fastify's `trustProxy` option. Fastify 5.12 ignores a bare number
 * (it fails closed: no hop is trusted), so a hop count becomes proxy-addr's own
 * hop rule as a function: the first `hops` addresses, nearest first, are proxies.
 */
export function fastifyTrustProxy(
  setting: TrustProxy,
): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') {
    return setting === 0 ? false : (_address, hop) => hop < setting;
  }
  return setting;
}
