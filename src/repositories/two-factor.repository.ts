import { and, eq, gt, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { loginChallenges, userRecoveryCodes, userTwoFactor } from '../db/schema/index.js';

export type AuthenticatorRow = typeof userTwoFactor.$inferSelect;
export type ChallengeRow = typeof loginChallenges.$inferSelect;

/** A step is accepted once: only a later one than the last accepted may pass. */
const laterStep = (step: number) =>
  or(isNull(userTwoFactor.lastUsedStep), lt(userTwoFactor.lastUsedStep, step));

/**
 * The two-factor tables: a user's authenticator, their recovery codes and the
 * sign-in challenges. Every "only once" (a TOTP step, a recovery code, a
 * challenge) is one conditional UPDATE, so two concurrent requests cannot both win.
 */
export class TwoFactorRepository {
  constructor(private readonly db: Executor) {}

  async find(userId: string, executor: Executor = this.db): Promise<AuthenticatorRow | null> {
    const [row] = await executor
      .select()
      .from(userTwoFactor)
      .where(eq(userTwoFactor.userId, userId))
      .limit(1);
    return row ?? null;
  }

  /** Starts (or restarts) an enrolment; false when 2FA is already enabled. */
  async savePending(userId: string, secretSealed: string): Promise<boolean> {
    const rows = await this.db
      .insert(userTwoFactor)
      .values({ userId, secretSealed })
      .onConflictDoUpdate({
        target: userTwoFactor.userId,
        set: { secretSealed, enabledAt: null, lastUsedStep: null },
        setWhere: isNull(userTwoFactor.enabledAt),
      })
      .returning({ id: userTwoFactor.id });
    return rows.length === 1;
  }

  /** Confirms a pending enrolment with the step of a right code; false when it lost a race. */
  async enable(userId: string, step: number, at: Date, executor: Executor): Promise<boolean> {
    const rows = await executor
      .update(userTwoFactor)
      .set({ enabledAt: at, lastUsedStep: step })
      .where(
        and(eq(userTwoFactor.userId, userId), isNull(userTwoFactor.enabledAt), laterStep(step)),
      )
      .returning({ id: userTwoFactor.id });
    return rows.length === 1;
  }

  /** Records `step` as used; false when it (or a later one) was used already. */
  async acceptStep(userId: string, step: number, executor: Executor = this.db): Promise<boolean> {
    const rows = await executor
      .update(userTwoFactor)
      .set({ lastUsedStep: step })
      .where(
        and(eq(userTwoFactor.userId, userId), isNotNull(userTwoFactor.enabledAt), laterStep(step)),
      )
      .returning({ id: userTwoFactor.id });
    return rows.length === 1;
  }

  /** Removes the authenticator and every recovery code. */
  async remove(userId: string, executor: Executor): Promise<void> {
    await executor.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId));
    await executor.delete(userTwoFactor).where(eq(userTwoFactor.userId, userId));
  }

  /** Deletes an enrolment that was set up but never enabled; false when there is none (or it is on). */
  async removePending(userId: string): Promise<boolean> {
    const rows = await this.db
      .delete(userTwoFactor)
      .where(and(eq(userTwoFactor.userId, userId), isNull(userTwoFactor.enabledAt)))
      .returning({ id: userTwoFactor.id });
    return rows.length === 1;
  }

  async replaceRecoveryCodes(userId: string, hashes: string[], executor: Executor): Promise<void> {
    await executor.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId));
    await executor
      .insert(userRecoveryCodes)
      .values(hashes.map((codeHash) => ({ userId, codeHash })));
  }

  /** Spends a recovery code; false when it is not one of the user's or was spent already. */
  async useRecoveryCode(
    userId: string,
    codeHash: string,
    at: Date,
    executor: Executor = this.db,
  ): Promise<boolean> {
    const rows = await executor
      .update(userRecoveryCodes)
      .set({ usedAt: at })
      .where(
        and(
          eq(userRecoveryCodes.userId, userId),
          eq(userRecoveryCodes.codeHash, codeHash),
          isNull(userRecoveryCodes.usedAt),
        ),
      )
      .returning({ id: userRecoveryCodes.id });
    return rows.length === 1;
  }

  async unusedRecoveryCodes(userId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(userRecoveryCodes)
      .where(and(eq(userRecoveryCodes.userId, userId), isNull(userRecoveryCodes.usedAt)));
    return row?.n ?? 0;
  }

  async createChallenge(challenge: {
    userId: string;
    tokenHash: string;
    method: 'password' | 'oidc';
    expiresAt: Date;
  }): Promise<ChallengeRow> {
    const [row] = await this.db.insert(loginChallenges).values(challenge).returning();
    return row!;
  }

  /** A challenge that can still be answered: not used, not expired. */
  async findOpenChallenge(tokenHash: string, now: Date): Promise<ChallengeRow | null> {
    const [row] = await this.db
      .select()
      .from(loginChallenges)
      .where(
        and(
          eq(loginChallenges.tokenHash, tokenHash),
          isNull(loginChallenges.usedAt),
          gt(loginChallenges.expiresAt, now),
        ),
      )
      .limit(1);
    return row ?? null;
  }

  /** Counts a wrong code; at `maxFailures` the challenge is spent. */
  async recordChallengeFailure(id: string, maxFailures: number, at: Date): Promise<void> {
    await this.db
      .update(loginChallenges)
      .set({
        failedAttempts: sql`${loginChallenges.failedAttempts} + 1`,
        usedAt: sql`case when ${loginChallenges.failedAttempts} + 1 >= ${maxFailures} then ${at.toISOString()}::timestamptz else null end`,
      })
      .where(and(eq(loginChallenges.id, id), isNull(loginChallenges.usedAt)));
  }

  /** Spends the challenge; false when another request spent it first or it expired. */
  async consumeChallenge(id: string, at: Date, executor: Executor = this.db): Promise<boolean> {
    const rows = await executor
      .update(loginChallenges)
      .set({ usedAt: at })
      .where(
        and(
          eq(loginChallenges.id, id),
          isNull(loginChallenges.usedAt),
          gt(loginChallenges.expiresAt, at),
        ),
      )
      .returning({ id: loginChallenges.id });
    return rows.length === 1;
  }

  /** For the sweeper: challenges that can no longer be answered. */
  async deleteChallengesBefore(before: Date): Promise<number> {
    const rows = await this.db
      .delete(loginChallenges)
      .where(lt(loginChallenges.expiresAt, before))
      .returning({ id: loginChallenges.id });
    return rows.length;
  }
}
