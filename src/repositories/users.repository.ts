import { eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import { users } from '../db/schema/index.js';
import { ConflictError } from '../errors.js';

export type UserRow = typeof users.$inferSelect;

/** What a user shows of themself besides the email. */
export interface Profile {
  displayName: string | null;
  pictureUrl: string | null;
}

/** Every query on the users table. */
export class UsersRepository {
  constructor(private readonly db: Executor) {}

  /** Inserts a user (email normalised by the caller); the unique index decides whether it is taken. */
  async create(
    email: string,
    passwordHash: string,
    executor: Executor = this.db,
  ): Promise<UserRow> {
    try {
      const [row] = await executor.insert(users).values({ email, passwordHash }).returning();
      return row!;
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_uq')) {
        throw new ConflictError('EMAIL_TAKEN', 'An account with this email already exists');
      }
      throw err;
    }
  }

  /**
   * A user without a password, from an OpenID provider's verified email. A taken
   * email fails on users_email_uq, left to the caller (who retries as a link).
   */
  async createWithoutPassword(
    email: string,
    profile: Profile,
    executor: Executor = this.db,
  ): Promise<UserRow> {
    const [row] = await executor
      .insert(users)
      .values({ email, passwordHash: null, ...profile })
      .returning();
    return row!;
  }

  /** Sets the given fields of the profile (undefined: unchanged); answers the row after. */
  async updateProfile(
    id: string,
    profile: Partial<Profile>,
    executor: Executor = this.db,
  ): Promise<UserRow | null> {
    if (profile.displayName === undefined && profile.pictureUrl === undefined) {
      return this.findById(id, executor);
    }
    const [row] = await executor.update(users).set(profile).where(eq(users.id, id)).returning();
    return row ?? null;
  }

  /** `email` in its normalised form (normalizeEmail), the only form stored. */
  async findByEmail(email: string, executor: Executor = this.db): Promise<UserRow | null> {
    const [row] = await executor.select().from(users).where(eq(users.email, email)).limit(1);
    return row ?? null;
  }

  async findById(id: string, executor: Executor = this.db): Promise<UserRow | null> {
    const [row] = await executor.select().from(users).where(eq(users.id, id)).limit(1);
    return row ?? null;
  }

  /** Re-hash at login (same password, new parameters): password_changed_at stays. */
  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db.update(users).set({ passwordHash }).where(eq(users.id, id));
  }

  async changePassword(id: string, passwordHash: string, at: Date, executor: Executor = this.db) {
    await executor
      .update(users)
      .set({ passwordHash, passwordChangedAt: at })
      .where(eq(users.id, id));
  }

  async setActive(id: string, isActive: boolean): Promise<void> {
    await this.db.update(users).set({ isActive }).where(eq(users.id, id));
  }
}
