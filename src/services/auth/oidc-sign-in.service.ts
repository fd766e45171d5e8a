import { randomBytes } from 'node:crypto';
import {
  OidcProviderClient,
  OidcProviderError,
  type ProviderFailure,
} from '../../clients/oidc-provider.client.js';
import type { Clock } from '../../clock.js';
import type { ErrorCode } from '../../errors.js';
import type { OidcFlowsRepository, TakeResult } from '../../repositories/oidc.repository.js';
import type { ClientInfo } from '../auth-context.js';
import type { AuthAudit } from './auth-audit.js';
import type { OidcAccounts } from './oidc-accounts.js';
import type { ReturnTargets } from './return-to.js';
import { hashToken } from './session-token.js';
import type { SignedIn, SignInSessions } from './sign-in.js';
import type { TwoFactorChallenge, TwoFactorChallenges } from './two-factor-challenges.js';

/** A start and its callback must be this close together. */
export const OIDC_FLOW_TTL_MS = 10 * 60_000;

/** Why an OpenID sign-in did not sign anyone in: the `?error=` of its redirect. */
export type OidcErrorCode = Extract<ErrorCode, `OIDC_${string}`>;

/** What starting a sign-in gives the route: where to send the browser, and the binding cookie. */
export type OidcStart =
  | { kind: 'redirect'; location: string; browserBinding: string }
  | { kind: 'failed'; code: OidcErrorCode; returnTo: string };

/**
 * How a callback ended. The route switches on `kind`. A user with two-factor
 * authentication on gets no session yet: a challenge for POST /auth/2fa/verify
 * (`twoFactorRequired`), decided in `complete` before any session is opened.
 */
export type OidcOutcome =
  | { kind: 'signedIn'; signedIn: SignedIn; returnTo: string }
  | { kind: 'twoFactorRequired'; challenge: TwoFactorChallenge; returnTo: string }
  | { kind: 'failed'; code: OidcErrorCode; returnTo: string };

/** What the callback's request carries. */
export interface OidcCallback {
  query: Record<string, string>;
  /** The browser-binding cookie, if the browser sent one. */
  browserBinding: string | undefined;
}

const PROVIDER_CODES: Record<ProviderFailure, OidcErrorCode> = {
  unavailable: 'OIDC_PROVIDER_UNAVAILABLE',
  denied: 'OIDC_ACCESS_DENIED',
  invalid: 'OIDC_PROVIDER_ERROR',
};

const FLOW_CODES: Record<Exclude<TakeResult['kind'], 'taken'>, OidcErrorCode> = {
  unknown: 'OIDC_STATE_INVALID',
  otherBrowser: 'OIDC_BROWSER_MISMATCH',
  used: 'OIDC_FLOW_USED',
  expired: 'OIDC_FLOW_EXPIRED',
};

/**
 * Sign-in with an OpenID Connect provider (issue #14). `start` keeps the flow's
 * checks in the database (any instance can finish it) bound to the browser by a
 * cookie; `complete` takes the flow once, lets openid-client check the answer,
 * resolves the account (OidcAccounts) and opens the login session exactly like
 * a password login (SignInSessions.open). Every failure is audited
 * (`auth.oidc_login`, failed) and answered as a code, never thrown.
 */
export class OidcSignInService {
  constructor(
    private readonly deps: {
      provider: OidcProviderClient | null;
      flows: OidcFlowsRepository;
      accounts: OidcAccounts;
      signIn: SignInSessions;
      challenges: TwoFactorChallenges;
      audit: AuthAudit;
      returnTargets: ReturnTargets;
      clock: Clock;
    },
  ) {}

  async start(returnToInput: string | undefined, client: ClientInfo): Promise<OidcStart> {
    const returnTo = this.deps.returnTargets.resolve(returnToInput);
    const { provider } = this.deps;
    if (provider === null) {
      return this.fail('OIDC_NOT_CONFIGURED', returnTo, client);
    }
    const checks = OidcProviderClient.newChecks();
    let location: URL;
    try {
      location = await provider.authorizationUrl(checks);
    } catch (err) {
      return this.providerFailure(err, returnTo, client);
    }
    const browserBinding = randomBytes(32).toString('base64url');
    await this.deps.flows.create({
      stateHash: hashToken(checks.state),
      browserBindingHash: hashToken(browserBinding),
      nonce: checks.nonce,
      codeVerifier: checks.codeVerifier,
      returnTo,
      expiresAt: new Date(this.deps.clock.now().getTime() + OIDC_FLOW_TTL_MS),
    });
    return { kind: 'redirect', location: location.href, browserBinding };
  }

  /** The provider's callback: one flow taken, the code exchanged, the user resolved and signed in. */
  async complete(callback: OidcCallback, client: ClientInfo): Promise<OidcOutcome> {
    const { provider, flows } = this.deps;
    const fallback = this.deps.returnTargets.fallback;
    if (provider === null) {
      return this.fail('OIDC_NOT_CONFIGURED', fallback, client);
    }
    const state = callback.query.state;
    const binding = callback.browserBinding;
    const taken = state
      ? await flows.take(
          hashToken(state),
          binding ? hashToken(binding) : null,
          this.deps.clock.now(),
        )
      : ({ kind: 'unknown' } as const);
    if (taken.kind !== 'taken') {
      return this.fail(
        FLOW_CODES[taken.kind],
        'returnTo' in taken ? taken.returnTo : fallback,
        client,
      );
    }
    const { flow } = taken;
    let claims;
    try {
      const query = new URLSearchParams(callback.query);
      claims = await provider.exchange(query, { ...flow, state: state! });
    } catch (err) {
      return this.providerFailure(err, flow.returnTo, client);
    }
    const account = await this.deps.accounts.resolve(claims, client);
    if (account.kind === 'refused') {
      return this.fail(account.code, flow.returnTo, client, account.userId);
    }
    const { challenges } = this.deps;
    if (await challenges.required(account.user.id)) {
      const challenge = await challenges.issue(account.user, 'oidc', client);
      return { kind: 'twoFactorRequired', challenge, returnTo: flow.returnTo };
    }
    const signedIn = await this.deps.signIn.open(
      account.user,
      { method: 'oidc', twoFactor: false },
      client,
    );
    return { kind: 'signedIn', signedIn, returnTo: flow.returnTo };
  }

  private providerFailure(err: unknown, returnTo: string, client: ClientInfo) {
    if (!(err instanceof OidcProviderError)) {
      throw err;
    }
    return this.fail(PROVIDER_CODES[err.failure], returnTo, client);
  }

  private async fail(
    code: OidcErrorCode,
    returnTo: string,
    client: ClientInfo,
    userId: string | null = null,
  ): Promise<{ kind: 'failed'; code: OidcErrorCode; returnTo: string }> {
    await this.deps.audit.record({
      userId,
      operation: 'auth.oidc_login',
      outcome: 'failed',
      client,
      errorCode: code,
    });
    return { kind: 'failed', code, returnTo };
  }
}
