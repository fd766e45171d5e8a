import { NotFoundError } from '../errors.js';
import type { RouterSelectionsRepository } from '../repositories/router-selections.repository.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import type { RouterAccessPolicy } from './router-access.policy.js';
import type { RoutersService } from './routers.service.js';

/** The longest router name (RoutersService.add's rule): a claimed router is named after its id. */
const NAME_MAX = 100;

/**
 * NetPilot's existing web client keeps one "current router" per user (its
 * settings calls). Here it is stored per user and is only a pointer: choosing a
 * router goes through RoutersService.add (a router the user belongs to is
 * selected as is; another is claimed under the usual rules and errors), and
 * reading it answers a router only while the user is still a member of it.
 */
export class RouterSelectionService {
  private readonly deps: {
    routers: RoutersService;
    access: RouterAccessPolicy;
    selections: RouterSelectionsRepository;
  };

  constructor(
    routers: RoutersService,
    access: RouterAccessPolicy,
    selections: RouterSelectionsRepository,
  ) {
    this.deps = { routers, access, selections };
  }

  /** The selected router's id; 404 ROUTER_NOT_FOUND when none (or no longer a member). */
  async current(auth: AuthContext): Promise<string> {
    const routerId = await this.deps.selections.findCurrent(auth.userId);
    if (routerId === null) {
      throw new NotFoundError('ROUTER_NOT_FOUND', 'No router selected yet');
    }
    return routerId;
  }

  /**
   * Selects `routerId`, claiming it first when the user is not a member (its
   * errors: 400, 409 ROUTER_ALREADY_CLAIMED, 404 ROUTER_UNKNOWN, 502/503/504).
   * The selection is saved only once the user is a member.
   */
  async select(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
  ): Promise<{ routerId: string; created: boolean }> {
    const name = routerId.trim().slice(0, NAME_MAX);
    const { router, created } = await this.deps.routers.add(auth, client, { routerId, name });
    const access = await this.deps.access.check(auth, router.routerId);
    await this.deps.selections.save(auth.userId, access.id);
    return { routerId: router.routerId, created };
  }
}
