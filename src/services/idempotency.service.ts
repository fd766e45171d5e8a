import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { IdempotencyKeysRepository } from '../repositories/idempotency-keys.repository.js';

/** How long a key and its answer are kept; after that the key may be used again. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A key still in flight after this long belongs to a request that will never finish (the
 * process died): it is taken over rather than answering 409 for a day.
 */
const STALE_IN_FLIGHT_MS = 10 * 60 * 1000;

/** 1 to 255 printable ASCII characters (space to tilde). */
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** What to do with a request carrying a key. */
export type IdempotencyDecision =
  { kind: 'run'; id: string } | { kind: 'replay'; statusCode: number; body: string };

/** JSON with object keys sorted, so that key order does not change the hash. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Hex SHA-256 of the method, the path with its parameters (and query) and the canonical body. */
export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method}\n${url}\n${canonicalJson(body ?? null)}`)
    .digest('hex');
}

/**
 * Which answers are kept for a retry: successes, and client errors that the same request
 * would get again. Not kept, so that a retry runs again: 401 (the caller may log in
 * again), 408, 409 (a conflict may clear) and 429 (wait and retry), and every 5xx —
 * a router that failed or timed out (502/503/504) or a server error must be tried again.
 */
export function isKeptStatus(status: number): boolean {
  if (status >= 200 && status < 300) {
    return true;
  }
  return status >= 400 && status < 500 && ![401, 408, 409, 429].includes(status);
}

/**
 * Idempotency keys on POST (the plugin in src/plugins/idempotency.plugin.ts applies them):
 * the first request with a key runs and its answer is stored; a retry with the same
 * key and the same request gets that answer again; the same key with another request
 * is 422 IDEMPOTENCY_KEY_REUSED; a retry while the first is in flight is 409
 * IDEMPOTENCY_KEY_IN_FLIGHT. Keys are per user and kept 24 h.
 */
export class IdempotencyService {
  constructor(
    private readonly keys: IdempotencyKeysRepository,
    private readonly clock: Clock,
  ) {}

  /** 400 VALIDATION_FAILED unless the header is 1-255 printable ASCII characters. */
  parseKey(raw: string | string[] | undefined): string | null {
    if (raw === undefined) {
      return null;
    }
    if (typeof raw !== 'string' || !KEY_PATTERN.test(raw)) {
      const field = 'headers.idempotency-key';
      const message = 'must be one value of 1 to 255 printable ASCII characters';
      throw new AppError('VALIDATION_FAILED', `${field}: ${message}`, {
        details: { fields: [{ field, message }] },
      });
    }
    return raw;
  }

  /** Claims the key for this request, or says which answer to replay; 409/422 otherwise. */
  async begin(userId: string, key: string, hash: string): Promise<IdempotencyDecision> {
    const now = this.clock.now();
    const claim = await this.keys.claim(
      { userId, key, requestHash: hash, now },
      {
        expiredBefore: new Date(now.getTime() - IDEMPOTENCY_TTL_MS),
        staleBefore: new Date(now.getTime() - STALE_IN_FLIGHT_MS),
      },
    );
    if ('claimed' in claim) {
      return { kind: 'run', id: claim.claimed };
    }
    const row = claim.existing;
    if (row !== null && row.requestHash !== hash) {
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used for another request in the last 24 hours; use a new key for a new request.',
      );
    }
    if (!row || row.statusCode === null || row.responseBody === null) {
      throw new AppError(
        'IDEMPOTENCY_KEY_IN_FLIGHT',
        'The first request with this Idempotency-Key is still running; retry once it has answered.',
      );
    }
    return { kind: 'replay', statusCode: row.statusCode, body: row.responseBody };
  }

  /** Keeps the answer of a claimed key, or frees the key when the answer is not kept. */
  async finish(id: string, statusCode: number, body: string): Promise<void> {
    if (isKeptStatus(statusCode)) {
      await this.keys.complete(id, statusCode, body);
    } else {
      await this.keys.release(id);
    }
  }

  /** Frees a claimed key (its answer could not be stored). */
  async abandon(id: string): Promise<void> {
    await this.keys.release(id);
  }

  /** Deletes keys older than 24 h (the session sweeper calls it); answers how many. */
  deleteExpired(): Promise<number> {
    return this.keys.deleteExpired(new Date(this.clock.now().getTime() - IDEMPOTENCY_TTL_MS));
  }
}
