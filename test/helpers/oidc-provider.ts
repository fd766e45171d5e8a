import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { Agent, fetch } from 'undici';

/** The claims the provider gives the account a test signs in with. */
export interface TestAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  picture?: string;
}

/** What the user does at the provider's login page. */
export type Decision = { account: TestAccount } | { deny: true };

export const TEST_CLIENT_ID = 'netpilot-test';
export const TEST_CLIENT_SECRET = 'a-test-client-secret-that-is-long-enough-0123456789';

/** The authorization requests the provider received, as URLs (to check PKCE, state, nonce). */
interface Seen {
  authorizationRequests: URL[];
}

/**
 * A real OpenID provider (oidc-provider) on a loopback port, with one client:
 * this app, whose redirect URI is `redirectUri`, authenticating with
 * client_secret_post, PKCE required. Its login and consent pages are replaced
 * by `/interaction/:uid`, which logs in the account of `decide()` (or denies)
 * through the library's own interactionFinished: the protocol is the provider's,
 * only the human is played by the test.
 */
export class TestOidcProvider {
  readonly seen: Seen = { authorizationRequests: [] };
  /** What the next login at the provider does. */
  decision: Decision = { deny: true };
  private accounts = new Map<string, TestAccount>();
  /**
   * The browser's own connections: never shared with another provider started
   * on the same port, whose closed sockets a shared pool could hand out again
   * before their close is seen ("other side closed").
   */
  private readonly browser = new Agent();

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    private readonly provider: Provider,
  ) {}

  /** `port`: a fixed one (a provider started again where it was, or where the app was told it would be). */
  static async start(redirectUri: string, port = 0): Promise<TestOidcProvider> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let self: TestOidcProvider | null = null;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: TEST_CLIENT_ID,
          client_secret: TEST_CLIENT_SECRET,
          redirect_uris: [redirectUri],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      pkce: { required: () => true },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'picture'] },
      conformIdTokenClaims: false,
      ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
      cookies: { keys: ['test-provider-cookie-key'] },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      findAccount: (_ctx, sub) => {
        const account = self?.accounts.get(sub);
        return account ? { accountId: sub, claims: () => ({ ...account }) } : undefined;
      },
    });
    const instance = new TestOidcProvider(server, issuer, provider);
    self = instance;
    const callback = provider.callback();
    server.on('request', (req, res) => {
      void instance.handle(req, res, callback);
    });
    return instance;
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    callback: (req: IncomingMessage, res: ServerResponse) => unknown,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', this.issuer);
    if (url.pathname === '/auth') {
      this.seen.authorizationRequests.push(url);
    }
    if (!url.pathname.startsWith('/interaction/')) {
      await callback(req, res);
      return;
    }
    try {
      await this.interact(req, res);
    } catch (err) {
      res.statusCode = 500;
      res.end(String(err));
    }
  }

  /** The login and consent a person would give: one account, every scope asked for. */
  private async interact(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await this.provider.interactionDetails(req, res);
    const decision = this.decision;
    if ('deny' in decision) {
      await this.provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: 'The user declined',
      });
      return;
    }
    const accountId = decision.account.sub;
    this.accounts.set(accountId, decision.account);
    if (details.prompt.name === 'login') {
      await this.provider.interactionFinished(req, res, { login: { accountId } });
      return;
    }
    const grant = new this.provider.Grant({
      accountId,
      clientId: String(details.params.client_id),
    });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await this.provider.interactionFinished(req, res, { consent: { grantId } });
  }

  /**
   * Plays the browser at the provider: follows its redirects (with its cookies)
   * from the authorization URL until one leaves the provider; answers that URL
   * (the app's callback with code and state, or with an error).
   */
  async authorize(authorizationUrl: string): Promise<URL> {
    const jar = new Map<string, string>();
    let next = new URL(authorizationUrl);
    for (let hop = 0; hop < 10 && next.origin === this.issuer; hop += 1) {
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await fetch(next, {
        redirect: 'manual',
        headers: { cookie },
        dispatcher: this.browser,
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      const location = res.headers.get('location');
      if (!location) {
        throw new Error(`provider answered ${res.status} at ${next.href}: ${await res.text()}`);
      }
      next = new URL(location, next);
    }
    return next;
  }

  async stop(): Promise<void> {
    await this.browser.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port nothing listens on (just released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
