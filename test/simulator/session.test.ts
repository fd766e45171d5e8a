/** Session semantics of the simulator (§1.2.2, §3), through real HTTP. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { isoformatLocal } from '../../src/simulator/python.js';
import { bind, call, parseEnvelope, startSession } from './helpers.js';

const MINUTE = 60_000;
let clockMs = Date.UTC(2025, 7, 9, 20, 14, 24, 512);
let sim: Simulator;
let counter = 0;
const nextSession = (): string => `sess-${++counter}`;

beforeAll(async () => {
  sim = await startSimulator({ now: () => new Date(clockMs), janitorIntervalMs: 0 });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.faults.clear();
});

describe('start', () => {
  it('answers the snake_case success object and marks the session active', async () => {
    const sid = nextSession();
    const client = bind(sim, sid, 'router-a');
    const result = await client.start();
    expect(result.status).toBe(200);
    const envelope = parseEnvelope(result);
    expect(envelope.data).toEqual({
      session_id: sid,
      router_reachable: true,
      infrastructure_ready: true,
      message: 'Session established successfully',
    });
    expect(envelope.metadata).toMatchObject({ sessionId: sid, routerId: 'router-a' });
    expect(envelope.metadata.timestamp).toBe(isoformatLocal(new Date(clockMs)));
    expect(sim.isSessionActive(sid)).toBe(true);
    expect(sim.activeSessionIds()).toContain(sid);
    expect(sim.routerState('router-a').infrastructureReady).toBe(true);
  });

  it('omits microseconds from the timestamp when they are zero', async () => {
    const saved = clockMs;
    clockMs = Date.UTC(2025, 0, 2, 3, 4, 5, 0);
    const result = await call(sim.url, 'GET', '/health');
    expect(parseEnvelope(result).metadata.timestamp).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/,
    );
    clockMs = saved;
  });

  it('requires a JSON body even with the ids in the query', async () => {
    const client = bind(sim, nextSession(), 'router-a');
    await client.html('POST', '/api/session/start', 415);
    await client.html('POST', '/api/session/start', 400, {
      rawBody: '{',
      contentType: 'application/json',
    });
    await client.html('POST', '/api/session/start', 500, {
      rawBody: 'null',
      contentType: 'application/json',
    });
  });

  it('accepts the ids in the body', async () => {
    const sid = nextSession();
    const result = await call(sim.url, 'POST', '/api/session/start', {
      body: { sessionId: sid, routerId: 'router-body' },
    });
    expect(result.status).toBe(200);
    expect(sim.isSessionActive(sid)).toBe(true);
  });

  it('refuses a second start with SESSION_ALREADY_ACTIVE and no side effects, whatever the router', async () => {
    const sid = nextSession();
    await startSession(sim, sid, 'router-first');
    clockMs += 10 * MINUTE;
    const other = bind(sim, sid, 'router-never-set-up');
    const message = await other.failure(
      'POST',
      '/api/session/start',
      400,
      'SESSION_ALREADY_ACTIVE',
      {
        body: { restart: true },
      },
    );
    expect(message).toBeTruthy();
    // The second router was not touched and the idle timer was not refreshed.
    expect(sim.routerState('router-never-set-up').infrastructureReady).toBe(false);
    clockMs += 21 * MINUTE;
    sim.expireIdleSessions();
    expect(sim.isSessionActive(sid)).toBe(false);
  });

  it('leaves the session active after a failed start on an unknown router', async () => {
    const sid = nextSession();
    const client = bind(sim, sid, 'unknown-router');
    const message = await client.failure(
      'POST',
      '/api/session/start',
      500,
      'SESSION_SETUP_FAILED',
      {
        body: {},
      },
    );
    expect(message).toMatch(/^Session setup failed: .*unknown-router/);
    expect(sim.isSessionActive(sid)).toBe(true);
    await client.failure('POST', '/api/session/start', 400, 'SESSION_ALREADY_ACTIVE', { body: {} });
    // Any routerId works with the active session.
    await bind(sim, sid, 'router-b').data('GET', '/api/wifi/status');
  });

  it('treats a router id outside the pattern as unknown', async () => {
    const client = bind(sim, nextSession(), 'bad id with spaces');
    await client.failure('POST', '/api/session/start', 500, 'SESSION_SETUP_FAILED', { body: {} });
  });
});

describe('end and refresh', () => {
  it('ends a session once; the second end is refused with 401', async () => {
    const sid = nextSession();
    const client = await startSession(sim, sid, 'router-end');
    expect(await client.data('POST', '/api/session/end')).toEqual({ message: 'Session ended' });
    expect(sim.isSessionActive(sid)).toBe(false);
    await client.failure('POST', '/api/session/end', 401, 'SESSION_INVALID');
    await client.failure('GET', '/api/network/scan', 401, 'SESSION_INVALID');
    // Start works again after end.
    expect((await client.start()).status).toBe(200);
  });

  it('never refreshes: MISSING_SESSION_ID without a body id, else SESSION_REFRESH_ERROR', async () => {
    const sid = nextSession();
    const client = await startSession(sim, sid, 'router-refresh');
    await client.failure('POST', '/api/session/refresh', 400, 'MISSING_SESSION_ID', { body: {} });
    const message = await client.failure(
      'POST',
      '/api/session/refresh',
      500,
      'SESSION_REFRESH_ERROR',
      {
        body: { sessionId: sid },
      },
    );
    expect(message).toBe("'RouterConnectionManager' object has no attribute 'refresh_session'");
    await bind(sim, 'not-active', 'r').failure(
      'POST',
      '/api/session/refresh',
      401,
      'SESSION_INVALID',
      {
        body: { sessionId: 'not-active' },
      },
    );
  });
});

describe('restart and id types', () => {
  it('forgets every session on restart(); router state survives', async () => {
    const sid = nextSession();
    const client = await startSession(sim, sid, 'router-restart');
    await client.data('POST', '/api/whitelist/add', { body: { ip: '192.168.1.50' } });
    sim.restart();
    expect(sim.activeSessionIds()).toEqual([]);
    await client.failure('GET', '/api/whitelist/', 401, 'SESSION_INVALID');
    await startSession(sim, sid, 'router-restart');
    expect(await client.data('GET', '/api/whitelist/')).toEqual(['192.168.1.50']);
  });

  it('treats 123 (number) and "123" (string) as different sessions and echoes them raw', async () => {
    const started = await call(sim.url, 'POST', '/api/session/start', {
      body: { sessionId: 123, routerId: 'router-num' },
    });
    const envelope = parseEnvelope(started);
    expect(envelope.data).toMatchObject({ session_id: 123 });
    expect(envelope.metadata.sessionId).toBe(123);
    expect(sim.isSessionActive(123)).toBe(true);
    expect(sim.isSessionActive('123')).toBe(false);
    const asString = await call(sim.url, 'GET', '/api/wifi/status', {
      query: { sessionId: '123', routerId: 'router-num' },
    });
    expect(asString.status).toBe(401);
    const asNumber = await call(sim.url, 'GET', '/api/wifi/status', {
      body: { sessionId: 123, routerId: 'router-num' },
    });
    expect(asNumber.status).toBe(200);
    expect(parseEnvelope(asNumber).metadata.sessionId).toBe(123);
  });
});

describe('idle expiry', () => {
  it('expires a session sessionTimeoutMs after its last router command', async () => {
    const sid = nextSession();
    const client = await startSession(sim, sid, 'router-idle');
    clockMs += 29 * MINUTE;
    await client.data('GET', '/api/network/scan');
    clockMs += 29 * MINUTE;
    sim.expireIdleSessions();
    expect(sim.isSessionActive(sid)).toBe(true);
    clockMs += 2 * MINUTE;
    sim.expireIdleSessions();
    expect(sim.isSessionActive(sid)).toBe(false);
    await client.failure('GET', '/api/network/scan', 401, 'SESSION_INVALID');
  });

  it('does not count requests that send no router command', async () => {
    const sid = nextSession();
    const client = await startSession(sim, sid, 'router-quiet');
    clockMs += 20 * MINUTE;
    await client.send('GET', '/health');
    await client.send('POST', '/api/session/refresh', { body: { sessionId: sid } });
    await client.send('POST', '/api/wifi/disable');
    await client.send('POST', '/api/network/block', { body: {} });
    await client.send('POST', '/api/whitelist/add', { body: { ip: '::1' } });
    await client.send('POST', '/api/whitelist/limit-rate', { body: { rate: 'fast' } });
    await client.send('POST', '/api/wifi/password', { body: { password: 'short' } });
    await client.send('GET', '/no/such/path');
    await client.send('GET', '/api/whitelist');
    await bind(sim, sid, 'unknown-router').send('GET', '/api/network/scan');
    clockMs += 11 * MINUTE;
    sim.expireIdleSessions();
    expect(sim.isSessionActive(sid)).toBe(false);
  });

  it('expires a failed start timeoutMs after the start', async () => {
    const sid = nextSession();
    await bind(sim, sid, 'unknown-router').start();
    expect(sim.isSessionActive(sid)).toBe(true);
    clockMs += 30 * MINUTE + 1;
    sim.expireIdleSessions();
    expect(sim.isSessionActive(sid)).toBe(false);
  });

  it('runs the janitor on its own timer', async () => {
    let now = Date.UTC(2025, 0, 1);
    const timed = await startSimulator({
      now: () => new Date(now),
      sessionTimeoutMs: 1000,
      janitorIntervalMs: 10,
    });
    try {
      await startSession(timed, 'janitor', 'r1');
      now += 1001;
      await expect.poll(() => timed.isSessionActive('janitor'), { timeout: 2000 }).toBe(false);
    } finally {
      await timed.close();
    }
  });
});
