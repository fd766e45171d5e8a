import { and, asc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/client.js';
import {
  routerRateLimits,
  routerSettings,
  routers,
  userRouters,
  users,
} from '../db/schema/index.js';
import { afterKeys, keyset, orderOf, sortKeysOf, type Keyed, type KeysetPage } from './keyset.js';

export type RouterRole = 'owner' | 'member';

/** A user's access to one router. */
export interface RouterAccess {
  /** routers.id */
  id: string;
  /** The agent's id, used by the Commands-Server. */
  routerId: string;
  name: string;
  role: RouterRole;
}

/** A router as one of its members sees it. */
export interface RouterMembership extends RouterAccess {
  createdAt: Date;
  lastScanAt: Date | null;
}

/** Who holds a router id, seen by someone who wants to add it. */
export interface RouterClaim {
  id: string;
  ownerId: string | null;
  /** The caller's own role, null when not a member. */
  callerRole: RouterRole | null;
}

export interface MemberRow {
  userId: string;
  email: string;
  role: RouterRole;
  joinedAt: Date;
}

/** Outcome of {@link RoutersRepository.scanSlot}. */
export type ScanSlot = { granted: true } | { granted: false; retryAfterMs: number };

const membershipColumns = {
  id: routers.id,
  routerId: routers.routerId,
  name: routers.name,
  role: userRouters.role,
  createdAt: routers.createdAt,
  lastScanAt: routers.lastScanAt,
};

/** A user's routers, in the order they joined them (the agent id breaks ties). */
export const ROUTERS_ORDER = keyset('routers', [
  { expr: userRouters.createdAt, type: 'timestamp' },
  { expr: routers.routerId, type: 'text' },
]);

/** A router's members: the owner first, then by joining (the user id breaks ties). */
export const MEMBERS_ORDER = keyset('members', [
  { expr: sql`(${userRouters.role} = 'owner')`, type: 'bool', desc: true },
  { expr: userRouters.createdAt, type: 'timestamp' },
  { expr: userRouters.userId, type: 'uuid' },
]);

/** Queries on routers, memberships and per-router rate limits. */
export class RoutersRepository {
  constructor(private readonly db: Executor) {}

  /** The user's membership of the router with this external id, in one query; null if none. */
  async findAccess(userId: string, routerId: string): Promise<RouterAccess | null> {
    // Every router route runs this: prepared once (see accessQuery).
    this.access ??= accessQuery(this.db);
    const [row] = await this.access.execute({ userId, routerId });
    return row ?? null;
  }

  private access: ReturnType<typeof accessQuery> | undefined;

  /** The external id of the router the user joined first, for the Commands-Server start at login. */
  async firstRouterIdOf(userId: string): Promise<string | null> {
    const [row] = await this.db
      .select({ routerId: routers.routerId })
      .from(userRouters)
      .innerJoin(routers, eq(routers.id, userRouters.routerId))
      .where(eq(userRouters.userId, userId))
      .orderBy(asc(userRouters.createdAt))
      .limit(1);
    return row?.routerId ?? null;
  }

  /** One page of the routers the user is a member of, in the order they joined. */
  async listForUser(userId: string, page: KeysetPage): Promise<(RouterMembership & Keyed)[]> {
    return this.db
      .select({ ...membershipColumns, sortKeys: sortKeysOf(ROUTERS_ORDER) })
      .from(userRouters)
      .innerJoin(routers, eq(routers.id, userRouters.routerId))
      .where(and(eq(userRouters.userId, userId), afterKeys(ROUTERS_ORDER, page.after)))
      .orderBy(...orderOf(ROUTERS_ORDER))
      .limit(page.limit);
  }

  /** One router of the user by external id; null when not a member. */
  async findMembership(
    userId: string,
    routerId: string,
    executor: Executor = this.db,
  ): Promise<RouterMembership | null> {
    const [row] = await executor
      .select(membershipColumns)
      .from(userRouters)
      .innerJoin(routers, eq(routers.id, userRouters.routerId))
      .where(and(eq(userRouters.userId, userId), eq(routers.routerId, routerId)))
      .limit(1);
    return row ?? null;
  }

  /** The router with this external id, its owner and the caller's role, in one query. */
  async findClaim(userId: string, routerId: string): Promise<RouterClaim | null> {
    const owner = alias(userRouters, 'owner');
    const caller = alias(userRouters, 'caller');
    const [row] = await this.db
      .select({ id: routers.id, ownerId: owner.userId, callerRole: caller.role })
      .from(routers)
      .leftJoin(owner, and(eq(owner.routerId, routers.id), eq(owner.role, 'owner')))
      .leftJoin(caller, and(eq(caller.routerId, routers.id), eq(caller.userId, userId)))
      .where(eq(routers.routerId, routerId))
      .limit(1);
    return row ?? null;
  }

  /**
   * Inserts the router unless its external id exists (the unique index decides, so
   * concurrent adds cannot create two rows); returns routers.id either way.
   */
  async insertIfAbsent(routerId: string, name: string, executor: Executor): Promise<string> {
    const [inserted] = await executor
      .insert(routers)
      .values({ routerId, name })
      .onConflictDoNothing({ target: routers.routerId })
      .returning({ id: routers.id });
    if (inserted) {
      return inserted.id;
    }
    const [existing] = await executor
      .select({ id: routers.id })
      .from(routers)
      .where(eq(routers.routerId, routerId));
    return existing!.id;
  }

  /** The router's settings row with its defaults, if it has none yet. */
  async ensureSettings(routerUuid: string, executor: Executor): Promise<void> {
    await executor
      .insert(routerSettings)
      .values({ routerId: routerUuid })
      .onConflictDoNothing({ target: routerSettings.routerId });
  }

  /**
   * Adds a membership. False when it conflicts with one of the unique indexes: the
   * user is already a member, or (for `owner`) the router already has an owner.
   */
  async insertMember(
    routerUuid: string,
    userId: string,
    role: RouterRole,
    executor: Executor = this.db,
  ): Promise<boolean> {
    // No conflict target: DO NOTHING covers every unique index, including the
    // partial one-owner-per-router index that settles concurrent claims.
    const rows = await executor
      .insert(userRouters)
      .values({ routerId: routerUuid, userId, role })
      .onConflictDoNothing()
      .returning({ id: userRouters.id });
    return rows.length > 0;
  }

  async roleOf(
    routerUuid: string,
    userId: string,
    executor: Executor = this.db,
  ): Promise<RouterRole | null> {
    const [row] = await executor
      .select({ role: userRouters.role })
      .from(userRouters)
      .where(and(eq(userRouters.routerId, routerUuid), eq(userRouters.userId, userId)));
    return row?.role ?? null;
  }

  /** One page of the members with their email: the owner first, then by joining. */
  async listMembers(routerUuid: string, page: KeysetPage): Promise<(MemberRow & Keyed)[]> {
    return this.db
      .select({
        userId: users.id,
        email: users.email,
        role: userRouters.role,
        joinedAt: userRouters.createdAt,
        sortKeys: sortKeysOf(MEMBERS_ORDER),
      })
      .from(userRouters)
      .innerJoin(users, eq(users.id, userRouters.userId))
      .where(and(eq(userRouters.routerId, routerUuid), afterKeys(MEMBERS_ORDER, page.after)))
      .orderBy(...orderOf(MEMBERS_ORDER))
      .limit(page.limit);
  }

  /** Removes a membership; false when there was none. */
  async deleteMember(routerUuid: string, userId: string, executor: Executor): Promise<boolean> {
    const rows = await executor
      .delete(userRouters)
      .where(and(eq(userRouters.routerId, routerUuid), eq(userRouters.userId, userId)))
      .returning({ id: userRouters.id });
    return rows.length > 0;
  }

  async rename(routerUuid: string, name: string, executor: Executor): Promise<void> {
    await executor.update(routers).set({ name }).where(eq(routers.id, routerUuid));
  }

  /** Deletes the router; memberships, devices, lists and settings go by ON DELETE CASCADE. */
  async delete(routerUuid: string, executor: Executor): Promise<void> {
    await executor.delete(routers).where(eq(routers.id, routerUuid));
  }

  async setLastScanAt(routerUuid: string, at: Date, executor: Executor): Promise<void> {
    await executor.update(routers).set({ lastScanAt: at }).where(eq(routers.id, routerUuid));
  }

  /**
   * Whether the router may be scanned at `now`: the previous scan must have ended at
   * least `minIntervalMs` before. The caller holds the scan's operation lock (see
   * OperationsRepository.lock), so the check and the start of the scan are one step
   * across server instances. When refused, says how long to wait.
   */
  async scanSlot(
    routerUuid: string,
    now: Date,
    minIntervalMs: number,
    executor: Executor,
  ): Promise<ScanSlot> {
    const [row] = await executor
      .select({ at: routerRateLimits.scanRequestedAt })
      .from(routerRateLimits)
      .where(eq(routerRateLimits.routerId, routerUuid));
    const waitMs = row ? row.at.getTime() + minIntervalMs - now.getTime() : 0;
    return waitMs > 0 ? { granted: false, retryAfterMs: waitMs } : { granted: true };
  }

  /** Records the end of a scan, succeeded or failed: the scan interval counts from here. */
  async recordScanEnd(routerUuid: string, at: Date, executor: Executor): Promise<void> {
    await executor
      .insert(routerRateLimits)
      .values({ routerId: routerUuid, scanRequestedAt: at })
      .onConflictDoUpdate({ target: routerRateLimits.routerId, set: { scanRequestedAt: at } });
  }
}

/**
 * The membership check as a prepared statement: Drizzle builds its SQL once instead
 * of on every request, and on PostgreSQL the named statement is parsed and planned
 * once per connection.
 */
function accessQuery(db: Executor) {
  return db
    .select({
      id: routers.id,
      routerId: routers.routerId,
      name: routers.name,
      role: userRouters.role,
    })
    .from(routers)
    .innerJoin(
      userRouters,
      and(eq(userRouters.routerId, routers.id), eq(userRouters.userId, sql.placeholder('userId'))),
    )
    .where(eq(routers.routerId, sql.placeholder('routerId')))
    .limit(1)
    .prepare('routers_find_access');
}
