import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { CommandsSessionStateRepository } from '../repositories/commands-session-state.repository.js';
import type { CommandsSessionService } from './commands-session.service.js';
import type { OperationsService } from './operations.service.js';

/** Rows past their use that the sweeper deletes on each pass; answers how many went. */
export interface Cleanup {
  name: string;
  run(now: Date): Promise<number>;
}

export interface SweeperOptions {
  intervalMs: number;
  retentionMs: number;
  /** How long a claimed session stays leased to this sweeper (longer than one end call). */
  leaseMs: number;
  batchSize?: number;
  /** Other expired rows to delete on each pass (sign-in challenges, …). */
  cleanups?: readonly Cleanup[];
}

/**
 * Ends the Commands-Server session of every expired or revoked login, retries
 * failed ends with backoff until they succeed, and deletes long-dead rows
 * (sessions, and what `cleanups` name). Also sweeps watchable operations:
 * running ones whose process died are failed, those finished a day ago deleted.
 * Safe in several instances at once: sessions are claimed with
 * FOR UPDATE SKIP LOCKED and leased, so no two sweepers end the same one.
 */
export class SessionSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly sessionState: CommandsSessionStateRepository,
    private readonly commandsSessions: CommandsSessionService,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    private readonly options: SweeperOptions,
    private readonly operations: Pick<OperationsService, 'sweep'>,
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

  /** One pass; concurrent calls in this process share it. */
  sweep(): Promise<void> {
    this.running ??= Promise.all([
      this.guarded('session sweep failed', () => this.sweepNow()),
      this.guarded('operations sweep failed', () => this.sweepOperations()),
    ])
      .then(() => undefined)
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async guarded(what: string, pass: () => Promise<void>): Promise<void> {
    try {
      await pass();
    } catch (err) {
      this.log.error({ err: err instanceof Error ? err.message : String(err) }, what);
    }
  }

  private async sweepOperations(): Promise<void> {
    const { failed, deleted } = await this.operations.sweep();
    if (failed + deleted > 0) {
      this.log.info({ failed, deleted }, 'swept operations (failed: their process died)');
    }
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
    for (const cleanup of this.options.cleanups ?? []) {
      const n = await cleanup.run(this.clock.now());
      if (n > 0) {
        this.log.info({ deleted: n, rows: cleanup.name }, 'deleted expired rows');
      }
    }
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
