import type { Executor } from '../../db/client.js';
import type { AuditRepository } from '../../repositories/audit.repository.js';
import type { AuthContext, ClientInfo } from '../auth-context.js';

/** What one authentication step records: who, which step, how it ended, from where. */
interface AuthAuditEvent {
  userId: string | null;
  sessionId?: string | null;
  operation: string;
  outcome: 'succeeded' | 'failed';
  client: ClientInfo;
  errorCode?: string;
  params?: Record<string, unknown>;
  /** A short summary of what the step did (never a secret). */
  result?: Record<string, unknown>;
}

/** The audit events of registration, login, the login sessions and password changes. */
export class AuthAudit {
  constructor(private readonly audit: AuditRepository) {}

  /** One event; in `executor`'s transaction when given, so it commits with the change it records. */
  async record(event: AuthAuditEvent, executor?: Executor): Promise<void> {
    await this.audit.insert(
      {
        userId: event.userId,
        sessionId: event.sessionId ?? null,
        operation: event.operation,
        outcome: event.outcome,
        errorCode: event.errorCode ?? null,
        params: event.params ?? null,
        result: event.result ?? null,
        requestId: event.client.requestId,
        ip: event.client.ip,
      },
      executor,
    );
  }

  /** An event of a signed-in user's own session (a 2FA change, a password re-entered). */
  async bySession(
    auth: AuthContext,
    client: ClientInfo,
    event: Pick<AuthAuditEvent, 'operation' | 'outcome' | 'errorCode' | 'result'>,
    executor?: Executor,
  ): Promise<void> {
    await this.record(
      { ...event, userId: auth.userId, sessionId: auth.sessionId, client },
      executor,
    );
  }
}
