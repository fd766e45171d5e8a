import { hash, verify } from '@node-rs/argon2';
import { ValidationError, type FieldProblem } from '../errors.js';
import {
  estimatePasswordStrength,
  MIN_PASSWORD_SCORE,
  SCORED_PREFIX_LENGTH,
  type PasswordStrength,
} from '../validation/password-strength.js';

// Algorithm.Argon2id of @node-rs/argon2 (a const enum, which verbatimModuleSyntax cannot import).
const ARGON2ID = 2;

export interface Argon2Params {
  memoryKib: number;
  timeCost: number;
}

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** The field problem of a guessable password: the estimate beside the message. */
export interface WeakPasswordProblem extends FieldProblem {
  score: number;
  warning: string | null;
  suggestions: string[];
}

const GENERAL_ADVICE =
  'Use a longer passphrase of several unrelated words (for example four random words), ' +
  'or let a password manager make one.';

function asSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Why the password was refused and what to do instead, in one message. */
function weakPasswordProblem(
  field: string,
  strength: PasswordStrength,
  length: number,
): WeakPasswordProblem {
  const warning = strength.usesPersonalData
    ? 'It contains your email address, a part of it, or the product name.'
    : strength.warning;
  const parts = [
    `is too easy to guess (strength ${strength.score} of 4, at least ${MIN_PASSWORD_SCORE} needed).`,
    ...(length > SCORED_PREFIX_LENGTH
      ? [`Only its first ${SCORED_PREFIX_LENGTH} characters are scored.`]
      : []),
    ...(warning ? [asSentence(warning)] : []),
    ...strength.suggestions.map(asSentence),
    GENERAL_ADVICE,
  ];
  return {
    field,
    message: parts.join(' '),
    score: strength.score,
    warning,
    suggestions: strength.suggestions,
  };
}

/**
 * Password policy and hashing: argon2id at or above OWASP's row (m ≥ 19 MiB,
 * t ≥ 2, p = 1). @node-rs/argon2 hashes on libuv's thread pool, off the event loop.
 */
export class PasswordService {
  private dummyHash: Promise<string> | null = null;
  /** argon2 computations made, for /metrics (a test counts the verifications a flood reaches). */
  readonly counts = { hash: 0, verify: 0 };

  constructor(private readonly params: Argon2Params) {}

  /**
   * Throws VALIDATION_FAILED (naming `field`) when the password breaks the policy:
   * 8 to 128 characters, not the email, and a zxcvbn score of at least 3 counting
   * the email, its local part and the product name as words an attacker tries.
   */
  assertAcceptable(password: string, field: string, email?: string): void {
    const length = [...password].length;
    if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
      throw new ValidationError({
        field,
        message: `must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long`,
      });
    }
    if (email && password.toLowerCase() === email.trim().toLowerCase()) {
      throw new ValidationError({ field, message: 'must not be your email address' });
    }
    const strength = estimatePasswordStrength(password, email);
    if (strength.score < MIN_PASSWORD_SCORE) {
      throw new ValidationError(weakPasswordProblem(field, strength, length));
    }
  }

  hash(password: string): Promise<string> {
    this.counts.hash += 1;
    return hash(password, {
      algorithm: ARGON2ID,
      memoryCost: this.params.memoryKib,
      timeCost: this.params.timeCost,
      parallelism: 1,
    });
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    this.counts.verify += 1;
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /**
   * Verifies against a fixed hash made with the current parameters, so a login
   * for an unknown email costs the same time as one with a wrong password.
   */
  async verifyDummy(password: string): Promise<void> {
    this.dummyHash ??= this.hash('dummy password for timing equality');
    await this.verify(await this.dummyHash, password);
  }

  /** True when a stored hash was made with other parameters than the current ones. */
  needsRehash(passwordHash: string): boolean {
    const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(passwordHash);
    if (!m) {
      return true;
    }
    return (
      Number(m[1]) !== this.params.memoryKib ||
      Number(m[2]) !== this.params.timeCost ||
      Number(m[3]) !== 1
    );
  }
}
