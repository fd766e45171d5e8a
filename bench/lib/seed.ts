/** Seeds users, routers and devices through the real API, as a client would. */
import { randomBytes } from 'node:crypto';
import type { BenchOptions } from './args.js';
import type { Seed } from './context.js';
import { call } from './http.js';

/** Devices on every simulated router except the scan routers (scenario 1 reads 50). */
export const READ_DEVICES = 50;

export function routerIds(opts: BenchOptions) {
  return {
    readRouter: 'bench-read',
    mutationRouters: Array.from({ length: opts.connections }, (_, i) => `bench-mut-${i + 1}`),
    // One fresh router per first-scan sample (a first scan happens once per router),
    // plus one for the warm-up.
    scanRouters: Array.from({ length: opts.scanSamples + 1 }, (_, i) => `bench-scan-${i}`),
  };
}

async function login(server: string, email: string, password: string) {
  const login = await call<{ token: string }>(server, 'POST', '/api/v1/auth/login', {
    body: { email, password },
  });
  const token = login.body.data?.token;
  if (typeof token !== 'string') {
    throw new Error(`login answered no token: ${login.text.slice(0, 200)}`);
  }
  return token;
}

export async function seedThroughApi(server: string, opts: BenchOptions): Promise<Seed> {
  const password = `bench-${randomBytes(12).toString('base64url')}`;
  const ownerEmail = 'owner@bench.example';
  await call(server, 'POST', '/api/v1/auth/register', { body: { email: ownerEmail, password } });
  const token = await login(server, ownerEmail, password);
  const loginEmail = 'login@bench.example';
  await call(server, 'POST', '/api/v1/auth/register', {
    body: { email: loginEmail, password },
  });

  const ids = routerIds(opts);
  const routerTokens: Record<string, string> = { [ids.readRouter]: token };
  for (const routerId of [...ids.mutationRouters, ...ids.scanRouters]) {
    routerTokens[routerId] = await login(server, ownerEmail, password);
  }
  for (const [routerId, routerToken] of Object.entries(routerTokens)) {
    await call(server, 'POST', '/api/v1/routers', {
      token: routerToken,
      body: { routerId, name: routerId },
    });
  }
  await call(server, 'POST', `/api/v1/routers/${ids.readRouter}/scan`, { token });
  const devices = await call<{ items: unknown[] }>(
    server,
    'GET',
    `/api/v1/routers/${ids.readRouter}/devices`,
    { token },
  );
  const count = Array.isArray(devices.body.data?.items) ? devices.body.data.items.length : -1;
  if (count !== READ_DEVICES) {
    throw new Error(`the read router has ${count} devices, expected ${READ_DEVICES}`);
  }
  return { token, routerTokens, ...ids, loginEmail, loginPassword: password };
}
