import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { routers, userRouterSelections, userRouters } from '../db/schema/index.js';

/** Each user's "current router" of NetPilot's existing web client (user_router_selections). */
export class RouterSelectionsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * The external id of the user's selected router, only while the user is still a
   * member of it (membership is read in the same query); else null.
   */
  async findCurrent(userId: string): Promise<string | null> {
    const [row] = await this.db
      .select({ routerId: routers.routerId })
      .from(userRouterSelections)
      .innerJoin(routers, eq(routers.id, userRouterSelections.routerId))
      .innerJoin(
        userRouters,
        and(eq(userRouters.routerId, routers.id), eq(userRouters.userId, userId)),
      )
      .where(eq(userRouterSelections.userId, userId))
      .limit(1);
    return row?.routerId ?? null;
  }

  /** Makes `routerUuid` (routers.id) the user's selection; the last one saved wins. */
  async save(userId: string, routerUuid: string): Promise<void> {
    await this.db
      .insert(userRouterSelections)
      .values({ userId, routerId: routerUuid })
      .onConflictDoUpdate({ target: userRouterSelections.userId, set: { routerId: routerUuid } });
  }
}
