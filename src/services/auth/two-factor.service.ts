import type { Clock } from '../../clock.js';
import type { Executor } from '../../db/client.js';
import { ConflictError, UnauthorizedError } from '../../errors.js';
import type { LoginSessionsRepository } from '../../repositories/login-sessions.repository.js';
import type {
  AuthenticatorRow,
  TwoFactorRepository,
} from '../../repositories/two-factor.repository.js';
import type { AuthContext, ClientInfo } from '../auth-context.js';
import type { LoginThrottle } from '../throttle/login-throttle.js';
import type { AuthAudit } from './auth-audit.js';
import type { Reauthentication } from './reauthentication.js';
import { totpSecretPurpose, type SecondFactor, type SecondFactorProof } from './second-factor.js';
import type { SecretBox } from './secret-box.js';
import { newRecoveryCodes, type Totp } from './totp.js';

export interface TwoFactorStatus {
  enabled: boolean;
  recoveryCodesLeft: number;
}

const notEnabled = () =>
  new ConflictError('TWO_FACTOR_NOT_ENABLED', 'Two-factor authentication is not on');
const alreadyEnabled = () =>
  new ConflictError(
    'TWO_FACTOR_ALREADY_ENABLED',
    'Two-factor authentication is already on; disable it first to enrol another authenticator',
  );
const wrongCode = () =>
  new UnauthorizedError('TWO_FACTOR_CODE_INVALID', 'The code is wrong or was already used');

/**
 * A signed-in user's two-factor settings (issue #14): enrolment (setup, then
 * enable with a first code, which hands out the recovery codes once), disable,
 * and new recovery codes. Every step is audited; wrong codes count against the
 * login throttle like wrong passwords.
 */
export class TwoFactorService {
  constructor(
    private readonly deps: {
      sessions: LoginSessionsRepository;
      twoFactor: TwoFactorRepository;
      secondFactor: SecondFactor;
      totp: Totp;
      box: SecretBox;
      reauth: Reauthentication;
      audit: AuthAudit;
      throttle: LoginThrottle;
      clock: Clock;
    },
  ) {}

  async status(userId: string): Promise<TwoFactorStatus> {
    const authenticator = await this.deps.twoFactor.find(userId);
    const enabled = Boolean(authenticator?.enabledAt);
    const recoveryCodesLeft = enabled ? await this.deps.twoFactor.unusedRecoveryCodes(userId) : 0;
    return { enabled, recoveryCodesLeft };
  }

  /** A new secret, pending until `enable` confirms it; needs the password or a recent sign-in. */
  async setup(auth: AuthContext, client: ClientInfo, password: string | undefined) {
    const user = await this.deps.reauth.confirm(auth, client, password, 'auth.2fa_setup');
    const secret = this.deps.totp.newSecret();
    const sealed = this.deps.box.seal(secret, totpSecretPurpose(user.id));
    if (!(await this.deps.twoFactor.savePending(user.id, sealed))) {
      throw alreadyEnabled();
    }
    await this.record(auth, client, 'auth.2fa_setup');
    return this.deps.totp.enrolment(secret, user.email);
  }

  /** Confirms the enrolment with a first code; answers the recovery codes, shown only now. */
  async enable(auth: AuthContext, client: ClientInfo, code: string) {
    const pending = await this.deps.twoFactor.find(auth.userId);
    if (!pending) {
      throw new ConflictError(
        'TWO_FACTOR_NOT_ENABLED',
        'Set up two-factor authentication first (POST /api/v1/auth/2fa/setup)',
      );
    }
    if (pending.enabledAt) {
      throw alreadyEnabled();
    }
    const step = await this.throttled(auth, client, 'auth.2fa_enable', () =>
      this.pendingStep(pending, code),
    );
    const recoveryCodes = newRecoveryCodes();
    await this.deps.sessions.transaction(async (tx) => {
      const now = this.deps.clock.now();
      if (!(await this.deps.twoFactor.enable(auth.userId, step, now, tx))) {
        throw alreadyEnabled();
      }
      await this.deps.twoFactor.replaceRecoveryCodes(
        auth.userId,
        this.hashes(auth, recoveryCodes),
        tx,
      );
      await this.record(auth, client, 'auth.2fa_enable', tx);
    });
    return { recoveryCodes };
  }

  /**
   * Throws away a setup that was never enabled (a new one starts over); 409
   * TWO_FACTOR_ALREADY_ENABLED when 2FA is on: turning it off needs `disable`'s
   * proofs, never the session alone. Nothing pending is a success.
   */
  async discardPending(auth: AuthContext, client: ClientInfo): Promise<{ discarded: boolean }> {
    const authenticator = await this.deps.twoFactor.find(auth.userId);
    if (authenticator?.enabledAt) {
      throw alreadyEnabled();
    }
    const discarded = await this.deps.twoFactor.removePending(auth.userId);
    if (discarded) {
      await this.record(auth, client, 'auth.2fa_setup_discard');
    }
    return { discarded };
  }

  /** Turns 2FA off: the password (or, without one, a recent sign-in) and a code or recovery code. */
  async disable(
    auth: AuthContext,
    client: ClientInfo,
    proof: SecondFactorProof,
    password: string | undefined,
  ): Promise<void> {
    const operation = 'auth.2fa_disable';
    await this.deps.reauth.confirm(auth, client, password, operation, { passwordRequired: true });
    await this.requireEnabled(auth.userId);
    const used = await this.throttled(auth, client, operation, () =>
      this.deps.secondFactor.spend(auth.userId, proof),
    );
    await this.deps.sessions.transaction(async (tx) => {
      await this.deps.twoFactor.remove(auth.userId, tx);
      await this.record(auth, client, operation, tx, { with: used });
    });
  }

  /** Replaces every recovery code (the old ones stop working); needs a code from the app. */
  async newRecoveryCodes(auth: AuthContext, client: ClientInfo, code: string) {
    const operation = 'auth.2fa_recovery_codes';
    await this.requireEnabled(auth.userId);
    await this.throttled(auth, client, operation, () =>
      this.deps.secondFactor.spend(auth.userId, { code }),
    );
    const recoveryCodes = newRecoveryCodes();
    await this.deps.sessions.transaction(async (tx) => {
      await this.deps.twoFactor.replaceRecoveryCodes(
        auth.userId,
        this.hashes(auth, recoveryCodes),
        tx,
      );
      await this.record(auth, client, operation, tx);
    });
    return { recoveryCodes };
  }

  private async requireEnabled(userId: string): Promise<void> {
    const authenticator = await this.deps.twoFactor.find(userId);
    if (!authenticator?.enabledAt) {
      throw notEnabled();
    }
  }

  private async pendingStep(pending: AuthenticatorRow, code: string): Promise<number | null> {
    const secret = this.deps.box.open(pending.secretSealed, totpSecretPurpose(pending.userId));
    return this.deps.totp.step(secret, code);
  }

  /**
   * Runs a code check under the throttle (the session's and the account's
   * second-factor counters): a wrong code is audited and answered 401.
   */
  private async throttled<T>(
    auth: AuthContext,
    client: ClientInfo,
    operation: string,
    check: () => Promise<T | null>,
  ): Promise<T> {
    const attempt = await this.deps.throttle.reserveSecondFactor(
      { email: auth.email, scope: `session:${auth.sessionId}` },
      this.deps.clock.now().getTime(),
    );
    const passed = await check();
    if (passed === null) {
      const errorCode = 'TWO_FACTOR_CODE_INVALID';
      await this.deps.audit.bySession(auth, client, { operation, outcome: 'failed', errorCode });
      throw wrongCode();
    }
    await attempt.succeeded();
    return passed;
  }

  private hashes(auth: AuthContext, codes: string[]): string[] {
    return codes.map((c) => this.deps.secondFactor.hashRecoveryCode(auth.userId, c));
  }

  private record(
    auth: AuthContext,
    client: ClientInfo,
    operation: string,
    executor?: Executor,
    result?: Record<string, unknown>,
  ): Promise<void> {
    return this.deps.audit.bySession(
      auth,
      client,
      { operation, outcome: 'succeeded', result },
      executor,
    );
  }
}
