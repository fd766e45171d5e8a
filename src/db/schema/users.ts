import { sql } from 'drizzle-orm';
import { boolean, check, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { baseColumns, tstz } from './columns.js';

export const users = pgTable(
  'users',
  {
    ...baseColumns,
    email: text().notNull(),
    /** argon2id; null for an account created by an OpenID sign-in until a password is set. */
    passwordHash: text(),
    /** From the identity provider's claims or set by the user; shown, never trusted. */
    displayName: text(),
    pictureUrl: text(),
    isActive: boolean().notNull().default(true),
    passwordChangedAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    // Emails are stored normalised (src/validation/email.ts: NFKC, lower case), so
    // uniqueness is plain equality; it lives in the database, never in a select-then-insert.
    uniqueIndex('users_email_uq').on(t.email),
    check('users_display_name_length_ck', sql`char_length(${t.displayName}) <= 100`),
    check('users_picture_url_length_ck', sql`char_length(${t.pictureUrl}) <= 2048`),
    check('users_email_length_ck', sql`char_length(${t.email}) between 3 and 254`),
    // A second line behind normalizeEmail, for what is locale-independent in SQL:
    // no ASCII capital and no surrounding white space is ever stored.
    check(
      'users_email_normalised_ck',
      sql`${t.email} !~ '[A-Z]' and ${t.email} = btrim(${t.email})`,
    ),
  ],
);
