/** Fault injection, the call log, base latency and the admin routes, through real HTTP. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { bind, call, parseEnvelope, startSession } from './helpers.js';

let sim: Simulator;
let counter = 0;
const fresh = async () => {
  counter += 1;
  const sessionId = `fault-${counter}`;
  const routerId = `fault-router-${counter}`;
  return { sessionId, routerId, client: await startSession(sim, sessionId, routerId) };
};

beforeAll(async () => {
  sim = await startSimulator();
});

afterEach(() => {
  sim.faults.clear();
});

afterAll(async () => {
  await sim.close();
});

describe('fault kinds', () => {
  it('error: a success:false envelope with the given status, code and message', async () => {
    const { client, sessionId, routerId } = await fresh();
    sim.faults.inject({
      match: { path: '/api/network/scan' },
      fault: { kind: 'error', status: 503, code: 'TUNNEL_OR_ROUTER_UNAVAILABLE', message: 'down' },
    });
    const message = await client.failure(
      'GET',
      '/api/network/scan',
      503,
      'TUNNEL_OR_ROUTER_UNAVAILABLE',
    );
    expect(message).toBe('down');
    const result = await client.env('GET', '/api/network/scan');
    expect(result.body.metadata).toMatchObject({ sessionId, routerId });
    // Other paths are untouched.
    await client.data('GET', '/api/wifi/status');
  });

  it('html500: a Werkzeug HTML 500 page', async () => {
    const { client } = await fresh();
    sim.faults.inject({ fault: { kind: 'html500' } });
    const result = await client.html('GET', '/api/wifi/status', 500);
    expect(result.text).toContain('Internal Server Error');
  });

  it('invalidJson: 200 with a JSON content type and a body that does not parse', async () => {
    const { client } = await fresh();
    sim.faults.inject({ fault: { kind: 'invalidJson' } });
    const result = await client.send('GET', '/api/wifi/status');
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('application/json');
    expect(() => JSON.parse(result.text) as unknown).toThrow();
  });

  it('badShape: a success envelope whose data is a number', async () => {
    const { client } = await fresh();
    sim.faults.inject({ fault: { kind: 'badShape' } });
    expect(await client.data('GET', '/api/network/scan')).toBe(42);
  });

  it('latency: delays, then answers normally', async () => {
    const { client } = await fresh();
    sim.faults.inject({ fault: { kind: 'latency', ms: 120 } });
    const started = performance.now();
    await client.data('GET', '/api/wifi/status');
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('timeout: never answers; the client gives up', async () => {
    const { client } = await fresh();
    sim.faults.inject({ fault: { kind: 'timeout' } });
    await expect(
      client.send('GET', '/api/wifi/status', { signal: AbortSignal.timeout(150) }),
    ).rejects.toThrow(/abort|timeout/i);
  });

  it('drop: the socket is destroyed without an answer', async () => {
    const { client } = await fresh();
    sim.faults.inject({ fault: { kind: 'drop' }, times: 1 });
    await expect(client.send('GET', '/api/wifi/status')).rejects.toThrow(TypeError);
    await client.data('GET', '/api/wifi/status');
  });

  it('restart: forgets every session, then handles the request (401)', async () => {
    const { client, sessionId } = await fresh();
    sim.faults.inject({ fault: { kind: 'restart' }, times: 1 });
    await client.failure('GET', '/api/wifi/status', 401, 'SESSION_INVALID');
    expect(sim.isSessionActive(sessionId)).toBe(false);
  });

  it('applies to every route, /health and requests without ids included', async () => {
    sim.faults.inject({ fault: { kind: 'html500' } });
    expect((await call(sim.url, 'GET', '/health')).status).toBe(500);
    expect((await call(sim.url, 'GET', '/anything')).status).toBe(500);
  });
});

describe('fault matching', () => {
  it('matches method, path regex and routerId', async () => {
    const { client, sessionId } = await fresh();
    sim.faults.inject({
      match: { method: 'post', path: /^\/api\/whitelist\//, routerId: 'target-router' },
      fault: { kind: 'error', status: 500, code: 'X', message: 'x' },
    });
    const target = bind(sim, sessionId, 'target-router');
    await target.failure('POST', '/api/whitelist/mode', 500, 'X');
    await target.data('GET', '/api/whitelist/');
    await client.data('POST', '/api/whitelist/mode');
    // routerId read from the JSON body too.
    const fromBody = await call(sim.url, 'POST', '/api/whitelist/add', {
      body: { sessionId, routerId: 'target-router', ip: '1.2.3.4' },
    });
    expect(parseEnvelope(fromBody).error?.code).toBe('X');
  });

  it('honours times, remove and probability 0', async () => {
    const { client } = await fresh();
    sim.faults.inject({ fault: { kind: 'badShape' }, times: 2 });
    expect(await client.data('GET', '/api/wifi/status')).toBe(42);
    expect(await client.data('GET', '/api/wifi/status')).toBe(42);
    expect(await client.data('GET', '/api/wifi/status')).not.toBe(42);
    const id = sim.faults.inject({ fault: { kind: 'badShape' } });
    expect(await client.data('GET', '/api/wifi/status')).toBe(42);
    sim.faults.remove(id);
    expect(await client.data('GET', '/api/wifi/status')).not.toBe(42);
    sim.faults.inject({ fault: { kind: 'badShape' }, probability: 0 });
    for (let i = 0; i < 5; i += 1) {
      expect(await client.data('GET', '/api/wifi/status')).not.toBe(42);
    }
  });

  it('rejects invalid specs', () => {
    expect(() => sim.faults.inject({ fault: { kind: 'latency', ms: -1 } })).toThrow(TypeError);
    expect(() => sim.faults.inject({ fault: { kind: 'badShape' }, times: 0 })).toThrow(TypeError);
    expect(() => sim.faults.inject({ fault: { kind: 'badShape' }, probability: 2 })).toThrow(
      TypeError,
    );
  });
});

describe('call log', () => {
  it('records every request in order with raw ids and status', async () => {
    const { sessionId } = await fresh();
    sim.clearCalls();
    await call(sim.url, 'POST', '/api/whitelist/add', {
      query: { sessionId },
      body: { routerId: 7, ip: '10.0.0.1' },
    });
    await call(sim.url, 'GET', '/nope');
    sim.faults.inject({ fault: { kind: 'drop' }, times: 1 });
    await expect(call(sim.url, 'GET', '/health')).rejects.toThrow();
    expect(sim.calls).toHaveLength(3);
    expect(sim.calls[0]).toMatchObject({
      method: 'POST',
      path: '/api/whitelist/add',
      query: { sessionId },
      body: { routerId: 7, ip: '10.0.0.1' },
      sessionId,
      routerId: 7,
      status: 200,
    });
    expect(sim.calls[0]?.at).toBeInstanceOf(Date);
    expect(sim.calls[1]).toMatchObject({
      path: '/nope',
      sessionId: null,
      routerId: null,
      status: 400,
    });
    expect(sim.calls[2]).toMatchObject({ path: '/health', status: 0 });
    sim.clearCalls();
    expect(sim.calls).toHaveLength(0);
  });
});

describe('options', () => {
  it('applies base latency to every route except GET /health', async () => {
    const slow = await startSimulator({ latencyMs: 300 });
    try {
      let started = performance.now();
      await call(slow.url, 'GET', '/health');
      expect(performance.now() - started).toBeLessThan(250);
      started = performance.now();
      await call(slow.url, 'GET', '/api/wifi/status');
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      await slow.close();
    }
  });

  it('close() releases sockets held by timeout faults', async () => {
    const holder = await startSimulator();
    holder.faults.inject({ fault: { kind: 'timeout' } });
    const pending = call(holder.url, 'GET', '/health');
    const settled = pending.then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await holder.close();
    expect(await settled).toBe('failed');
  });

  it('rejects bad options', async () => {
    await expect(startSimulator({ devicesPerRouter: -1 })).rejects.toThrow(RangeError);
    await expect(startSimulator({ latencyMs: Number.NaN })).rejects.toThrow(RangeError);
  });
});

describe('admin routes', () => {
  it('are unknown paths unless enabled', async () => {
    const result = await call(sim.url, 'POST', '/__sim/restart');
    expect(result.status).toBe(400);
    const withIds = await call(sim.url, 'GET', '/__sim/calls', {
      query: { sessionId: 'nobody', routerId: 'r' },
    });
    expect(withIds.status).toBe(401);
  });

  it('drive faults, restart, router state and the call log when enabled', async () => {
    const admin = await startSimulator({ enableAdminRoutes: true });
    try {
      const client = await startSession(admin, 'adm', 'adm-router');
      const injected = await call(admin.url, 'POST', '/__sim/faults', {
        body: {
          match: { path: { regex: '^/api/wifi/' } },
          fault: { kind: 'error', status: 500, code: 'INJECTED', message: 'boom' },
        },
      });
      expect(injected.status).toBe(200);
      const { id } = JSON.parse(injected.text) as { id: string };
      await client.failure('GET', '/api/wifi/status', 500, 'INJECTED');
      expect((await call(admin.url, 'DELETE', `/__sim/faults/${id}`)).status).toBe(204);
      await client.data('GET', '/api/wifi/status');
      const bad = await call(admin.url, 'POST', '/__sim/faults', {
        body: { fault: { kind: 'x' } },
      });
      expect(bad.status).toBe(400);
      await call(admin.url, 'POST', '/__sim/faults', { body: { fault: { kind: 'badShape' } } });
      expect((await call(admin.url, 'DELETE', '/__sim/faults')).status).toBe(204);
      await client.data('POST', '/api/whitelist/add', { body: { ip: '192.168.1.9' } });
      const state = await call(admin.url, 'GET', '/__sim/routers/adm-router');
      expect(JSON.parse(state.text)).toMatchObject({ whitelist: ['192.168.1.9'] });
      const calls = JSON.parse((await call(admin.url, 'GET', '/__sim/calls')).text) as {
        path: string;
      }[];
      expect(calls.map((c) => c.path)).not.toContain('/__sim/calls');
      expect(calls.map((c) => c.path)).toContain('/api/whitelist/add');
      expect((await call(admin.url, 'DELETE', '/__sim/calls')).status).toBe(204);
      expect(admin.calls).toHaveLength(0);
      expect((await call(admin.url, 'POST', '/__sim/restart')).status).toBe(204);
      expect(admin.isSessionActive('adm')).toBe(false);
      expect((await call(admin.url, 'GET', '/__sim/nope')).status).toBe(404);
    } finally {
      await admin.close();
    }
  });
});
