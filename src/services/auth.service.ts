import type { Clock } from '../clock.js';
import { parseEmail } from '../validation/email.js';
import type { Executor } from '../db/client.js';
import { NotFoundError, ServiceBusyError, UnauthorizedError } from '../errors.js';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type {
  LoginSessionsRepository,
  SessionRow,
} from '../repositories/login-sessions.repository.js';
import type { UserRow, UsersRepository } from '../repositories/users.repository.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import type { CommandsSessionService } from './commands-session.service.js';
import type { PasswordService } from './password.service.js';
import type { PasswordWorkPriority, PasswordWorkQueue } from './password-work-queue.js';
import type { DeviceCookies } from './throttle/device-cookie.js';
import type { LoginThrottle, Reservation } from './throttle/login-throttle.js';
import { hashToken, looksLikeToken, newSessionToken, sameDigest } from './tokens.js';

export interface PublicUser {
  id: string;
  email: string;
  createdAt: string;
}

export interface PublicSession {
  id: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
}

export interface SessionPolicy {
  idleTimeoutMs: number;
  absoluteLifetimeMs: number;
}

/** What AuthService.audit records: who, which step, how it ended, from where. */
interface AuthAuditEvent {
  userId: string | null;
  sessionId?: string | null;
  operation: string;
  outcome: 'succeeded' | 'failed';
  client: ClientInfo;
  errorCode?: string;
  params?: Record<string, unknown>;
}

/** Finds the router to start a Commands-Server session with right after login. */
export type FirstRouterLookup = (userId: string) => Promise<string | null>;

const TOUCH_EVERY_MS = 60_000;

export function publicUser(user: Pick<UserRow, 'id' | 'email' | 'createdAt'>): PublicUser {
  return { id: user.id, email: user.email, createdAt: user.createdAt.toISOString() };
}

function publicSession(s: SessionRow, currentId: string): PublicSession {
  return {
    id: s.id,
    userAgent: s.userAgent,
    ip: s.ip,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: new Date(
      Math.min(s.expiresAt.getTime(), s.absoluteExpiresAt.getTime()),
    ).toISOString(),
    current: s.id === currentId,
  };
}

/** Registration, login, sessions and password changes (SPEC §4). */
export class AuthService {
  constructor(
    private readonly deps: {
      users: UsersRepository;
      sessions: LoginSessionsRepository;
      audit: AuditRepository;
      passwords: PasswordService;
      passwordWork: PasswordWorkQueue;
      throttle: LoginThrottle;
      deviceCookies: DeviceCookies;
      commandsSessions: CommandsSessionService;
      firstRouterOf: FirstRouterLookup;
      clock: Clock;
      policy: SessionPolicy;
    },
  ) {}

  async register(emailInput: string, password: string, client: ClientInfo): Promise<PublicUser> {
    const email = parseEmail(emailInput);
    await this.deps.throttle.countRegistration(client.ip, this.deps.clock.now().getTime());
    const passwordHash = await this.deps.passwordWork.run('other', () =>
      this.acceptableHash(password, 'body.password', email),
    );
    // The account and its audit event together or not at all: a register answered
    // with an error must not leave an account behind that the retry then calls taken.
    const user = await this.deps.sessions.transaction(async (tx) => {
      const created = await this.deps.users.create(email, passwordHash, tx);
      await this.audit(
        { userId: created.id, operation: 'auth.register', outcome: 'succeeded', client },
        tx,
      );
      return created;
    });
    return publicUser(user);
  }

  /**
   * `deviceCookie`: the browser's device cookie, if any; the answer carries the
   * one to set (see throttle/device-cookie.ts).
   */
  async login(emailInput: string, password: string, client: ClientInfo, deviceCookie?: string) {
    const email = parseEmail(emailInput);
    const now = this.deps.clock.now();
    const deviceNonce = this.deps.deviceCookies.trustedNonce(email, deviceCookie);
    // Counted before argon2, atomically: concurrent guesses cannot outrun the count.
    const attempt = await this.deps.throttle.reserveLogin(
      { email, ip: client.ip, deviceNonce },
      now.getTime(),
    );
    const user = await this.deps.users.findByEmail(email);
    // Same work whether or not the email exists, so timing does not tell.
    const priority = deviceNonce === null ? 'login' : 'trusted';
    const valid = await this.checkPassword(attempt, priority, async () =>
      user
        ? this.deps.passwords.verify(user.passwordHash, password)
        : (await this.deps.passwords.verifyDummy(password), false),
    );
    if (!user || !valid || !user.isActive) {
      await this.audit({
        userId: user?.id ?? null,
        operation: 'auth.login',
        outcome: 'failed',
        client,
        errorCode: 'INVALID_CREDENTIALS',
      });
      throw new UnauthorizedError('INVALID_CREDENTIALS', 'Email or password is incorrect');
    }
    await attempt.succeeded();
    await this.rehashIfOutdated(user, password);
    const token = newSessionToken();
    const session = await this.deps.sessions.transaction(async (tx) => {
      const created = await this.deps.sessions.create(
        {
          userId: user.id,
          tokenHash: hashToken(token),
          expiresAt: new Date(now.getTime() + this.deps.policy.idleTimeoutMs),
          absoluteExpiresAt: new Date(now.getTime() + this.deps.policy.absoluteLifetimeMs),
          lastSeenAt: now,
          userAgent: client.userAgent?.slice(0, 512) ?? null,
          ip: client.ip,
        },
        tx,
      );
      await this.audit(
        {
          userId: user.id,
          sessionId: created.id,
          operation: 'auth.login',
          outcome: 'succeeded',
          client,
        },
        tx,
      );
      return created;
    });
    this.startCommandsSessionSoon(user.id, session.id);
    return {
      user: publicUser(user),
      session: { id: session.id, expiresAt: session.expiresAt.toISOString() },
      token,
      absoluteExpiresAt: session.absoluteExpiresAt,
      deviceCookie: this.deps.deviceCookies.issue(email, deviceCookie),
    };
  }

  /**
   * The policy check, then the hash, both in the argon2 queue's slot: the strength
   * estimate costs milliseconds of the event loop, so a flood of registrations is
   * refused BUSY by the bounded queue before it costs any (bench scenario "flood").
   */
  private async acceptableHash(password: string, field: string, email: string): Promise<string> {
    this.deps.passwords.assertAcceptable(password, field, email);
    return this.deps.passwords.hash(password);
  }

  /** Runs a password verification for a reserved attempt; a full queue takes the attempt back. */
  private async checkPassword(
    attempt: Reservation,
    priority: PasswordWorkPriority,
    verify: () => Promise<boolean>,
  ): Promise<boolean> {
    try {
      return await this.deps.passwordWork.run(priority, verify);
    } catch (err) {
      if (err instanceof ServiceBusyError) {
        await attempt.cancelled();
      }
      throw err;
    }
  }

  /** New argon2 parameters apply at the next login; a busy queue leaves it for a later one. */
  private async rehashIfOutdated(user: UserRow, password: string): Promise<void> {
    if (!this.deps.passwords.needsRehash(user.passwordHash)) {
      return;
    }
    try {
      const rehashed = await this.deps.passwordWork.run('other', () =>
        this.deps.passwords.hash(password),
      );
      await this.deps.users.updatePasswordHash(user.id, rehashed);
    } catch (err) {
      if (!(err instanceof ServiceBusyError)) {
        throw err;
      }
    }
  }

  /** Best effort and in the background: the login answer never waits for the router. */
  private startCommandsSessionSoon(userId: string, sessionId: string): void {
    this.deps.commandsSessions.startInBackground(sessionId, () => this.deps.firstRouterOf(userId));
  }

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
    let expiresAt = row.expiresAt;
    if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      expiresAt = new Date(
        Math.min(now.getTime() + this.deps.policy.idleTimeoutMs, row.absoluteExpiresAt.getTime()),
      );
      await this.deps.sessions.touch(
        row.sessionId,
        now,
        expiresAt,
        new Date(now.getTime() - TOUCH_EVERY_MS),
      );
    }
    const auth: AuthContext = {
      userId: row.userId,
      email: row.email,
      sessionId: row.sessionId,
      sessionExpiresAt: expiresAt,
    };
    if (routerId !== undefined && withRouter) {
      auth.router = { routerId, access: withRouter.router };
    }
    return auth;
  }

  async me(auth: AuthContext) {
    const user = await this.deps.users.findById(auth.userId);
    if (!user) {
      throw new UnauthorizedError();
    }
    return {
      user: publicUser(user),
      session: { id: auth.sessionId, expiresAt: auth.sessionExpiresAt.toISOString() },
    };
  }

  async logout(auth: AuthContext, client: ClientInfo): Promise<void> {
    await this.revokeWhere(auth, { sessionId: auth.sessionId }, 'logout', client);
  }

  async listSessions(auth: AuthContext): Promise<PublicSession[]> {
    const rows = await this.deps.sessions.listLiveForUser(auth.userId, this.deps.clock.now());
    return rows.map((s) => publicSession(s, auth.sessionId));
  }

  async revokeSession(auth: AuthContext, sessionId: string, client: ClientInfo): Promise<void> {
    const revoked = await this.revokeWhere(auth, { sessionId }, 'revoked', client);
    if (revoked === 0) {
      // Another user's session, an unknown id or one already ended: the same answer.
      throw new NotFoundError('SESSION_NOT_FOUND', 'No such active session');
    }
  }

  async revokeOthers(auth: AuthContext, client: ClientInfo): Promise<number> {
    return this.revokeWhere(auth, { exceptSessionId: auth.sessionId }, 'revoked', client);
  }

  async changePassword(auth: AuthContext, current: string, next: string, client: ClientInfo) {
    const user = await this.deps.users.findById(auth.userId);
    // The same account limits as logins, and the session's own: a stolen session
    // cannot guess the current password at speed.
    const attempt = await this.deps.throttle.reservePasswordCheck(
      { email: auth.email, ip: client.ip, sessionId: auth.sessionId },
      this.deps.clock.now().getTime(),
    );
    const valid = user
      ? await this.checkPassword(attempt, 'other', () =>
          this.deps.passwords.verify(user.passwordHash, current),
        )
      : false;
    if (!user || !valid) {
      await this.audit({
        userId: auth.userId,
        sessionId: auth.sessionId,
        operation: 'auth.password_change',
        outcome: 'failed',
        client,
        errorCode: 'INVALID_CREDENTIALS',
      });
      throw new UnauthorizedError('INVALID_CREDENTIALS', 'The current password is incorrect');
    }
    await attempt.succeeded();
    const now = this.deps.clock.now();
    const passwordHash = await this.deps.passwordWork.run('other', () =>
      this.acceptableHash(next, 'body.newPassword', user.email),
    );
    // One transaction: a new password with the old sessions still alive (an
    // attacker's, perhaps) must never be the state an error leaves behind.
    const revoked = await this.deps.sessions.transaction(async (tx) => {
      await this.deps.users.changePassword(user.id, passwordHash, now, tx);
      await this.audit(
        {
          userId: auth.userId,
          sessionId: auth.sessionId,
          operation: 'auth.password_change',
          outcome: 'succeeded',
          client,
        },
        tx,
      );
      return this.revokeIn(
        tx,
        auth,
        { exceptSessionId: auth.sessionId },
        'password_change',
        client,
      );
    });
    this.endCommandsSessions(revoked);
    return revoked.length;
  }

  /** Revokes sessions and records why, in one transaction; then ends their Commands-Server sessions. */
  private async revokeWhere(
    auth: AuthContext,
    where: { sessionId?: string; exceptSessionId?: string },
    reason: 'logout' | 'revoked' | 'password_change',
    client: ClientInfo,
  ): Promise<number> {
    const revoked = await this.deps.sessions.transaction((tx) =>
      this.revokeIn(tx, auth, where, reason, client),
    );
    this.endCommandsSessions(revoked);
    return revoked.length;
  }

  private async revokeIn(
    tx: Executor,
    auth: AuthContext,
    where: { sessionId?: string; exceptSessionId?: string },
    reason: 'logout' | 'revoked' | 'password_change',
    client: ClientInfo,
  ): Promise<SessionRow[]> {
    const revoked = await this.deps.sessions.revoke(
      { userId: auth.userId, ...where },
      reason,
      this.deps.clock.now(),
      tx,
    );
    for (const s of revoked) {
      await this.audit(
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
  private endCommandsSessions(revoked: SessionRow[]): void {
    for (const s of revoked) {
      if (s.csState === 'ending') {
        this.deps.commandsSessions.endAndRecord(s.id, s.csRouterIds[0] ?? null);
      }
    }
  }

  /** One audit event of an authentication step; in `executor`'s transaction when given. */
  private async audit(event: AuthAuditEvent, executor?: Executor): Promise<void> {
    await this.deps.audit.insert(
      {
        userId: event.userId,
        sessionId: event.sessionId ?? null,
        operation: event.operation,
        outcome: event.outcome,
        errorCode: event.errorCode ?? null,
        params: event.params ?? null,
        requestId: event.client.requestId,
        ip: event.client.ip,
      },
      executor,
    );
  }
}
