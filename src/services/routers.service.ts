import type { Database, Transaction } from '../db/client.js';
import { ConflictError, NotFoundError } from '../errors.js';
import {
  ROUTERS_ORDER,
  type RouterMembership,
  type RouterRole,
  type RoutersRepository,
} from '../repositories/routers.repository.js';
import { parseDisplayName } from '../validation/display-name.js';
import { assertRouterId } from '../validation/router-input.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import { paginate, type Page, type PageQuery } from './pagination.js';
import type { RouterAccessPolicy } from './router-access.policy.js';
import type { RouterAudit } from './router-audit.js';
import type { RouterOperationRunner } from './router-operation.runner.js';

/** A router as the API shows it to one of its members. */
export interface RouterView {
  routerId: string;
  name: string;
  role: RouterRole;
  createdAt: string;
  lastScanAt: string | null;
}

/** The API view of one of the caller's memberships. */
export function toRouterView(m: RouterMembership): RouterView {
  return {
    routerId: m.routerId,
    name: m.name,
    role: m.role,
    createdAt: m.createdAt.toISOString(),
    lastScanAt: m.lastScanAt?.toISOString() ?? null,
  };
}

export interface RoutersServiceDeps {
  db: Database;
  routers: RoutersRepository;
  access: RouterAccessPolicy;
  runner: RouterOperationRunner;
  routerAudit: RouterAudit;
}

/** Routers and their ownership: list, add (claim), rename, delete or leave (SPEC §5). */
export class RoutersService {
  constructor(private readonly deps: RoutersServiceDeps) {}

  /** The routers the caller is a member of, one page at a time, in the order they joined. */
  async list(auth: AuthContext, query: PageQuery): Promise<Page<RouterView>> {
    return paginate(
      ROUTERS_ORDER,
      query,
      (page) => this.deps.routers.listForUser(auth.userId, page),
      toRouterView,
    );
  }

  /** One router of the caller; 404 ROUTER_NOT_FOUND when not a member. */
  async get(auth: AuthContext, routerId: string): Promise<RouterView> {
    const row = await this.deps.routers.findMembership(auth.userId, routerId);
    if (!row) {
      throw new NotFoundError('ROUTER_NOT_FOUND', 'No such router');
    }
    return toRouterView(row);
  }

  /**
   * Adds (claims) a router: the first user to add it owns it. A router the caller already
   * belongs to is answered as is (`created: false`, nothing called or written).
   * Someone else's router is 409 ROUTER_ALREADY_CLAIMED, checked before the call
   * and enforced again by the one-owner unique index for concurrent claims.
   * Before anything is stored, a cheap read (Wi-Fi status) through the
   * Commands-Server proves the router answers; if it fails nothing is stored and
   * the mapped Commands-Server error is answered. Router, owner membership and
   * settings row are written in one transaction.
   */
  async add(
    auth: AuthContext,
    client: ClientInfo,
    input: { routerId: string; name: string },
  ): Promise<{ router: RouterView; created: boolean }> {
    const routerId = assertRouterId(input.routerId, 'body.routerId');
    const name = parseDisplayName(input.name, 'body.name');
    const claim = await this.deps.routers.findClaim(auth.userId, routerId);
    if (claim?.callerRole) {
      return { router: await this.get(auth, routerId), created: false };
    }
    if (claim?.ownerId) {
      throw alreadyClaimed();
    }
    const { created } = await this.deps.runner.execute({
      auth,
      client,
      router: { id: claim?.id ?? null, routerId },
      operation: 'router.add',
      params: { routerId, name },
      // The probe only reads: if it fails nothing is stored, and it changed nothing.
      changesRouter: false,
      call: (cs) => cs.wifiStatus(),
      persist: (tx) => this.claim(tx, auth.userId, routerId, name),
      createdRouter: (claimed) => claimed.routerUuid,
    });
    return { router: await this.get(auth, routerId), created };
  }

  /**
   * Router, owner membership and settings row, in the claim's transaction.
   * `created` is true when this call created the ownership.
   */
  private async claim(
    tx: Transaction,
    userId: string,
    routerId: string,
    name: string,
  ): Promise<{ routerUuid: string; created: boolean }> {
    const { routers } = this.deps;
    const id = await routers.insertIfAbsent(routerId, name, tx);
    const created = await routers.insertMember(id, userId, 'owner', tx);
    // Lost a race: fine if the winner was this same user, else someone else owns it.
    if (!created && (await routers.roleOf(id, userId, tx)) === null) {
      throw alreadyClaimed();
    }
    await routers.ensureSettings(id, tx);
    return { routerUuid: id, created };
  }

  /** Renames a router (owner only). */
  async rename(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    nameInput: string,
  ): Promise<RouterView> {
    const router = await this.deps.access.check(auth, routerId, {
      ownerOnly: true,
      operation: 'router.rename',
      client,
    });
    const name = parseDisplayName(nameInput, 'body.name');
    await this.deps.db.transaction(async (tx) => {
      await this.deps.routers.rename(router.id, name, tx);
      await this.deps.routerAudit.record(tx, {
        auth,
        client,
        routerUuid: router.id,
        routerId,
        operation: 'router.rename',
        params: { name, previousName: router.name },
      });
    });
    return this.get(auth, routerId);
  }

  /**
   * The owner deletes the router and, by ON DELETE CASCADE, all its data; the
   * Commands-Server is not called (nothing changes on the router). A member
   * leaves instead: only their membership goes.
   */
  async remove(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
  ): Promise<{ result: 'deleted' | 'left' }> {
    const router = await this.deps.access.check(auth, routerId);
    const event = { auth, client, routerId };
    if (router.role === 'owner') {
      await this.deps.db.transaction(async (tx) => {
        // The event outlives the router: its router_id would be set null anyway.
        await this.deps.routerAudit.record(tx, {
          ...event,
          routerUuid: null,
          operation: 'router.delete',
          params: { name: router.name },
        });
        await this.deps.routers.delete(router.id, tx);
      });
      return { result: 'deleted' };
    }
    await this.deps.db.transaction(async (tx) => {
      await this.deps.routers.deleteMember(router.id, auth.userId, tx);
      await this.deps.routerAudit.record(tx, {
        ...event,
        routerUuid: router.id,
        operation: 'router.leave',
      });
    });
    return { result: 'left' };
  }
}

function alreadyClaimed(): ConflictError {
  return new ConflictError(
    'ROUTER_ALREADY_CLAIMED',
    'This router is already registered by another user; ask its owner to invite you',
  );
}
