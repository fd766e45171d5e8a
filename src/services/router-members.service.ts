import type { Database } from '../db/client.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type {
  MemberRow,
  RouterRole,
  RoutersRepository,
} from '../repositories/routers.repository.js';
import type { UsersRepository } from '../repositories/users.repository.js';
import type { AuthContext, ClientInfo } from './auth.service.js';
import { recordRouterEvent } from './router-audit.js';
import type { RouterOperationRunner } from './router-operation.runner.js';
import { parseEmail } from '../validation/email.js';

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
  users: UsersRepository;
  audit: AuditRepository;
  runner: RouterOperationRunner;
}

/** Who may use a router: members see the list, the owner adds and removes (SPEC §5). */
export class RouterMembersService {
  constructor(private readonly deps: RouterMembersServiceDeps) {}

  /** The router's members, owner first (any member may read it). */
  async list(auth: AuthContext, routerId: string): Promise<MemberView[]> {
    const router = await this.deps.runner.access(auth, routerId);
    const rows = await this.deps.routers.listMembers(router.id);
    return rows.map(toView);
  }

  /**
   * Adds a registered user as a member (owner only). Unknown email: 404
   * USER_NOT_FOUND. Someone who already belongs (the owner included) is answered
   * as is, with `added: false`.
   */
  async add(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    emailInput: string,
  ): Promise<{ member: MemberView; added: boolean }> {
    const router = await this.deps.runner.access(auth, routerId, { ownerOnly: true });
    const user = await this.deps.users.findByEmail(parseEmail(emailInput));
    if (!user) {
      throw new NotFoundError('USER_NOT_FOUND', 'No user is registered with this email');
    }
    const added = await this.deps.db.transaction(async (tx) => {
      const inserted = await this.deps.routers.insertMember(router.id, user.id, 'member', tx);
      if (inserted) {
        await recordRouterEvent(this.deps.audit, tx, {
          auth,
          client,
          routerUuid: router.id,
          routerId,
          operation: 'router.member.add',
          params: { userId: user.id, email: user.email },
        });
      }
      return inserted;
    });
    const [member] = await this.deps.routers.listMembers(router.id, user.id);
    if (!member) {
      // Removed again between the two statements: say so rather than invent a row.
      throw new NotFoundError('USER_NOT_FOUND', 'That user is not a member of this router');
    }
    return { member: toView(member), added };
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
    const router = await this.deps.runner.access(auth, routerId, { ownerOnly: true });
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
      await recordRouterEvent(this.deps.audit, tx, {
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
