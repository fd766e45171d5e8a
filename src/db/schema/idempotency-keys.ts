import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';
import { users } from './users.js';

/**
 * The first answer to a POST sent with an `Idempotency-Key` header, kept 24 h per
 * user so that a retry is answered the same without running again. A row with no
 * status is a request still in flight.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    id: uuid()
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text().notNull(),
    /** Hex SHA-256 of method, path and canonical body: a reuse with another request is refused. */
    requestHash: text().notNull(),
    /** The answer's status; null while the first request is in flight. */
    statusCode: integer(),
    /** The answer's body exactly as sent (the JSON envelope). */
    responseBody: text(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('idempotency_keys_user_key_uq').on(t.userId, t.key),
    index('idempotency_keys_created_at_idx').on(t.createdAt),
  ],
);
