import { ACTIVITY_ORDER, type AuditRepository } from '../repositories/audit.repository.js';
import type { AuthContext } from './auth-context.js';
import { paginate, type Page, type PageQuery } from './pagination.js';
import type { RouterAccessPolicy } from './router-access.policy.js';

/** One entry of a router's activity feed. */
export interface ActivityEvent {
  id: string;
  operation: string;
  outcome: 'pending' | 'succeeded' | 'failed' | 'unknown';
  errorCode: string | null;
  /** As recorded: secrets were redacted before they reached the trail. */
  params: Record<string, unknown> | null;
  /** What a succeeded operation did, in short (e.g. `{ found, new }` of a scan), else null. */
  result: Record<string, unknown> | null;
  actor: { userId: string; email: string | null } | null;
  durationMs: number | null;
  createdAt: string;
}

/** A router's audit trail for its members (SPEC §5, GET /routers/{id}/activity). */
export class ActivityService {
  constructor(private readonly deps: { audit: AuditRepository; access: RouterAccessPolicy }) {}

  /** The router's events, newest first, one page at a time. */
  async list(auth: AuthContext, routerId: string, query: PageQuery): Promise<Page<ActivityEvent>> {
    const router = await this.deps.access.check(auth, routerId);
    return paginate(
      ACTIVITY_ORDER,
      query,
      (page) => this.deps.audit.listForRouter(router.id, page),
      (r): ActivityEvent => ({
        id: r.id,
        operation: r.operation,
        outcome: r.outcome,
        errorCode: r.errorCode,
        params: r.params,
        result: r.result,
        actor: r.userId ? { userId: r.userId, email: r.userEmail } : null,
        durationMs: r.durationMs,
        createdAt: r.createdAt.toISOString(),
      }),
    );
  }
}
