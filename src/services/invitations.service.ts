import type { Clock } from '../clock.js';
import type { Database, Transaction } from '../db/client.js';
import { NotFoundError, ValidationError } from '../errors.js';
import {
  INVITATIONS_ORDER,
  type ClosedInvitation,
  type InvitationsRepository,
  type SentInvitationRow,
} from '../repositories/invitations.repository.js';
import type { RoutersRepository } from '../repositories/routers.repository.js';
import { parseEmail } from '../validation/email.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import { paginate, type Page, type PageQuery } from './pagination.js';
import type { RouterAudit } from './router-audit.js';
import type { RouterAccessPolicy } from './router-access.policy.js';
import { toRouterView, type RouterView } from './routers.service.js';

/** A pending invitation as the router's owner sees it. */
export interface SentInvitationView {
  id: string;
  email: string;
  createdAt: string;
  expiresAt: string;
}

/** A pending invitation as the invitee sees it. */
export interface ReceivedInvitationView {
  id: string;
  router: { routerId: string; name: string };
  invitedBy: { email: string };
  createdAt: string;
  expiresAt: string;
}

export interface InvitationsServiceDeps {
  db: Database;
  invitations: InvitationsRepository;
  routers: RoutersRepository;
  access: RouterAccessPolicy;
  routerAudit: RouterAudit;
  clock: Clock;
  /** How long an invitation stays open (INVITATION_TTL_HOURS). */
  ttlMs: number;
}

function notFound(): NotFoundError {
  return new NotFoundError('INVITATION_NOT_FOUND', 'No such open invitation');
}

function toSentView(row: SentInvitationRow): SentInvitationView {
  return {
    id: row.id,
    email: row.email,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

/**
 * Joining a router by invitation. The owner invites an email address; inviting
 * never looks the address up among accounts, so its answer is the same whether or
 * not someone is registered with it (or already a member). The holder of the
 * address sees the invitation and accepts or declines it; only accepting makes
 * them a member. Invitations expire and can be revoked. Every step is audited in
 * the transaction of its write.
 */
export class InvitationsService {
  constructor(private readonly deps: InvitationsServiceDeps) {}

  /**
   * Invites `emailInput` to the router (owner only). Created: a new invitation;
   * otherwise the open one for that address, renewed (same id, new expiry).
   */
  async invite(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    emailInput: string,
  ): Promise<{ invitation: SentInvitationView; created: boolean }> {
    const router = await this.deps.access.check(auth, routerId, {
      ownerOnly: true,
      operation: 'router.invite',
      client,
    });
    // The one stored form (normalizeEmail), as users.email is: equality matches.
    const email = parseEmail(emailInput);
    if (email === auth.email) {
      throw new ValidationError({ field: 'body.email', message: 'is your own address' });
    }
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + this.deps.ttlMs);
    const row = await this.deps.db.transaction(async (tx) => {
      const invited = await this.deps.invitations.upsertPending(
        { routerUuid: router.id, invitedBy: auth.userId, email, now, expiresAt },
        tx,
      );
      await this.deps.routerAudit.record(tx, {
        auth,
        client,
        routerUuid: router.id,
        routerId,
        operation: 'router.invite',
        params: { invitationId: invited.id, email, renewed: !invited.created },
      });
      return invited;
    });
    return { invitation: toSentView(row), created: row.created };
  }

  /** The router's open invitations (owner only), oldest first. */
  async listForRouter(
    auth: AuthContext,
    routerId: string,
    query: PageQuery,
  ): Promise<Page<SentInvitationView>> {
    const router = await this.deps.access.check(auth, routerId, { ownerOnly: true });
    const now = this.deps.clock.now();
    return paginate(
      INVITATIONS_ORDER,
      query,
      (page) => this.deps.invitations.listOpenForRouter(router.id, now, page),
      toSentView,
    );
  }

  /** Revokes an open invitation of the router (owner only); 404 INVITATION_NOT_FOUND if none. */
  async revoke(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    invitationId: string,
  ): Promise<{ revoked: true }> {
    const router = await this.deps.access.check(auth, routerId, {
      ownerOnly: true,
      operation: 'router.invitation_revoke',
      client,
    });
    await this.deps.db.transaction(async (tx) => {
      const closed = await this.deps.invitations.revoke(
        router.id,
        invitationId,
        this.deps.clock.now(),
        tx,
      );
      if (!closed) {
        throw notFound();
      }
      await this.deps.routerAudit.record(tx, {
        auth,
        client,
        routerUuid: router.id,
        routerId,
        operation: 'router.invitation_revoke',
        params: { invitationId, email: closed.email },
      });
    });
    return { revoked: true };
  }

  /** The caller's open invitations, matched by their account's email, oldest first. */
  async listReceived(auth: AuthContext, query: PageQuery): Promise<Page<ReceivedInvitationView>> {
    const now = this.deps.clock.now();
    return paginate(
      INVITATIONS_ORDER,
      query,
      (page) => this.deps.invitations.listOpenForUser(auth.userId, now, page),
      (row): ReceivedInvitationView => ({
        id: row.id,
        router: { routerId: row.routerId, name: row.routerName },
        invitedBy: { email: row.invitedByEmail },
        createdAt: row.createdAt.toISOString(),
        expiresAt: row.expiresAt.toISOString(),
      }),
    );
  }

  /**
   * Accepts an open invitation of the caller: it is marked accepted, the caller
   * becomes a member (unless they already belong to the router) and the event is
   * audited, in one transaction. Answers the router as the caller now sees it.
   */
  async accept(auth: AuthContext, client: ClientInfo, invitationId: string): Promise<RouterView> {
    return this.deps.db.transaction(async (tx) => {
      const closed = await this.answer(tx, auth, invitationId, 'accepted');
      const joined = await this.deps.routers.insertMember(
        closed.routerUuid,
        auth.userId,
        'member',
        tx,
      );
      await this.record(tx, auth, client, closed, 'invitation.accept', { joined });
      const membership = await this.deps.routers.findMembership(auth.userId, closed.routerId, tx);
      if (!membership) {
        // Removed by the owner between the two statements (PostgreSQL, read committed):
        // roll back, leaving the invitation open, rather than answer a membership that is gone.
        throw notFound();
      }
      return toRouterView(membership);
    });
  }

  /** Declines an open invitation of the caller. */
  async decline(
    auth: AuthContext,
    client: ClientInfo,
    invitationId: string,
  ): Promise<{ declined: true }> {
    await this.deps.db.transaction(async (tx) => {
      const closed = await this.answer(tx, auth, invitationId, 'declined');
      await this.record(tx, auth, client, closed, 'invitation.decline');
    });
    return { declined: true };
  }

  private async answer(
    tx: Transaction,
    auth: AuthContext,
    invitationId: string,
    status: 'accepted' | 'declined',
  ): Promise<ClosedInvitation> {
    const now = this.deps.clock.now();
    const closed = await this.deps.invitations.answer(invitationId, auth.userId, status, now, tx);
    if (!closed) {
      throw notFound();
    }
    return closed;
  }

  private async record(
    tx: Transaction,
    auth: AuthContext,
    client: ClientInfo,
    closed: ClosedInvitation,
    operation: 'invitation.accept' | 'invitation.decline',
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await this.deps.routerAudit.record(tx, {
      auth,
      client,
      routerUuid: closed.routerUuid,
      routerId: closed.routerId,
      operation,
      params: { invitationId: closed.id, ...extra },
    });
  }
}
