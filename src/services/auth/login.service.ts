import type { Clock } from '../../clock.js';
import { ServiceBusyError, UnauthorizedError } from '../../errors.js';
import type { UserRow, UsersRepository } from '../../repositories/users.repository.js';
import { parseEmail } from '../../validation/email.js';
import type { ClientInfo } from '../auth-context.js';
import type { PasswordService } from '../password.service.js';
import type { PasswordWorkQueue } from '../password-work.queue.js';
import type { DeviceCookies } from '../throttle/device-cookie.js';
import type { LoginThrottle } from '../throttle/login-throttle.js';
import type { AuthAudit } from './auth-audit.js';
import type { PasswordSteps } from './password-steps.js';
import type { SignInSessions } from './sign-in.js';
import type { TwoFactorChallenges } from './two-factor-challenges.js';

/**
 * Logs a user in (SPEC §4): the throttled password check, then a new login
 * session (SignInSessions) — or, for a user with two-factor authentication on,
 * a challenge that POST /auth/2fa/verify turns into the session — and the
 * device cookie.
 */
export class LoginService {
  constructor(
    private readonly deps: {
      users: UsersRepository;
      audit: AuthAudit;
      passwords: PasswordService;
      passwordWork: PasswordWorkQueue;
      passwordSteps: PasswordSteps;
      throttle: LoginThrottle;
      deviceCookies: DeviceCookies;
      signIn: SignInSessions;
      challenges: TwoFactorChallenges;
      clock: Clock;
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
    // The device cookie attests a right password, with or without a second step.
    const device = this.deps.deviceCookies.issue(email, deviceCookie);
    if (await this.deps.challenges.required(user.id)) {
      const challenge = await this.deps.challenges.issue(user, 'password', client);
      return { kind: 'twoFactorRequired' as const, challenge, deviceCookie: device };
    }
    const how = { method: 'password', twoFactor: false } as const;
    const signedIn = await this.deps.signIn.open(user, how, client);
    return { kind: 'signedIn' as const, signedIn, deviceCookie: device };
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
      user?.passwordHash
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

  /** New argon2 parameters apply at the next login; a busy queue leaves it for a later one. */
  private async rehashIfOutdated(user: UserRow, password: string): Promise<void> {
    if (user.passwordHash === null || !this.deps.passwords.needsRehash(user.passwordHash)) {
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
}
