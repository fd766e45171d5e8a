import type { FastifyBaseLogger, FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import { CommandsServerHttp } from '../../src/clients/commands-server.http.js';
import type { Clock } from '../../src/clock.js';
import { loadConfig, type Config } from '../../src/config.js';
import { Metrics } from '../../src/metrics.js';
import type { ThrottleStore } from '../../src/services/throttle/store.js';
import {
  startSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator/index.js';
import { createTestDb, type TestDb } from './test-db.js';

/**
 * Configuration for tests: silent logs, the argon2 floor, in-memory throttling.
 * Every test registers from 127.0.0.1, so the per-address registration limit is
 * lifted; the tests of that limit set their own.
 */
export function testConfig(overrides: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PGLITE_DATA_DIR: 'memory://',
    COMMANDS_SERVER_URL: 'http://127.0.0.1:9',
    SCAN_MIN_INTERVAL_SECONDS: '0',
    REGISTER_THROTTLE_PER_IP: '1000000',
    ...overrides,
  });
}

/** A clock tests can move. */
export class TestClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;
  now(): Date {
    return new Date((this.frozenAt ?? Date.now()) + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  /** Stops time (advance still moves it): a test's timing no longer depends on the machine's speed. */
  freeze(): void {
    this.frozenAt = Date.now();
  }
  unfreeze(): void {
    if (this.frozenAt !== null) {
      this.offsetMs -= Date.now() - this.frozenAt;
      this.frozenAt = null;
    }
  }
}

export interface TestContext {
  db: TestDb;
  sim: Simulator;
  http: CommandsServerHttp;
  app: FastifyInstance;
  clock: TestClock;
  config: Readonly<Config>;
  close(): Promise<void>;
}

export interface TestContextOptions {
  config?: Record<string, string>;
  simulator?: SimulatorOptions;
  /** Timeout of Commands-Server calls; short so timeout tests stay fast. */
  commandsTimeoutMs?: number;
  logger?: FastifyBaseLogger;
  throttleStore?: ThrottleStore;
  /** Reuse a database (several apps on one database). */
  db?: TestDb;
  sim?: Simulator;
}

/**
 * One app on a fresh database with the Commands-Server simulator on a real
 * port: what an integration test file needs. The sweeper does not run on its
 * timer; tests call app.services.sweeper.sweep().
 */
export async function createTestContext(options: TestContextOptions = {}): Promise<TestContext> {
  const db = options.db ?? (await createTestDb());
  const sim = options.sim ?? (await startSimulator({ janitorIntervalMs: 0, ...options.simulator }));
  const timeoutMs = options.commandsTimeoutMs ?? 1_500;
  const metrics = new Metrics();
  const http = new CommandsServerHttp({
    baseUrl: sim.url,
    timeoutMs,
    scanTimeoutMs: timeoutMs * 2,
    onCall: metrics.observeCommandsServerCall,
  });
  const clock = new TestClock();
  const config = testConfig(options.config);
  const app = await buildApp({
    config,
    db,
    commandsServer: http,
    clock,
    startSweeper: false,
    metrics,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.throttleStore ? { throttleStore: options.throttleStore } : {}),
  });
  await app.ready();
  return {
    db,
    sim,
    http,
    app,
    clock,
    config,
    async close() {
      await app.close();
      await http.close();
      if (!options.sim) {
        await sim.close();
      }
      if (!options.db) {
        await db.destroy();
      }
    },
  };
}

let counter = 0;
/** A unique email for this test run. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}@example.com`;
}

export const GOOD_PASSWORD = 'correct horse battery staple';

export interface LoggedInUser {
  email: string;
  password: string;
  userId: string;
  sessionId: string;
  token: string;
  cookie: string;
}

/** Registers a user through the API and logs in. */
export async function registerAndLogin(
  app: FastifyInstance,
  email = uniqueEmail(),
  password = GOOD_PASSWORD,
): Promise<LoggedInUser> {
  const reg = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email, password },
  });
  if (reg.statusCode !== 201) {
    throw new Error(`register failed: ${reg.statusCode} ${reg.body}`);
  }
  return login(app, email, password);
}

export async function login(
  app: FastifyInstance,
  email: string,
  password = GOOD_PASSWORD,
  headers: Record<string, string> = {},
): Promise<LoggedInUser> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    headers,
  });
  if (res.statusCode !== 200) {
    throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  }
  const data = res.json().data;
  const setCookie = String(res.headers['set-cookie'] ?? '');
  return {
    email,
    password,
    userId: data.user.id,
    sessionId: data.session.id,
    token: data.token,
    cookie: setCookie.split(';')[0] ?? '',
  };
}

/** app.inject with the user's bearer token. */
export function injectAs(app: FastifyInstance, user: { token: string }, options: InjectOptions) {
  return app.inject({
    ...options,
    headers: { ...(options.headers ?? {}), authorization: `Bearer ${user.token}` },
  });
}
