/**
 * The response envelope of the Commands-Server (§2.1) and the internal response type
 * every handler returns.
 */
import { isoformatLocal } from './python.js';

/** What a handler answers; the server turns it into bytes. */
export type SimResponse =
  | { kind: 'envelope'; status: number; data: unknown; error: EnvelopeError | null }
  | { kind: 'raw'; status: number; headers: Record<string, string>; body: string };

export interface EnvelopeError {
  code: string;
  message: string;
}

export function ok(data: unknown): SimResponse {
  return { kind: 'envelope', status: 200, data, error: null };
}

export function fail(status: number, code: string, message: string): SimResponse {
  return { kind: 'envelope', status, data: null, error: { code, message } };
}

/** `COMMAND_FAILED` always carries the `"Command failed: <reason>"` message (§1.0). */
export function commandFailed(reason: string): SimResponse {
  return fail(500, 'COMMAND_FAILED', `Command failed: ${reason}`);
}

export interface EnvelopeMetadata {
  sessionId: unknown;
  routerId: unknown;
  timestamp: Date;
  /** Seconds. */
  executionTime: number;
}

/** The envelope body as Flask's `jsonify` writes it. */
export function envelopeBody(
  success: boolean,
  data: unknown,
  error: EnvelopeError | null,
  meta: EnvelopeMetadata,
): string {
  return pythonJson({
    success,
    data,
    // error.details is always null: no handler fills it (§2.1).
    error: error === null ? null : { code: error.code, message: error.message, details: null },
    metadata: {
      sessionId: meta.sessionId ?? null,
      routerId: meta.routerId ?? null,
      timestamp: isoformatLocal(meta.timestamp),
      executionTime: meta.executionTime,
    },
  });
}

/**
 * JSON as Flask's default provider writes it: keys sorted at every level, compact
 * separators, non-ASCII escaped (`ensure_ascii`), NaN/Infinity as Python spells them,
 * and a trailing newline.
 */
export function pythonJson(value: unknown): string {
  return `${serialize(value)}\n`;
}

function serialize(value: unknown): string {
  if (value === null || value === undefined) {
    return 'null';
  }
  if (typeof value === 'string') {
    return escapeNonAscii(JSON.stringify(value));
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) {
      return 'NaN';
    }
    if (!Number.isFinite(value)) {
      return value > 0 ? 'Infinity' : '-Infinity';
    }
    return JSON.stringify(value);
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  if (Array.isArray(value)) {
    return `[${value.map(serialize).join(',')}]`;
  }
  if (value instanceof Date) {
    return serialize(value.toISOString());
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${escapeNonAscii(JSON.stringify(k))}:${serialize(record[k])}`).join(',')}}`;
  }
  return 'null';
}

function escapeNonAscii(json: string): string {
  return json.replace(
    /[\u0080-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
