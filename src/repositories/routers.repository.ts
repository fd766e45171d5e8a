import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { routers, userRouters } from '../db/schema/index.js';

export type RouterRow = typeof routers.$inferSelect;

/** A user's access to one router. */
export interface RouterAccess {
  /** routers.id */
  id: string;
  /** The agent's id, used by the Commands-Server. */
  routerId: string;
  name: string;
  role: 'owner' | 'member';
}

/** Queries on routers and memberships. */
export class RoutersRepository {
  constructor(private readonly db: Executor) {}

  /** The user's membership of the router with this external id, in one query; null if none. */
  async findAccess(userId: string, routerId: string): Promise<RouterAccess | null> {
    const [row] = await this.db
      .select({
        id: routers.id,
        routerId: routers.routerId,
        name: routers.name,
        role: userRouters.role,
      })
      .from(routers)
      .innerJoin(
        userRouters,
        and(eq(userRouters.routerId, routers.id), eq(userRouters.userId, userId)),
      )
      .where(eq(routers.routerId, routerId))
      .limit(1);
    return row ?? null;
  }

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
}
