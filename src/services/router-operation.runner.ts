import { sql } from 'drizzle-orm';
import type { CommandsServerClient } from '../clients/commands-server.client.js';
import type { Database, Executor, Transaction } from '../db/client.js';
import { AppError } from '../errors.js';
import type { RouterAccess } from '../repositories/routers.repository.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import type { CommandsSessionService } from './commands-session.service.js';
import type { PendingAudit, RouterAudit, Summary } from './router-audit.js';

/** The router an operation is about: `id` is null while it is being claimed (not stored yet). */
export interface OperationTarget {
  id: string | null;
  routerId: string;
}

interface OperationCommon<Out> {
  auth: AuthContext;
  client: ClientInfo;
  router: OperationTarget;
  /** Stable name in the audit trail, e.g. `whitelist.add`. */
  operation: string;
  /** Parameters for the audit trail, already redacted (never a password). */
  params?: Record<string, unknown>;
  /**
   * Hold the router's lock across the precheck, the call and the writes. The
   * Commands-Server keeps lists, modes and rates in a state file on the router that
   * it reads, modifies and writes with no locking (contract §3, "Races"), so
   * concurrent mutations of one router must not reach it at the same time.
   */
  serialize?: boolean;
  /**
   * Whether the call changes the router (default true). When it does, a failure of
   * the writes after it is answered 500 PERSISTENCE_FAILED: the router and the
   * database may now differ. A read (a claim's probe) fails plainly.
   */
  changesRouter?: boolean;
  /**
   * Decides, from the database, whether the call is still needed: `{ done }` is
   * answered with no call and no writes (audited as succeeded). With `serialize` it
   * runs under the router's lock, so it sees what the previous operation committed.
   */
  precheck?: (db: Executor) => Promise<{ done: Out } | null>;
  /**
   * A short summary of what execute() answers, stored with the `succeeded` outcome
   * and shown in the activity as `result` (e.g. `{ found, new }` of a scan). Never a
   * secret. Also applied to a precheck's `done`.
   */
  summarize?: (out: Out) => Summary;
}

/** An operation that only calls the router: execute() answers the call's result. */
export interface CallOperation<R> extends OperationCommon<R> {
  /** The Commands-Server call. It must not touch the database. */
  call: (cs: CommandsServerClient) => Promise<R>;
  persist?: undefined;
}

/** An operation that calls the router, then writes: execute() answers what `persist` returns. */
export interface PersistedOperation<R, P> extends OperationCommon<P> {
  call: (cs: CommandsServerClient) => Promise<R>;
  /** The database step after the call, in one transaction with the `succeeded` audit outcome. */
  persist: (tx: Transaction, result: R) => Promise<P>;
  /** The router the writes created, attached to the audit event (a claim). */
  createdRouter?: (persisted: P) => string;
}

type AnyOperation = CallOperation<unknown> | PersistedOperation<unknown, unknown>;

/** What an attempt produced, and whether its `succeeded` outcome is already written. */
interface Outcome {
  value: unknown;
  recorded: boolean;
}

/**
 * The one orchestration pattern of SPEC §6, after authorisation
 * ({@link RouterAccessPolicy}) and validation: audit `pending` → make sure the
 * Commands-Server session exists → call → on failure leave the domain tables
 * untouched and audit the outcome → on success persist and audit `succeeded` in
 * one transaction. A write that fails after the router changed is reported
 * (PERSISTENCE_FAILED), never a silent success.
 */
export class RouterOperationRunner {
  constructor(
    private readonly deps: {
      db: Database;
      audit: RouterAudit;
      commandsSessions: CommandsSessionService;
    },
  ) {}

  /** A read from the router that changes nothing and is not audited (status, usage). */
  async read<R>(
    auth: AuthContext,
    router: RouterAccess,
    call: (cs: CommandsServerClient) => Promise<R>,
  ): Promise<R> {
    return this.deps.commandsSessions.run(
      { sessionId: auth.sessionId, routerId: router.routerId },
      call,
    );
  }

  execute<R>(op: CallOperation<R>): Promise<R>;
  execute<R, P>(op: PersistedOperation<R, P>): Promise<P>;
  async execute(op: AnyOperation): Promise<unknown> {
    const { auth, client, router, operation, params } = op;
    const trail = await this.deps.audit.begin({
      auth,
      client,
      routerUuid: router.id,
      routerId: router.routerId,
      operation,
      params,
    });
    const run = new OperationRun(op, trail, this.deps.db);
    try {
      // The session service retries the whole attempt once on SESSION_INVALID.
      const outcome = await this.deps.commandsSessions.run(
        { sessionId: auth.sessionId, routerId: router.routerId },
        (cs) => run.attempt(cs),
      );
      if (!outcome.recorded) {
        await trail.succeeded(run.summarize(outcome.value));
      }
      return outcome.value;
    } catch (err) {
      const answered = run.routerChanged ? persistenceFailed(err) : err;
      await trail.failed(answered);
      throw answered;
    }
  }
}

/** One execution of an operation: its steps, and whether the router has been changed yet. */
class OperationRun {
  /** Set once the call succeeded on a router-changing operation: later failures are PERSISTENCE_FAILED. */
  routerChanged = false;

  constructor(
    private readonly op: AnyOperation,
    private readonly trail: PendingAudit,
    private readonly db: Database,
  ) {}

  /** The operation's summary of what it answers, or null. */
  summarize(value: unknown): Summary {
    return this.op.summarize ? this.op.summarize(value) : null;
  }

  /** Precheck, call and writes; under the router's lock, in one transaction, when serialised. */
  async attempt(cs: CommandsServerClient): Promise<Outcome> {
    if (!this.op.serialize) {
      return this.steps(cs, this.db, null);
    }
    const routerUuid = this.op.router.id;
    if (routerUuid === null) {
      throw new Error(`${this.op.operation}: a router that is not stored cannot be locked`);
    }
    return this.db.transaction(async (tx) => {
      await lockRouter(tx, routerUuid);
      return this.steps(cs, tx, tx);
    });
  }

  /** `tx` is the serialised operation's transaction; without one the writes get their own. */
  private async steps(
    cs: CommandsServerClient,
    reader: Executor,
    tx: Transaction | null,
  ): Promise<Outcome> {
    const early = this.op.precheck ? await this.op.precheck(reader) : null;
    if (early) {
      return { value: early.done, recorded: false };
    }
    const op = this.op;
    const result = await op.call(cs);
    this.routerChanged = op.changesRouter ?? true;
    if (!op.persist) {
      return { value: result, recorded: false };
    }
    const { persist, createdRouter } = op;
    const write = async (t: Transaction) => {
      const persisted = await persist(t, result);
      await this.trail.succeededIn(t, createdRouter?.(persisted), this.summarize(persisted));
      return { value: persisted, recorded: true };
    };
    return tx ? write(tx) : this.db.transaction(write);
  }
}

function persistenceFailed(cause: unknown): AppError {
  return new AppError(
    'PERSISTENCE_FAILED',
    'The router applied the change but saving it failed; the database and the router may differ',
    { cause },
  );
}

/** Transaction-scoped advisory lock keyed by the router: released at commit or rollback. */
async function lockRouter(tx: Transaction, routerUuid: string): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`router:${routerUuid}`}, 0))`,
  );
}
