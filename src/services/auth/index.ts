import type { OidcProviderClient } from '../../clients/oidc-provider.client.js';
import type { Clock } from '../../clock.js';
import type { OidcConfig } from '../../config.js';
import type { Database } from '../../db/client.js';
import type { AuditRepository } from '../../repositories/audit.repository.js';
import type { LoginSessionsRepository } from '../../repositories/login-sessions.repository.js';
import type { TwoFactorRepository } from '../../repositories/two-factor.repository.js';
import type {
  IdentitiesRepository,
  OidcFlowsRepository,
} from '../../repositories/oidc.repository.js';
import type { UsersRepository } from '../../repositories/users.repository.js';
import type { CommandsSessionService } from '../commands-session.service.js';
import type { PasswordService } from '../password.service.js';
import type { PasswordWorkQueue } from '../password-work.queue.js';
import type { DeviceCookies } from '../throttle/device-cookie.js';
import type { LoginThrottle } from '../throttle/login-throttle.js';
import { AuthAudit } from './auth-audit.js';
import { LoginSessionsService, type SessionPolicy } from './login-sessions.service.js';
import { LoginService } from './login.service.js';
import { OidcAccounts } from './oidc-accounts.js';
import { OidcSignInService } from './oidc-sign-in.service.js';
import { PasswordChangeService } from './password-change.service.js';
import { PasswordSteps } from './password-steps.js';
import { Reauthentication } from './reauthentication.js';
import { RegistrationService } from './registration.service.js';
import { SecondFactor } from './second-factor.js';
import type { SecretBox } from './secret-box.js';
import { ProfileService } from './profile.service.js';
import type { ReturnTargets } from './return-to.js';
import { SignInSessions, type FirstRouterLookup } from './sign-in.js';
import { Totp } from './totp.js';
import { TwoFactorChallenges } from './two-factor-challenges.js';
import { TwoFactorService } from './two-factor.service.js';

/** What OpenID sign-in needs: the provider (null when not configured) and where browsers may return. */
interface OidcDeps {
  config: OidcConfig | null;
  provider: OidcProviderClient | null;
  flows: OidcFlowsRepository;
  identities: IdentitiesRepository;
  returnTargets: ReturnTargets;
}

interface AuthDeps {
  twoFactor: TwoFactorRepository;
  /** Seals the TOTP secrets and keys the recovery-code hashes (DATA_ENCRYPTION_KEY). */
  box: SecretBox;
  db: Database;
  users: UsersRepository;
  sessions: LoginSessionsRepository;
  audit: AuditRepository;
  passwords: PasswordService;
  passwordWork: PasswordWorkQueue;
  throttle: LoginThrottle;
  deviceCookies: DeviceCookies;
  commandsSessions: CommandsSessionService;
  firstRouterOf: FirstRouterLookup;
  clock: Clock;
  policy: SessionPolicy;
  oidc: OidcDeps;
}

/**
 * The services of SPEC §4, one per step of an account's life, sharing the audit
 * helper and the password steps. Called by createServices; the auth routes use
 * all of them, the auth plugin `sessions.authenticate`.
 */
export function createAuthServices(deps: AuthDeps) {
  const audit = new AuthAudit(deps.audit);
  const passwordSteps = new PasswordSteps(deps.passwords, deps.passwordWork);
  // Each service takes the part of these it needs.
  const common = { ...deps, audit, passwordSteps };
  const loginSessions = new LoginSessionsService(common);
  const reauth = new Reauthentication(common);
  const signIn = new SignInSessions(common);
  const totp = new Totp(deps.clock);
  const secondFactor = new SecondFactor({ ...common, totp });
  const challenges = new TwoFactorChallenges({ ...common, secondFactor, signIn });
  const { oidc } = deps;
  const accounts = new OidcAccounts({ ...common, identities: oidc.identities });
  return {
    registration: new RegistrationService(common),
    login: new LoginService({ ...common, signIn, challenges }),
    sessions: loginSessions,
    passwordChange: new PasswordChangeService({ ...common, loginSessions, reauth }),
    twoFactor: new TwoFactorService({ ...common, secondFactor, totp, reauth }),
    challenges,
    profile: new ProfileService({ ...common, identities: oidc.identities, oidc: oidc.config }),
    oidc: new OidcSignInService({ ...common, ...oidc, accounts, signIn, challenges }),
    /** The sign-in methods a client may offer (GET /auth/providers). */
    providers: oidc.config === null ? null : { name: oidc.config.providerName },
  };
}

export type AuthServices = ReturnType<typeof createAuthServices>;
