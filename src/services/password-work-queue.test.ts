import { describe, expect, it } from 'vitest';
import { ServiceBusyError } from '../errors.js';
import { PasswordWorkQueue } from './password-work-queue.js';

/** A task that runs until `release()` is called, recording when it started. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { task: async () => (log.push(name), done), release };
}

describe('PasswordWorkQueue', () => {
  it('runs waiting logins before waiting registrations, each class in order', async () => {
    const queue = new PasswordWorkQueue({ concurrency: 1, maxWaiting: 10 });
    const log: string[] = [];
    const first = gate(log, 'running');
    const running = queue.run('other', first.task);
    const waiting = [
      queue.run('other', async () => void log.push('register 1')),
      queue.run('login', async () => void log.push('login 1')),
      queue.run('other', async () => void log.push('register 2')),
      queue.run('login', async () => void log.push('login 2')),
    ];
    expect(queue.waitingCount).toBe(4);
    first.release();
    await Promise.all([running, ...waiting]);
    expect(log).toEqual(['running', 'login 1', 'login 2', 'register 1', 'register 2']);
  });

  it('refuses with BUSY when full; other work may fill only half of the queue', async () => {
    const queue = new PasswordWorkQueue({ concurrency: 1, maxWaiting: 4 });
    const log: string[] = [];
    const first = gate(log, 'running');
    const all = [queue.run('login', first.task)];
    all.push(
      queue.run('other', async () => undefined),
      queue.run('other', async () => undefined),
    );
    await expect(queue.run('other', async () => undefined)).rejects.toBeInstanceOf(
      ServiceBusyError,
    );
    all.push(
      queue.run('login', async () => undefined),
      queue.run('login', async () => undefined),
    );
    const refused = queue.run('login', async () => undefined);
    await expect(refused).rejects.toMatchObject({ code: 'BUSY', statusCode: 503 });
    expect(queue.rejected).toBe(2);
    first.release();
    await Promise.all(all);
    expect(queue.waitingCount).toBe(0);
    // Room again once the queue drained.
    await expect(queue.run('other', async () => 'ok')).resolves.toBe('ok');
  });

  it('frees the slot when a task fails', async () => {
    const queue = new PasswordWorkQueue({ concurrency: 1, maxWaiting: 2 });
    await expect(queue.run('login', () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    await expect(queue.run('login', async () => 1)).resolves.toBe(1);
  });
});
