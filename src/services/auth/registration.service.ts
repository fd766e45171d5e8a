import type { Clock } from '../../clock.js';
import type { LoginSessionsRepository } from '../../repositories/login-sessions.repository.js';
import type { UsersRepository } from '../../repositories/users.repository.js';
import { parseEmail } from '../../validation/email.js';
import type { ClientInfo } from '../auth-context.js';
import type { LoginThrottle } from '../throttle/login-throttle.js';
import type { AuthAudit } from './auth-audit.js';
import type { PasswordSteps } from './password-steps.js';
import { publicUser, type PublicUser } from './public-views.js';

/** Creates accounts (SPEC §4). */
export class RegistrationService {
  constructor(
    private readonly deps: {
      users: UsersRepository;
      /** For its transaction: the account and its audit event commit together. */
      sessions: LoginSessionsRepository;
      audit: AuthAudit;
      passwordSteps: PasswordSteps;
      throttle: LoginThrottle;
      clock: Clock;
    },
  ) {}

  async register(emailInput: string, password: string, client: ClientInfo): Promise<PublicUser> {
    const email = parseEmail(emailInput);
    await this.deps.throttle.countRegistration(client.ip, this.deps.clock.now().getTime());
    const passwordHash = await this.deps.passwordSteps.acceptableHash(
      password,
      'body.password',
      email,
    );
    // The account and its audit event together or not at all: a register answered
    // with an error must not leave an account behind that the retry then calls taken.
    const user = await this.deps.sessions.transaction(async (tx) => {
      const created = await this.deps.users.create(email, passwordHash, tx);
      await this.deps.audit.record(
        { userId: created.id, operation: 'auth.register', outcome: 'succeeded', client },
        tx,
      );
      return created;
    });
    return publicUser(user);
  }
}
