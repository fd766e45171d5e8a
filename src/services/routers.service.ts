import { CommandsServerError } from '../clients/commands-server.errors.js';
import type { Clock } from '../clock.js';
import type { Database, Transaction } from '../db/client.js';
import { AppError, ConflictError, NotFoundError } from '../errors.js';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type {
  RouterMembership,
  RouterRole,
  RoutersRepository,
} from '../repositories/routers.repository.js';
import { parseDisplayName } from '../validation/display-name.js';
import { assertRouterId } from '../validation/router-input.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import type { CommandsSessionService } from './commands-session.service.js';
import { recordRouterEvent } from './router-audit.js';
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
  audit: AuditRepository;
  runner: RouterOperationRunner;
  commandsSessions: CommandsSessionService;
  clock: Clock;
}

/** Routers and their ownership: list, add (claim), rename, delete or leave (SPEC §5). */
export class RoutersService {
  constructor(private readonly deps: RoutersServiceDeps) {}

  /** The routers the caller is a member of. */
  async list(auth: AuthContext): Promise<RouterView[]> {
    const rows = await this.deps.routers.listForUser(auth.userId);
    return rows.map(toRouterView);
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
   * Adds a router: the first user to add it owns it. A router the caller already
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
    const { audit, clock } = this.deps;
    const started = clock.now().getTime();
    const elapsed = () => Math.max(0, clock.now().getTime() - started);
    const auditId = await audit.insert({
      userId: auth.userId,
      sessionId: auth.sessionId,
      routerId: claim?.id ?? null,
      routerExternalId: routerId,
      operation: 'router.add',
      params: { routerId, name },
      outcome: 'pending',
      requestId: client.requestId,
      ip: client.ip,
    });
    let created: boolean;
    try {
      await this.deps.commandsSessions.run({ sessionId: auth.sessionId, routerId }, (cs) =>
        cs.wifiStatus(),
      );
      created = await this.claim(auth.userId, routerId, name, (tx, id) =>
        audit.complete(auditId, 'succeeded', { durationMs: elapsed(), routerId: id }, tx),
      );
    } catch (err) {
      const outcome =
        err instanceof CommandsServerError && err.failure === 'timeout' ? 'unknown' : 'failed';
      const errorCode = err instanceof AppError ? err.code : 'INTERNAL_ERROR';
      await audit.complete(auditId, outcome, { errorCode, durationMs: elapsed() }).catch(() => {});
      throw err;
    }
    return { router: await this.get(auth, routerId), created };
  }

  /**
   * Router, owner membership and settings row in one transaction; `onClaimed` adds
   * the audit outcome to it. True when this call created the ownership.
   */
  private async claim(
    userId: string,
    routerId: string,
    name: string,
    onClaimed: (tx: Transaction, routerUuid: string) => Promise<void>,
  ): Promise<boolean> {
    const { routers } = this.deps;
    return this.deps.db.transaction(async (tx) => {
      const id = await routers.insertIfAbsent(routerId, name, tx);
      const claimed = await routers.insertMember(id, userId, 'owner', tx);
      // Lost a race: fine if the winner was this same user, else someone else owns it.
      if (!claimed && (await routers.roleOf(id, userId, tx)) === null) {
        throw alreadyClaimed();
      }
      await routers.ensureSettings(id, tx);
      await onClaimed(tx, id);
      return claimed;
    });
  }

  /** Renames a router (owner only). */
  async rename(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    nameInput: string,
  ): Promise<RouterView> {
    const router = await this.deps.runner.access(auth, routerId, { ownerOnly: true });
    const name = parseDisplayName(nameInput, 'body.name');
    await this.deps.db.transaction(async (tx) => {
      await this.deps.routers.rename(router.id, name, tx);
      await recordRouterEvent(this.deps.audit, tx, {
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
    const router = await this.deps.runner.access(auth, routerId);
    const event = { auth, client, routerId };
    if (router.role === 'owner') {
      await this.deps.db.transaction(async (tx) => {
        // The event outlives the router: its router_id would be set null anyway.
        await recordRouterEvent(this.deps.audit, tx, {
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
      await recordRouterEvent(this.deps.audit, tx, {
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
