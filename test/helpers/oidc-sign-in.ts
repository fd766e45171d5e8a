import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { queryRows } from '../../src/db/client.js';
import type { TestContext } from './build-app.js';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestOidcProvider } from './oidc-provider.js';

/** The app's external origin in these tests; the provider's client registers its callback on it. */
export const APP_PUBLIC_URL = 'http://netpilot.test:8080';
export const APP_CALLBACK = `${APP_PUBLIC_URL}/api/v1/auth/oidc/callback`;
export const FRONTEND_URL = 'https://app.netpilot.test/welcome';

/** The settings of an app that signs in with `issuer`. */
export function oidcConfig(issuer: string): Record<string, string> {
  return {
    OIDC_ISSUER_URL: issuer,
    OIDC_CLIENT_ID: TEST_CLIENT_ID,
    OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    OIDC_PROVIDER_NAME: 'TestID',
    PUBLIC_URL: APP_PUBLIC_URL,
    FRONTEND_URL,
    CORS_ORIGINS: 'https://admin.netpilot.test',
  };
}

/** The value of cookie `name` set by `res`, if any. */
export function setCookie(res: LightMyRequestResponse, name: string) {
  const all = res.cookies as { name: string; value: string; [k: string]: unknown }[];
  return all.find((c) => c.name === name);
}

/** The browser's steps of one sign-in, each inspectable. */
export interface SignInSteps {
  start: LightMyRequestResponse;
  binding: string;
  callbackUrl: URL;
  callback: LightMyRequestResponse;
  /** The session token the callback set, if any. */
  token: string | undefined;
}

/** GET /auth/oidc/start (302 to the provider expected), with its binding cookie. */
export async function startSignIn(ctx: TestContext, returnTo?: string) {
  const query = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`;
  const start = await ctx.app.inject({ method: 'GET', url: `/api/v1/auth/oidc/start${query}` });
  const binding = setCookie(start, `${ctx.config.sessions.cookieName}_oidc`)?.value ?? '';
  return { start, binding };
}

/** The provider's callback delivered to the app, with the binding cookie unless told otherwise. */
export function deliverCallback(ctx: TestContext, callbackUrl: URL, binding: string | null) {
  const cookie =
    binding === null ? {} : { cookie: `${ctx.config.sessions.cookieName}_oidc=${binding}` };
  return ctx.app.inject({
    method: 'GET',
    url: `${callbackUrl.pathname}${callbackUrl.search}`,
    headers: cookie,
  });
}

/** A whole sign-in as a browser makes it: start, the provider's pages, the callback. */
export async function signInThrough(
  ctx: TestContext,
  provider: TestOidcProvider,
  returnTo?: string,
): Promise<SignInSteps> {
  const { start, binding } = await startSignIn(ctx, returnTo);
  if (start.statusCode !== 302) {
    throw new Error(`start answered ${start.statusCode}`);
  }
  const callbackUrl = await provider.authorize(String(start.headers.location));
  const callback = await deliverCallback(ctx, callbackUrl, binding);
  const token = setCookie(callback, ctx.config.sessions.cookieName)?.value;
  return { start, binding, callbackUrl, callback, token };
}

/** What GET /auth/me answers (the fields these tests read). */
interface Me {
  user: { id: string; email: string; displayName: string | null; pictureUrl: string | null };
  session: { id: string };
  hasPassword: boolean;
  providers: unknown[];
}

/** GET /auth/me with the token; its data. */
export async function meOf(ctx: TestContext, token: string): Promise<Me> {
  const res = await ctx.app.inject({
    method: 'GET',
    url: '/api/v1/auth/me',
    headers: { authorization: `Bearer ${token}` },
  });
  return res.json<{ data: Me }>().data;
}

export async function countRows(
  ctx: TestContext,
  table: 'users' | 'user_identities' | 'oidc_flows' | 'user_sessions',
) {
  const [row] = await queryRows<{ n: number }>(
    ctx.db.db,
    sql`select count(*)::int as n from ${sql.identifier(table)}`,
  );
  return row!.n;
}

/** The OpenID sign-in audit events (failed ones carry the error code). */
export async function oidcAudit(ctx: TestContext) {
  return queryRows<{
    operation: string;
    outcome: string;
    error_code: string | null;
    user_id: string | null;
  }>(
    ctx.db.db,
    sql`select operation, outcome::text, error_code, user_id from audit_events
        where operation in ('auth.oidc_login', 'auth.oidc_link', 'auth.register', 'auth.login')
        order by created_at, id`,
  );
}
