/**
 * The server's configuration: the typed `Config` every part receives, and
 * `loadConfig(env)`, which is pure: it takes a plain object (process.env in
 * production, literals in tests), reports every problem at once with how to fix
 * it, and returns a frozen, typed object. The variables themselves are declared
 * in src/config-variables.ts; the rules across them in src/config-rules.ts.
 */

import { resolve } from 'node:path';
import { configWarnings, crossVariableProblems, databaseConfig } from './config-rules.js';
import { type Parsed, parseVariables } from './config-variables.js';
import type { TrustProxy } from './trust-proxy.js';

export type DatabaseConfig =
  | { kind: 'postgres'; url: string; poolMax: number; statementTimeoutMs: number }
  | { kind: 'pglite'; dataDir: string };

export interface Config {
  env: 'development' | 'test' | 'production';
  isProduction: boolean;
  server: {
    host: string;
    port: number;
    trustProxy: TrustProxy;
    requestTimeoutMs: number;
    /** How long server.ts lets a graceful shutdown run before it exits 1 anyway. */
    shutdownTimeoutMs: number;
  };
  logLevel: Parsed['LOG_LEVEL'];
  database: DatabaseConfig;
  commandsServer: {
    /** null: run the in-process simulator. */
    url: string | null;
    timeoutMs: number;
    scanTimeoutMs: number;
    simulatorDevices: number;
  };
  sessions: {
    idleTimeoutMs: number;
    absoluteLifetimeMs: number;
    sweepIntervalMs: number;
    retentionMs: number;
    cookieName: string;
    cookieSecure: boolean;
  };
  corsOrigins: string[];
  /** This server's external origin (no trailing slash): the OpenID callback is made from it. */
  publicUrl: string;
  /** The web client: where sign-ins return by default; null: '/'. */
  frontendUrl: string | null;
  /** The OpenID provider; null: OpenID sign-in is off. */
  oidc: OidcConfig | null;
  redisUrl: string | null;
  argon2: { memoryKib: number; timeCost: number; queueMax: number };
  loginThrottle: {
    windowMs: number;
    freeAttempts: number;
    registrationsPerIp: number;
    registrationWindowMs: number;
  };
  /** null: a random key per process (device cookies then last until a restart). */
  deviceCookieSecret: string | null;
  /** Base64 of 32 bytes; null: generated once and kept beside the data (development only; see data-key.ts). */
  dataEncryptionKey: string | null;
  scanMinIntervalMs: number;
  invitationTtlMs: number;
  operations: {
    /** Bearer token /metrics requires; null: none. */
    metricsToken: string | null;
    /** False in production without a token: /metrics is not served at all. */
    metricsExposed: boolean;
    /** Serve /docs and /openapi.json. */
    docsEnabled: boolean;
    /** The built web console served at '/', an absolute path; null: none. */
    consoleDir: string | null;
    /** Serve NetPilot's existing web client at its own paths (src/routes/netpilot-client). */
    netpilotClientCompat: boolean;
  };
  /** Accepted but worth saying at start (server.ts logs each one). */
  warnings: readonly string[];
}

export interface OidcConfig {
  issuerUrl: string;
  clientId: string;
  /** Never logged. */
  clientSecret: string;
  /** Shown to users: "Sign in with <providerName>". */
  providerName: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment. Throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const problems: string[] = [];
  const v = parseVariables(env, problems);
  const database = databaseConfig(v, problems);
  problems.push(...crossVariableProblems(v, database));
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return deepFreeze(toConfig(v, database, configWarnings(v, env, database)));
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** The variables, all valid, in the shape the rest of the code reads. */
function toConfig(v: Parsed, database: DatabaseConfig, warnings: string[]): Config {
  return {
    env: v.NODE_ENV,
    isProduction: v.NODE_ENV === 'production',
    server: {
      host: v.HOST,
      port: v.PORT,
      trustProxy: v.TRUST_PROXY,
      requestTimeoutMs: v.REQUEST_TIMEOUT_MS,
      shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_SECONDS * SECOND,
    },
    logLevel: v.LOG_LEVEL,
    database,
    commandsServer: {
      url: v.COMMANDS_SERVER_URL ?? null,
      timeoutMs: v.COMMANDS_SERVER_TIMEOUT_MS,
      scanTimeoutMs: v.COMMANDS_SERVER_SCAN_TIMEOUT_MS,
      simulatorDevices: v.SIMULATOR_DEVICES,
    },
    sessions: sessionsConfig(v),
    corsOrigins: v.CORS_ORIGINS,
    publicUrl: v.PUBLIC_URL ?? defaultPublicUrl(v.HOST, v.PORT),
    frontendUrl: v.FRONTEND_URL ?? null,
    oidc: oidcConfig(v),
    redisUrl: v.REDIS_URL ?? null,
    argon2: {
      memoryKib: v.ARGON2_MEMORY_KIB,
      timeCost: v.ARGON2_TIME_COST,
      queueMax: v.ARGON2_QUEUE_MAX,
    },
    loginThrottle: {
      windowMs: v.LOGIN_THROTTLE_WINDOW_SECONDS * SECOND,
      freeAttempts: v.LOGIN_THROTTLE_FREE_ATTEMPTS,
      registrationsPerIp: v.REGISTER_THROTTLE_PER_IP,
      registrationWindowMs: v.REGISTER_THROTTLE_WINDOW_SECONDS * SECOND,
    },
    deviceCookieSecret: v.DEVICE_COOKIE_SECRET ?? null,
    dataEncryptionKey: v.DATA_ENCRYPTION_KEY ?? null,
    scanMinIntervalMs: v.SCAN_MIN_INTERVAL_SECONDS * SECOND,
    invitationTtlMs: v.INVITATION_TTL_HOURS * 60 * MINUTE,
    operations: {
      metricsToken: v.METRICS_TOKEN ?? null,
      metricsExposed: v.METRICS_TOKEN !== undefined || v.NODE_ENV !== 'production',
      docsEnabled: v.DOCS_ENABLED,
      consoleDir: v.CONSOLE_DIR === 'off' ? null : resolve(v.CONSOLE_DIR),
      netpilotClientCompat: v.NETPILOT_CLIENT_COMPAT,
    },
    warnings,
  };
}

/** Outside production, without PUBLIC_URL: the address this server listens on. */
function defaultPublicUrl(host: string, port: number): string {
  const name = ['0.0.0.0', '::', ''].includes(host) ? 'localhost' : host;
  return `http://${name.includes(':') ? `[${name}]` : name}:${port}`;
}

function oidcConfig(v: Parsed): OidcConfig | null {
  // crossVariableProblems has refused an issuer without its client id and secret.
  if (v.OIDC_ISSUER_URL === undefined || !v.OIDC_CLIENT_ID || !v.OIDC_CLIENT_SECRET) {
    return null;
  }
  return {
    issuerUrl: v.OIDC_ISSUER_URL,
    clientId: v.OIDC_CLIENT_ID,
    clientSecret: v.OIDC_CLIENT_SECRET,
    providerName: v.OIDC_PROVIDER_NAME,
  };
}

function sessionsConfig(v: Parsed): Config['sessions'] {
  return {
    idleTimeoutMs: v.SESSION_IDLE_TIMEOUT_MINUTES * MINUTE,
    absoluteLifetimeMs: v.SESSION_ABSOLUTE_LIFETIME_MINUTES * MINUTE,
    sweepIntervalMs: v.SESSION_SWEEP_INTERVAL_SECONDS * SECOND,
    retentionMs: v.SESSION_RETENTION_DAYS * 24 * 60 * MINUTE,
    cookieName: v.COOKIE_NAME,
    cookieSecure: v.COOKIE_SECURE || v.NODE_ENV === 'production',
  };
}

function deepFreeze<T>(o: T): Readonly<T> {
  if (o !== null && typeof o === 'object') {
    for (const value of Object.values(o)) {
      deepFreeze(value);
    }
    Object.freeze(o);
  }
  return o;
}
