import { randomInt } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { Clock } from '../../clock.js';

/** 30-second steps, six digits (RFC 6238 defaults, what authenticator apps expect). */
const PERIOD_SECONDS = 30;
/** One step either way: a code typed as it changes, or a phone clock a little off. */
const TOLERANCE_SECONDS = PERIOD_SECONDS;
const ISSUER = 'NetPilot';

/** No 0/o, 1/l/i: a code read off paper is typed right. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const RECOVERY_CODE_COUNT = 10;

/**
 * TOTP through otplib (RFC 6238): new secrets, the otpauth:// URI and its QR
 * code for enrolment, and code checks against the injected clock.
 */
export class Totp {
  constructor(private readonly clock: Clock) {}

  newSecret(): string {
    return generateSecret();
  }

  async enrolment(secret: string, accountLabel: string) {
    const otpauthUri = generateURI({ issuer: ISSUER, label: accountLabel, secret });
    const qrCodeDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M' });
    return { secret, otpauthUri, qrCodeDataUrl };
  }

  /** The time step `code` belongs to when it is valid now (±1 step), else null. */
  async step(secret: string, code: string): Promise<number | null> {
    const epoch = Math.floor(this.clock.now().getTime() / 1000);
    const result = await verify({
      secret,
      token: code,
      epoch,
      period: PERIOD_SECONDS,
      epochTolerance: TOLERANCE_SECONDS,
    });
    // The union also covers HOTP results, which carry no time step.
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }
}

/** Ten fresh recovery codes, `xxxxx-xxxxx` (about 49 bits each). */
export function newRecoveryCodes(): string[] {
  const part = () =>
    Array.from({ length: 5 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join(
      '',
    );
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => `${part()}-${part()}`);
}

/** What is compared: lower case, without the dash or spaces people type. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}
