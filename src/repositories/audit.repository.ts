import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { auditEvents, users } from '../db/schema/index.js';
import { afterKeys, keyset, orderOf, sortKeysOf, type Keyed, type KeysetPage } from './keyset.js';

export type AuditOutcome = 'pending' | 'succeeded' | 'failed' | 'unknown';
export type AuditRow = typeof auditEvents.$inferSelect;

/** A router's activity, newest first. */
export const ACTIVITY_ORDER = keyset('activity', [
  { expr: auditEvents.createdAt, type: 'timestamp', desc: true },
  { expr: auditEvents.id, type: 'uuid', desc: true },
]);

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
  /** What a succeeded operation did, in short; never a secret. */
  result?: Record<string, unknown> | null;
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
        result: event.result ?? null,
        requestId: event.requestId ?? null,
        ip: event.ip ?? null,
      })
      .returning({ id: auditEvents.id });
    return row!.id;
  }

  /**
   * Records how a pending operation ended. `routerId` attaches the router when it
   * did not exist yet at the start (adding a router).
   */
  async complete(
    id: string,
    outcome: Exclude<AuditOutcome, 'pending'>,
    result: {
      errorCode?: string | null;
      durationMs: number;
      routerId?: string;
      summary?: Record<string, unknown> | null;
    },
    executor: Executor = this.db,
  ): Promise<void> {
    await executor
      .update(auditEvents)
      .set({
        outcome,
        errorCode: result.errorCode ?? null,
        durationMs: result.durationMs,
        result: result.summary ?? null,
        ...(result.routerId === undefined ? {} : { routerId: result.routerId }),
      })
      .where(and(eq(auditEvents.id, id), eq(auditEvents.outcome, 'pending')));
  }

  /**
   * One page of a router's events with the actor's email, newest first: keyset
   * on (created_at, id) descending, which audit_events_router_created_idx serves.
   */
  async listForRouter(
    routerId: string,
    page: KeysetPage,
  ): Promise<(AuditRow & Keyed & { userEmail: string | null })[]> {
    const rows = await this.db
      .select({ event: auditEvents, userEmail: users.email, sortKeys: sortKeysOf(ACTIVITY_ORDER) })
      .from(auditEvents)
      .leftJoin(users, eq(users.id, auditEvents.userId))
      .where(and(eq(auditEvents.routerId, routerId), afterKeys(ACTIVITY_ORDER, page.after)))
      .orderBy(...orderOf(ACTIVITY_ORDER))
      .limit(page.limit);
    return rows.map((r) => ({ ...r.event, userEmail: r.userEmail, sortKeys: r.sortKeys }));
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
