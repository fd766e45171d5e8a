import type { Clock } from '../../clock.js';
import { NotFoundError, UnauthorizedError, ValidationError } from '../../errors.js';
import type { LoginSessionsRepository } from '../../repositories/login-sessions.repository.js';
import type { UsersRepository } from '../../repositories/users.repository.js';
import type { AuthContext, ClientInfo } from '../auth-context.js';
import type { PasswordService } from '../password.service.js';
import type { LoginThrottle } from '../throttle/login-throttle.js';
import type { AuthAudit } from './auth-audit.js';
import type { LoginSessionsService } from './login-sessions.service.js';
import type { PasswordSteps } from './password-steps.js';

/**
 * Changes the caller's password and ends the account's other sessions (SPEC §4).
 * An account created by an OpenID sign-in has no password: its first one is set
 * without a current password (the session is the proof), audited as
 * `auth.password_set`.
 */
export class PasswordChangeService {
  constructor(
    private readonly deps: {
      users: UsersRepository;
      /** For its transaction: the new password and the revocations commit together. */
      sessions: LoginSessionsRepository;
      loginSessions: LoginSessionsService;
      audit: AuthAudit;
      passwords: PasswordService;
      passwordSteps: PasswordSteps;
      throttle: LoginThrottle;
      clock: Clock;
    },
  ) {}

  /** Returns how many other sessions were revoked. */
  async change(
    auth: AuthContext,
    current: string | undefined,
    next: string,
    client: ClientInfo,
  ): Promise<number> {
    const user = await this.deps.users.findById(auth.userId);
    if (!user) {
      throw new NotFoundError('NOT_FOUND', 'Account not found');
    }
    const setting = user.passwordHash === null;
    if (user.passwordHash !== null) {
      await this.checkCurrent(auth, user.passwordHash, current, client);
    }
    const now = this.deps.clock.now();
    const passwordHash = await this.deps.passwordSteps.acceptableHash(
      next,
      'body.newPassword',
      user.email,
    );
    // One transaction: a new password with the old sessions still alive (an
    // attacker's, perhaps) must never be the state an error leaves behind.
    const revoked = await this.deps.sessions.transaction(async (tx) => {
      await this.deps.users.changePassword(user.id, passwordHash, now, tx);
      await this.deps.audit.record(
        {
          userId: auth.userId,
          sessionId: auth.sessionId,
          operation: setting ? 'auth.password_set' : 'auth.password_change',
          outcome: 'succeeded',
          client,
        },
        tx,
      );
      const where = { exceptSessionId: auth.sessionId };
      return this.deps.loginSessions.revokeIn(tx, auth, where, 'password_change', client);
    });
    this.deps.loginSessions.endCommandsSessions(revoked);
    return revoked.length;
  }

  /** Returns when `current` is the user's password; otherwise audited INVALID_CREDENTIALS. */
  private async checkCurrent(
    auth: AuthContext,
    passwordHash: string,
    current: string | undefined,
    client: ClientInfo,
  ): Promise<void> {
    if (current === undefined) {
      throw new ValidationError({ field: 'body.currentPassword', message: 'is required' });
    }
    // The same account limits as logins, and the session's own: a stolen session
    // cannot guess the current password at speed.
    const attempt = await this.deps.throttle.reservePasswordCheck(
      { email: auth.email, ip: client.ip, sessionId: auth.sessionId },
      this.deps.clock.now().getTime(),
    );
    const valid = await this.deps.passwordSteps.verifyReserved(attempt, 'other', () =>
      this.deps.passwords.verify(passwordHash, current),
    );
    if (!valid) {
      await this.deps.audit.record({
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
  }
}
