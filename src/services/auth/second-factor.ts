import type { Clock } from '../../clock.js';
import type { Executor } from '../../db/client.js';
import type { TwoFactorRepository } from '../../repositories/two-factor.repository.js';
import type { SecretBox } from './secret-box.js';
import { normalizeRecoveryCode, type Totp } from './totp.js';

/** What a user offers as a second factor: a code from the app, or one of the recovery codes. */
export type SecondFactorProof = { code: string } | { recoveryCode: string };

/** Each user's secret is sealed for them: a sealed value copied to another row does not open. */
export const totpSecretPurpose = (userId: string) => `totp-secret:${userId}`;
export const recoveryCodePurpose = (userId: string) => `recovery-code:${userId}`;

/**
 * Checks and spends a second factor: a TOTP code is accepted once (its step
 * recorded), a recovery code is used up. Both in one conditional UPDATE, so two
 * requests with the same code cannot both pass.
 */
export class SecondFactor {
  constructor(
    private readonly deps: {
      twoFactor: TwoFactorRepository;
      box: SecretBox;
      totp: Totp;
      clock: Clock;
    },
  ) {}

  /** Which factor passed (and is now spent), or null when the proof is wrong or already used. */
  async spend(
    userId: string,
    proof: SecondFactorProof,
    executor?: Executor,
  ): Promise<'totp' | 'recovery' | null> {
    const authenticator = await this.deps.twoFactor.find(userId, executor);
    if (!authenticator?.enabledAt) {
      return null;
    }
    if ('code' in proof) {
      const secret = this.deps.box.open(authenticator.secretSealed, totpSecretPurpose(userId));
      const step = await this.deps.totp.step(secret, proof.code);
      const accepted =
        step !== null && (await this.deps.twoFactor.acceptStep(userId, step, executor));
      return accepted ? 'totp' : null;
    }
    const hash = this.hashRecoveryCode(userId, proof.recoveryCode);
    const used = await this.deps.twoFactor.useRecoveryCode(
      userId,
      hash,
      this.deps.clock.now(),
      executor,
    );
    return used ? 'recovery' : null;
  }

  hashRecoveryCode(userId: string, code: string): string {
    return this.deps.box.mac(normalizeRecoveryCode(code), recoveryCodePurpose(userId));
  }
}
