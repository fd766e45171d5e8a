import type { Clock } from '../../clock.js';
import { UnauthorizedError } from '../../errors.js';
import type {
  ChallengeRow,
  TwoFactorRepository,
} from '../../repositories/two-factor.repository.js';
import type { UserRow, UsersRepository } from '../../repositories/users.repository.js';
import type { ClientInfo } from '../auth-context.js';
import type { LoginThrottle } from '../throttle/login-throttle.js';
import type { AuthAudit } from './auth-audit.js';
import type { SecondFactor, SecondFactorProof } from './second-factor.js';
import { hashToken, newSessionToken } from './session-token.js';
import type { SignedIn, SignInSessions } from './sign-in.js';

/** How long the second step may take after a right password. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong codes one challenge survives; then the user signs in again. */
const CHALLENGE_MAX_FAILURES = 5;

/** The answer of a right first factor for a user with 2FA: no session yet. */
export interface TwoFactorChallenge {
  twoFactorRequired: true;
  challengeToken: string;
  expiresAt: string;
}

const invalidChallenge = () =>
  new UnauthorizedError(
    'TWO_FACTOR_CHALLENGE_INVALID',
    'This sign-in step has expired or was already used; sign in again',
  );

/**
 * The second step of a sign-in with 2FA on (issue #14): a right password (or
 * OpenID callback) yields a single-use challenge instead of a session; a right
 * code or recovery code for it opens the session. Challenges expire in five
 * minutes and die after five wrong codes; wrong codes also count against the
 * account's login throttle.
 */
export class TwoFactorChallenges {
  constructor(
    private readonly deps: {
      twoFactor: TwoFactorRepository;
      users: UsersRepository;
      secondFactor: SecondFactor;
      signIn: SignInSessions;
      audit: AuthAudit;
      throttle: LoginThrottle;
      clock: Clock;
    },
  ) {}

  /** Whether signing `userId` in needs a second factor. */
  async required(userId: string): Promise<boolean> {
    const authenticator = await this.deps.twoFactor.find(userId);
    return Boolean(authenticator?.enabledAt);
  }

  async issue(
    user: UserRow,
    method: 'password' | 'oidc',
    client: ClientInfo,
  ): Promise<TwoFactorChallenge> {
    const token = newSessionToken();
    const expiresAt = new Date(this.deps.clock.now().getTime() + CHALLENGE_TTL_MS);
    await this.deps.twoFactor.createChallenge({
      userId: user.id,
      tokenHash: hashToken(token),
      method,
      expiresAt,
    });
    await this.deps.audit.record({
      userId: user.id,
      operation: 'auth.2fa_challenge',
      outcome: 'succeeded',
      client,
      result: { method },
    });
    return { twoFactorRequired: true, challengeToken: token, expiresAt: expiresAt.toISOString() };
  }

  /** The user an open (unexpired, unused) challenge `token` is for, or null; nothing is spent. */
  async pendingUser(token: string): Promise<UserRow | null> {
    const challenge = await this.deps.twoFactor.findOpenChallenge(
      hashToken(token),
      this.deps.clock.now(),
    );
    const user = challenge ? await this.deps.users.findById(challenge.userId) : null;
    return user?.isActive ? user : null;
  }

  /** Opens the session when `proof` is right for the challenge `token`. */
  async verify(token: string, proof: SecondFactorProof, client: ClientInfo): Promise<SignedIn> {
    const now = this.deps.clock.now();
    const challenge = await this.deps.twoFactor.findOpenChallenge(hashToken(token), now);
    const user = challenge ? await this.deps.users.findById(challenge.userId) : null;
    if (!challenge || !user?.isActive) {
      throw invalidChallenge();
    }
    const attempt = await this.deps.throttle.reserveSecondFactor(
      { email: user.email, scope: `challenge:${challenge.id}` },
      now.getTime(),
    );
    const used = await this.deps.secondFactor.spend(user.id, proof);
    if (used === null) {
      await this.failed(challenge, client);
      throw new UnauthorizedError(
        'TWO_FACTOR_CODE_INVALID',
        'The code is wrong or was already used',
      );
    }
    if (!(await this.deps.twoFactor.consumeChallenge(challenge.id, this.deps.clock.now()))) {
      throw invalidChallenge();
    }
    await attempt.succeeded();
    await this.deps.audit.record({
      userId: user.id,
      operation: used === 'recovery' ? 'auth.2fa_recovery_code_used' : 'auth.2fa_verify',
      outcome: 'succeeded',
      client,
      result: { with: used },
    });
    return this.deps.signIn.open(user, { method: challenge.method, twoFactor: true }, client);
  }

  private async failed(challenge: ChallengeRow, client: ClientInfo): Promise<void> {
    await this.deps.twoFactor.recordChallengeFailure(
      challenge.id,
      CHALLENGE_MAX_FAILURES,
      this.deps.clock.now(),
    );
    await this.deps.audit.record({
      userId: challenge.userId,
      operation: 'auth.2fa_verify',
      outcome: 'failed',
      client,
      errorCode: 'TWO_FACTOR_CODE_INVALID',
    });
  }
}
