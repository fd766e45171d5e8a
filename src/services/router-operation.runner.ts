import { sql } from 'drizzle-orm';
import type { CommandsServerClient } from '../clients/commands-server.client.js';
import { CommandsServerError } from '../clients/commands-server.errors.js';
import type { Clock } from '../clock.js';
import type { Database, Executor, Transaction } from '../db/client.js';
import { AppError, ForbiddenError, NotFoundError } from '../errors.js';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type { RouterAccess, RoutersRepository } from '../repositories/routers.repository.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import type { CommandsSessionService } from './commands-session.service.js';

export interface OperationSpec<R, P> {
  auth: AuthContext;
  client: ClientInfo;
  router: RouterAccess;
  /** Stable name in the audit trail, e.g. `whitelist.add`. */
  operation: string;
  /** Parameters for the audit trail, already redacted (never a password). */
  params?: Record<string, unknown>;
  /**
   * Hold the router's lock across the call and the writes. The Commands-Server
   * keeps lists, modes and rates in a state file on the router that it reads,
   * modifies and writes with no locking (contract §3, "Races"), so concurrent
   * mutations of one router must not reach it at the same time.
   */
  serialize?: boolean;
  /**
   * Decides, from the database, whether the call is still needed: returning
   * `{ result }` answers that result with no call and no writes (audited as
   * succeeded). With `serialize` it runs under the router's lock, so it sees what
   * the previous operation committed; a check made before the lock could act on
   * stale state (e.g. `DELETE /api/{list}/mode` switches off whichever mode is active).
   */
  precheck?: (tx: Executor) => Promise<{ result: R } | null>;
  /** The Commands-Server call. It must not touch the database. */
  call: (cs: CommandsServerClient) => Promise<R>;
  /** The writes of a success, in one transaction. */
  persist?: (tx: Transaction, result: R) => Promise<P>;
}

/**
 * The one orchestration pattern of SPEC §6, after authentication and
 * validation: audit `pending` → make sure the Commands-Server session exists →
 * call → on failure leave the domain tables untouched and audit the outcome → on
 * success persist and audit `succeeded` in one transaction. A write that fails
 * after the router changed is reported (PERSISTENCE_FAILED), never a silent success.
 */
export class RouterOperationRunner {
  constructor(
    private readonly deps: {
      db: Database;
      routers: RoutersRepository;
      audit: AuditRepository;
      commandsSessions: CommandsSessionService;
      clock: Clock;
    },
  ) {}

  /** The caller's access to a router: 404 if not a member (never revealing it exists), 403 if not the owner when required. */
  async access(
    auth: AuthContext,
    routerId: string,
    options: { ownerOnly?: boolean } = {},
  ): Promise<RouterAccess> {
    // Read with the session when the route is about this router (auth plugin).
    const access =
      auth.router?.routerId === routerId
        ? auth.router.access
        : await this.deps.routers.findAccess(auth.userId, routerId);
    if (!access) {
      throw new NotFoundError('ROUTER_NOT_FOUND', 'No such router');
    }
    if (options.ownerOnly && access.role !== 'owner') {
      throw new ForbiddenError('FORBIDDEN', 'Only the owner of this router may do that');
    }
    return access;
  }

  async execute<R, P = undefined>(
    spec: OperationSpec<R, P>,
  ): Promise<{ result: R; persisted: P | undefined }> {
    const { audit, commandsSessions, clock } = this.deps;
    const started = clock.now().getTime();
    const auditId = await audit.insert({
      userId: spec.auth.userId,
      sessionId: spec.auth.sessionId,
      routerId: spec.router.id,
      routerExternalId: spec.router.routerId,
      operation: spec.operation,
      params: spec.params ?? null,
      outcome: 'pending',
      requestId: spec.client.requestId,
      ip: spec.client.ip,
    });
    const ids = { sessionId: spec.auth.sessionId, routerId: spec.router.routerId };
    const duration = () => ({ durationMs: Math.max(0, clock.now().getTime() - started) });
    const finish = async (
      outcome: 'succeeded' | 'failed' | 'unknown',
      errorCode: string | null,
    ) => {
      await audit.complete(auditId, outcome, { errorCode, ...duration() }).catch(() => {});
    };
    // The success of an operation that writes is recorded in the transaction of its
    // writes: one commit for both, and the trail never says `succeeded` for writes
    // that did not happen. Without writes it is recorded after, best effort.
    let recorded = false;
    const persistAndRecord = async (
      persist: NonNullable<typeof spec.persist>,
      tx: Transaction,
      result: R,
    ): Promise<P> => {
      const persisted = await persist(tx, result);
      await audit.complete(auditId, 'succeeded', duration(), tx);
      recorded = true;
      return persisted;
    };

    let routerChanged = false;
    try {
      const out = await commandsSessions.onRouter(ids, async () => {
        await commandsSessions.ensure(ids);
        const attempt = async () => {
          if (spec.serialize) {
            return this.deps.db.transaction(async (tx) => {
              await lockRouter(tx, spec.router.id);
              const early = spec.precheck ? await spec.precheck(tx) : null;
              if (early) {
                return { result: early.result, persisted: undefined };
              }
              const result = await spec.call(commandsSessions.client(ids));
              routerChanged = true;
              const persisted = spec.persist
                ? await persistAndRecord(spec.persist, tx, result)
                : undefined;
              return { result, persisted };
            });
          }
          const early = spec.precheck ? await spec.precheck(this.deps.db) : null;
          if (early) {
            return { result: early.result, persisted: undefined };
          }
          const result = await spec.call(commandsSessions.client(ids));
          routerChanged = true;
          const persist = spec.persist;
          const persisted = persist
            ? await this.deps.db.transaction((tx) => persistAndRecord(persist, tx, result))
            : undefined;
          return { result, persisted };
        };
        try {
          return await attempt();
        } catch (err) {
          if (!(err instanceof CommandsServerError && err.isSessionInvalid)) {
            throw err;
          }
          // The rejected call never ran: start the session again and retry once.
          await commandsSessions.restart(ids);
          return await attempt();
        }
      });
      if (!recorded) {
        await finish('succeeded', null);
      }
      return out;
    } catch (err) {
      if (err instanceof CommandsServerError) {
        await finish(err.failure === 'timeout' ? 'unknown' : 'failed', err.code);
        throw err;
      }
      if (routerChanged) {
        await finish('failed', 'PERSISTENCE_FAILED');
        throw new AppError(
          'PERSISTENCE_FAILED',
          'The router applied the change but saving it failed; the database and the router may differ',
          { cause: err },
        );
      }
      await finish('failed', err instanceof AppError ? err.code : 'INTERNAL_ERROR');
      throw err;
    }
  }
}

/** Transaction-scoped advisory lock keyed by the router: released at commit or rollback. */
async function lockRouter(tx: Transaction, routerUuid: string): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`router:${routerUuid}`}, 0))`,
  );
}
