import { sql } from 'drizzle-orm';
import { check, index, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { baseColumns, tstz } from './columns.js';
import { routers } from './routers.js';
import { users } from './users.js';

/**
 * Where an invitation stands. Only `pending` ones can be answered; `expired` is
 * written when a pending one past its expiry is replaced by a new invitation.
 */
export const invitationStatus = pgEnum('invitation_status', [
  'pending',
  'accepted',
  'declined',
  'revoked',
  'expired',
]);

/**
 * An owner's invitation of an email address to join a router. It names no user:
 * whether an account exists for the address is never looked up when inviting, so
 * inviting reveals nothing. The invitee answers it, and only accepting makes them
 * a member. `email` is stored normalised (trim, NFKC, lower case).
 */
export const routerInvitations = pgTable(
  'router_invitations',
  {
    ...baseColumns,
    routerId: uuid()
      .notNull()
      .references(() => routers.id, { onDelete: 'cascade' }),
    invitedBy: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    email: text().notNull(),
    status: invitationStatus().notNull().default('pending'),
    expiresAt: tstz().notNull(),
    /** When it stopped being pending (accepted, declined, revoked or expired). */
    respondedAt: tstz(),
  },
  (t) => [
    // At most one pending invitation per (router, email): inviting again refreshes it.
    uniqueIndex('router_invitations_pending_uq')
      .on(t.routerId, t.email)
      .where(sql`${t.status} = 'pending'`),
    // The invitee's list: their pending invitations by address.
    index('router_invitations_pending_email_idx')
      .on(t.email)
      .where(sql`${t.status} = 'pending'`),
    // Foreign keys with ON DELETE CASCADE: deleting a router or a user finds the rows.
    index('router_invitations_router_id_idx').on(t.routerId),
    index('router_invitations_invited_by_idx').on(t.invitedBy),
    check('router_invitations_email_ck', sql`char_length(${t.email}) between 3 and 254`),
    check(
      'router_invitations_responded_ck',
      sql`(${t.status} = 'pending') = (${t.respondedAt} is null)`,
    ),
    check('router_invitations_expiry_ck', sql`${t.expiresAt} > ${t.createdAt}`),
  ],
);
