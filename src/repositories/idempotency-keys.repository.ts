import { and, eq, isNull, lte, or } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { idempotencyKeys } from '../db/schema/index.js';

/** A stored key: its request's hash and, once answered, the answer. */
export interface IdempotencyRow {
  id: string;
  requestHash: string;
  statusCode: number | null;
  responseBody: string | null;
}

/** Queries on idempotency_keys. */
export class IdempotencyKeysRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Claims (user, key) for a new request: a row that expired, or was left in flight
   * longer than `staleBefore` (a process that died mid-request), is deleted first.
   * Answers the new row's id, or the row already there. The unique (user_id, key)
   * index decides between concurrent claims: one inserts, the other sees its row.
   */
  async claim(
    input: { userId: string; key: string; requestHash: string; now: Date },
    cutoffs: { expiredBefore: Date; staleBefore: Date },
  ): Promise<{ claimed: string } | { existing: IdempotencyRow | null }> {
    const { userId, key } = input;
    const mine = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
    await this.db
      .delete(idempotencyKeys)
      .where(
        and(
          mine,
          or(
            lte(idempotencyKeys.createdAt, cutoffs.expiredBefore),
            and(
              isNull(idempotencyKeys.statusCode),
              lte(idempotencyKeys.createdAt, cutoffs.staleBefore),
            ),
          ),
        ),
      );
    const [inserted] = await this.db
      .insert(idempotencyKeys)
      .values({ userId, key, requestHash: input.requestHash, createdAt: input.now })
      .onConflictDoNothing()
      .returning({ id: idempotencyKeys.id });
    if (inserted) {
      return { claimed: inserted.id };
    }
    const [row] = await this.db
      .select({
        id: idempotencyKeys.id,
        requestHash: idempotencyKeys.requestHash,
        statusCode: idempotencyKeys.statusCode,
        responseBody: idempotencyKeys.responseBody,
      })
      .from(idempotencyKeys)
      .where(mine)
      .limit(1);
    // null: freed between the insert and the select (its first request just failed).
    return { existing: row ?? null };
  }

  /** Stores the answer of a claimed key. */
  async complete(id: string, statusCode: number, responseBody: string): Promise<void> {
    await this.db
      .update(idempotencyKeys)
      .set({ statusCode, responseBody })
      .where(eq(idempotencyKeys.id, id));
  }

  /** Frees a claimed key whose answer is not kept: the next request with it runs again. */
  async release(id: string): Promise<void> {
    await this.db.delete(idempotencyKeys).where(eq(idempotencyKeys.id, id));
  }

  /** Deletes the keys created at or before `before`; answers how many. */
  async deleteExpired(before: Date): Promise<number> {
    const rows = await this.db
      .delete(idempotencyKeys)
      .where(lte(idempotencyKeys.createdAt, before))
      .returning({ id: idempotencyKeys.id });
    return rows.length;
  }
}
