import type { Clock } from '../../clock.js';
import { UnauthorizedError } from '../../errors.js';
import type { UserRow, UsersRepository } from '../../repositories/users.repository.js';
import type { AuthContext, ClientInfo } from '../auth-context.js';
import type { PasswordService } from '../password.service.js';
import type { LoginThrottle } from '../throttle/login-throttle.js';
import type { AuthAudit } from './auth-audit.js';
import type { PasswordSteps } from './password-steps.js';

/** A sign-in this recent stands in for re-entering the password (issue #14). */
export const RECENT_SIGN_IN_MS = 10 * 60_000;

/**
 * Proof, for a sensitive change, that the person at the keyboard is the account's
 * owner and not someone at an unlocked screen: the password re-entered (checked
 * under the login throttle, per account and per session), or a sign-in within
 * the last 10 minutes where the change allows it.
 */
export class Reauthentication {
  constructor(
    private readonly deps: {
      users: UsersRepository;
      audit: AuthAudit;
      passwords: PasswordService;
      passwordSteps: PasswordSteps;
      throttle: LoginThrottle;
      clock: Clock;
    },
  ) {}

  /**
   * The caller's user when `password` is right, or when none is given and the
   * sign-in is recent. `passwordRequired`: an account that has a password must
   * give it whatever the sign-in's age (an account without one still may rely
   * on a recent sign-in: it has nothing else to give).
   */
  async confirm(
    auth: AuthContext,
    client: ClientInfo,
    password: string | undefined,
    operation: string,
    options: { passwordRequired?: boolean } = {},
  ): Promise<UserRow> {
    const user = await this.deps.users.findById(auth.userId);
    if (!user) {
      throw new UnauthorizedError();
    }
    const mayUseRecentSignIn = !options.passwordRequired || user.passwordHash === null;
    if (password === undefined || user.passwordHash === null) {
      const age = this.deps.clock.now().getTime() - auth.signedInAt.getTime();
      if (mayUseRecentSignIn && age <= RECENT_SIGN_IN_MS) {
        return user;
      }
      throw new UnauthorizedError(
        'REAUTHENTICATION_REQUIRED',
        user.passwordHash === null
          ? 'Sign in again first: this change needs a sign-in within the last 10 minutes'
          : 'Enter your password again, or sign in again first',
      );
    }
    await this.checkPassword(auth, client, user.passwordHash, password, operation);
    return user;
  }

  /** Returns when `password` matches `passwordHash`; otherwise audited INVALID_CREDENTIALS. */
  async checkPassword(
    auth: AuthContext,
    client: ClientInfo,
    passwordHash: string,
    password: string,
    operation: string,
  ): Promise<void> {
    const attempt = await this.deps.throttle.reservePasswordCheck(
      { email: auth.email, ip: client.ip, sessionId: auth.sessionId },
      this.deps.clock.now().getTime(),
    );
    const valid = await this.deps.passwordSteps.verifyReserved(attempt, 'other', () =>
      this.deps.passwords.verify(passwordHash, password),
    );
    if (!valid) {
      const errorCode = 'INVALID_CREDENTIALS';
      await this.deps.audit.bySession(auth, client, { operation, outcome: 'failed', errorCode });
      throw new UnauthorizedError('INVALID_CREDENTIALS', 'The current password is incorrect');
    }
    await attempt.succeeded();
  }
}
