import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { Database, Transaction } from '../db/client.js';
import type { OperationError } from '../db/schema/index.js';
import { NotFoundError } from '../errors.js';
import {
  OPERATIONS_ORDER,
  type OperationRow,
  type OperationState,
  type OperationsRepository,
} from '../repositories/operations.repository.js';
import type { RouterAccess } from '../repositories/routers.repository.js';
import type { AuthContext } from './auth-context.js';
import {
  describeError,
  errorOf,
  errorView,
  interrupted,
  type OperationView,
} from './operation-outcome.js';
import { paginate, type Page, type PageQuery } from './pagination.js';
import type { RouterAccessPolicy } from './router-access.policy.js';

/** Operations are deleted (and invisible) this long after they finished. */
export const OPERATION_RETENTION_MS = 24 * 60 * 60 * 1000;
/** How often a joiner on another instance reads the operation it waits for. */
const POLL_INTERVAL_MS = 100;
/** Writing an operation's outcome: attempts, and the pause before the next (times the attempt). */
const RECORD_ATTEMPTS = 3;
const RECORD_RETRY_MS = 250;

/** What a service asks for: the operation, and the rules around its start and end. */
export interface StartOptions<T> {
  auth: AuthContext;
  router: RouterAccess;
  /** The audit name, e.g. `network.scan`: one running operation of a kind per router. */
  kind: string;
  /** Checked under the operation's lock before a new operation starts (not when joining); throws to refuse. */
  admit?: (tx: Transaction, now: Date) => Promise<void>;
  /** The work, through RouterOperationRunner; what it answers is the operation's result. */
  run: () => Promise<T>;
  /** Under the operation's lock, in the transaction that records the end (succeeded or failed). */
  onFinish?: (tx: Transaction, finishedAt: Date) => Promise<void>;
}

export interface StartedOperation<T> {
  operation: OperationView;
  /** True when another request had started it: this one joined. */
  joined: boolean;
  /** Waits for the end: the result, or the error the operation failed with. */
  outcome: () => Promise<T>;
}

export interface OperationsServiceDeps {
  db: Database;
  operations: OperationsRepository;
  access: RouterAccessPolicy;
  clock: Clock;
  log: FastifyBaseLogger;
  /** A running operation older than this is read as failed: its process died. */
  staleAfterMs: number;
}

/**
 * Long router operations clients can watch (a scan), kept in PostgreSQL so that
 * several server instances share them: one running operation of a kind per router,
 * which a second request joins instead of calling the router again. The work runs
 * in the background of the instance that started it; close() waits for it.
 */
export class OperationsService {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: OperationsServiceDeps) {}

  /** Starts the operation, or joins the one of this kind running on the router. */
  async start<T>(opts: StartOptions<T>): Promise<StartedOperation<T>> {
    const { row, joined } = await this.startOrJoin(opts);
    if (!joined) {
      this.launch(row.id, opts);
    }
    return {
      operation: this.view(row, opts.router.routerId),
      joined,
      outcome: () => (this.inFlight.get(row.id) ?? this.poll(row.id)) as Promise<T>,
    };
  }

  /** One operation of a router the caller is a member of; 404 otherwise, and once expired. */
  async get(auth: AuthContext, operationId: string): Promise<OperationView> {
    const row = await this.deps.operations.findVisible(
      operationId,
      auth.userId,
      this.expiredBefore(),
    );
    if (!row) {
      throw new NotFoundError('OPERATION_NOT_FOUND', 'No such operation');
    }
    return this.view(row, row.routerId);
  }

  /** The router's operations, newest first, one page at a time (`limit`, `cursor`). */
  async list(
    auth: AuthContext,
    routerId: string,
    query: PageQuery & { state?: OperationState },
  ): Promise<Page<OperationView>> {
    const router = await this.deps.access.check(auth, routerId);
    // So that `?state=running` never lists an operation whose process died.
    await this.failStale(router.id);
    const filter = { state: query.state, visibleAfter: this.expiredBefore() };
    return paginate(
      OPERATIONS_ORDER,
      query,
      (page) => this.deps.operations.listForRouter(router.id, filter, page),
      (r) => this.view(r, router.routerId),
    );
  }

  /** The sweeper's pass: running operations whose process died are failed; old ones deleted. */
  async sweep(): Promise<{ failed: number; deleted: number }> {
    const failed = await this.failStale(null);
    const deleted = await this.deps.operations.deleteFinishedBefore(this.expiredBefore());
    return { failed, deleted };
  }

  /** Waits for the operations this instance runs in the background (at shutdown). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async startOrJoin<T>(opts: StartOptions<T>) {
    const { router, kind, auth } = opts;
    const repo = this.deps.operations;
    return this.deps.db.transaction(async (tx) => {
      await repo.lock(router.id, kind, tx);
      await this.failStale(router.id, tx);
      const running = await repo.findRunning(router.id, kind, tx);
      if (running) {
        return { row: running, joined: true };
      }
      const now = this.deps.clock.now();
      await opts.admit?.(tx, now);
      const started = { routerUuid: router.id, kind, startedBy: auth.userId, startedAt: now };
      const row = await repo.insertRunning(started, tx);
      if (!row) {
        // Cannot happen while the lock is held; the unique index is the last word.
        throw new Error(`${kind}: another operation started on router ${router.id} unlocked`);
      }
      return { row, joined: false };
    });
  }

  /** Runs the work in the background, tracked until its outcome is recorded. */
  private launch<T>(id: string, opts: StartOptions<T>): void {
    const settled = this.settle(id, opts);
    this.inFlight.set(id, settled);
    // Handled here, so that no one waiting is not an unhandled rejection.
    void settled
      .catch(() => undefined)
      .finally(() => {
        this.inFlight.delete(id);
      });
  }

  private async settle<T>(id: string, opts: StartOptions<T>): Promise<T> {
    let value: T;
    try {
      value = await opts.run();
    } catch (err) {
      const error = describeError(err);
      if (error.code === 'INTERNAL_ERROR') {
        this.deps.log.error({ err, operationId: id }, 'operation failed unexpectedly');
      }
      await this.record(id, opts, { state: 'failed', error });
      throw err;
    }
    await this.record(id, opts, { state: 'succeeded', result: value });
    return value;
  }

  /**
   * Writes the outcome, retried a few times: a row left `running` would make every
   * later request join it until it turns stale. A failure past the retries is logged.
   */
  private async record<T>(
    id: string,
    opts: StartOptions<T>,
    outcome: { state: 'succeeded'; result: unknown } | { state: 'failed'; error: OperationError },
  ): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.deps.db.transaction(async (tx) => {
          await this.deps.operations.lock(opts.router.id, opts.kind, tx);
          const now = this.deps.clock.now();
          if (!(await this.deps.operations.finish(id, outcome, now, tx))) {
            this.deps.log.warn({ operationId: id }, 'operation ended after it was deemed stale');
          }
          await opts.onFinish?.(tx, now);
        });
        return;
      } catch (err) {
        if (attempt >= RECORD_ATTEMPTS) {
          this.deps.log.error({ err, operationId: id }, 'recording the end of an operation failed');
          return;
        }
        await sleep(RECORD_RETRY_MS * attempt);
      }
    }
  }

  /** Waits for an operation another instance runs, reading its row. */
  private async poll(id: string): Promise<unknown> {
    for (;;) {
      const row = await this.deps.operations.findById(id);
      if (!row) {
        throw errorOf(interrupted());
      }
      if (row.state === 'succeeded') {
        return row.result;
      }
      if (row.state === 'failed') {
        throw errorOf(row.error);
      }
      if (this.isStale(row)) {
        await this.failStale(row.routerUuid);
        continue;
      }
      await sleep(POLL_INTERVAL_MS);
    }
  }

  private failStale(routerUuid: string | null, tx?: Transaction): Promise<number> {
    const { staleAfterMs, clock } = this.deps;
    const startedBefore = new Date(clock.now().getTime() - staleAfterMs);
    return this.deps.operations.failStale(
      startedBefore,
      staleAfterMs,
      interrupted(),
      routerUuid,
      tx,
    );
  }

  private isStale(row: OperationRow): boolean {
    const age = this.deps.clock.now().getTime() - row.startedAt.getTime();
    return row.state === 'running' && age > this.deps.staleAfterMs;
  }

  private expiredBefore(): Date {
    return new Date(this.deps.clock.now().getTime() - OPERATION_RETENTION_MS);
  }

  /** The row as clients see it; a running row whose process died reads as failed. */
  private view(row: OperationRow, routerId: string): OperationView {
    const stale = this.isStale(row);
    const staleEnd = new Date(row.startedAt.getTime() + this.deps.staleAfterMs);
    const finishedAt = stale ? staleEnd : row.finishedAt;
    const end = finishedAt ?? this.deps.clock.now();
    const state = stale ? 'failed' : row.state;
    return {
      id: row.id,
      kind: row.kind,
      routerId,
      state,
      startedAt: row.startedAt.toISOString(),
      finishedAt: finishedAt?.toISOString() ?? null,
      elapsedMs: Math.max(0, end.getTime() - row.startedAt.getTime()),
      result: state === 'succeeded' ? row.result : null,
      error: stale ? interrupted() : row.error && errorView(row.error),
    };
  }
}
