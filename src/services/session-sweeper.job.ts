import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { CommandsSessionStateRepository } from '../repositories/commands-session-state.repository.js';
import type { OidcFlowsRepository } from '../repositories/oidc.repository.js';
import type { CommandsSessionService } from './commands-session.service.js';

/** Used or expired sign-in flows are kept this long (a replay then still reads "used"). */
const FLOW_KEEP_MS = 60 * 60_000;

export interface SweeperOptions {
  intervalMs: number;
  retentionMs: number;
  /** How long a claimed session stays leased to this sweeper (longer than one end call). */
  leaseMs: number;
  batchSize?: number;
}

/**
 * Ends the Commands-Server session of every expired or revoked login, retries
 * failed ends with backoff until they succeed, and deletes long-dead rows
 * (and OpenID sign-in flows expired or used over an hour ago).
 * Safe in several instances at once: sessions are claimed with
 * FOR UPDATE SKIP LOCKED and leased, so no two sweepers end the same one.
 */
export class SessionSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly sessionState: CommandsSessionStateRepository,
    private readonly oidcFlows: OidcFlowsRepository,
    private readonly commandsSessions: CommandsSessionService,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    private readonly options: SweeperOptions,
  ) {}

  start(): void {
    if (this.timer) {
      return;
    }
    this.timer = setInterval(() => {
      void this.sweep();
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await this.running;
  }

  /** One pass; concurrent calls in this process share it. Returns sessions ended. */
  sweep(): Promise<void> {
    this.running ??= this.sweepNow()
      .catch((err: unknown) => {
        this.log.error(
          { err: err instanceof Error ? err.message : String(err) },
          'session sweep failed',
        );
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async sweepNow(): Promise<void> {
    const batch = this.options.batchSize ?? 50;
    for (let round = 0; round < 20; round += 1) {
      const now = this.clock.now();
      const claimed = await this.sessionState.claimSessionsToEnd(
        now,
        new Date(now.getTime() + this.options.leaseMs),
        batch,
      );
      if (claimed.length === 0) {
        break;
      }
      await Promise.all(claimed.map((s) => this.endOne(s.id, s.routerId)));
      if (claimed.length < batch) {
        break;
      }
    }
    const deleted = await this.sessionState.deleteDead(
      new Date(this.clock.now().getTime() - this.options.retentionMs),
    );
    if (deleted > 0) {
      this.log.info({ deleted }, 'deleted long-dead sessions');
    }
    await this.oidcFlows.deleteStale(new Date(this.clock.now().getTime() - FLOW_KEEP_MS));
  }

  private async endOne(id: string, routerId: string | null): Promise<void> {
    const result = await this.commandsSessions.end(id, routerId);
    const now = this.clock.now();
    if (result.ok) {
      await this.sessionState.markCsEnded(id, now);
      return;
    }
    const attempts = (await this.sessionState.endAttempts(id)) ?? 1;
    const backoffMs = Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 10 * 60_000);
    await this.sessionState.markCsEndFailed(
      id,
      result.error ?? 'unknown',
      new Date(now.getTime() + backoffMs),
    );
    this.log.warn(
      { sessionId: id, attempts, error: result.error },
      'ending a Commands-Server session failed; will retry',
    );
  }
}
