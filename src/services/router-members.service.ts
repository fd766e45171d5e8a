import type { Database } from '../db/client.js';
import { ConflictError, NotFoundError } from '../errors.js';
import {
  MEMBERS_ORDER,
  type MemberRow,
  type RouterRole,
  type RoutersRepository,
} from '../repositories/routers.repository.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import { paginate, type Page, type PageQuery } from './pagination.js';
import type { RouterAudit } from './router-audit.js';
import type { RouterAccessPolicy } from './router-access.policy.js';

/** A member of a router as the API shows it. */
export interface MemberView {
  userId: string;
  email: string;
  role: RouterRole;
  joinedAt: string;
}

function toView(m: MemberRow): MemberView {
  return { userId: m.userId, email: m.email, role: m.role, joinedAt: m.joinedAt.toISOString() };
}

export interface RouterMembersServiceDeps {
  db: Database;
  routers: RoutersRepository;
  access: RouterAccessPolicy;
  routerAudit: RouterAudit;
}

/**
 * Who may use a router: members see the list, the owner removes members (SPEC §5).
 * Nobody is added directly: people join by accepting an invitation
 * (InvitationsService), so adding never reveals whether an email has an account.
 */
export class RouterMembersService {
  constructor(private readonly deps: RouterMembersServiceDeps) {}

  /** The router's members, owner first (any member may read it). */
  async list(auth: AuthContext, routerId: string, query: PageQuery): Promise<Page<MemberView>> {
    const router = await this.deps.access.check(auth, routerId);
    return paginate(
      MEMBERS_ORDER,
      query,
      (page) => this.deps.routers.listMembers(router.id, page),
      toView,
    );
  }

  /**
   * Removes a member (owner only). The owner cannot remove themself: the router
   * would be left without an owner; they delete the router instead.
   */
  async remove(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    userId: string,
  ): Promise<{ removed: true }> {
    const router = await this.deps.access.check(auth, routerId, {
      ownerOnly: true,
      operation: 'router.member.remove',
      client,
    });
    if (userId === auth.userId) {
      throw new ConflictError(
        'CONFLICT',
        'The owner cannot remove themself from the router; delete the router instead',
      );
    }
    await this.deps.db.transaction(async (tx) => {
      const removed = await this.deps.routers.deleteMember(router.id, userId, tx);
      if (!removed) {
        throw new NotFoundError('USER_NOT_FOUND', 'That user is not a member of this router');
      }
      await this.deps.routerAudit.record(tx, {
        auth,
        client,
        routerUuid: router.id,
        routerId,
        operation: 'router.member.remove',
        params: { userId },
      });
    });
    return { removed: true };
  }
}
