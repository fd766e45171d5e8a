import type { Clock } from '../../clock.js';
import { UnauthorizedError } from '../../errors.js';
import type { LoginSessionsRepository } from '../../repositories/login-sessions.repository.js';
import type { UserRow, UsersRepository } from '../../repositories/users.repository.js';
import type { AuthContext, ClientInfo } from '../auth-context.js';
import type { PasswordService } from '../password.service.js';
import type { LoginThrottle } from '../throttle/login-throttle.js';
import type { AuthAudit } from './auth-audit.js';
import type { LoginSessionsService } from './login-sessions.service.js';
import type { PasswordSteps } from './password-steps.js';

/** Changes the caller's password and ends the account's other sessions (SPEC §4). */
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
    current: string,
    next: string,
    client: ClientInfo,
  ): Promise<number> {
    const user = await this.checkCurrent(auth, current, client);
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
          operation: 'auth.password_change',
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

  /** The caller's user when `current` is its password; otherwise audited INVALID_CREDENTIALS. */
  private async checkCurrent(
    auth: AuthContext,
    current: string,
    client: ClientInfo,
  ): Promise<UserRow> {
    const user = await this.deps.users.findById(auth.userId);
    // The same account limits as logins, and the session's own: a stolen session
    // cannot guess the current password at speed.
    const attempt = await this.deps.throttle.reservePasswordCheck(
      { email: auth.email, ip: client.ip, sessionId: auth.sessionId },
      this.deps.clock.now().getTime(),
    );
    const valid = user
      ? await this.deps.passwordSteps.verifyReserved(attempt, 'other', () =>
          this.deps.passwords.verify(user.passwordHash, current),
        )
      : false;
    if (!user || !valid) {
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
    return user;
  }
}
