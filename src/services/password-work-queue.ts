import { ServiceBusyError } from '../errors.js';

/** Logins go first; registrations, password changes and re-hashes after them. */
export type PasswordWorkPriority = 'login' | 'other';

export interface PasswordWorkQueueOptions {
  /** argon2 computations at once. */
  concurrency: number;
  /** Tasks that may wait for a slot; past it, BUSY. Other work may fill only half. */
  maxWaiting: number;
}

/**
 * The one queue every argon2 computation waits in. argon2 runs on libuv's
 * thread pool, off the event loop, but on a small machine those threads can
 * still take every core and starve the loop, so at most `concurrency` run at
 * once. The queue is bounded, so a flood answers 503 BUSY at once instead of
 * making everybody wait without end, and it has two classes: a waiting login
 * always goes before waiting registrations and password changes, and those may
 * fill only half of the queue, so a registration flood cannot keep logins out.
 */
export class PasswordWorkQueue {
  private running = 0;
  private readonly waiting: Record<PasswordWorkPriority, (() => void)[]> = {
    login: [],
    other: [],
  };
  /** Moving average of one task's duration: the Retry-After of a BUSY answer. */
  private averageTaskMs = 50;
  rejected = 0;

  constructor(private readonly options: PasswordWorkQueueOptions) {}

  /** Tasks waiting for a slot now. */
  get waitingCount(): number {
    return this.waiting.login.length + this.waiting.other.length;
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
      const next = this.waiting.login.shift() ?? this.waiting.other.shift();
      if (next) {
        next();
      } else {
        this.running -= 1;
      }
    }
  }

  private assertRoom(priority: PasswordWorkPriority): void {
    const limit =
      priority === 'login' ? this.options.maxWaiting : Math.floor(this.options.maxWaiting / 2);
    if (this.waitingCount < limit) {
      return;
    }
    this.rejected += 1;
    const drainMs = (this.waitingCount * this.averageTaskMs) / this.options.concurrency;
    throw new ServiceBusyError(Math.max(1, Math.ceil(drainMs / 1000)));
  }
}
