import { and, eq, gt, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../db/client.js';
import { routers, userRouters, userSessions, users } from '../db/schema/index.js';
import { afterKeys, keyset, orderOf, sortKeysOf, type Keyed, type KeysetPage } from './keyset.js';
import type { RouterAccess } from './routers.repository.js';

export type SessionRow = typeof userSessions.$inferSelect;

/** A user's sessions, most recently used first (the id breaks ties). */
export const SESSIONS_ORDER = keyset('sessions', [
  { expr: userSessions.lastSeenAt, type: 'timestamp', desc: true },
  { expr: userSessions.id, type: 'uuid', desc: true },
]);

export interface NewSession {
  userId: string;
  /** The app clock's time, like the expiries: the sign-in's age is judged by that clock. */
  createdAt: Date;
  tokenHash: string;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  lastSeenAt: Date;
  userAgent: string | null;
  ip: string | null;
  authMethod: 'password' | 'oidc';
  twoFactor: boolean;
}

/** What authentication needs, read in one round trip. */
export interface AuthenticatedRow {
  sessionId: string;
  signedInAt: Date;
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
 * The login sessions in user_sessions: created at login, looked up by token on
 * every authenticated request, listed and revoked. Their Commands-Server session
 * state (the cs_* columns) has its own repository, CommandsSessionStateRepository,
 * except where a revocation moves it to `ending` in the same statement.
 */
export class LoginSessionsRepository {
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

  /**
   * One page of the user's live sessions, most recently used first. A session
   * used while the pages are read moves to the front, so a client may miss it
   * on a later page; it is the current one, which the client knows.
   */
  async listLiveForUser(
    userId: string,
    now: Date,
    page: KeysetPage,
  ): Promise<(SessionRow & Keyed)[]> {
    const rows = await this.db
      .select({ session: userSessions, sortKeys: sortKeysOf(SESSIONS_ORDER) })
      .from(userSessions)
      .where(
        and(
          eq(userSessions.userId, userId),
          isNull(userSessions.revokedAt),
          gt(userSessions.expiresAt, now),
          gt(userSessions.absoluteExpiresAt, now),
          afterKeys(SESSIONS_ORDER, page.after),
        ),
      )
      .orderBy(...orderOf(SESSIONS_ORDER))
      .limit(page.limit);
    return rows.map((r) => ({ ...r.session, sortKeys: r.sortKeys }));
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
}

/** What authentication reads of a session and its user. */
const liveSessionColumns = {
  sessionId: userSessions.id,
  signedInAt: userSessions.createdAt,
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
