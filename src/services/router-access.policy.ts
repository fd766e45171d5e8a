import { ForbiddenError, NotFoundError } from '../errors.js';
import type { RouterAccess, RoutersRepository } from '../repositories/routers.repository.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import type { RouterAudit } from './router-audit.js';

/** The operation named in the trail when a refused caller did not say which. */
export const REFUSED_OPERATION = 'router.ownerOnly';

export interface CheckOptions {
  ownerOnly?: boolean;
  /** The operation attempted, named in the trail when it is refused. */
  operation?: string;
  /** Who asked, for the trail when it is refused. */
  client?: ClientInfo;
}

/**
 * Who may touch a router: every service asks here first, before validating input
 * or calling out. A router the caller is not a member of is 404 ROUTER_NOT_FOUND,
 * never revealing that it exists (and not recorded on the router); an owner-only
 * action by a member is 403, recorded in the router's trail as `failed` FORBIDDEN.
 */
export class RouterAccessPolicy {
  constructor(
    private readonly routers: RoutersRepository,
    private readonly audit: RouterAudit,
  ) {}

  async check(
    auth: AuthContext,
    routerId: string,
    options: CheckOptions = {},
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
      await this.audit.refused(
        {
          auth,
          client: options.client,
          routerUuid: access.id,
          routerId: access.routerId,
          operation: options.operation ?? REFUSED_OPERATION,
        },
        'FORBIDDEN',
      );
      throw new ForbiddenError('FORBIDDEN', 'Only the owner of this router may do that');
    }
    return access;
  }
}
