import { and, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { afterKeys, keyset, orderOf, sortKeysOf, type Keyed, type KeysetPage } from './keyset.js';
import { operations, routers, userRouters, type OperationError } from '../db/schema/index.js';

export type OperationState = 'running' | 'succeeded' | 'failed';

/** An operation row, as the service reads it. */
export interface OperationRow {
  id: string;
  routerUuid: string;
  kind: string;
  state: OperationState;
  startedAt: Date;
  finishedAt: Date | null;
  result: unknown;
  error: OperationError | null;
}

/** A router's operations, newest first (the shared keyset pagination). */
export const OPERATIONS_ORDER = keyset('operations', [
  { expr: operations.startedAt, type: 'timestamp', desc: true },
  { expr: operations.id, type: 'uuid', desc: true },
]);

const columns = {
  id: operations.id,
  routerUuid: operations.routerId,
  kind: operations.kind,
  state: operations.state,
  startedAt: operations.startedAt,
  finishedAt: operations.finishedAt,
  result: operations.result,
  error: operations.error,
};

const running = (routerUuid: string, kind: string) =>
  and(
    eq(operations.routerId, routerUuid),
    eq(operations.kind, kind),
    eq(operations.state, 'running'),
  );

/** Queries on watchable operations (table `operations`). */
export class OperationsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Transaction-scoped advisory lock on starting and finishing this kind of operation
   * on this router: "start or join" and "finish" do not interleave across instances.
   */
  async lock(routerUuid: string, kind: string, tx: Executor): Promise<void> {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`operation:${kind}:${routerUuid}`}, 0))`,
    );
  }

  /** The running operation of this kind on the router, if any. */
  async findRunning(routerUuid: string, kind: string, tx: Executor): Promise<OperationRow | null> {
    const [row] = await tx.select(columns).from(operations).where(running(routerUuid, kind));
    return row ?? null;
  }

  /** A new running operation; null when one of this kind runs already (the unique index). */
  async insertRunning(
    op: { routerUuid: string; kind: string; startedBy: string; startedAt: Date },
    tx: Executor,
  ): Promise<OperationRow | null> {
    const [row] = await tx
      .insert(operations)
      .values({
        routerId: op.routerUuid,
        kind: op.kind,
        startedBy: op.startedBy,
        startedAt: op.startedAt,
      })
      .onConflictDoNothing()
      .returning(columns);
    return row ?? null;
  }

  /** Records the outcome of a running operation; false when it is no longer running. */
  async finish(
    id: string,
    outcome: { state: 'succeeded'; result: unknown } | { state: 'failed'; error: OperationError },
    finishedAt: Date,
    tx: Executor = this.db,
  ): Promise<boolean> {
    const rows = await tx
      .update(operations)
      .set({
        state: outcome.state,
        finishedAt,
        result: outcome.state === 'succeeded' ? outcome.result : null,
        error: outcome.state === 'failed' ? outcome.error : null,
      })
      .where(and(eq(operations.id, id), eq(operations.state, 'running')))
      .returning({ id: operations.id });
    return rows.length > 0;
  }

  /**
   * Marks failed every running operation started before `startedBefore` (its process
   * died), on one router or everywhere; finished at its start plus `staleAfterMs`.
   */
  async failStale(
    startedBefore: Date,
    staleAfterMs: number,
    error: OperationError,
    routerUuid: string | null = null,
    tx: Executor = this.db,
  ): Promise<number> {
    const rows = await tx
      .update(operations)
      .set({
        state: 'failed',
        finishedAt: sql`${operations.startedAt} + ${staleAfterMs} * interval '1 millisecond'`,
        error,
      })
      .where(
        and(
          eq(operations.state, 'running'),
          lt(operations.startedAt, startedBefore),
          routerUuid === null ? undefined : eq(operations.routerId, routerUuid),
        ),
      )
      .returning({ id: operations.id });
    return rows.length;
  }

  /** The operation, when the user is a member of its router and it finished after `visibleAfter`. */
  async findVisible(
    id: string,
    userId: string,
    visibleAfter: Date,
  ): Promise<(OperationRow & { routerId: string }) | null> {
    const [row] = await this.db
      .select({ ...columns, routerId: routers.routerId })
      .from(operations)
      .innerJoin(routers, eq(routers.id, operations.routerId))
      .innerJoin(
        userRouters,
        and(eq(userRouters.routerId, operations.routerId), eq(userRouters.userId, userId)),
      )
      .where(and(eq(operations.id, id), notExpired(visibleAfter)))
      .limit(1);
    return row ?? null;
  }

  /** One operation by id, whoever may see it (a joiner polling the one it joined). */
  async findById(id: string): Promise<OperationRow | null> {
    const [row] = await this.db.select(columns).from(operations).where(eq(operations.id, id));
    return row ?? null;
  }

  /** One page of the router's operations, newest first. */
  async listForRouter(
    routerUuid: string,
    filter: { state?: OperationState; visibleAfter: Date },
    page: KeysetPage,
  ): Promise<(OperationRow & Keyed)[]> {
    const { state, visibleAfter } = filter;
    return this.db
      .select({ ...columns, sortKeys: sortKeysOf(OPERATIONS_ORDER) })
      .from(operations)
      .where(
        and(
          eq(operations.routerId, routerUuid),
          state === undefined ? undefined : eq(operations.state, state),
          notExpired(visibleAfter),
          afterKeys(OPERATIONS_ORDER, page.after),
        ),
      )
      .orderBy(...orderOf(OPERATIONS_ORDER))
      .limit(page.limit);
  }

  /** Deletes the operations that finished before `finishedBefore`; answers how many. */
  async deleteFinishedBefore(finishedBefore: Date): Promise<number> {
    const rows = await this.db
      .delete(operations)
      .where(lt(operations.finishedAt, finishedBefore))
      .returning({ id: operations.id });
    return rows.length;
  }
}

function notExpired(visibleAfter: Date): SQL {
  return sql`(${operations.finishedAt} is null or ${operations.finishedAt} >= ${visibleAfter.toISOString()}::timestamptz)`;
}
