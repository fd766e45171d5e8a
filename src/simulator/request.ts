/**
 * A received request, with the body read once and parsed lazily the way Flask's
 * `request.get_json()` does.
 */
import type { IncomingMessage } from 'node:http';
import { HtmlError } from './html.js';

export type JsonBody = { kind: 'valid'; value: unknown } | { kind: 'invalid' };

export class SimRequest {
  readonly method: string;
  /** Pathname as sent (percent-encoded). */
  readonly rawPath: string;
  /** Percent-decoded pathname: Werkzeug routes on the decoded PATH_INFO. */
  readonly path: string;
  /** `?…` or the empty string. */
  readonly search: string;
  readonly query: URLSearchParams;
  readonly host: string;
  /** Werkzeug's `request.is_json`: `application/json` or `application/*+json`. */
  readonly isJson: boolean;
  readonly rawBody: Buffer;
  private parsed: JsonBody | undefined;

  constructor(req: IncomingMessage, body: Buffer, fallbackHost: string) {
    this.method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://placeholder');
    this.rawPath = url.pathname;
    this.path = safeDecode(url.pathname);
    this.search = url.search;
    this.query = url.searchParams;
    this.host = req.headers.host ?? fallbackHost;
    const mimetype = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    this.isJson =
      mimetype === 'application/json' ||
      (mimetype.startsWith('application/') && mimetype.endsWith('+json'));
    this.rawBody = body;
  }

  /** The body parsed as JSON, whatever the content type (for recording and fault matching). */
  parseJson(): JsonBody {
    if (this.parsed === undefined) {
      this.parsed = parseJsonBody(this.rawBody);
    }
    return this.parsed;
  }

  /** First value of every query parameter (Werkzeug's `args.get`). */
  queryRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of this.query) {
      if (!(key in out)) {
        out[key] = value;
      }
    }
    return out;
  }

  /** The body for the call log: parsed JSON, else the raw text, else null. */
  bodyForLog(): unknown {
    if (this.rawBody.length === 0) {
      return null;
    }
    const parsed = this.parseJson();
    return parsed.kind === 'valid' ? parsed.value : this.rawBody.toString('utf8');
  }

  /**
   * The ids as the middleware reads them (§1.0): the query value when non-empty, else the
   * top-level field of a JSON body. Never throws; used before the middleware runs.
   */
  peekIds(): { sessionId: unknown; routerId: unknown } {
    const body = this.isJson ? this.parseJson() : undefined;
    const fields =
      body?.kind === 'valid' && isPlainObject(body.value) ? body.value : ({} as JsonObject);
    return {
      sessionId: nonEmpty(this.query.get('sessionId')) ?? fields.sessionId ?? null,
      routerId: nonEmpty(this.query.get('routerId')) ?? fields.routerId ?? null,
    };
  }
}

export type JsonObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function nonEmpty(value: string | null): string | undefined {
  return value === null || value === '' ? undefined : value;
}

function parseJsonBody(raw: Buffer): JsonBody {
  // Python's json.loads skips a UTF-8 BOM; JSON.parse does not.
  const text = raw.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return { kind: 'valid', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'invalid' };
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * What a handler gets from `data = request.get_json(); data.get(...)`: a non-JSON
 * content type raises 415 (Werkzeug ≥ 2.3), a malformed body 400, and a body that is
 * `null`, an array or a scalar makes `.get` raise, hence an HTML 500 (§1.0).
 */
export function readJsonObject(req: SimRequest): JsonObject {
  if (!req.isJson) {
    throw new HtmlError(415);
  }
  const body = req.parseJson();
  if (body.kind === 'invalid') {
    throw new HtmlError(400);
  }
  if (!isPlainObject(body.value)) {
    throw new HtmlError(500);
  }
  return body.value;
}
