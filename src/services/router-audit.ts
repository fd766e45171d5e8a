import type { FastifyBaseLogger } from 'fastify';
import { CommandsServerError } from '../clients/commands-server.errors.js';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/client.js';
import { AppError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type { AuthContext, ClientInfo } from './auth-context.js';

/** Who did something to which router, for the audit trail. */
export interface RouterEvent {
  auth: AuthContext;
  client: ClientInfo;
  /** routers.id; null when the router does not exist yet (a claim) or is being deleted. */
  routerUuid: string | null;
  /** The agent's id: keeps the trail readable after the router is gone. */
  routerId: string;
  /** Stable name in the trail, e.g. `whitelist.add`. */
  operation: string;
  /** Already redacted: never a password. */
  params?: Record<string, unknown>;
}

/** A short summary of what a succeeded operation did, shown as `result`; never a secret. */
export type Summary = Record<string, unknown> | null;

/** How an operation that reached (or tried to reach) the router ended. */
type Outcome = 'succeeded' | 'failed' | 'unknown';

/**
 * The audit trail of routers, for every service: one helper, so each change is
 * recorded the same way.
 *
 * - A database-only change (rename, invite, remove a member) is recorded inside its
 *   own transaction with {@link record}: the trail and the change commit together.
 * - An operation that calls the router is recorded `pending` before the call
 *   ({@link begin}), so a crash mid-call still leaves a trace, and completed when it
 *   ends: inside the transaction of its writes on success, else on its own. A
 *   completion that cannot be written is logged with the event id and counted
 *   (`audit_write_failures_total`), never thrown over the operation's own answer.
 */
export class RouterAudit {
  constructor(
    private readonly deps: {
      audit: AuditRepository;
      clock: Clock;
      log: FastifyBaseLogger;
      metrics: Pick<Metrics, 'auditWriteFailed'>;
    },
  ) {}

  /** Records a succeeded database-only change; call it inside the change's transaction. */
  async record(executor: Executor, event: RouterEvent): Promise<void> {
    await this.deps.audit.insert({ ...columns(event), outcome: 'succeeded' }, executor);
  }

  /**
   * Records an attempt refused before it started (403 FORBIDDEN to a member, 429
   * RATE_LIMITED): one insert, `failed` with the refusal's code. Never throws: a
   * write that fails is logged and counted, and the refusal is answered all the same.
   */
  async refused(
    event: Omit<RouterEvent, 'client'> & { client?: ClientInfo },
    errorCode: string,
  ): Promise<void> {
    try {
      await this.deps.audit.insert({
        ...columns(event),
        outcome: 'failed',
        errorCode,
      });
    } catch (err) {
      this.deps.metrics.auditWriteFailed(event.operation);
      this.deps.log.error(
        { err, operation: event.operation, errorCode },
        'could not record a refused router operation',
      );
    }
  }

  /** Records a router operation as `pending`; complete it through the returned handle. */
  async begin(event: RouterEvent): Promise<PendingAudit> {
    const id = await this.deps.audit.insert({ ...columns(event), outcome: 'pending' });
    return new PendingAudit(this, id, event.operation, this.deps.clock.now().getTime());
  }

  /** @internal Used by {@link PendingAudit}. */
  async complete(
    pending: PendingAudit,
    outcome: Outcome,
    result: { errorCode?: string | null; routerUuid?: string; summary?: Summary },
    executor?: Executor,
  ): Promise<void> {
    const durationMs = Math.max(0, this.deps.clock.now().getTime() - pending.startedAt);
    await this.deps.audit.complete(
      pending.id,
      outcome,
      {
        errorCode: result.errorCode ?? null,
        durationMs,
        routerId: result.routerUuid,
        summary: result.summary ?? null,
      },
      executor,
    );
  }

  /** @internal Logs and counts a completion that could not be written. */
  writeFailed(pending: PendingAudit, outcome: Outcome, err: unknown): void {
    this.deps.metrics.auditWriteFailed(pending.operation);
    this.deps.log.error(
      { err, auditEventId: pending.id, operation: pending.operation, outcome },
      'could not record the outcome of a router operation; its audit event stays pending',
    );
  }
}

/** A `pending` audit event of one operation, to complete exactly once. */
export class PendingAudit {
  constructor(
    private readonly trail: RouterAudit,
    readonly id: string,
    readonly operation: string,
    readonly startedAt: number,
  ) {}

  /**
   * Records success inside the transaction of the operation's writes, so the trail
   * never says `succeeded` for writes that did not happen. `routerUuid` attaches a
   * router created by the operation (a claim). Throws like any write of that
   * transaction. `summary` is what it did, in short (see {@link Summary}).
   */
  async succeededIn(tx: Executor, routerUuid?: string, summary?: Summary): Promise<void> {
    await this.trail.complete(this, 'succeeded', { routerUuid, summary }, tx);
  }

  /** Records success of an operation with no writes. Never throws (logged and counted). */
  async succeeded(summary?: Summary): Promise<void> {
    await this.settle('succeeded', null, summary);
  }

  /**
   * Records a failure from the error that ended the operation: a Commands-Server
   * timeout is `unknown` (the router may have done it), anything else `failed` with
   * the error's code. Never throws (logged and counted).
   */
  async failed(err: unknown): Promise<void> {
    const outcome =
      err instanceof CommandsServerError && err.failure === 'timeout' ? 'unknown' : 'failed';
    await this.settle(outcome, err instanceof AppError ? err.code : 'INTERNAL_ERROR');
  }

  private async settle(
    outcome: Outcome,
    errorCode: string | null,
    summary?: Summary,
  ): Promise<void> {
    try {
      await this.trail.complete(this, outcome, { errorCode, summary });
    } catch (err) {
      this.trail.writeFailed(this, outcome, err);
    }
  }
}

/** The event's columns; without a client (a refusal on a read), no request id or address. */
function columns(event: Omit<RouterEvent, 'client'> & { client?: ClientInfo }) {
  return {
    userId: event.auth.userId,
    sessionId: event.auth.sessionId,
    routerId: event.routerUuid,
    routerExternalId: event.routerId,
    operation: event.operation,
    params: event.params ?? null,
    requestId: event.client?.requestId ?? null,
    ip: event.client?.ip ?? null,
  };
}
