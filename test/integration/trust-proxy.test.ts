import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import {
  createTestContext,
  GOOD_PASSWORD,
  type TestContext,
  uniqueEmail,
} from '../helpers/build-app.js';

/**
 * Where the client address comes from behind proxies (TRUST_PROXY), and that a
 * forwarded address which is not an IP never reaches an inet column: the socket
 * address is recorded instead, and no header can make a request answer 500.
 */

let hops: TestContext;
let listed: TestContext;
let counter = 0;

/** A request id of our own, to find the audit event the request wrote. */
function requestId(): string {
  counter += 1;
  return `trust-proxy-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

async function auditIps(ctx: TestContext, id: string): Promise<(string | null)[]> {
  const rows = await queryRows<{ ip: string | null }>(
    ctx.db.db,
    sql`select host(ip) as ip from audit_events where request_id = ${id}`,
  );
  return rows.map((r) => r.ip);
}

async function register(ctx: TestContext, headers: Record<string, string>, remote?: string) {
  const id = requestId();
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    headers: { ...headers, 'x-request-id': id },
    payload: { email: uniqueEmail('proxy'), password: GOOD_PASSWORD },
    ...(remote ? { remoteAddress: remote } : {}),
  });
  return { res, ips: await auditIps(ctx, id) };
}

describe('TRUST_PROXY as a hop count (1)', () => {
  beforeAll(async () => {
    hops = await createTestContext({ config: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => {
    await hops?.close();
  });

  it.each(['garbage', 'not-an-ip, also garbage', '1.2.3.4:5678', '[::1]', "'); drop table x;--"])(
    'a forwarded address %j that is not an IP: register 201, the socket address recorded',
    async (forwarded) => {
      const { res, ips } = await register(hops, { 'x-forwarded-for': forwarded });
      expect(res.statusCode, res.body).toBe(201);
      expect(ips).toEqual(['127.0.0.1']);
    },
  );

  it('a garbage forwarded address on a failed login: 401, the socket address recorded', async () => {
    const id = requestId();
    const res = await hops.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'x-forwarded-for': 'garbage', 'x-request-id': id },
      payload: { email: uniqueEmail('nobody'), password: 'not the password at all' },
    });
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json().error.code).toBe('INVALID_CREDENTIALS');
    expect(await auditIps(hops, id)).toEqual(['127.0.0.1']);
  });

  it('a garbage forwarded address on a good login: 200, the session and audit keep the socket address', async () => {
    const email = uniqueEmail('proxy-login');
    await hops.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password: GOOD_PASSWORD },
    });
    const id = requestId();
    const res = await hops.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'x-forwarded-for': 'garbage', 'x-request-id': id },
      payload: { email, password: GOOD_PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await auditIps(hops, id)).toEqual(['127.0.0.1']);
    const [session] = await queryRows<{ ip: string }>(
      hops.db.db,
      sql`select host(ip) as ip from user_sessions where id = ${res.json().data.session.id}`,
    );
    expect(session?.ip).toBe('127.0.0.1');
  });

  it('trusts exactly one hop: the address the proxy appended, not one the client prepended', async () => {
    const { res, ips } = await register(hops, { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' });
    expect(res.statusCode).toBe(201);
    expect(ips).toEqual(['203.0.113.7']);
  });
});

describe('TRUST_PROXY as a list of proxy addresses', () => {
  beforeAll(async () => {
    listed = await createTestContext({ config: { TRUST_PROXY: '10.0.0.0/8, 192.0.2.1' } });
  });
  afterAll(async () => {
    await listed?.close();
  });

  it('honours X-Forwarded-For from a listed proxy', async () => {
    const { ips } = await register(listed, { 'x-forwarded-for': '203.0.113.9' }, '10.1.2.3');
    expect(ips).toEqual(['203.0.113.9']);
    const { ips: single } = await register(
      listed,
      { 'x-forwarded-for': '2001:db8::5' },
      '192.0.2.1',
    );
    expect(single).toEqual(['2001:db8::5']);
  });

  it('ignores X-Forwarded-For from anyone else', async () => {
    const { ips } = await register(listed, { 'x-forwarded-for': '203.0.113.9' }, '198.51.100.4');
    expect(ips).toEqual(['198.51.100.4']);
  });

  it('records the proxy when its forwarded address is not an IP', async () => {
    const { res, ips } = await register(listed, { 'x-forwarded-for': 'garbage' }, '10.1.2.3');
    expect(res.statusCode, res.body).toBe(201);
    expect(ips).toEqual(['10.1.2.3']);
  });
});
