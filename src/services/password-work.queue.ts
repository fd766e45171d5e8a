import { ServiceBusyError } from '../errors.js';

/**
 * Who goes first: logins from a browser with a valid device cookie (its user,
 * almost surely), then other logins, then registrations, password changes and
 * re-hashes.
 */
export type PasswordWorkPriority = 'trusted' | 'login' | 'other';

/** The order waiting work is taken in, and the share of the queue each class may fill. */
const CLASSES: readonly { priority: PasswordWorkPriority; share: number }[] = [
  { priority: 'trusted', share: 1 },
  { priority: 'login', share: 3 / 4 },
  { priority: 'other', share: 1 / 2 },
];

export interface PasswordWorkQueueOptions {
  /** argon2 computations at once. */
  concurrency: number;
  /** Tasks that may wait for a slot; past it, BUSY. Lower classes may fill only part of it. */
  maxWaiting: number;
}

/**
 * The one queue every argon2 computation waits in. argon2 runs on libuv's
 * thread pool, off the event loop, but on a small machine those threads can
 * still take every core and starve the loop, so at most `concurrency` run at
 * once. The queue is bounded, so a flood answers 503 BUSY at once instead of
 * making everybody wait without end, and it has three classes (CLASSES): a
 * waiting login from a trusted device goes first, then other logins, then
 * registrations and password changes; each lower class may fill only part of
 * the queue. So neither a registration flood nor a spray of guessed logins
 * from many addresses (which no per-account counter stops) can keep a user
 * with a device cookie out: they wait at most for the computations running.
 */
export class PasswordWorkQueue {
  private running = 0;
  private readonly waiting: Record<PasswordWorkPriority, (() => void)[]> = {
    trusted: [],
    login: [],
    other: [],
  };
  /** Moving average of one task's duration: the Retry-After of a BUSY answer. */
  private averageTaskMs = 50;
  rejected = 0;

  constructor(private readonly options: PasswordWorkQueueOptions) {}

  /** Tasks waiting for a slot now. */
  get waitingCount(): number {
    return this.waiting.trusted.length + this.waiting.login.length + this.waiting.other.length;
  }

  /** Runs `task` when a slot is free; throws ServiceBusyError (503 BUSY) when the queue is full. */
  async run<T>(priority: PasswordWorkPriority, task: () => Promise<T>): Promise<T> {
    if (this.running < this.options.concurrency) {
      this.running += 1;
    } else {
      this.assertRoom(priority);
      // The finishing task hands its slot over: `running` stays as it is.
      await new Promise<void>((resolve) => this.waiting[priority].push(resolve));
    }
    const started = performance.now();
    try {
      return await task();
    } finally {
      this.averageTaskMs = 0.8 * this.averageTaskMs + 0.2 * (performance.now() - started);
      const next = CLASSES.map((c) => this.waiting[c.priority])
        .find((q) => q.length > 0)
        ?.shift();
      if (next) {
        next();
      } else {
        this.running -= 1;
      }
    }
  }

  private assertRoom(priority: PasswordWorkPriority): void {
    const share = CLASSES.find((c) => c.priority === priority)!.share;
    const limit = Math.floor(this.options.maxWaiting * share);
    if (this.waitingCount < limit) {
      return;
    }
    this.rejected += 1;
    const drainMs = (this.waitingCount * this.averageTaskMs) / this.options.concurrency;
    throw new ServiceBusyError(Math.max(1, Math.ceil(drainMs / 1000)));
  }
}
