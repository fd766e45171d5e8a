import * as oidc from 'openid-client';
import type { OidcConfig } from '../config.js';

/** Why talking to the provider failed: unreachable, the user said no, or an answer that fails a check. */
export type ProviderFailure = 'unavailable' | 'denied' | 'invalid';

export class OidcProviderError extends Error {
  constructor(
    readonly failure: ProviderFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OidcProviderError';
  }
}

/** What the provider says of the user, from the validated ID token (or its userinfo). */
export interface ProviderClaims {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: unknown;
  picture: unknown;
}

/** The checks one authorization request carries, and its callback must match. */
export interface FlowChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const TIMEOUT_SECONDS = 10;
const UNREACHABLE_CODES = new Set([
  'OAUTH_TIMEOUT',
  'OAUTH_ABORT',
  'OAUTH_RESPONSE_IS_NOT_CONFORM',
]);

/** openid-client's errors sorted into what the sign-in tells the user. */
function classify(err: unknown): OidcProviderError {
  if (err instanceof OidcProviderError) {
    return err;
  }
  if (err instanceof oidc.AuthorizationResponseError) {
    const failure = err.error === 'access_denied' ? 'denied' : 'invalid';
    return new OidcProviderError(failure, `the provider answered ${err.error}`, { cause: err });
  }
  const code = (err as { code?: unknown }).code;
  // fetch() rejects with a plain TypeError (no code) when the provider cannot be reached.
  const unreachable =
    (err instanceof TypeError && code === undefined) ||
    (err instanceof oidc.ClientError && UNREACHABLE_CODES.has(String(code)));
  const message = err instanceof Error ? err.message : String(err);
  return new OidcProviderError(unreachable ? 'unavailable' : 'invalid', message, { cause: err });
}

/**
 * This server as an OpenID Connect relying party, through openid-client: the
 * provider's metadata discovered at first use and kept (a failed discovery is
 * tried again at the next sign-in, so a provider down at boot stops nothing),
 * the authorization URL (code flow, PKCE S256, state, nonce), and the code
 * exchange with every check of the answer and the ID token (issuer, audience,
 * expiry, signature by the provider's JWKS, nonce, state) made by the library.
 */
export class OidcProviderClient {
  private configuration: Promise<oidc.Configuration> | null = null;

  constructor(
    private readonly settings: OidcConfig,
    /** The callback URL registered at the provider. */
    readonly redirectUri: string,
  ) {}

  /** Fresh random checks for one authorization request. */
  static newChecks(): FlowChecks {
    return {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
  }

  async authorizationUrl(checks: FlowChecks): Promise<URL> {
    const config = await this.discover();
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: 'openid email profile',
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      state: checks.state,
      nonce: checks.nonce,
    });
  }

  /** Exchanges the callback's code; answers the checked claims or throws OidcProviderError. */
  async exchange(callbackQuery: URLSearchParams, checks: FlowChecks): Promise<ProviderClaims> {
    const config = await this.discover();
    const currentUrl = new URL(this.redirectUri);
    currentUrl.search = callbackQuery.toString();
    try {
      const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken) {
        throw new OidcProviderError('invalid', 'no ID token');
      }
      // Google puts the email in the ID token; other providers only in userinfo.
      const claims: Record<string, unknown> =
        typeof idToken.email === 'string'
          ? idToken
          : await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
      return {
        issuer: idToken.iss,
        subject: idToken.sub,
        email: typeof claims.email === 'string' ? claims.email : null,
        emailVerified: claims.email_verified === true,
        name: claims.name,
        picture: claims.picture,
      };
    } catch (err) {
      throw classify(err);
    }
  }

  private discover(): Promise<oidc.Configuration> {
    this.configuration ??= this.discoverNow().catch((err: unknown) => {
      this.configuration = null;
      throw classify(err);
    });
    return this.configuration;
  }

  private discoverNow(): Promise<oidc.Configuration> {
    const issuer = new URL(this.settings.issuerUrl);
    const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
    return oidc.discovery(issuer, this.settings.clientId, this.settings.clientSecret, undefined, {
      timeout: TIMEOUT_SECONDS,
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
  }
}
