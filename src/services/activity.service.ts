import { ValidationError } from '../errors.js';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type { AuthContext } from './auth-context.js';
import type { RouterAccessPolicy } from './router-access.policy.js';

export const ACTIVITY_DEFAULT_LIMIT = 50;
export const ACTIVITY_MAX_LIMIT = 100;

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

export interface ActivityPage {
  events: ActivityEvent[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// The cursor is opaque to clients: base64url of the last event's id, so the
// paging key can change later without breaking them.
function encodeCursor(eventId: string): string {
  return Buffer.from(eventId, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id)) {
    throw new ValidationError({
      field: 'querystring.before',
      message: 'is not a cursor from a previous page (use nextCursor as it was answered)',
    });
  }
  return id;
}

/** A router's audit trail for its members (SPEC §5, GET /routers/{id}/activity). */
export class ActivityService {
  constructor(private readonly deps: { audit: AuditRepository; access: RouterAccessPolicy }) {}

  /** The router's events, newest first, `limit` at a time, older than the `before` cursor. */
  async list(
    auth: AuthContext,
    routerId: string,
    page: { limit?: number; before?: string },
  ): Promise<ActivityPage> {
    const router = await this.deps.access.check(auth, routerId);
    const limit = Math.min(Math.max(page.limit ?? ACTIVITY_DEFAULT_LIMIT, 1), ACTIVITY_MAX_LIMIT);
    const beforeId = page.before === undefined ? null : decodeCursor(page.before);
    // One row more than asked tells whether another page exists.
    const rows = await this.deps.audit.listForRouter(router.id, limit + 1, beforeId);
    const events = rows.slice(0, limit).map((r): ActivityEvent => ({
      id: r.id,
      operation: r.operation,
      outcome: r.outcome,
      errorCode: r.errorCode,
      params: r.params,
      result: r.result,
      actor: r.userId ? { userId: r.userId, email: r.userEmail } : null,
      durationMs: r.durationMs,
      createdAt: r.createdAt.toISOString(),
    }));
    const last = events[events.length - 1];
    return { events, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
  }
}
