import { describe, expect, it } from 'vitest';
import { ServiceBusyError } from '../errors.js';
import { PasswordWorkQueue } from './password-work.queue.js';

/** A task that runs until `release()` is called, recording when it started. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { task: async () => (log.push(name), done), release };
}

describe('PasswordWorkQueue', () => {
  it('runs trusted logins, then other logins, then other work, each class in order', async () => {
    const queue = new PasswordWorkQueue({ concurrency: 1, maxWaiting: 10 });
    const log: string[] = [];
    const first = gate(log, 'running');
    const running = queue.run('other', first.task);
    const waiting = [
      queue.run('other', async () => void log.push('register 1')),
      queue.run('login', async () => void log.push('login 1')),
      queue.run('trusted', async () => void log.push('trusted 1')),
      queue.run('other', async () => void log.push('register 2')),
      queue.run('login', async () => void log.push('login 2')),
      queue.run('trusted', async () => void log.push('trusted 2')),
    ];
    expect(queue.waitingCount).toBe(6);
    first.release();
    await Promise.all([running, ...waiting]);
    expect(log).toEqual([
      'running',
      'trusted 1',
      'trusted 2',
      'login 1',
      'login 2',
      'register 1',
      'register 2',
    ]);
  });

  it('refuses with BUSY when full; logins may fill three quarters, other work half', async () => {
    const queue = new PasswordWorkQueue({ concurrency: 1, maxWaiting: 8 });
    const log: string[] = [];
    const first = gate(log, 'running');
    const all = [queue.run('login', first.task)];
    const noop = async () => undefined;
    all.push(...Array.from({ length: 4 }, () => queue.run('other', noop)));
    await expect(queue.run('other', noop)).rejects.toBeInstanceOf(ServiceBusyError);
    all.push(queue.run('login', noop), queue.run('login', noop));
    await expect(queue.run('login', noop)).rejects.toMatchObject({
      code: 'BUSY',
      statusCode: 503,
    });
    all.push(queue.run('trusted', noop), queue.run('trusted', noop));
    await expect(queue.run('trusted', noop)).rejects.toMatchObject({ code: 'BUSY' });
    expect(queue.rejected).toBe(3);
    expect(queue.waitingCount).toBe(8);
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
