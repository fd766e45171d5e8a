import type { Executor } from '../db/client.js';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type { AuthContext, ClientInfo } from './auth-context.js';

/** A router change made in the database only (no Commands-Server call), for the audit trail. */
export interface RouterEvent {
  auth: AuthContext;
  client: ClientInfo;
  /** routers.id, or null when the router is being deleted in the same transaction. */
  routerUuid: string | null;
  /** The agent's id: keeps the trail readable after the router is gone. */
  routerId: string;
  operation: string;
  params?: Record<string, unknown>;
}

/**
 * Records a succeeded database-only router change. Called inside the change's own
 * transaction, so the trail and the change commit or roll back together.
 */
export async function recordRouterEvent(
  audit: AuditRepository,
  executor: Executor,
  event: RouterEvent,
): Promise<void> {
  await audit.insert(
    {
      userId: event.auth.userId,
      sessionId: event.auth.sessionId,
      routerId: event.routerUuid,
      routerExternalId: event.routerId,
      operation: event.operation,
      params: event.params ?? null,
      outcome: 'succeeded',
      requestId: event.client.requestId,
      ip: event.client.ip,
    },
    executor,
  );
}
