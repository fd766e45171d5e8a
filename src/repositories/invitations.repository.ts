import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/client.js';
import { routerInvitations, routers, users } from '../db/schema/index.js';
import { afterKeys, keyset, orderOf, sortKeysOf, type Keyed, type KeysetPage } from './keyset.js';

/** A pending invitation as the router's owner sees it. */
export interface SentInvitationRow {
  id: string;
  email: string;
  createdAt: Date;
  expiresAt: Date;
}

/** A pending invitation as the invitee sees it. */
export interface ReceivedInvitationRow {
  id: string;
  /** The router's agent id. */
  routerId: string;
  routerName: string;
  invitedByEmail: string;
  createdAt: Date;
  expiresAt: Date;
}

/** An invitation that has just been answered (accepted or declined) or revoked. */
export interface ClosedInvitation {
  id: string;
  email: string;
  /** routers.id */
  routerUuid: string;
  /** The router's agent id. */
  routerId: string;
}

export interface NewInvitation {
  routerUuid: string;
  invitedBy: string;
  /** Already normalised. */
  email: string;
  now: Date;
  expiresAt: Date;
}

const t = routerInvitations;

/** Invitations, oldest first (the id breaks ties): sent ones of a router, received ones of a user. */
export const INVITATIONS_ORDER = keyset('invitations', [
  { expr: t.createdAt, type: 'timestamp' },
  { expr: t.id, type: 'uuid' },
]);

/** The pending, unexpired invitation with this id. */
function isOpen(id: string, now: Date) {
  return and(eq(t.id, id), eq(t.status, 'pending'), gt(t.expiresAt, now));
}

/**
 * The caller's address as invitations are matched: users.email, stored in the
 * same normalised form as invited addresses and unique, so an invitation can
 * match at most one account.
 */
function addressOf(userId: string) {
  return sql`(select ${users.email} from ${users} where ${users.id} = ${userId})`;
}

/** Queries on router_invitations. "Open" means pending and not expired at `now`. */
export class InvitationsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Creates the pending invitation of `email` to the router, or renews the open
   * one (new expiry, new inviter): the partial unique index decides, so two
   * concurrent invitations make one row. A pending one already past its expiry is
   * closed as `expired` first, and a new one (new id) replaces it.
   */
  async upsertPending(
    input: NewInvitation,
    executor: Executor,
  ): Promise<SentInvitationRow & { created: boolean }> {
    await executor
      .update(t)
      .set({ status: 'expired', respondedAt: sql`${t.expiresAt}` })
      .where(
        and(
          eq(t.routerId, input.routerUuid),
          eq(t.email, input.email),
          eq(t.status, 'pending'),
          lte(t.expiresAt, input.now),
        ),
      );
    const [row] = await executor
      .insert(t)
      .values({
        routerId: input.routerUuid,
        invitedBy: input.invitedBy,
        email: input.email,
        createdAt: input.now,
        expiresAt: input.expiresAt,
      })
      .onConflictDoUpdate({
        target: [t.routerId, t.email],
        targetWhere: sql`${t.status} = 'pending'`,
        set: { expiresAt: input.expiresAt, invitedBy: input.invitedBy },
      })
      .returning({
        id: t.id,
        email: t.email,
        createdAt: t.createdAt,
        expiresAt: t.expiresAt,
        // xmax is 0 on a row this statement inserted, set when it updated one.
        created: sql<boolean>`(xmax = 0)`,
      });
    return row!;
  }

  /** One page of the router's open invitations, oldest first. */
  async listOpenForRouter(
    routerUuid: string,
    now: Date,
    page: KeysetPage,
  ): Promise<(SentInvitationRow & Keyed)[]> {
    return this.db
      .select({
        id: t.id,
        email: t.email,
        createdAt: t.createdAt,
        expiresAt: t.expiresAt,
        sortKeys: sortKeysOf(INVITATIONS_ORDER),
      })
      .from(t)
      .where(
        and(
          eq(t.routerId, routerUuid),
          eq(t.status, 'pending'),
          gt(t.expiresAt, now),
          afterKeys(INVITATIONS_ORDER, page.after),
        ),
      )
      .orderBy(...orderOf(INVITATIONS_ORDER))
      .limit(page.limit);
  }

  /** One page of the open invitations addressed to the user's email, oldest first. */
  async listOpenForUser(
    userId: string,
    now: Date,
    page: KeysetPage,
  ): Promise<(ReceivedInvitationRow & Keyed)[]> {
    const inviter = alias(users, 'inviter');
    return this.db
      .select({
        id: t.id,
        routerId: routers.routerId,
        routerName: routers.name,
        invitedByEmail: inviter.email,
        createdAt: t.createdAt,
        expiresAt: t.expiresAt,
        sortKeys: sortKeysOf(INVITATIONS_ORDER),
      })
      .from(t)
      .innerJoin(routers, eq(routers.id, t.routerId))
      .innerJoin(inviter, eq(inviter.id, t.invitedBy))
      .where(
        and(
          eq(t.email, addressOf(userId)),
          eq(t.status, 'pending'),
          gt(t.expiresAt, now),
          afterKeys(INVITATIONS_ORDER, page.after),
        ),
      )
      .orderBy(...orderOf(INVITATIONS_ORDER))
      .limit(page.limit);
  }

  /** Revokes the router's open invitation `id`; null when there is none. */
  async revoke(
    routerUuid: string,
    id: string,
    now: Date,
    executor: Executor,
  ): Promise<ClosedInvitation | null> {
    return this.close(executor, 'revoked', now, and(isOpen(id, now), eq(t.routerId, routerUuid)));
  }

  /**
   * Accepts or declines the open invitation `id` addressed to the user; null when
   * there is none (unknown, someone else's, expired, revoked or already answered).
   * The row lock of the UPDATE makes concurrent answers take turns: the second
   * finds it no longer pending.
   */
  async answer(
    id: string,
    userId: string,
    status: 'accepted' | 'declined',
    now: Date,
    executor: Executor,
  ): Promise<ClosedInvitation | null> {
    return this.close(executor, status, now, and(isOpen(id, now), eq(t.email, addressOf(userId))));
  }

  private async close(
    executor: Executor,
    status: 'accepted' | 'declined' | 'revoked',
    now: Date,
    where: ReturnType<typeof and>,
  ): Promise<ClosedInvitation | null> {
    const [row] = await executor
      .update(t)
      .set({ status, respondedAt: now })
      .from(routers)
      .where(and(where, eq(routers.id, t.routerId)))
      .returning({
        id: t.id,
        email: t.email,
        routerUuid: t.routerId,
        routerId: routers.routerId,
      });
    return row ?? null;
  }
}
