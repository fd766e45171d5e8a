import { describe, expect, it, vi } from 'vitest';
import { ServiceBusyError, ValidationError } from '../../errors.js';
import type { PasswordService } from '../password.service.js';
import { PasswordWorkQueue } from '../password-work.queue.js';
import type { Reservation } from '../throttle/login-throttle.js';
import { PasswordSteps } from './password-steps.js';

function reservation() {
  return {
    succeeded: vi.fn(async () => {}),
    cancelled: vi.fn(async () => {}),
  } satisfies Reservation;
}

function fakePasswords() {
  return {
    assertAcceptable: vi.fn((password: string, field: string) => {
      if (password === 'weak') {
        throw new ValidationError({ field, message: 'too weak' });
      }
    }),
    hash: vi.fn(async (password: string) => `hash(${password})`),
  };
}

/** A queue whose one slot is taken and which lets nobody wait: every run is refused BUSY. */
function fullQueue(): { queue: PasswordWorkQueue; free: () => void } {
  const queue = new PasswordWorkQueue({ concurrency: 1, maxWaiting: 0 });
  let free = () => {};
  void queue.run('other', () => new Promise<void>((resolve) => (free = resolve)));
  return { queue, free: () => free() };
}

describe(PasswordSteps.name, () => {
  const idleQueue = () => new PasswordWorkQueue({ concurrency: 1, maxWaiting: 4 });

  it('verifyReserved: a full queue takes the attempt back and answers BUSY', async () => {
    const { queue, free } = fullQueue();
    const sut = new PasswordSteps(fakePasswords() as unknown as PasswordService, queue);
    const attempt = reservation();
    const verify = vi.fn(async () => true);
    await expect(sut.verifyReserved(attempt, 'login', verify)).rejects.toBeInstanceOf(
      ServiceBusyError,
    );
    expect(attempt.cancelled).toHaveBeenCalledOnce();
    expect(verify).not.toHaveBeenCalled();
    free();
  });

  it('verifyReserved: any other failure leaves the attempt counted', async () => {
    const sut = new PasswordSteps(fakePasswords() as unknown as PasswordService, idleQueue());
    const attempt = reservation();
    const broken = new Error('argon2 failed');
    await expect(
      sut.verifyReserved(attempt, 'login', async () => Promise.reject(broken)),
    ).rejects.toBe(broken);
    expect(attempt.cancelled).not.toHaveBeenCalled();
    await expect(sut.verifyReserved(attempt, 'login', async () => false)).resolves.toBe(false);
  });

  it('acceptableHash: checks the policy, then hashes', async () => {
    const passwords = fakePasswords();
    const sut = new PasswordSteps(passwords as unknown as PasswordService, idleQueue());
    await expect(sut.acceptableHash('long enough', 'body.password', 'a@b.c')).resolves.toBe(
      'hash(long enough)',
    );
    await expect(sut.acceptableHash('weak', 'body.password', 'a@b.c')).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(passwords.hash).toHaveBeenCalledOnce();
  });

  it('acceptableHash: a full queue refuses BUSY before the strength estimate runs', async () => {
    const { queue, free } = fullQueue();
    const passwords = fakePasswords();
    const sut = new PasswordSteps(passwords as unknown as PasswordService, queue);
    await expect(
      sut.acceptableHash('long enough', 'body.password', 'a@b.c'),
    ).rejects.toBeInstanceOf(ServiceBusyError);
    expect(passwords.assertAcceptable).not.toHaveBeenCalled();
    free();
  });
});
