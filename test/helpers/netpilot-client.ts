/**
 * NetPilot's existing web client as the compatibility routes see it (issue #16):
 * a browser on the client's origin with a cookie jar, calling the way the client
 * does — `Origin` of the client, `Content-Type: application/json` on every
 * `apiRequest` call (bodiless GET, POST and DELETE too), the session cookie.
 */
import type { LightMyRequestResponse } from 'fastify';
import type { TestContext } from './build-app.js';
import type { TestOidcProvider } from './oidc-provider.js';

/** Where the client runs (Vite's default) and where the server must be reachable. */
export const CLIENT_ORIGIN = 'http://localhost:5173';

/** The settings of a server the client can use, signing in with `issuer`. */
export function clientCompatConfig(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NETPILOT_CLIENT_COMPAT: 'true',
    FRONTEND_URL: CLIENT_ORIGIN,
    CORS_ORIGINS: CLIENT_ORIGIN,
    CONSOLE_DIR: 'off',
    ...extra,
  };
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface CallOptions {
  body?: unknown;
  /** false: a raw fetch without the JSON content type (/me, /logout, /api/2fa/reset). */
  json?: boolean;
  origin?: string | null;
}

/** A browser tab of the client: one cookie jar for the API host. */
export class ClientBrowser {
  readonly jar = new Map<string, string>();

  constructor(private readonly ctx: TestContext) {}

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Keeps the cookies an answer sets; a cleared one (empty, or expired) is dropped. */
  keep(res: LightMyRequestResponse): void {
    const all = res.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[];
    for (const c of all) {
      const expired =
        c.value === '' || (c.expires !== undefined && c.expires.getTime() <= Date.now());
      if (expired || c.maxAge === 0) {
        this.jar.delete(c.name);
      } else {
        this.jar.set(c.name, c.value);
      }
    }
  }

  /** A fetch from the client's page: credentials included, its headers. */
  async call(method: Method, url: string, options: CallOptions = {}) {
    const headers: Record<string, string> = {};
    const origin = options.origin === undefined ? CLIENT_ORIGIN : options.origin;
    if (origin !== null) {
      headers.origin = origin;
    }
    if (options.json !== false) {
      headers['content-type'] = 'application/json';
    }
    const cookie = this.cookieHeader();
    if (cookie) {
      headers.cookie = cookie;
    }
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const res = await this.ctx.app.inject({ method, url, headers, payload });
    this.keep(res);
    return res;
  }

  /** A top-level navigation (GET, no Origin, no content type), following nothing. */
  async navigate(url: string) {
    const u = new URL(url, 'http://localhost:5000');
    const cookie = this.cookieHeader();
    const res = await this.ctx.app.inject({
      method: 'GET',
      url: `${u.pathname}${u.search}`,
      headers: cookie ? { cookie } : {},
    });
    this.keep(res);
    return res;
  }

  /**
   * C1 as the browser lives it: /login, the provider's pages, the callback, the
   * landing; answers where the browser ends up (the client's URL).
   */
  async signIn(provider: TestOidcProvider): Promise<URL> {
    const login = await this.navigate('/login');
    if (login.statusCode !== 302) {
      throw new Error(`/login answered ${login.statusCode}: ${login.body}`);
    }
    const callback = await provider.authorize(String(login.headers.location));
    let res = await this.navigate(callback.href);
    for (let hop = 0; hop < 5; hop += 1) {
      const location = new URL(String(res.headers.location), 'http://localhost:5000');
      if (location.origin === CLIENT_ORIGIN) {
        return location;
      }
      res = await this.navigate(location.href);
    }
    throw new Error('the sign-in never reached the client');
  }
}
