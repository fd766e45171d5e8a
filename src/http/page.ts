import { Type, type TSchema } from 'typebox';
import { PAGE_DEFAULT_LIMIT, PAGE_MAX_LIMIT } from '../services/pagination.js';

/**
 * The query parameters of every paginated list (issue #13, "One list shape").
 * Query strings are coerced to the schema's types (see queryCoercingValidator),
 * so `limit` is an integer with its bounds in the OpenAPI document.
 */
export const pageQueryProperties = {
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: PAGE_MAX_LIMIT,
      default: PAGE_DEFAULT_LIMIT,
      description: `rows per page, 1 to ${PAGE_MAX_LIMIT} (default ${PAGE_DEFAULT_LIMIT})`,
    }),
  ),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 2000,
      pattern: '^[A-Za-z0-9_-]+$',
      description:
        'nextCursor of the previous page, exactly as answered (opaque; omit for the first page)',
    }),
  ),
};

/** `?limit=&cursor=` of a list with no other parameter. */
export const PageQuerySchema = Type.Object(pageQueryProperties, { additionalProperties: false });

/**
 * The `data` of a paginated list, `{ items, nextCursor }`, named `id` in the
 * OpenAPI document (`DevicePage`, `ActivityPage`, …).
 */
export function Page<T extends TSchema>(item: T, id: string) {
  return Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Type.Union([Type.String(), Type.Null()], {
        description:
          'pass as ?cursor= to get the next page; null on the last page (walking every page answers each row once)',
      }),
    },
    { $id: id },
  );
}

/** What every paginated route's description says about paging. */
export const PAGINATION_NOTE =
  'Paginated: `limit` rows (1–500, default 100) from `cursor`, the `nextCursor` of the previous page (null on the last page). A cursor this list did not answer, or answered for another sort, is 400 VALIDATION_FAILED.';
