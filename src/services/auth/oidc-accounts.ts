import type { ProviderClaims } from '../../clients/oidc-provider.client.js';
import type { Database } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import { ValidationError } from '../../errors.js';
import type { IdentitiesRepository } from '../../repositories/oidc.repository.js';
import type { Profile, UserRow, UsersRepository } from '../../repositories/users.repository.js';
import { parseEmail } from '../../validation/email.js';
import { claimOrNull, parsePictureUrl, parseUserDisplayName } from '../../validation/profile.js';
import type { ClientInfo } from '../auth-context.js';
import type { AuthAudit } from './auth-audit.js';

type How = 'returning' | 'linked' | 'created';

/** The user an OpenID identity signs in as, or why there is none. */
export type AccountResolution =
  | { kind: 'user'; user: UserRow; how: How }
  | {
      kind: 'refused';
      code: 'OIDC_EMAIL_UNVERIFIED' | 'OIDC_ACCOUNT_DISABLED';
      userId: string | null;
    };

/** The provider's email when it is verified and valid, normalised; else null. */
function verifiedEmail(claims: ProviderClaims): string | null {
  if (!claims.emailVerified || claims.email === null) {
    return null;
  }
  try {
    return parseEmail(claims.email, 'email');
  } catch (err) {
    if (err instanceof ValidationError) {
      return null;
    }
    throw err;
  }
}

/** The name and picture of the claims, each kept only when valid. */
function profileOf(claims: ProviderClaims): Profile {
  return {
    displayName: claimOrNull(claims.name, parseUserDisplayName),
    pictureUrl: claimOrNull(claims.picture, parsePictureUrl),
  };
}

/**
 * Finds or makes the account of an OpenID identity (issue #14):
 * - a known identity (issuer + subject) is its user, whatever the email is now;
 * - otherwise only a verified email is trusted: it links the identity to the
 *   account with that (normalised) email, or creates an account without a
 *   password; an unverified or missing email does neither.
 * Creating and linking are one transaction each, with their audit event; when
 * two first sign-ins race, the unique indexes let one win and the other
 * resolves again and finds its identity.
 */
export class OidcAccounts {
  constructor(
    private readonly deps: {
      db: Database;
      users: UsersRepository;
      identities: IdentitiesRepository;
      audit: AuthAudit;
    },
  ) {}

  async resolve(claims: ProviderClaims, client: ClientInfo): Promise<AccountResolution> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.resolveOnce(claims, client);
      } catch (err) {
        const raced =
          isUniqueViolation(err, 'users_email_uq') ||
          isUniqueViolation(err, 'user_identities_issuer_subject_uq');
        if (!raced || attempt > 0) {
          throw err;
        }
      }
    }
  }

  private async resolveOnce(claims: ProviderClaims, client: ClientInfo) {
    const known = await this.deps.identities.find(claims.issuer, claims.subject);
    const found = known
      ? { user: await this.deps.users.findById(known.userId), how: 'returning' as const }
      : await this.linkOrCreate(claims, client);
    if (!found?.user) {
      return { kind: 'refused', code: 'OIDC_EMAIL_UNVERIFIED', userId: null } as const;
    }
    const { user, how } = found;
    if (!user.isActive) {
      return { kind: 'refused', code: 'OIDC_ACCOUNT_DISABLED', userId: user.id } as const;
    }
    return { kind: 'user', user: await this.fillProfile(user, claims), how } as const;
  }

  /** A first sign-in with this identity: linked to the account of its verified email, or a new account. */
  private async linkOrCreate(
    claims: ProviderClaims,
    client: ClientInfo,
  ): Promise<{ user: UserRow; how: How } | null> {
    const email = verifiedEmail(claims);
    if (email === null) {
      return null;
    }
    const { issuer, subject } = claims;
    return this.deps.db.transaction(async (tx) => {
      const existing = await this.deps.users.findByEmail(email, tx);
      const user =
        existing ?? (await this.deps.users.createWithoutPassword(email, profileOf(claims), tx));
      const how = existing ? 'linked' : 'created';
      await this.deps.identities.link({ userId: user.id, issuer, subject, email }, tx);
      await this.deps.audit.record(
        {
          userId: user.id,
          operation: existing ? 'auth.oidc_link' : 'auth.register',
          outcome: 'succeeded',
          client,
          result: { method: 'oidc', issuer },
        },
        tx,
      );
      return { user, how };
    });
  }

  /** The provider's name and picture fill what the user has not set; never overwrite. */
  private async fillProfile(user: UserRow, claims: ProviderClaims): Promise<UserRow> {
    const offered = profileOf(claims);
    const missing: Partial<Profile> = {};
    if (user.displayName === null && offered.displayName !== null) {
      missing.displayName = offered.displayName;
    }
    if (user.pictureUrl === null && offered.pictureUrl !== null) {
      missing.pictureUrl = offered.pictureUrl;
    }
    if (Object.keys(missing).length === 0) {
      return user;
    }
    return (await this.deps.users.updateProfile(user.id, missing)) ?? user;
  }
}
