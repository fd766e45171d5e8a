import { TooManyRequestsError } from '../../errors.js';
import type { ThrottleRule, ThrottleStore } from './store.js';

export interface ThrottleLimits {
  /** How long an attempt stays counted. */
  windowMs: number;
  /** Attempts per (account, address) and per device before backoff starts. */
  freeAttempts: number;
  /** Registrations one address may make per registration window. */
  registrationsPerIp: number;
  registrationWindowMs: number;
}

/**
 * A counted attempt: `succeeded()` when the password was right; a wrong one
 * needs nothing (it stays counted); `cancelled()` when it never reached the
 * password check (the argon2 queue was full), which takes it back.
 */
export interface Reservation {
  succeeded(): Promise<void>;
  cancelled(): Promise<void>;
}

const LONG_MAX_DELAY_MS = 15 * 60_000;
/** The account-wide rule never holds anyone back longer than this (see docs/security.md). */
export const ACCOUNT_MAX_DELAY_MS = 60_000;

/**
 * Online-guessing defence for every password check: logins, the current
 * password of a password change, and registrations (which cost the same argon2
 * work). Hand-written rather than a rate-limiter library because the rules are
 * the design: several counters judged together, backoff instead of lockout, and
 * device cookies that exempt a user's own browser from the account-wide rule.
 *
 * Each attempt is *reserved* (checked and counted in one atomic step of the
 * store) before argon2 runs, so concurrency cannot outrun the count: per key at
 * most `free` attempts pass, then one per backoff step. A success takes the
 * attempt back (resets the account's counters, refunds the address's one).
 */
export class LoginThrottle {
  constructor(
    private readonly store: ThrottleStore,
    private readonly limits: ThrottleLimits,
  ) {}

  /**
   * A login for `email` (normalised) from `ip`. With a device cookie valid for
   * this account (`deviceNonce`), only that device's counter judges it; without
   * one, the (account, address), address and account counters do.
   */
  async reserveLogin(
    target: { email: string; ip: string; deviceNonce: string | null },
    nowMs: number,
  ): Promise<Reservation> {
    const { email, ip, deviceNonce } = target;
    const free = this.limits.freeAttempts;
    if (deviceNonce !== null) {
      const device = rule(`login:device:${deviceNonce}`, free, LONG_MAX_DELAY_MS);
      return this.reserve([device], nowMs, { reset: [device.key] });
    }
    const acctIp = rule(`login:acct-ip:${email}|${ip}`, free, LONG_MAX_DELAY_MS);
    const address = rule(`login:ip:${ip}`, free * 4, LONG_MAX_DELAY_MS);
    const account = rule(`login:acct:${email}`, free * 10, ACCOUNT_MAX_DELAY_MS);
    return this.reserve([acctIp, address, account], nowMs, {
      reset: [acctIp.key, account.key],
      refund: [address.key],
    });
  }

  /**
   * The current-password check of a password change: the account's login
   * counters and the session's own, so a stolen session cannot guess at speed.
   */
  async reservePasswordCheck(
    target: { email: string; ip: string; sessionId: string },
    nowMs: number,
  ): Promise<Reservation> {
    const { email, ip, sessionId } = target;
    const free = this.limits.freeAttempts;
    const session = rule(`password:session:${sessionId}`, free, LONG_MAX_DELAY_MS);
    const acctIp = rule(`login:acct-ip:${email}|${ip}`, free, LONG_MAX_DELAY_MS);
    const account = rule(`login:acct:${email}`, free * 10, ACCOUNT_MAX_DELAY_MS);
    const rules = [session, acctIp, account];
    return this.reserve(rules, nowMs, { reset: rules.map((r) => r.key) });
  }

  /**
   * A second-factor code (sign-in challenge, or a 2FA change of a signed-in
   * user): the scope's own counter (the challenge or the session), the account's
   * login counter, and an account-wide second-factor counter that a right
   * password does not reset, so knowing the password never buys fresh guesses.
   */
  async reserveSecondFactor(
    target: { email: string; scope: string },
    nowMs: number,
  ): Promise<Reservation> {
    const free = this.limits.freeAttempts;
    const scope = rule(`2fa:scope:${target.scope}`, free, LONG_MAX_DELAY_MS);
    const secondFactor = rule(`2fa:acct:${target.email}`, free * 2, LONG_MAX_DELAY_MS);
    const account = rule(`login:acct:${target.email}`, free * 10, ACCOUNT_MAX_DELAY_MS);
    const rules = [scope, secondFactor, account];
    return this.reserve(rules, nowMs, { reset: rules.map((r) => r.key) });
  }

  /** Counts a registration from `ip`; 429 RATE_LIMITED past the per-address limit. */
  async countRegistration(ip: string, nowMs: number): Promise<void> {
    const { count, resetInMs } = await this.store.hit(
      `register:ip:${ip}`,
      nowMs,
      this.limits.registrationWindowMs,
    );
    if (count > this.limits.registrationsPerIp) {
      throw new TooManyRequestsError(
        'RATE_LIMITED',
        'Too many accounts created from this address; try again later',
        Math.max(1, Math.ceil(resetInMs / 1000)),
      );
    }
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private async reserve(
    rules: ThrottleRule[],
    nowMs: number,
    onSuccess: { reset: string[]; refund?: string[] },
  ): Promise<Reservation> {
    const waitMs = await this.store.reserve(rules, nowMs, this.limits.windowMs);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new TooManyRequestsError(
        'TOO_MANY_ATTEMPTS',
        `Too many failed attempts; try again in ${seconds} second${seconds === 1 ? '' : 's'}`,
        seconds,
      );
    }
    return {
      succeeded: async () => {
        await Promise.all([
          this.store.reset(onSuccess.reset),
          this.store.refund(onSuccess.refund ?? []),
        ]);
      },
      cancelled: () => this.store.refund(rules.map((r) => r.key)),
    };
  }
}

function rule(key: string, free: number, maxDelayMs: number): ThrottleRule {
  return { key, free, maxDelayMs };
}
