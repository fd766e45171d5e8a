import { ForbiddenError, NotFoundError } from '../errors.js';
import type { RouterAccess, RoutersRepository } from '../repositories/routers.repository.js';
import type { AuthContext } from './auth-context.js';

/**
 * Who may touch a router: every service asks here first, before validating input
 * or calling out. A router the caller is not a member of is 404 ROUTER_NOT_FOUND,
 * never revealing that it exists; an owner-only action by a member is 403.
 */
export class RouterAccessPolicy {
  constructor(private readonly routers: RoutersRepository) {}

  async check(
    auth: AuthContext,
    routerId: string,
    options: { ownerOnly?: boolean } = {},
  ): Promise<RouterAccess> {
    // Read with the session when the route is about this router (auth plugin).
    const access =
      auth.router?.routerId === routerId
        ? auth.router.access
        : await this.routers.findAccess(auth.userId, routerId);
    if (!access) {
      throw new NotFoundError('ROUTER_NOT_FOUND', 'No such router');
    }
    if (options.ownerOnly && access.role !== 'owner') {
      throw new ForbiddenError('FORBIDDEN', 'Only the owner of this router may do that');
    }
    return access;
  }
}
