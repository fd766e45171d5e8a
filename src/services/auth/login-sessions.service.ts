import type { Clock } from '../../clock.js';
import type { Executor } from '../../db/client.js';
import { NotFoundError } from '../../errors.js';
import {
  SESSIONS_ORDER,
  type AuthenticatedRow,
  type LoginSessionsRepository,
  type RevokeReason,
  type SessionRow,
} from '../../repositories/login-sessions.repository.js';
import type { UsersRepository } from '../../repositories/users.repository.js';
import type { AuthContext, ClientInfo } from '../auth-context.js';
import { paginate, type Page, type PageQuery } from '../pagination.js';
import type { CommandsSessionService } from '../commands-session.service.js';
import type { AuthAudit } from './auth-audit.js';
import { publicSession, type PublicSession } from './public-views.js';
import { hashToken, looksLikeToken, sameDigest } from './session-token.js';

export interface SessionPolicy {
  idleTimeoutMs: number;
  absoluteLifetimeMs: number;
}

/** Which sessions of the caller a revocation ends: one, or all but one. */
interface RevokeTarget {
  sessionId?: string;
  exceptSessionId?: string;
}

/** The reasons a user's own request ends sessions ('deactivated' is an administrator's). */
type UserRevokeReason = Exclude<RevokeReason, 'deactivated'>;

const TOUCH_EVERY_MS = 60_000;

/**
 * The life of a login session after login (SPEC §4): a token resolved on every
 * request (sliding the idle expiry), the caller's sessions listed, revoked, logged out.
 */
export class LoginSessionsService {
  constructor(
    private readonly deps: {
      users: UsersRepository;
      sessions: LoginSessionsRepository;
      audit: AuthAudit;
      commandsSessions: CommandsSessionService;
      clock: Clock;
      policy: SessionPolicy;
    },
  ) {}

  /**
   * Resolves a bearer token to its live session; null when unknown, revoked or
   * expired. With `routerId` (the router a route is about), the caller's access to
   * that router is read in the same round trip and carried on the context.
   */
  async authenticate(token: string, routerId?: string): Promise<AuthContext | null> {
    if (!looksLikeToken(token)) {
      return null;
    }
    const now = this.deps.clock.now();
    const hash = hashToken(token);
    const withRouter =
      routerId === undefined
        ? undefined
        : await this.deps.sessions.findLiveByTokenHashWithRouter(hash, now, routerId);
    const row =
      withRouter === undefined
        ? await this.deps.sessions.findLiveByTokenHash(hash, now)
        : withRouter;
    if (!row || !sameDigest(row.tokenHash, hash)) {
      return null;
    }
    const auth: AuthContext = {
      userId: row.userId,
      email: row.email,
      sessionId: row.sessionId,
      signedInAt: row.signedInAt,
      sessionExpiresAt: await this.slideIdleExpiry(row, now),
    };
    if (routerId !== undefined && withRouter) {
      auth.router = { routerId, access: withRouter.router };
    }
    return auth;
  }

  /** The session's expiry after this request: slid forward when it was last seen over a minute ago. */
  private async slideIdleExpiry(row: AuthenticatedRow, now: Date): Promise<Date> {
    if (now.getTime() - row.lastSeenAt.getTime() < TOUCH_EVERY_MS) {
      return row.expiresAt;
    }
    const expiresAt = new Date(
      Math.min(now.getTime() + this.deps.policy.idleTimeoutMs, row.absoluteExpiresAt.getTime()),
    );
    await this.deps.sessions.touch(
      row.sessionId,
      now,
      expiresAt,
      new Date(now.getTime() - TOUCH_EVERY_MS),
    );
    return expiresAt;
  }

  async logout(auth: AuthContext, client: ClientInfo): Promise<void> {
    await this.revokeWhere(auth, { sessionId: auth.sessionId }, 'logout', client);
  }

  /** The caller's live sessions, most recently used first, one page at a time. */
  async list(auth: AuthContext, query: PageQuery): Promise<Page<PublicSession>> {
    const now = this.deps.clock.now();
    return paginate(
      SESSIONS_ORDER,
      query,
      (page) => this.deps.sessions.listLiveForUser(auth.userId, now, page),
      (s) => publicSession(s, auth.sessionId),
    );
  }

  async revoke(auth: AuthContext, sessionId: string, client: ClientInfo): Promise<void> {
    const revoked = await this.revokeWhere(auth, { sessionId }, 'revoked', client);
    if (revoked === 0) {
      // Another user's session, an unknown id or one already ended: the same answer.
      throw new NotFoundError('SESSION_NOT_FOUND', 'No such active session');
    }
  }

  async revokeOthers(auth: AuthContext, client: ClientInfo): Promise<number> {
    return this.revokeWhere(auth, { exceptSessionId: auth.sessionId }, 'revoked', client);
  }

  /** Revokes sessions and records why, in one transaction; then ends their Commands-Server sessions. */
  private async revokeWhere(
    auth: AuthContext,
    where: RevokeTarget,
    reason: UserRevokeReason,
    client: ClientInfo,
  ): Promise<number> {
    const revoked = await this.deps.sessions.transaction((tx) =>
      this.revokeIn(tx, auth, where, reason, client),
    );
    this.endCommandsSessions(revoked);
    return revoked.length;
  }

  /**
   * Revokes sessions and audits each, in the caller's transaction `tx`. The caller
   * passes the rows to {@link endCommandsSessions} once that transaction committed.
   */
  async revokeIn(
    tx: Executor,
    auth: AuthContext,
    where: RevokeTarget,
    reason: UserRevokeReason,
    client: ClientInfo,
  ): Promise<SessionRow[]> {
    const revoked = await this.deps.sessions.revoke(
      { userId: auth.userId, ...where },
      reason,
      this.deps.clock.now(),
      tx,
    );
    for (const s of revoked) {
      await this.deps.audit.record(
        {
          userId: auth.userId,
          sessionId: auth.sessionId,
          operation: `auth.${reason === 'logout' ? 'logout' : 'session_revoke'}`,
          outcome: 'succeeded',
          client,
          params: { revokedSessionId: s.id, reason },
        },
        tx,
      );
    }
    return revoked;
  }

  /**
   * Only after the revocation committed: ending a Commands-Server session for a
   * revocation that then rolled back would cut off a login that is still valid.
   */
  endCommandsSessions(revoked: SessionRow[]): void {
    for (const s of revoked) {
      if (s.csState === 'ending') {
        this.deps.commandsSessions.endAndRecord(s.id, s.csRouterIds[0] ?? null);
      }
    }
  }
}
