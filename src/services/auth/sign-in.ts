import type { Clock } from '../../clock.js';
import type {
  LoginSessionsRepository,
  SessionRow,
} from '../../repositories/login-sessions.repository.js';
import type { UserRow } from '../../repositories/users.repository.js';
import type { ClientInfo } from '../auth-context.js';
import type { CommandsSessionService } from '../commands-session.service.js';
import type { AuthAudit } from './auth-audit.js';
import type { SessionPolicy } from './login-sessions.service.js';
import { publicUser, type PublicUser } from './public-views.js';
import { hashToken, newSessionToken } from './session-token.js';

/** Finds the router to start a Commands-Server session with right after login. */
export type FirstRouterLookup = (userId: string) => Promise<string | null>;

/** How the user proved who they are: the first factor and whether a second one was checked. */
export interface SignInMethod {
  method: 'password' | 'oidc';
  twoFactor: boolean;
}

/** A login session just opened: what the answer shows, and the secret for the cookie. */
export interface SignedIn {
  user: PublicUser;
  session: { id: string; expiresAt: string };
  token: string;
  absoluteExpiresAt: Date;
}

/**
 * The last step of every sign-in, whichever way the user proved who they are
 * (password, OpenID provider, second factor): a new login session with its token
 * (only the hash stored), its audit event in the same transaction, and the
 * Commands-Server session started in the background.
 */
export class SignInSessions {
  constructor(
    private readonly deps: {
      sessions: LoginSessionsRepository;
      audit: AuthAudit;
      commandsSessions: CommandsSessionService;
      firstRouterOf: FirstRouterLookup;
      clock: Clock;
      policy: SessionPolicy;
    },
  ) {}

  async open(user: UserRow, how: SignInMethod, client: ClientInfo): Promise<SignedIn> {
    const token = newSessionToken();
    const session = await this.create(user, token, how, client);
    // Best effort and in the background: the login answer never waits for the router.
    this.deps.commandsSessions.startInBackground(session.id, () =>
      this.deps.firstRouterOf(user.id),
    );
    return {
      user: publicUser(user),
      session: { id: session.id, expiresAt: session.expiresAt.toISOString() },
      token,
      absoluteExpiresAt: session.absoluteExpiresAt,
    };
  }

  private async create(
    user: UserRow,
    token: string,
    how: SignInMethod,
    client: ClientInfo,
  ): Promise<SessionRow> {
    const now = this.deps.clock.now();
    return this.deps.sessions.transaction(async (tx) => {
      const created = await this.deps.sessions.create(
        {
          userId: user.id,
          createdAt: now,
          tokenHash: hashToken(token),
          expiresAt: new Date(now.getTime() + this.deps.policy.idleTimeoutMs),
          absoluteExpiresAt: new Date(now.getTime() + this.deps.policy.absoluteLifetimeMs),
          lastSeenAt: now,
          userAgent: client.userAgent?.slice(0, 512) ?? null,
          ip: client.ip,
          authMethod: how.method,
          twoFactor: how.twoFactor,
        },
        tx,
      );
      await this.deps.audit.record(
        {
          userId: user.id,
          sessionId: created.id,
          operation: 'auth.login',
          outcome: 'succeeded',
          client,
          result: { method: how.method, twoFactor: how.twoFactor },
        },
        tx,
      );
      return created;
    });
  }
}
