import type { Clock } from '../../clock.js';
import { ServiceBusyError, UnauthorizedError } from '../../errors.js';
import type {
  LoginSessionsRepository,
  SessionRow,
} from '../../repositories/login-sessions.repository.js';
import type { UserRow, UsersRepository } from '../../repositories/users.repository.js';
import { parseEmail } from '../../validation/email.js';
import type { ClientInfo } from '../auth-context.js';
import type { CommandsSessionService } from '../commands-session.service.js';
import type { PasswordService } from '../password.service.js';
import type { PasswordWorkQueue } from '../password-work.queue.js';
import type { DeviceCookies } from '../throttle/device-cookie.js';
import type { LoginThrottle } from '../throttle/login-throttle.js';
import type { AuthAudit } from './auth-audit.js';
import type { SessionPolicy } from './login-sessions.service.js';
import type { PasswordSteps } from './password-steps.js';
import { publicUser } from './public-views.js';
import { hashToken, newSessionToken } from './session-token.js';

/** Finds the router to start a Commands-Server session with right after login. */
export type FirstRouterLookup = (userId: string) => Promise<string | null>;

/**
 * Logs a user in (SPEC §4): the throttled password check, a new login session
 * with its token, the device cookie, and a Commands-Server session started in
 * the background.
 */
export class LoginService {
  constructor(
    private readonly deps: {
      users: UsersRepository;
      sessions: LoginSessionsRepository;
      audit: AuthAudit;
      passwords: PasswordService;
      passwordWork: PasswordWorkQueue;
      passwordSteps: PasswordSteps;
      throttle: LoginThrottle;
      deviceCookies: DeviceCookies;
      commandsSessions: CommandsSessionService;
      firstRouterOf: FirstRouterLookup;
      clock: Clock;
      policy: SessionPolicy;
    },
  ) {}

  /**
   * `deviceCookie`: the browser's device cookie, if any; the answer carries the
   * one to set (see throttle/device-cookie.ts).
   */
  async login(emailInput: string, password: string, client: ClientInfo, deviceCookie?: string) {
    const email = parseEmail(emailInput);
    const now = this.deps.clock.now();
    const deviceNonce = this.deps.deviceCookies.trustedNonce(email, deviceCookie);
    const user = await this.checkCredentials(email, password, deviceNonce, client, now);
    await this.rehashIfOutdated(user, password);
    const token = newSessionToken();
    const session = await this.openSession(user, token, client, now);
    this.startCommandsSessionSoon(user.id, session.id);
    return {
      user: publicUser(user),
      session: { id: session.id, expiresAt: session.expiresAt.toISOString() },
      token,
      absoluteExpiresAt: session.absoluteExpiresAt,
      deviceCookie: this.deps.deviceCookies.issue(email, deviceCookie),
    };
  }

  /** The user whose password this is; otherwise the failure is audited and INVALID_CREDENTIALS thrown. */
  private async checkCredentials(
    email: string,
    password: string,
    deviceNonce: string | null,
    client: ClientInfo,
    now: Date,
  ): Promise<UserRow> {
    // Counted before argon2, atomically: concurrent guesses cannot outrun the count.
    const attempt = await this.deps.throttle.reserveLogin(
      { email, ip: client.ip, deviceNonce },
      now.getTime(),
    );
    const user = await this.deps.users.findByEmail(email);
    // Same work whether or not the email exists, so timing does not tell.
    const priority = deviceNonce === null ? 'login' : 'trusted';
    const valid = await this.deps.passwordSteps.verifyReserved(attempt, priority, async () =>
      user
        ? this.deps.passwords.verify(user.passwordHash, password)
        : (await this.deps.passwords.verifyDummy(password), false),
    );
    if (!user || !valid || !user.isActive) {
      await this.deps.audit.record({
        userId: user?.id ?? null,
        operation: 'auth.login',
        outcome: 'failed',
        client,
        errorCode: 'INVALID_CREDENTIALS',
      });
      throw new UnauthorizedError('INVALID_CREDENTIALS', 'Email or password is incorrect');
    }
    await attempt.succeeded();
    return user;
  }

  /** The new login session (only the token's hash is stored) and its audit event, together. */
  private async openSession(
    user: UserRow,
    token: string,
    client: ClientInfo,
    now: Date,
  ): Promise<SessionRow> {
    return this.deps.sessions.transaction(async (tx) => {
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
      await this.deps.audit.record(
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
}
