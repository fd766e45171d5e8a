import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandsServerClient } from '../../src/clients/commands-server.client.js';
import { CommandsServerError } from '../../src/clients/commands-server.errors.js';
import {
  CommandsServerHttp,
  type CommandsServerCallOutcome,
  type CommandsServerHttpOptions,
} from '../../src/clients/commands-server.http.js';
import { encodePathSegment } from '../../src/clients/commands-server.paths.js';
import type { ListName, UsagePeriod } from '../../src/clients/commands-server.types.js';
import { AppError } from '../../src/errors.js';
import {
  errorEnvelope,
  htmlPage,
  okEnvelope,
  startFakeCommandsServer,
  type FakeCommandsServer,
} from '../helpers/fake-commands-server.js';

const IDS = { sessionId: 'sess-42', routerId: 'router-7' };
const PASSWORD = 'Sup3r-s3cret!';

interface LogEntry {
  level: 'debug' | 'warn';
  obj: object;
  msg: string | undefined;
}
interface CallEvent {
  operation: string;
  outcome: CommandsServerCallOutcome;
  durationMs: number;
}

let fake: FakeCommandsServer;
let http: CommandsServerHttp;
let sut: CommandsServerClient;
let logs: LogEntry[];
let calls: CallEvent[];

function makeHttp(overrides: Partial<CommandsServerHttpOptions> = {}): CommandsServerHttp {
  return new CommandsServerHttp({
    baseUrl: fake.url,
    timeoutMs: 1_000,
    scanTimeoutMs: 2_000,
    logger: {
      debug: (obj, msg) => logs.push({ level: 'debug', obj, msg }),
      warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    },
    onCall: (e) => calls.push(e),
    ...overrides,
  });
}

/** Awaits a call that must fail and returns its CommandsServerError. */
async function failureOf(promise: Promise<unknown>): Promise<CommandsServerError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(CommandsServerError);
    return err as CommandsServerError;
  }
  throw new Error('expected the call to fail');
}

beforeEach(async () => {
  fake = await startFakeCommandsServer();
  logs = [];
  calls = [];
  http = makeHttp();
  sut = new CommandsServerClient(http, IDS);
});

afterEach(async () => {
  const stray = fake.unexpected.map((r) => `${r.method} ${r.path}`);
  await fake.close();
  await http.close();
  expect(stray).toEqual([]);
});

describe('block() reads the MAC the router says it blocked', () => {
  it.each([
    ['Successfully blocked IP 192.168.1.10 (MAC: AA:bb:cc:dd:ee:0F)', 'aa:bb:cc:dd:ee:0f'],
    ['Successfully blocked IP 192.168.1.10 (MAC: aa-bb-cc-dd-ee-ff)', 'aa:bb:cc:dd:ee:ff'],
    ['Successfully blocked IP 192.168.1.10', null],
    ['Successfully blocked IP 1.1.1.1 (MAC: not-a-mac)', null],
    ['(MAC: aa:bb:cc:dd:ee)', null],
  ])('%s → %s (lower-case with colons; null when absent)', async (message, mac) => {
    fake.on('POST /api/network/block', okEnvelope(message));
    await expect(sut.block('192.168.1.10')).resolves.toEqual({ message, mac });
  });
});

describe('CommandsServerClient request building', () => {
  it('puts both ids in the query and in the JSON body of a POST', async () => {
    fake.on('POST /api/network/block', okEnvelope('Successfully blocked IP 192.168.1.10'));

    await expect(sut.block('192.168.1.10')).resolves.toEqual({
      message: 'Successfully blocked IP 192.168.1.10',
      mac: null,
    });

    const [req] = fake.requestsTo('POST /api/network/block');
    expect(req?.query).toEqual(IDS);
    expect(req?.body).toEqual({ ip: '192.168.1.10', ...IDS });
    expect(req?.headers['content-type']).toBe('application/json');
  });

  it('sends a JSON body with the ids on a POST without arguments', async () => {
    fake.on('POST /api/wifi/enable', okEnvelope('WiFi is already enabled'));

    await sut.enableWifi();

    const [req] = fake.requests;
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.body).toEqual(IDS);
  });

  it('sends the ids in the query and no body on a GET', async () => {
    fake.on('GET /api/network/blocked', okEnvelope([]));

    await sut.blocked();

    const [req] = fake.requests;
    expect(req?.query).toEqual(IDS);
    expect(req?.rawBody).toBe('');
    expect(req?.headers['content-type']).toBeUndefined();
  });

  it('encodes ids so they cannot add query parameters', async () => {
    const odd = new CommandsServerClient(http, { sessionId: 'a&routerId=x', routerId: 'r#1' });
    fake.on('GET /api/wifi/status', okEnvelope({ enabled: true, ssid: 'x', encryption: 'psk2' }));

    await odd.wifiStatus();

    expect(fake.requests[0]?.query).toEqual({ sessionId: 'a&routerId=x', routerId: 'r#1' });
  });

  it('calls /health without ids', async () => {
    fake.on('GET /health', okEnvelope({ message: 'Server is healthy' }));

    await expect(http.health()).resolves.toEqual({ message: 'Server is healthy' });

    expect(fake.requests[0]?.rawQuery).toBe('');
  });

  it('keeps a path prefix of the base URL', async () => {
    const prefixed = makeHttp({ baseUrl: `${fake.url}/cs/` });
    fake.on('GET /cs/health', okEnvelope({ message: 'Server is healthy' }));
    try {
      await prefixed.health();
    } finally {
      await prefixed.close();
    }
    expect(fake.requests[0]?.path).toBe('/cs/health');
  });

  it('sends sessionId in the body of refresh and reports its upstream failure', async () => {
    fake.on(
      'POST /api/session/refresh',
      errorEnvelope(
        500,
        'SESSION_REFRESH_ERROR',
        "'RouterConnectionManager' object has no attribute 'refresh_session'",
      ),
    );

    const err = await failureOf(sut.refreshSession());

    expect(fake.requests[0]?.body).toEqual(IDS);
    expect(err.failure).toBe('command_failed');
    expect(err.upstreamCode).toBe('SESSION_REFRESH_ERROR');
  });

  it('starts a session with a JSON body, the restart flag only when asked, and maps snake_case', async () => {
    const answer = {
      session_id: IDS.sessionId,
      router_reachable: true,
      infrastructure_ready: true,
      message: 'Session established successfully',
    };
    fake.on('POST /api/session/start', { ...okEnvelope(answer), status: 201 });

    await expect(sut.startSession()).resolves.toEqual({
      sessionId: IDS.sessionId,
      routerReachable: true,
      infrastructureReady: true,
      message: 'Session established successfully',
    });
    await sut.startSession({ restart: true });

    const [first, second] = fake.requests;
    expect(first?.headers['content-type']).toBe('application/json');
    expect(first?.body).toEqual(IDS);
    expect(second?.body).toEqual({ restart: true, ...IDS });
  });

  it('gives session start and scan the longer scanTimeoutMs', async () => {
    const slow = makeHttp({ timeoutMs: 100, scanTimeoutMs: 2_000 });
    const client = new CommandsServerClient(slow, IDS);
    fake.on('POST /api/session/start', {
      ...okEnvelope({
        session_id: 's',
        router_reachable: true,
        infrastructure_ready: true,
        message: 'ok',
      }),
      delayMs: 250,
    });
    fake.on('GET /api/network/scan', { ...okEnvelope([]), delayMs: 250 });
    fake.on('GET /api/network/blocked', { ...okEnvelope([]), delayMs: 250 });
    try {
      await expect(client.startSession()).resolves.toMatchObject({ sessionId: 's' });
      await expect(client.scan()).resolves.toEqual([]);
      expect((await failureOf(client.blocked())).failure).toBe('timeout');
    } finally {
      await slow.close();
    }
  });

  it('uses DELETE for deactivateMode and the trailing-slash path for lists', async () => {
    fake.on('DELETE /api/blacklist/mode', okEnvelope('Modes are already inactive.'));
    fake.on('GET /api/whitelist/', okEnvelope(['192.168.1.10']));

    await expect(sut.deactivateMode('blacklist')).resolves.toEqual({
      message: 'Modes are already inactive.',
      changed: false,
    });
    await expect(sut.getList('whitelist')).resolves.toEqual(['192.168.1.10']);

    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'DELETE /api/blacklist/mode',
      'GET /api/whitelist/',
    ]);
    expect(fake.requests[0]?.query).toEqual(IDS);
  });

  it('encodes the MAC as one path segment that cannot inject query parameters', async () => {
    const usage = {
      mac: 'aa:bb:cc:dd:ee:ff',
      ip: '192.168.1.10',
      download: 1.5,
      upload: 0.25,
      unit: 'MB',
      connections: 3,
      period: 'week',
      timestamp: '2025-08-09T20:14:24',
    };
    fake.on('GET /api/monitor/device/..%2Fx%3Fa%3Db', okEnvelope(usage));
    fake.on('GET /api/monitor/device/%2E%2E', okEnvelope(usage));

    await expect(sut.deviceUsage('../x?a=b', 'week')).resolves.toEqual(usage);
    await sut.deviceUsage('..', 'current');

    expect(fake.requests[0]?.query).toEqual({ period: 'week', ...IDS });
    expect(fake.requests[1]?.path).toBe('/api/monitor/device/%2E%2E');
  });

  it('refuses a list name or period outside its union with a TypeError, before any request', () => {
    expect(() => sut.getList('greylist' as ListName)).toThrow(TypeError);
    expect(() => sut.setFullRate('toString' as ListName, 5)).toThrow(TypeError);
    expect(() => sut.usage('year' as UsagePeriod)).toThrow(TypeError);
    expect(() => sut.usage('toString' as UsagePeriod)).toThrow(TypeError);
    expect(() => sut.deviceUsage('aa:bb:cc:dd:ee:ff', 'year' as UsagePeriod)).toThrow(TypeError);
    expect(fake.requests).toHaveLength(0);
  });

  it('encodePathSegment always yields one segment that decodes back', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const encoded = encodePathSegment(value);
        expect(encoded).not.toMatch(/[/?#]/);
        expect(['.', '..']).not.toContain(encoded);
        expect(decodeURIComponent(encoded)).toBe(value);
      }),
    );
  });
});

describe('CommandsServerClient success shapes', () => {
  const usageEntry = {
    mac: 'AA:BB:CC:DD:EE:FF',
    ip: '192.168.1.10',
    download: 10.5,
    upload: 2,
    unit: 'MB',
    connections: 12,
    extra: 'ignored',
  };
  const cases: {
    name: string;
    route: string;
    data: unknown;
    run: (c: CommandsServerClient) => Promise<unknown>;
    expected: unknown;
  }[] = [
    {
      name: 'scan lower-cases MACs and drops unknown fields',
      route: 'GET /api/network/scan',
      data: [{ ip: '192.168.1.2', mac: 'D2:F0:7B:2B:69:15', hostname: 'pixel', vendor: 'V', x: 1 }],
      run: (c) => c.scan(),
      expected: [{ ip: '192.168.1.2', mac: 'd2:f0:7b:2b:69:15', hostname: 'pixel', vendor: 'V' }],
    },
    {
      name: 'blocked',
      route: 'GET /api/network/blocked',
      data: [{ mac: 'aa:bb:cc:dd:ee:ff', ip: 'N/A' }],
      run: (c) => c.blocked(),
      expected: [{ mac: 'aa:bb:cc:dd:ee:ff', ip: 'N/A' }],
    },
    {
      name: 'unblock',
      route: 'POST /api/network/unblock',
      data: 'Successfully unblocked IP 192.168.1.2',
      run: (c) => c.unblock('192.168.1.2'),
      expected: { message: 'Successfully unblocked IP 192.168.1.2', changed: true },
    },
    {
      name: 'addToList',
      route: 'POST /api/blacklist/add',
      data: 'Device 192.168.1.2 added to blacklist.',
      run: (c) => c.addToList('blacklist', '192.168.1.2'),
      expected: { message: 'Device 192.168.1.2 added to blacklist.', changed: true },
    },
    {
      name: 'addToList, already there',
      route: 'POST /api/whitelist/add',
      data: 'Device 192.168.1.2 already in whitelist.',
      run: (c) => c.addToList('whitelist', '192.168.1.2'),
      expected: { message: 'Device 192.168.1.2 already in whitelist.', changed: false },
    },
    {
      name: 'removeFromList',
      route: 'POST /api/whitelist/remove',
      data: 'Device 192.168.1.2 not in whitelist.',
      run: (c) => c.removeFromList('whitelist', '192.168.1.2'),
      expected: { message: 'Device 192.168.1.2 not in whitelist.', changed: false },
    },
    {
      name: 'removeFromList, removed',
      route: 'POST /api/blacklist/remove',
      data: 'Device 192.168.1.2 removed from blacklist.',
      run: (c) => c.removeFromList('blacklist', '192.168.1.2'),
      expected: { message: 'Device 192.168.1.2 removed from blacklist.', changed: true },
    },
    {
      name: 'setLimitedRate',
      route: 'POST /api/whitelist/limit-rate',
      data: { rate_mbps: 50 },
      run: (c) => c.setLimitedRate('whitelist', 50),
      expected: { rateMbps: 50 },
    },
    {
      name: 'setFullRate accepts a numeric-string echo',
      route: 'POST /api/blacklist/full-rate',
      data: { rate_mbps: '900' },
      run: (c) => c.setFullRate('blacklist', 900),
      expected: { rateMbps: 900 },
    },
    {
      name: 'activateMode',
      route: 'POST /api/whitelist/mode',
      data: 'Whitelist mode activated.',
      run: (c) => c.activateMode('whitelist'),
      expected: { message: 'Whitelist mode activated.', changed: true },
    },
    {
      name: 'activateMode, already active',
      route: 'POST /api/blacklist/mode',
      data: 'Blacklist mode is already active.',
      run: (c) => c.activateMode('blacklist'),
      expected: { message: 'Blacklist mode is already active.', changed: false },
    },
    {
      name: 'getSsid',
      route: 'GET /api/wifi/ssid',
      data: { ssid: 'OpenWrt' },
      run: (c) => c.getSsid(1),
      expected: 'OpenWrt',
    },
    {
      name: 'setSsid',
      route: 'POST /api/wifi/ssid',
      data: 'WiFi SSID changed successfully to: Home',
      run: (c) => c.setSsid('Home'),
      expected: 'WiFi SSID changed successfully to: Home',
    },
    {
      name: 'setWifiPassword',
      route: 'POST /api/wifi/password',
      data: 'WiFi password changed successfully.',
      run: (c) => c.setWifiPassword(PASSWORD),
      expected: 'WiFi password changed successfully.',
    },
    {
      name: 'usage(month) uses last-month',
      route: 'GET /api/monitor/last-month',
      data: [usageEntry],
      run: (c) => c.usage('month'),
      expected: [
        {
          mac: 'aa:bb:cc:dd:ee:ff',
          ip: '192.168.1.10',
          download: 10.5,
          upload: 2,
          unit: 'MB',
          connections: 12,
        },
      ],
    },
    {
      name: 'usage(week) uses last-week',
      route: 'GET /api/monitor/last-week',
      data: [],
      run: (c) => c.usage('week'),
      expected: [],
    },
    {
      name: 'endSession',
      route: 'POST /api/session/end',
      data: { message: 'Session ended' },
      run: (c) => c.endSession(),
      expected: undefined,
    },
  ];

  it.each(cases)('$name', async ({ route, data, run, expected }) => {
    fake.on(route, okEnvelope(data));
    await expect(run(sut)).resolves.toEqual(expected);
    expect(fake.requestsTo(route)).toHaveLength(1);
  });

  it('getSsid sends the interface in the query (default 0)', async () => {
    fake.on('GET /api/wifi/ssid', okEnvelope({ ssid: 'OpenWrt' }));
    await sut.getSsid();
    expect(fake.requests[0]?.query).toEqual({ interface: '0', ...IDS });
  });
});

describe('CommandsServerClient upstream errors', () => {
  it('turns success:false into command_failed with the upstream status, code and message', async () => {
    fake.on(
      'POST /api/whitelist/add',
      errorEnvelope(500, 'COMMAND_FAILED', 'Command failed: Invalid IP address format.'),
    );

    const err = await failureOf(sut.addToList('whitelist', '1.2.3'));

    expect(err).toBeInstanceOf(AppError);
    expect(err.failure).toBe('command_failed');
    expect(err.code).toBe('ROUTER_COMMAND_FAILED');
    expect(err.statusCode).toBe(502);
    expect(err.details).toEqual({
      operation: 'whitelist.add',
      upstreamStatus: 500,
      upstreamCode: 'COMMAND_FAILED',
      upstreamMessage: 'Command failed: Invalid IP address format.',
    });
    expect(err.message).not.toContain('Invalid IP');
    expect(err.isSessionInvalid).toBe(false);
    expect(err.isSessionAlreadyActive).toBe(false);
  });

  it('recognises 401 SESSION_INVALID', async () => {
    fake.on(
      'GET /api/network/scan',
      errorEnvelope(401, 'SESSION_INVALID', 'Session is not active or has expired'),
    );
    const err = await failureOf(sut.scan());
    expect(err.isSessionInvalid).toBe(true);
    expect(err.upstreamStatus).toBe(401);
    expect(fake.requests).toHaveLength(1);
  });

  it('recognises 400 SESSION_ALREADY_ACTIVE', async () => {
    fake.on(
      'POST /api/session/start',
      errorEnvelope(400, 'SESSION_ALREADY_ACTIVE', 'Session already active'),
    );
    const err = await failureOf(sut.startSession());
    expect(err.isSessionAlreadyActive).toBe(true);
    expect(err.isSessionInvalid).toBe(false);
    expect(err.code).toBe('ROUTER_COMMAND_FAILED');
  });

  it('treats an HTML 500 page as bad_response and keeps the status', async () => {
    fake.on('GET /api/blacklist/', htmlPage(500));
    const err = await failureOf(sut.getList('blacklist'));
    expect(err.failure).toBe('bad_response');
    expect(err.code).toBe('COMMANDS_SERVER_BAD_RESPONSE');
    expect(err.upstreamStatus).toBe(500);
    expect(err.upstreamCode).toBeNull();
    expect(err.message).toContain('HTML');
  });

  it('does not follow a 308 redirect', async () => {
    fake.on('GET /api/whitelist/', {
      status: 308,
      headers: { location: '/api/elsewhere/' },
      body: 'Redirecting...',
    });
    const err = await failureOf(sut.getList('whitelist'));
    expect(err.failure).toBe('bad_response');
    expect(err.upstreamStatus).toBe(308);
    expect(fake.requests).toHaveLength(1);
  });

  const malformed: { name: string; response: Parameters<FakeCommandsServer['on']>[1] }[] = [
    { name: 'an empty body', response: { status: 200, body: '' } },
    {
      name: 'invalid JSON',
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"succ' },
    },
    { name: 'JSON without success', response: { status: 200, json: { data: 'ok' } } },
    { name: 'a JSON array', response: { status: 200, json: ['ok'] } },
    {
      name: 'an error envelope without a code',
      response: { status: 500, json: { success: false, data: null, error: null } },
    },
    {
      name: 'a success envelope with a 500 status',
      response: { status: 500, json: { success: true, data: 'ok', error: null } },
    },
    { name: 'a 404 HTML page', response: htmlPage(404, 'Not Found') },
  ];

  it.each(malformed)('treats $name as bad_response', async ({ response }) => {
    fake.on('POST /api/wifi/enable', response);
    const err = await failureOf(sut.enableWifi());
    expect(err.failure).toBe('bad_response');
    expect(err.upstreamStatus).toBe(response.status);
  });

  const badShapes: {
    name: string;
    route: string;
    data: unknown;
    run: (c: CommandsServerClient) => Promise<unknown>;
  }[] = [
    {
      name: 'scan with a numeric mac',
      route: 'GET /api/network/scan',
      data: [{ ip: '1.1.1.1', mac: 5, hostname: 'h', vendor: 'v' }],
      run: (c) => c.scan(),
    },
    {
      name: 'scan as an object',
      route: 'GET /api/network/scan',
      data: { devices: [] },
      run: (c) => c.scan(),
    },
    {
      name: 'block with an object',
      route: 'POST /api/network/block',
      data: { ok: true },
      run: (c) => c.block('1.1.1.1'),
    },
    {
      name: 'start in camelCase',
      route: 'POST /api/session/start',
      data: { sessionId: 's', routerReachable: true, infrastructureReady: true, message: 'm' },
      run: (c) => c.startSession(),
    },
    {
      name: 'wifi status with a string flag',
      route: 'GET /api/wifi/status',
      data: { enabled: 'true', ssid: 'x', encryption: 'psk2' },
      run: (c) => c.wifiStatus(),
    },
    {
      name: 'rate without rate_mbps',
      route: 'POST /api/whitelist/limit-rate',
      data: { rate: 5 },
      run: (c) => c.setLimitedRate('whitelist', 5),
    },
    {
      name: 'usage with negative connections',
      route: 'GET /api/monitor/current',
      data: [{ mac: 'a', ip: 'b', download: 1, upload: 1, unit: 'MB', connections: -1 }],
      run: (c) => c.usage('current'),
    },
    {
      name: 'list with a number',
      route: 'GET /api/whitelist/',
      data: ['192.168.1.1', 7],
      run: (c) => c.getList('whitelist'),
    },
    { name: 'health without message', route: 'GET /health', data: {}, run: () => http.health() },
  ];

  it.each(badShapes)('rejects $name as bad_response', async ({ route, data, run }) => {
    fake.on(route, okEnvelope(data));
    const err = await failureOf(run(sut));
    expect(err.failure).toBe('bad_response');
    expect(err.upstreamStatus).toBe(200);
    expect(err.message).toContain('unexpected shape');
  });
});

describe('CommandsServerClient transport failures and retries', () => {
  it('reports a timeout and does not retry a GET after it', async () => {
    const quick = makeHttp({ timeoutMs: 100 });
    fake.on('GET /api/network/blocked', { ...okEnvelope([]), delayMs: 1_000 });
    try {
      const err = await failureOf(new CommandsServerClient(quick, IDS).blocked());
      expect(err.failure).toBe('timeout');
      expect(err.code).toBe('ROUTER_TIMEOUT');
      expect(err.statusCode).toBe(504);
      await sleep(150);
      expect(fake.requests).toHaveLength(1);
    } finally {
      await fake.close();
      await quick.close();
    }
  });

  it('reports a dropped POST as unavailable and never retries it', async () => {
    fake.on('POST /api/network/block', { drop: true }, okEnvelope('blocked'));
    const err = await failureOf(sut.block('192.168.1.10'));
    expect(err.failure).toBe('unavailable');
    expect(err.code).toBe('COMMANDS_SERVER_UNAVAILABLE');
    expect(err.cause).toBeInstanceOf(Error);
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a GET once after a dropped connection', async () => {
    fake.on('GET /api/network/blocked', { drop: true }, okEnvelope([]));
    await expect(sut.blocked()).resolves.toEqual([]);
    expect(fake.requests).toHaveLength(2);
    expect(calls.map((c) => [c.operation, c.outcome])).toEqual([['network.blocked', 'success']]);
  });

  it('gives up on a GET after the second dropped connection', async () => {
    fake.on('GET /api/network/blocked', { drop: true });
    const err = await failureOf(sut.blocked());
    expect(err.failure).toBe('unavailable');
    expect(fake.requests).toHaveLength(2);
  });

  it('reports a refused connection as unavailable, after one GET retry', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const dead = makeHttp({ baseUrl: `http://127.0.0.1:${port}` });
    try {
      const err = await failureOf(new CommandsServerClient(dead, IDS).wifiStatus());
      expect(err.failure).toBe('unavailable');
      expect((err.cause as { code?: string }).code).toBe('ECONNREFUSED');
      expect(logs.filter((l) => l.level === 'debug')).toHaveLength(2);
      expect(calls.map((c) => c.outcome)).toEqual(['unavailable']);
    } finally {
      await dead.close();
    }
  });

  it('reports a call after close() as unavailable', async () => {
    await http.close();
    const err = await failureOf(sut.wifiStatus());
    expect(err.failure).toBe('unavailable');
  });
});

describe('CommandsServerClient secrets, logs and metrics', () => {
  it('scrubs the Wi-Fi password from the upstream message and never logs it', async () => {
    fake.on(
      'POST /api/wifi/password',
      errorEnvelope(500, 'COMMAND_FAILED', `Command failed: uci set key='${PASSWORD}' refused`),
    );

    const err = await failureOf(sut.setWifiPassword(PASSWORD));

    expect(err.upstreamMessage).toBe("Command failed: uci set key='[REDACTED]' refused");
    expect(JSON.stringify(err.details)).not.toContain(PASSWORD);
    expect(err.message).not.toContain(PASSWORD);
    expect(JSON.stringify(logs)).not.toContain(PASSWORD);
    expect(fake.requests[0]?.body).toEqual({ password: PASSWORD, ...IDS });
  });

  it('replaces the Wi-Fi password with [REDACTED] in a success sentence that echoes it', async () => {
    fake.on('POST /api/wifi/password', okEnvelope(`WiFi password changed to ${PASSWORD}.`));
    await expect(sut.setWifiPassword(PASSWORD)).resolves.toBe(
      'WiFi password changed to [REDACTED].',
    );
  });

  it('logs only method, path, operation, status and duration at debug level', async () => {
    fake.on('POST /api/wifi/password', okEnvelope('WiFi password changed successfully.'));
    await sut.setWifiPassword(PASSWORD);
    const debug = logs.filter((l) => l.level === 'debug');
    expect(debug).toHaveLength(1);
    expect(Object.keys(debug[0]?.obj ?? {}).sort()).toEqual(
      ['durationMs', 'method', 'operation', 'path', 'status'].sort(),
    );
    expect(debug[0]?.obj).toMatchObject({
      method: 'POST',
      path: '/api/wifi/password',
      operation: 'wifi.setPassword',
      status: 200,
    });
    expect(JSON.stringify(logs)).not.toContain(PASSWORD);
    expect(JSON.stringify(logs)).not.toContain(IDS.sessionId);
  });

  it('reports every outcome to onCall once per call', async () => {
    const quick = makeHttp({ timeoutMs: 100 });
    const client = new CommandsServerClient(quick, IDS);
    fake.on('POST /api/wifi/enable', okEnvelope('WiFi is already enabled'));
    fake.on('POST /api/wifi/ssid', errorEnvelope(500, 'COMMAND_FAILED', 'Command failed: x'));
    fake.on('GET /api/wifi/status', { ...okEnvelope({}), delayMs: 500 });
    fake.on('POST /api/network/block', { drop: true });
    fake.on('GET /api/whitelist/', htmlPage(500));
    try {
      await client.enableWifi();
      await failureOf(client.setSsid('x'));
      await failureOf(client.wifiStatus());
      await failureOf(client.block('1.1.1.1'));
      await failureOf(client.getList('whitelist'));
    } finally {
      await fake.close();
      await quick.close();
    }
    expect(calls.map((c) => [c.operation, c.outcome])).toEqual([
      ['wifi.enable', 'success'],
      ['wifi.setSsid', 'command_failed'],
      ['wifi.status', 'timeout'],
      ['network.block', 'unavailable'],
      ['whitelist.list', 'bad_response'],
    ]);
    expect(calls.every((c) => c.durationMs >= 0)).toBe(true);
  });

  it('survives an onCall hook that throws', async () => {
    const throwing = makeHttp({
      onCall: () => {
        throw new Error('metrics down');
      },
    });
    fake.on('GET /health', okEnvelope({ message: 'Server is healthy' }));
    try {
      await expect(throwing.health()).resolves.toEqual({ message: 'Server is healthy' });
    } finally {
      await throwing.close();
    }
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => makeHttp({ baseUrl: 'ftp://127.0.0.1:21' })).toThrow(TypeError);
    expect(() => makeHttp({ timeoutMs: 0 })).toThrow(RangeError);
    expect(() => makeHttp({ connections: 0 })).toThrow(RangeError);
    expect(() => makeHttp({ connections: 1.5 })).toThrow(RangeError);
  });
});
