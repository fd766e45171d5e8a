import { readFileSync } from 'node:fs';
import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id of @node-rs/argon2 (a const enum, which verbatimModuleSyntax cannot import).
const ARGON2ID = 2;
import { ValidationError } from '../errors.js';

export interface Argon2Params {
  memoryKib: number;
  timeCost: number;
}

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

let commonPasswords: Set<string> | null = null;

/** The shipped list of ~10,000 most common passwords (src/auth-data/). Loaded once, lazily. */
function common(): Set<string> {
  if (!commonPasswords) {
    const text = readFileSync(
      new URL('../auth-data/common-passwords.txt', import.meta.url),
      'utf8',
    );
    commonPasswords = new Set(text.split('\n').filter(Boolean));
  }
  return commonPasswords;
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

  /** Throws VALIDATION_FAILED (naming `field`) when the password breaks the policy. */
  assertAcceptable(password: string, field: string, email?: string): void {
    const length = [...password].length;
    if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
      throw new ValidationError({
        field,
        message: `must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long`,
      });
    }
    const lower = password.toLowerCase();
    if (common().has(lower)) {
      throw new ValidationError({
        field,
        message: 'is one of the most common passwords; choose another',
      });
    }
    if (email && lower === email.trim().toLowerCase()) {
      throw new ValidationError({ field, message: 'must not be your email address' });
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
