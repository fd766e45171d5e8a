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
    // Emails are stored normalised (src/validation/email.ts: NFKC, lower case), so
    // uniqueness is plain equality; it lives in the database, never in a select-then-insert.
    uniqueIndex('users_email_uq').on(t.email),
    check('users_email_length_ck', sql`char_length(${t.email}) between 3 and 254`),
    // A second line behind normalizeEmail, for what is locale-independent in SQL:
    // no ASCII capital and no surrounding white space is ever stored.
    check(
      'users_email_normalised_ck',
      sql`${t.email} !~ '[A-Z]' and ${t.email} = btrim(${t.email})`,
    ),
  ],
);
