import { and, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/**
 * Keyset pagination in SQL, one implementation for every paginated list: a list
 * orders by its sort keys (the last one unique, the tiebreaker), a page is
 * `WHERE (keys) > (the previous page's last keys) ORDER BY keys LIMIT n`, and each
 * row carries its keys (`sortKeys`) so the service can make the next cursor.
 * Keys are never null (a nullable column sorts through an `is null` flag and a
 * coalesced value), so comparisons never meet a NULL.
 */

/**
 * The type of one sort key, as the cursor carries it and SQL casts it back:
 * times as ISO 8601 with microseconds (PostgreSQL keeps microseconds that a
 * JavaScript Date would drop, which would skip or repeat rows at page boundaries).
 */
export type KeyType = 'timestamp' | 'uuid' | 'text' | 'inet' | 'macaddr' | 'bool';

/** A key value as it travels in a cursor. */
export type KeyValue = string | boolean;

/** What a repository is asked: `limit` rows after these keys (null: from the start). */
export interface KeysetPage {
  limit: number;
  after: readonly KeyValue[] | null;
}

/**
 * A row of a paginated query: its sort keys beside its fields, as the JSON text
 * of an array. Left as text: only the last row's keys become a cursor, so no row
 * is parsed (the same on node-postgres and PGlite, whatever their JSON parsers).
 */
export interface Keyed {
  sortKeys: string;
}

/** One sort key: an expression that is never null, its type, its direction. */
export interface SortKey {
  expr: SQLWrapper;
  type: KeyType;
  desc?: boolean;
}

/** A list's order: its name (a cursor of another order is refused), key types and keys. */
export interface Keyset {
  name: string;
  types: readonly KeyType[];
  keys: readonly SortKey[];
}

export function keyset(name: string, keys: readonly SortKey[]): Keyset {
  return { name, types: keys.map((k) => k.type), keys };
}

const CAST: Record<KeyType, string> = {
  timestamp: 'timestamptz',
  uuid: 'uuid',
  text: 'text',
  inet: 'inet',
  macaddr: 'macaddr',
  bool: 'boolean',
};

function textOf(key: SortKey): SQL {
  switch (key.type) {
    case 'timestamp':
      return sql`to_char(${key.expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    case 'inet':
      return sql`host(${key.expr})`;
    case 'uuid':
    case 'macaddr':
      return sql`(${key.expr})::text`;
    case 'text':
    case 'bool':
      return sql`${key.expr}`;
  }
}

/** The `sortKeys` column of a paginated select: the row's keys, as the cursor will carry them. */
export function sortKeysOf(set: Keyset) {
  return sql<string>`json_build_array(${sql.join(set.keys.map(textOf), sql`, `)})::text`;
}

/** The ORDER BY of a keyset. */
export function orderOf(set: Keyset): SQL[] {
  return set.keys.map((k) => (k.desc ? sql`${k.expr} desc` : sql`${k.expr} asc`));
}

function valueOf(key: SortKey, value: KeyValue): SQL {
  return sql`${value}::${sql.raw(CAST[key.type])}`;
}

/**
 * The WHERE condition of the page after `after` (undefined for the first page).
 * One direction for every key is a row comparison, which an index on the keys
 * serves; mixed directions expand to `k1 > v1 or (k1 = v1 and k2 < v2) …`.
 */
export function afterKeys(set: Keyset, after: readonly KeyValue[] | null): SQL | undefined {
  if (after === null) {
    return undefined;
  }
  const { keys } = set;
  const values = keys.map((k, i) => valueOf(k, after[i]!));
  const desc = keys[0]!.desc === true;
  if (keys.every((k) => (k.desc === true) === desc)) {
    const left = sql.join(
      keys.map((k) => sql`${k.expr}`),
      sql`, `,
    );
    return sql`(${left}) ${sql.raw(desc ? '<' : '>')} (${sql.join(values, sql`, `)})`;
  }
  return or(
    ...keys.map((key, i) =>
      and(
        ...keys.slice(0, i).map((k, j) => sql`${k.expr} = ${values[j]}`),
        sql`${key.expr} ${sql.raw(key.desc ? '<' : '>')} ${values[i]}`,
      ),
    ),
  );
}
