import type { FastifyBaseLogger } from 'fastify';
import { CommandsServerClient } from '../clients/commands-server.client.js';
import { CommandsServerError } from '../clients/commands-server.errors.js';
import type { CommandsServerHttp } from '../clients/commands-server.http.js';
import type { Clock } from '../clock.js';
import type { CommandsSessionStateRepository } from '../repositories/commands-session-state.repository.js';
import { LoginRouterGate } from './login-router.gate.js';

/** The ids of one router operation: the login session (= Commands-Server sessionId) and the router. */
export interface OperationIds {
  sessionId: string;
  routerId: string;
}

// The Commands-Server needs a routerId on every call, even on end, where it
// checks only the sessionId (contract §2.2). Any non-empty value will do.
const ANY_ROUTER = 'netpilot';

/**
 * Drives the Commands-Server session that mirrors each login (SPEC §4, contract §3).
 *
 * - Started with the router of the first router operation; SESSION_ALREADY_ACTIVE counts as started.
 * - The Commands-Server prepares a router's infrastructure only on start, and a
 *   second start while active does nothing (contract §4, lesson 2). So when a
 *   login moves to a router its active session never prepared, the session is
 *   ended and started again with that router.
 * - A failed start leaves the session active there (lesson 3): we record it as
 *   active with no prepared router, so it is ended later and re-started properly.
 * - SESSION_INVALID on a call (the Commands-Server restarted or expired it)
 *   means the call never ran: start again and retry once.
 */
export class CommandsSessionService {
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly gate = new LoginRouterGate();
  private readonly background = new Set<Promise<unknown>>();

  constructor(
    private readonly http: CommandsServerHttp,
    private readonly sessionState: CommandsSessionStateRepository,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
  ) {}

  client(ids: OperationIds): CommandsServerClient {
    return new CommandsServerClient(this.http, ids);
  }

  /**
   * Runs `operation` (one or more Commands-Server calls) inside the login's
   * Commands-Server session, started or moved to this router first. The one place
   * that handles SESSION_INVALID: the Commands-Server restarted or expired the
   * session, so the rejected call never ran; the session is started again and
   * `operation` retried once. The router-operation runner passes its whole attempt
   * (lock, precheck, call, writes) here, so a retry repeats all of it.
   */
  async run<T>(
    ids: OperationIds,
    operation: (client: CommandsServerClient) => Promise<T>,
  ): Promise<T> {
    return this.onRouter(ids, async () => {
      await this.ensure(ids);
      const client = this.client(ids);
      try {
        return await operation(client);
      } catch (err) {
        if (!(err instanceof CommandsServerError && err.isSessionInvalid)) {
          throw err;
        }
        await this.restart(ids);
        return operation(client);
      }
    });
  }

  /**
   * Runs `work` (making sure of the session, then the calls) while this login's
   * Commands-Server session stays on `ids.routerId`: operations of the login on other
   * routers wait, since moving the session to another router (end + start) would
   * make these calls fail (see {@link LoginRouterGate}). Not re-entrant: `work`
   * must not call run() or onRouter() itself.
   */
  private async onRouter<T>(ids: OperationIds, work: () => Promise<T>): Promise<T> {
    const release = await this.gate.enter(ids.sessionId, ids.routerId);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /**
   * After SESSION_INVALID (the Commands-Server restarted or expired the session):
   * start it again. The rejected call never ran, so the caller may retry it once.
   */
  private async restart(ids: OperationIds): Promise<void> {
    this.log.info(
      { sessionId: ids.sessionId },
      'Commands-Server forgot the session; starting it again',
    );
    await this.start(ids, true);
  }

  /**
   * Makes sure the Commands-Server session is active and has prepared this router.
   * Call it inside {@link onRouter}: the state it reads must not be older than the
   * login's last move to another router (so it is read here, not with the login).
   */
  async ensure(ids: OperationIds): Promise<void> {
    // One start at a time per login in this process; across instances the
    // database row and SESSION_ALREADY_ACTIVE keep it correct.
    const key = `${ids.sessionId}|${ids.routerId}`;
    const running = this.inflight.get(key);
    if (running) {
      return running;
    }
    const promise = this.ensureNow(ids).finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  private async ensureNow(ids: OperationIds): Promise<void> {
    const state = await this.sessionState.csState(ids.sessionId);
    if (state?.csState === 'active' && state.csRouterIds.includes(ids.routerId)) {
      return;
    }
    if (state?.csState === 'active') {
      // Active, but this router was never prepared: a second start would be a no-op.
      await this.endQuietly(ids.sessionId, ids.routerId);
    }
    await this.start(ids, true);
  }

  private async start(ids: OperationIds, fresh: boolean): Promise<void> {
    const now = () => this.clock.now();
    try {
      await this.client(ids).startSession();
      await this.sessionState.markCsActive(ids.sessionId, ids.routerId, fresh, now());
    } catch (err) {
      if (err instanceof CommandsServerError && err.isSessionAlreadyActive) {
        // Counts as started (SPEC §4), but this start prepared nothing (contract §4,
        // lesson 2): whoever started it records the router it prepared. If nobody
        // does, the next operation on this router ends and starts it properly.
        await this.sessionState.markCsActive(ids.sessionId, null, false, now());
        return;
      }
      if (err instanceof CommandsServerError && err.failure !== 'unavailable') {
        // The Commands-Server marks the session active before it contacts the router.
        await this.sessionState.markCsActive(ids.sessionId, null, fresh, now());
      }
      throw err;
    }
  }

  /**
   * Ends the Commands-Server session. Resolves true when it is gone (a 401 means it
   * already was), false when the end failed and must be retried.
   */
  async end(sessionId: string, routerId: string | null): Promise<{ ok: boolean; error?: string }> {
    try {
      await this.client({ sessionId, routerId: routerId ?? ANY_ROUTER }).endSession();
      return { ok: true };
    } catch (err) {
      if (err instanceof CommandsServerError && err.upstreamStatus === 401) {
        return { ok: true };
      }
      const code = err instanceof CommandsServerError ? err.code : 'INTERNAL_ERROR';
      return { ok: false, error: code };
    }
  }

  private async endQuietly(sessionId: string, routerId: string): Promise<void> {
    const result = await this.end(sessionId, routerId);
    if (!result.ok) {
      this.log.warn(
        { sessionId, error: result.error },
        'could not end the Commands-Server session',
      );
    }
  }

  /** Ends the session now if possible; the sweeper retries whatever fails. Never throws. */
  endAndRecord(sessionId: string, routerId: string | null): void {
    this.track(
      this.end(sessionId, routerId).then(async (result) => {
        const now = this.clock.now();
        if (result.ok) {
          await this.sessionState.markCsEnded(sessionId, now);
        } else {
          await this.sessionState.markCsEndFailed(sessionId, result.error ?? 'unknown', now);
        }
      }),
    );
  }

  /**
   * Best effort, in the background: never delays or fails the caller. `routerOf`
   * finds the router to start with (none: nothing to do).
   */
  startInBackground(sessionId: string, routerOf: () => Promise<string | null>): void {
    this.track(
      routerOf().then(async (routerId) => {
        if (routerId) {
          const ids = { sessionId, routerId };
          await this.onRouter(ids, () => this.ensure(ids));
        }
      }),
    );
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise
      .catch((err: unknown) => {
        this.log.warn(
          { code: err instanceof CommandsServerError ? err.code : 'INTERNAL_ERROR' },
          'background Commands-Server session work failed',
        );
      })
      .finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  /** Waits for background work (used at shutdown and by tests). */
  async drain(): Promise<void> {
    while (this.background.size > 0) {
      await Promise.allSettled([...this.background]);
    }
  }
}
