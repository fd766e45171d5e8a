import { ValidationError } from '../errors.js';
import type { Keyed, KeysetPage, KeyType, KeyValue, Keyset } from '../repositories/keyset.js';

/**
 * Cursor pagination shared by every collection (issue #13, "One list shape"):
 * each list answers `{ items, nextCursor }`, `limit` rows at a time, and the
 * next page starts after the last row's sort keys. Keyset, never offset, so a
 * page stays cheap however deep it is and rows inserted meanwhile neither shift
 * nor repeat the rows after them.
 */

export const PAGE_DEFAULT_LIMIT = 100;
export const PAGE_MAX_LIMIT = 500;

/** What a client asks: `?limit=&cursor=` (both validated by the route schema). */
export interface PageQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** One page of a collection. */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** A sort order as the cursor codec sees it: its name and key types. */
export type KeysetShape = Pick<Keyset, 'name' | 'types'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const MAX_TEXT_KEY = 1000;

/**
 * A real instant: the date must survive a round trip, since JavaScript reads
 * 2026-02-30 as 2 March where PostgreSQL's cast would fail (a 500, not a 400).
 */
function isInstant(v: string): boolean {
  const ms = Date.parse(v);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === v.slice(0, 19);
}

const isKey: Record<KeyType, (v: unknown) => boolean> = {
  timestamp: (v) => typeof v === 'string' && TIMESTAMP.test(v) && isInstant(v),
  uuid: (v) => typeof v === 'string' && UUID.test(v),
  // PostgreSQL text cannot hold NUL.
  text: (v) => typeof v === 'string' && v.length <= MAX_TEXT_KEY && !v.includes('\u0000'),
  inet: (v) => typeof v === 'string' && IPV4.test(v),
  macaddr: (v) => typeof v === 'string' && MAC.test(v),
  bool: (v) => typeof v === 'boolean',
};

/**
 * base64url of `{"k": shape name, "v": key values}`, the values as the JSON text
 * the database wrote (Keyed): opaque to clients, so the keys may change.
 */
function encodeCursor(shape: KeysetShape, sortKeys: string): string {
  const json = `{"k":${JSON.stringify(shape.name)},"v":${sortKeys}}`;
  return Buffer.from(json, 'utf8').toString('base64url');
}

function refuse(): never {
  throw new ValidationError({
    field: 'querystring.cursor',
    message:
      'is not a cursor of this list in this order: pass nextCursor exactly as the previous page answered it, with the same sort and order',
  });
}

function parse(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return refuse();
  }
}

/**
 * The key values of a cursor made by {@link encodeCursor} for the same shape;
 * anything else (garbled, forged, another list's or another sort's) is 400
 * VALIDATION_FAILED, before any query runs.
 */
function decodeCursor(cursor: string, shape: KeysetShape): KeyValue[] {
  const decoded = parse(cursor) as { k?: unknown; v?: unknown } | null;
  const values = decoded?.v;
  if (
    typeof decoded !== 'object' ||
    decoded?.k !== shape.name ||
    !Array.isArray(values) ||
    values.length !== shape.types.length ||
    !shape.types.every((type, i) => isKey[type](values[i]))
  ) {
    return refuse();
  }
  return values as KeyValue[];
}

/**
 * One page of a collection: decodes the cursor, asks `fetch` for `limit + 1`
 * rows after it (the extra row only says whether another page exists), and
 * answers the first `limit` rows through `view` with the cursor of the last.
 */
export async function paginate<Row, Item>(
  shape: KeysetShape,
  query: PageQuery,
  fetch: (page: KeysetPage) => Promise<(Row & Keyed)[]>,
  view: (row: Row) => Item,
): Promise<Page<Item>> {
  const limit = query.limit ?? PAGE_DEFAULT_LIMIT;
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, shape);
  const rows = await fetch({ limit: limit + 1, after });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor(shape, last.sortKeys) : null,
  };
}
