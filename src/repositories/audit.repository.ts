import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { auditEvents } from '../db/schema/index.js';

export type AuditOutcome = 'pending' | 'succeeded' | 'failed' | 'unknown';
export type AuditRow = typeof auditEvents.$inferSelect;

export interface NewAuditEvent {
  userId: string | null;
  sessionId: string | null;
  routerId?: string | null;
  routerExternalId?: string | null;
  operation: string;
  /** Already redacted by the caller: never a password, token or cookie. */
  params?: Record<string, unknown> | null;
  outcome: AuditOutcome;
  errorCode?: string | null;
  durationMs?: number | null;
  requestId?: string | null;
  ip?: string | null;
}

/** The append-only audit trail; only a pending event's outcome is ever updated. */
export class AuditRepository {
  constructor(private readonly db: Executor) {}

  async insert(event: NewAuditEvent, executor: Executor = this.db): Promise<string> {
    const [row] = await executor
      .insert(auditEvents)
      .values({
        userId: event.userId,
        sessionId: event.sessionId,
        routerId: event.routerId ?? null,
        routerExternalId: event.routerExternalId ?? null,
        operation: event.operation,
        params: event.params ?? null,
        outcome: event.outcome,
        errorCode: event.errorCode ?? null,
        durationMs: event.durationMs ?? null,
        requestId: event.requestId ?? null,
        ip: event.ip ?? null,
      })
      .returning({ id: auditEvents.id });
    return row!.id;
  }

  /** Records how a pending operation ended. */
  async complete(
    id: string,
    outcome: Exclude<AuditOutcome, 'pending'>,
    result: { errorCode?: string | null; durationMs: number },
    executor: Executor = this.db,
  ): Promise<void> {
    await executor
      .update(auditEvents)
      .set({ outcome, errorCode: result.errorCode ?? null, durationMs: result.durationMs })
      .where(and(eq(auditEvents.id, id), eq(auditEvents.outcome, 'pending')));
  }

  /** A router's events, newest first, keyset-paginated by (created_at, id). */
  async listForRouter(
    routerId: string,
    limit: number,
    before: { createdAt: Date; id: string } | null,
  ): Promise<AuditRow[]> {
    const cursor = before
      ? or(
          lt(auditEvents.createdAt, before.createdAt),
          and(eq(auditEvents.createdAt, before.createdAt), lt(auditEvents.id, before.id)),
        )
      : undefined;
    return this.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.routerId, routerId), cursor))
      .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
      .limit(limit);
  }

  async listForUser(userId: string, limit = 100): Promise<AuditRow[]> {
    return this.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.userId, userId))
      .orderBy(desc(auditEvents.createdAt), sql`${auditEvents.id} desc`)
      .limit(limit);
  }
}
