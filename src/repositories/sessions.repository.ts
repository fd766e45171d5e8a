import { and, desc, eq, gt, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { queryRows, type Executor, type Transaction } from '../db/client.js';
import { routers, userRouters, userSessions, users } from '../db/schema/index.js';
import type { RouterAccess } from './routers.repository.js';

export type SessionRow = typeof userSessions.$inferSelect;

export interface NewSession {
  userId: string;
  tokenHash: string;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  lastSeenAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/** What authentication needs, read in one round trip. */
export interface AuthenticatedRow {
  sessionId: string;
  tokenHash: string;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  lastSeenAt: Date;
  userId: string;
  email: string;
  passwordChangedAt: Date;
}

/** {@link AuthenticatedRow} plus the caller's access to one router, read in the same query. */
export interface AuthenticatedRowWithRouter extends AuthenticatedRow {
  /** null when the router does not exist or the user is not a member. */
  router: RouterAccess | null;
}

export type RevokeReason = 'logout' | 'revoked' | 'password_change' | 'deactivated';

/**
 * Every query on user_sessions, including the Commands-Server session state
 * (cs_*) that the lifecycle service and the sweeper drive.
 */
export class SessionsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Runs `work` in one transaction (a savepoint when this repository already runs
   * in one). Logins, logouts and password changes write sessions, users and audit
   * events together: all of them or, when anything fails, none.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return (this.db as Transaction).transaction(work);
  }

  async create(session: NewSession, executor: Executor = this.db): Promise<SessionRow> {
    const [row] = await executor.insert(userSessions).values(session).returning();
    return row!;
  }

  /** A live session and its active user, by token hash; null if revoked, expired or unknown. */
  async findLiveByTokenHash(tokenHash: string, now: Date): Promise<AuthenticatedRow | null> {
    // Every authenticated request runs this: prepared once (see liveSessionQuery).
    this.liveSession ??= liveSessionQuery(this.db);
    // Placeholders skip the column's encoder: pass what it would send (ISO 8601).
    const [row] = await this.liveSession.execute({ tokenHash, now: now.toISOString() });
    return row ?? null;
  }

  private liveSession: ReturnType<typeof liveSessionQuery> | undefined;

  /**
   * {@link findLiveByTokenHash} and the user's membership of router `routerId`
   * (external id) in ONE round trip: every router route needs both.
   */
  async findLiveByTokenHashWithRouter(
    tokenHash: string,
    now: Date,
    routerId: string,
  ): Promise<AuthenticatedRowWithRouter | null> {
    this.liveSessionWithRouter ??= liveSessionWithRouterQuery(this.db);
    const [row] = await this.liveSessionWithRouter.execute({
      tokenHash,
      now: now.toISOString(),
      routerId,
    });
    if (!row) {
      return null;
    }
    const { routerUuid, routerExternalId, routerName, role, ...session } = row;
    const router =
      role !== null && routerUuid !== null && routerExternalId !== null && routerName !== null
        ? { id: routerUuid, routerId: routerExternalId, name: routerName, role }
        : null;
    return { ...session, router };
  }

  private liveSessionWithRouter: ReturnType<typeof liveSessionWithRouterQuery> | undefined;

  /**
   * Slides the idle expiry. The WHERE clause makes it a no-op when another
   * request already touched the row within the last minute, so a busy session
   * costs at most one write a minute.
   */
  async touch(id: string, now: Date, expiresAt: Date, staleBefore: Date): Promise<void> {
    await this.db
      .update(userSessions)
      .set({ lastSeenAt: now, expiresAt })
      .where(and(eq(userSessions.id, id), lt(userSessions.lastSeenAt, staleBefore)));
  }

  async listLiveForUser(userId: string, now: Date): Promise<SessionRow[]> {
    return this.db
      .select()
      .from(userSessions)
      .where(
        and(
          eq(userSessions.userId, userId),
          isNull(userSessions.revokedAt),
          gt(userSessions.expiresAt, now),
          gt(userSessions.absoluteExpiresAt, now),
        ),
      )
      .orderBy(desc(userSessions.lastSeenAt));
  }

  async findById(id: string): Promise<SessionRow | null> {
    const [row] = await this.db.select().from(userSessions).where(eq(userSessions.id, id)).limit(1);
    return row ?? null;
  }

  /**
   * Revokes live sessions of a user (one, or all but one). A session whose
   * Commands-Server session is active moves to `ending` so that it gets ended;
   * one that never started one is done. Returns the revoked rows.
   */
  async revoke(
    where: { userId: string; sessionId?: string; exceptSessionId?: string },
    reason: RevokeReason,
    now: Date,
    executor: Executor = this.db,
  ): Promise<SessionRow[]> {
    return executor
      .update(userSessions)
      .set({
        revokedAt: now,
        revokedReason: reason,
        csState: sql`case when ${userSessions.csState} = 'active' then 'ending'::cs_session_state else ${userSessions.csState} end`,
        csNextAttemptAt: now,
      })
      .where(
        and(
          eq(userSessions.userId, where.userId),
          isNull(userSessions.revokedAt),
          where.sessionId ? eq(userSessions.id, where.sessionId) : undefined,
          where.exceptSessionId ? ne(userSessions.id, where.exceptSessionId) : undefined,
        ),
      )
      .returning();
  }

  // --- Commands-Server session state -------------------------------------------------

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

  /** An end failed: try again at `retryAt`. */
  async markCsEndFailed(id: string, error: string, retryAt: Date): Promise<void> {
    await this.db
      .update(userSessions)
      .set({ csState: 'ending', csLastError: error.slice(0, 500), csNextAttemptAt: retryAt })
      .where(eq(userSessions.id, id));
  }

  /** Deletes sessions that ended long ago and need nothing more from the sweeper. */
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

/** What authentication reads of a session and its user. */
const liveSessionColumns = {
  sessionId: userSessions.id,
  tokenHash: userSessions.tokenHash,
  expiresAt: userSessions.expiresAt,
  absoluteExpiresAt: userSessions.absoluteExpiresAt,
  lastSeenAt: userSessions.lastSeenAt,
  userId: users.id,
  email: users.email,
  passwordChangedAt: users.passwordChangedAt,
};

/** The conditions of a live session of an active user, by token hash. */
function liveSessionWhere() {
  const now = sql.placeholder('now');
  return and(
    eq(userSessions.tokenHash, sql.placeholder('tokenHash')),
    isNull(userSessions.revokedAt),
    gt(userSessions.expiresAt, now),
    gt(userSessions.absoluteExpiresAt, now),
    eq(users.isActive, true),
  );
}

/**
 * The authentication lookup as a prepared statement: Drizzle builds its SQL once
 * instead of on every request, and on PostgreSQL the named statement is parsed and
 * planned once per connection (node-postgres keeps it per connection).
 */
function liveSessionQuery(db: Executor) {
  return db
    .select(liveSessionColumns)
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(liveSessionWhere())
    .limit(1)
    .prepare('sessions_find_live_by_token_hash');
}

/**
 * The same lookup joined with the router (unique external id) and the user's
 * membership of it (unique per user and router): at most one row, whose router
 * columns are null when the router does not exist and whose role is null when the
 * user is not a member.
 */
function liveSessionWithRouterQuery(db: Executor) {
  return db
    .select({
      ...liveSessionColumns,
      routerUuid: routers.id,
      routerExternalId: routers.routerId,
      routerName: routers.name,
      role: userRouters.role,
    })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .leftJoin(routers, eq(routers.routerId, sql.placeholder('routerId')))
    .leftJoin(
      userRouters,
      and(eq(userRouters.routerId, routers.id), eq(userRouters.userId, users.id)),
    )
    .where(liveSessionWhere())
    .limit(1)
    .prepare('sessions_find_live_by_token_hash_with_router');
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
