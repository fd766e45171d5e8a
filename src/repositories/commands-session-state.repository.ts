import { and, eq, lt, or, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.js';
import { userSessions } from '../db/schema/index.js';
import type { SessionRow } from './login-sessions.repository.js';

/**
 * The Commands-Server session that mirrors each login (the cs_* columns of
 * user_sessions): read and written by CommandsSessionService around router
 * operations, claimed, ended and finally deleted by the SessionSweeper job.
 */
export class CommandsSessionStateRepository {
  constructor(private readonly db: Executor) {}

  /** Current Commands-Server state of a session. */
  async csState(id: string): Promise<Pick<SessionRow, 'csState' | 'csRouterIds'> | null> {
    // Every router operation checks it first: prepared once (see csStateQuery).
    this.csStateOf ??= csStateQuery(this.db);
    const [row] = await this.csStateOf.execute({ id });
    return row ?? null;
  }

  private csStateOf: ReturnType<typeof csStateQuery> | undefined;

  /**
   * Records that the Commands-Server holds this session as active. `routerId`
   * is added to the routers whose infrastructure was prepared, unless the start
   * failed (the Commands-Server still marks the session active then). `fresh`
   * means a new Commands-Server session began, so earlier routers no longer count.
   * If the login ended meanwhile, the row goes to `ending` so the sweeper ends it.
   */
  async markCsActive(
    id: string,
    routerId: string | null,
    fresh: boolean,
    now: Date,
  ): Promise<void> {
    const base = fresh ? sql`'{}'::text[]` : sql`${userSessions.csRouterIds}`;
    const routers =
      routerId === null
        ? base
        : sql`array(select distinct unnest(${base} || array[${routerId}]::text[]))`;
    await this.db
      .update(userSessions)
      .set({
        csState: sql`case when ${userSessions.revokedAt} is null then 'active'::cs_session_state else 'ending'::cs_session_state end`,
        csRouterIds: routers,
        csStartedAt: fresh ? now : sql`coalesce(${userSessions.csStartedAt}, ${now})`,
        csEndedAt: null,
        csNextAttemptAt: now,
      })
      .where(eq(userSessions.id, id));
  }

  /**
   * Claims up to `limit` sessions whose Commands-Server session must be ended
   * (login revoked or expired, or an earlier end failed) and leases them until
   * `leaseUntil`. SKIP LOCKED plus the lease let several sweepers run at once
   * without ever claiming the same session twice.
   */
  async claimSessionsToEnd(
    now: Date,
    leaseUntil: Date,
    limit: number,
  ): Promise<{ id: string; routerId: string | null }[]> {
    return queryRows<{ id: string; routerId: string | null }>(
      this.db,
      sql`with due as (
            select id from user_sessions
             where cs_state in ('active', 'ending')
               and (cs_state = 'ending' or revoked_at is not null
                    or expires_at <= ${now} or absolute_expires_at <= ${now})
               and (cs_next_attempt_at is null or cs_next_attempt_at <= ${now})
             order by cs_next_attempt_at nulls first
             limit ${limit}
             for update skip locked)
          update user_sessions s
             set cs_state = 'ending', cs_next_attempt_at = ${leaseUntil},
                 cs_end_attempts = s.cs_end_attempts + 1
            from due where s.id = due.id
          returning s.id, s.cs_router_ids[1] as "routerId"`,
    );
  }

  async markCsEnded(id: string, now: Date): Promise<void> {
    await this.db
      .update(userSessions)
      .set({
        csState: 'ended',
        csEndedAt: now,
        csNextAttemptAt: null,
        csLastError: null,
        csRouterIds: [],
      })
      .where(eq(userSessions.id, id));
  }

  /** How often ending the session's Commands-Server session was tried (the sweeper's backoff). */
  async endAttempts(id: string): Promise<number | null> {
    const [row] = await this.db
      .select({ attempts: userSessions.csEndAttempts })
      .from(userSessions)
      .where(eq(userSessions.id, id))
      .limit(1);
    return row?.attempts ?? null;
  }

  /** An end failed: try again at `retryAt`. */
  async markCsEndFailed(id: string, error: string, retryAt: Date): Promise<void> {
    await this.db
      .update(userSessions)
      .set({ csState: 'ending', csLastError: error.slice(0, 500), csNextAttemptAt: retryAt })
      .where(eq(userSessions.id, id));
  }

  /**
   * Deletes login sessions that ended long ago and need nothing more from the
   * sweeper (their Commands-Server session never started or has ended).
   */
  async deleteDead(before: Date): Promise<number> {
    const rows = await this.db
      .delete(userSessions)
      .where(
        and(
          or(
            lt(userSessions.revokedAt, before),
            lt(userSessions.expiresAt, before),
            lt(userSessions.absoluteExpiresAt, before),
          ),
          sql`${userSessions.csState} in ('none', 'ended')`,
        ),
      )
      .returning({ id: userSessions.id });
    return rows.length;
  }
}

/** The Commands-Server state read before every router operation, prepared. */
function csStateQuery(db: Executor) {
  return db
    .select({ csState: userSessions.csState, csRouterIds: userSessions.csRouterIds })
    .from(userSessions)
    .where(eq(userSessions.id, sql.placeholder('id')))
    .limit(1)
    .prepare('sessions_cs_state');
}
