import { ServiceBusyError } from '../../errors.js';
import type { PasswordService } from '../password.service.js';
import type { PasswordWorkPriority, PasswordWorkQueue } from '../password-work.queue.js';
import type { Reservation } from '../throttle/login-throttle.js';

/** The password steps that registration, login and password change share, each in the argon2 queue. */
export class PasswordSteps {
  constructor(
    private readonly passwords: PasswordService,
    private readonly passwordWork: PasswordWorkQueue,
  ) {}

  /** Runs a password verification for a reserved attempt; a full queue takes the attempt back. */
  async verifyReserved(
    attempt: Reservation,
    priority: PasswordWorkPriority,
    verify: () => Promise<boolean>,
  ): Promise<boolean> {
    try {
      return await this.passwordWork.run(priority, verify);
    } catch (err) {
      if (err instanceof ServiceBusyError) {
        await attempt.cancelled();
      }
      throw err;
    }
  }

  /**
   * The policy check, then the hash, both in the argon2 queue's slot: the strength
   * estimate costs milliseconds of the event loop, so a flood of registrations is
   * refused BUSY by the bounded queue before it costs any (bench scenario "flood").
   */
  async acceptableHash(password: string, field: string, email: string): Promise<string> {
    return this.passwordWork.run('other', async () => {
      this.passwords.assertAcceptable(password, field, email);
      return this.passwords.hash(password);
    });
  }
}
