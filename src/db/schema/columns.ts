import { sql } from 'drizzle-orm';
import { timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The original plan's BaseModel: every table has a UUID id and UTC timestamps.
 * `updated_at` is kept current by a database trigger (migration 0001), so it
 * changes on every UPDATE, including raw SQL and ON CONFLICT … DO UPDATE.
 */
export const baseColumns = {
  id: uuid()
    .primaryKey()
    .default(sql`gen_random_uuid()`),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};

export const tstz = () => timestamp({ withTimezone: true });
