import type { IdentitiesRepository, IdentityRow } from '../../repositories/oidc.repository.js';
import type { Profile, UserRow, UsersRepository } from '../../repositories/users.repository.js';
import { UnauthorizedError } from '../../errors.js';
import { parsePictureUrl, parseUserDisplayName } from '../../validation/profile.js';
import type { AuthContext } from '../auth-context.js';
import { publicUser } from './public-views.js';

/** A sign-in method linked to the account (never the provider's subject: it identifies the person across sites). */
interface LinkedProvider {
  id: 'oidc';
  name: string;
  email: string;
  linkedAt: string;
}

/** The OpenID provider as configured, to name the identities it issued. */
interface ConfiguredProvider {
  issuerUrl: string;
  providerName: string;
}

/** An issuer compared without a trailing slash (providers differ on it). */
const sameIssuer = (a: string, b: string) => a.replace(/\/$/, '') === b.replace(/\/$/, '');

/**
 * What the signed-in user sees and edits of their account (GET and PATCH
 * /auth/me): the profile, whether a password is set, and the linked providers.
 */
export class ProfileService {
  constructor(
    private readonly deps: {
      users: UsersRepository;
      identities: IdentitiesRepository;
      oidc: ConfiguredProvider | null;
    },
  ) {}

  async me(auth: AuthContext) {
    const user = await this.deps.users.findById(auth.userId);
    if (!user) {
      throw new UnauthorizedError();
    }
    return this.view(user, auth);
  }

  /** Sets the fields given (null clears one); 400 VALIDATION_FAILED for a bad value. */
  async update(
    auth: AuthContext,
    changes: { displayName?: string | null; pictureUrl?: string | null },
  ) {
    const profile: Partial<Profile> = {};
    if (changes.displayName !== undefined) {
      profile.displayName = parseUserDisplayName(changes.displayName, 'body.displayName');
    }
    if (changes.pictureUrl !== undefined) {
      profile.pictureUrl = parsePictureUrl(changes.pictureUrl, 'body.pictureUrl');
    }
    const user = await this.deps.users.updateProfile(auth.userId, profile);
    if (!user) {
      throw new UnauthorizedError();
    }
    return this.view(user, auth);
  }

  private async view(user: UserRow, auth: AuthContext) {
    const identities = await this.deps.identities.listForUser(user.id);
    return {
      user: { ...publicUser(user), displayName: user.displayName, pictureUrl: user.pictureUrl },
      session: { id: auth.sessionId, expiresAt: auth.sessionExpiresAt.toISOString() },
      hasPassword: user.passwordHash !== null,
      providers: identities.map((i) => this.linked(i)),
    };
  }

  private linked(identity: IdentityRow): LinkedProvider {
    const configured = this.deps.oidc;
    const name =
      configured && sameIssuer(configured.issuerUrl, identity.issuer)
        ? configured.providerName
        : new URL(identity.issuer).host;
    return {
      id: 'oidc',
      name,
      email: identity.email,
      linkedAt: identity.createdAt.toISOString(),
    };
  }
}
