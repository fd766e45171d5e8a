import type { Clock } from '../../clock.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { LoginSessionsRepository } from '../../repositories/login-sessions.repository.js';
import type { UsersRepository } from '../../repositories/users.repository.js';
import type { AuthContext, ClientInfo } from '../auth-context.js';
import type { AuthAudit } from './auth-audit.js';
import type { LoginSessionsService } from './login-sessions.service.js';
import type { PasswordSteps } from './password-steps.js';
import type { Reauthentication } from './reauthentication.js';

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
      passwordSteps: PasswordSteps;
      reauth: Reauthentication;
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
      if (current === undefined) {
        throw new ValidationError({ field: 'body.currentPassword', message: 'is required' });
      }
      const operation = 'auth.password_change';
      await this.deps.reauth.checkPassword(auth, client, user.passwordHash, current, operation);
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
}
