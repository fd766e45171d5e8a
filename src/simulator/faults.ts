/**
 * Fault injection: specs registered by tests, matched against each request before the
 * normal handling. The first matching fault applies; `probability` draws from a seeded
 * generator so a run is reproducible.
 */
import { pyStr } from './python.js';
import type { FaultKind, FaultSpec } from './types.js';

interface StoredFault {
  id: string;
  spec: FaultSpec;
  remaining: number | undefined;
}

export interface FaultTarget {
  method: string;
  path: string;
  routerId: unknown;
}

/** mulberry32: tiny deterministic PRNG. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultRegistry {
  private faults: StoredFault[] = [];
  private sequence = 0;
  private readonly random = seededRandom(0x5eed);

  inject(spec: FaultSpec): string {
    validateFaultSpec(spec);
    this.sequence += 1;
    const id = `fault-${this.sequence}`;
    this.faults.push({ id, spec, remaining: spec.times });
    return id;
  }

  remove(id: string): void {
    this.faults = this.faults.filter((f) => f.id !== id);
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault to apply to this request, consuming one of its `times`. */
  pick(target: FaultTarget): FaultKind | undefined {
    for (const stored of this.faults) {
      if (!matches(stored.spec, target)) {
        continue;
      }
      const probability = stored.spec.probability ?? 1;
      if (probability < 1 && this.random() >= probability) {
        continue;
      }
      if (stored.remaining !== undefined) {
        stored.remaining -= 1;
        if (stored.remaining <= 0) {
          this.remove(stored.id);
        }
      }
      return stored.spec.fault;
    }
    return undefined;
  }
}

function matches(spec: FaultSpec, target: FaultTarget): boolean {
  const match = spec.match;
  if (match === undefined) {
    return true;
  }
  if (match.method !== undefined && match.method.toUpperCase() !== target.method) {
    return false;
  }
  if (typeof match.path === 'string' && match.path !== target.path) {
    return false;
  }
  if (match.path instanceof RegExp) {
    match.path.lastIndex = 0;
    if (!match.path.test(target.path)) {
      return false;
    }
  }
  if (match.routerId !== undefined) {
    return target.routerId !== null && pyStr(target.routerId) === match.routerId;
  }
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkFault(fault: unknown): FaultKind {
  if (!isRecord(fault) || typeof fault.kind !== 'string') {
    throw new TypeError('fault.kind is required');
  }
  switch (fault.kind) {
    case 'latency':
      if (typeof fault.ms !== 'number' || !(fault.ms >= 0)) {
        throw new TypeError('latency fault needs ms >= 0');
      }
      return { kind: 'latency', ms: fault.ms };
    case 'error':
      if (
        typeof fault.status !== 'number' ||
        !Number.isInteger(fault.status) ||
        fault.status < 200 ||
        fault.status > 599 ||
        typeof fault.code !== 'string' ||
        typeof fault.message !== 'string'
      ) {
        throw new TypeError('error fault needs status (200-599), code and message');
      }
      return { kind: 'error', status: fault.status, code: fault.code, message: fault.message };
    case 'timeout':
    case 'html500':
    case 'invalidJson':
    case 'drop':
    case 'badShape':
    case 'restart':
      return { kind: fault.kind };
    default:
      throw new TypeError(`unknown fault kind: ${fault.kind}`);
  }
}

/** Throws a TypeError describing the first problem of an invalid spec. */
export function validateFaultSpec(spec: FaultSpec): void {
  checkFault(spec.fault);
  if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times < 1)) {
    throw new TypeError('times must be a positive integer');
  }
  if (spec.probability !== undefined && !(spec.probability >= 0 && spec.probability <= 1)) {
    throw new TypeError('probability must be between 0 and 1');
  }
}

/**
 * A FaultSpec from the admin route's JSON, where `match.path` is a string or
 * `{ "regex": "...", "flags": "..." }`.
 */
export function faultSpecFromJson(json: unknown): FaultSpec {
  if (!isRecord(json)) {
    throw new TypeError('body must be a JSON object');
  }
  const spec: FaultSpec = { fault: checkFault(json.fault) };
  if (json.match !== undefined) {
    if (!isRecord(json.match)) {
      throw new TypeError('match must be an object');
    }
    const { method, path, routerId } = json.match;
    spec.match = {};
    if (typeof method === 'string') {
      spec.match.method = method;
    }
    if (typeof routerId === 'string') {
      spec.match.routerId = routerId;
    }
    if (typeof path === 'string') {
      spec.match.path = path;
    } else if (isRecord(path) && typeof path.regex === 'string') {
      spec.match.path = new RegExp(path.regex, typeof path.flags === 'string' ? path.flags : '');
    } else if (path !== undefined) {
      throw new TypeError('match.path must be a string or {regex}');
    }
  }
  if (typeof json.times === 'number') {
    spec.times = json.times;
  }
  if (typeof json.probability === 'number') {
    spec.probability = json.probability;
  }
  validateFaultSpec(spec);
  return spec;
}
