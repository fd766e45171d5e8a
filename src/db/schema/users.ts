import { sql } from 'drizzle-orm';
import { boolean, check, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { baseColumns, tstz } from './columns.js';

export const users = pgTable(
  'users',
  {
    ...baseColumns,
    email: text().notNull(),
    passwordHash: text().notNull(),
    isActive: boolean().notNull().default(true),
    passwordChangedAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    // Case-insensitive uniqueness lives in the database, never in a select-then-insert.
    uniqueIndex('users_email_lower_uq').on(sql`lower(${t.email})`),
    check('users_email_length_ck', sql`char_length(${t.email}) between 3 and 254`),
  ],
);
