import { and, asc, eq, isNotNull, lt, or } from 'drizzle-orm';
import type { Executor, Transaction } from '../db/client.js';
import { oidcFlows, userIdentities } from '../db/schema/index.js';

type NewFlow = Pick<
  typeof oidcFlows.$inferInsert,
  'stateHash' | 'browserBindingHash' | 'nonce' | 'codeVerifier' | 'returnTo' | 'expiresAt'
>;

/** A flow taken for its callback: what the exchange needs. */
export interface TakenFlow {
  id: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

/** What taking a flow by its state found. */
export type TakeResult =
  | { kind: 'taken'; flow: TakenFlow }
  | { kind: 'unknown' }
  | { kind: 'otherBrowser' | 'used' | 'expired'; returnTo: string };

export type IdentityRow = typeof userIdentities.$inferSelect;

/** The OpenID sign-in flows between start and callback. */
export class OidcFlowsRepository {
  constructor(private readonly db: Executor) {}

  async create(flow: NewFlow): Promise<void> {
    await this.db.insert(oidcFlows).values(flow);
  }

  /**
   * The flow of this state, marked used and its secrets cleared in the same
   * transaction, unless it belongs to another browser, was used, or expired.
   * The row lock makes two callbacks with one state take turns: one wins.
   */
  take(stateHash: string, bindingHash: string | null, now: Date): Promise<TakeResult> {
    return (this.db as Transaction).transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(oidcFlows)
        .where(eq(oidcFlows.stateHash, stateHash))
        .for('update');
      if (!row) {
        return { kind: 'unknown' };
      }
      const { returnTo } = row;
      if (row.browserBindingHash !== bindingHash) {
        return { kind: 'otherBrowser', returnTo };
      }
      if (row.usedAt !== null || row.nonce === null || row.codeVerifier === null) {
        return { kind: 'used', returnTo };
      }
      if (row.expiresAt.getTime() <= now.getTime()) {
        return { kind: 'expired', returnTo };
      }
      await tx
        .update(oidcFlows)
        .set({ usedAt: now, nonce: null, codeVerifier: null })
        .where(eq(oidcFlows.id, row.id));
      const flow = { id: row.id, nonce: row.nonce, codeVerifier: row.codeVerifier, returnTo };
      return { kind: 'taken', flow };
    });
  }

  /** Deletes flows expired or used before `before` (the sweeper); answers how many. */
  async deleteStale(before: Date): Promise<number> {
    const rows = await this.db
      .delete(oidcFlows)
      .where(
        or(
          lt(oidcFlows.expiresAt, before),
          and(isNotNull(oidcFlows.usedAt), lt(oidcFlows.usedAt, before)),
        ),
      )
      .returning({ id: oidcFlows.id });
    return rows.length;
  }
}

/** Users' identities at OpenID providers. */
export class IdentitiesRepository {
  constructor(private readonly db: Executor) {}

  async find(issuer: string, subject: string, executor: Executor = this.db) {
    const [row] = await executor
      .select()
      .from(userIdentities)
      .where(and(eq(userIdentities.issuer, issuer), eq(userIdentities.subject, subject)))
      .limit(1);
    return row ?? null;
  }

  /**
   * Links; an identity linked already fails on user_identities_issuer_subject_uq
   * (and aborts the transaction: the caller retries the whole resolution).
   */
  async link(
    identity: { userId: string; issuer: string; subject: string; email: string },
    executor: Executor = this.db,
  ): Promise<void> {
    await executor.insert(userIdentities).values(identity);
  }

  async listForUser(userId: string): Promise<IdentityRow[]> {
    return this.db
      .select()
      .from(userIdentities)
      .where(eq(userIdentities.userId, userId))
      .orderBy(asc(userIdentities.createdAt));
  }
}
