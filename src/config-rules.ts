/**
 * The rules of loadConfig that look at several variables together: which
 * database they select, what production refuses, and what is allowed but worth a
 * warning at start. Each problem says how to fix it.
 */

import type { DatabaseConfig } from './config.js';
import type { Parsed } from './config-variables.js';

const DB_PARTS = ['DB_USER', 'DB_PASS', 'DB_HOST', 'DB_NAME'] as const;

/** The database the variables select: DATABASE_URL, else the DB_* parts, else PGlite. */
export function databaseConfig(v: Parsed, problems: string[]): DatabaseConfig {
  const given = DB_PARTS.filter((k) => v[k] !== undefined);
  if (v.DATABASE_URL !== undefined) {
    if (given.length > 0) {
      problems.push(
        `DATABASE_URL and ${given.join(', ')} are both set: keep DATABASE_URL or the DB_* variables, not both.`,
      );
    }
    return {
      kind: 'postgres',
      url: v.DATABASE_URL,
      poolMax: v.DB_POOL_MAX,
      statementTimeoutMs: v.DB_STATEMENT_TIMEOUT_MS,
    };
  }
  if (given.length > 0) {
    const missing = DB_PARTS.filter((k) => v[k] === undefined && k !== 'DB_PASS');
    if (missing.length > 0) {
      problems.push(
        `${missing.join(', ')} missing: set all of DB_USER, DB_HOST, DB_NAME (and DB_PASS if needed), or unset them all to use embedded PGlite.`,
      );
    }
    const u = new URL('postgres://localhost');
    u.hostname = v.DB_HOST ?? 'localhost';
    u.port = String(v.DB_PORT);
    u.username = encodeURIComponent(v.DB_USER ?? '');
    u.password = encodeURIComponent(v.DB_PASS ?? '');
    u.pathname = `/${encodeURIComponent(v.DB_NAME ?? '')}`;
    return {
      kind: 'postgres',
      url: u.toString(),
      poolMax: v.DB_POOL_MAX,
      statementTimeoutMs: v.DB_STATEMENT_TIMEOUT_MS,
    };
  }
  return { kind: 'pglite', dataDir: v.PGLITE_DATA_DIR };
}

function productionProblems(v: Parsed, database: DatabaseConfig): string[] {
  const problems: string[] = [];
  if (database.kind === 'pglite' && database.dataDir.startsWith('memory://')) {
    problems.push(
      'PGLITE_DATA_DIR=memory:// keeps nothing: every user and session would be lost at the next restart. In production set DATABASE_URL (PostgreSQL), or PGLITE_DATA_DIR to a directory.',
    );
  }
  if (v.COMMANDS_SERVER_URL === undefined) {
    problems.push(
      'COMMANDS_SERVER_URL is required in production: the simulated Commands-Server is for development only.',
    );
  }
  if (!v.COOKIE_SECURE) {
    problems.push('COOKIE_SECURE must be true in production (session cookies only over HTTPS).');
  }
  if (v.DEVICE_COOKIE_SECRET === undefined) {
    problems.push(
      'DEVICE_COOKIE_SECRET is required in production (32+ random characters, the same on every instance; e.g. `openssl rand -base64 48`).',
    );
  }
  if (v.DATA_ENCRYPTION_KEY === undefined) {
    problems.push(
      'DATA_ENCRYPTION_KEY is required in production (32 random bytes in base64, the same on every instance and kept safe: without it the two-factor secrets cannot be read; e.g. `openssl rand -base64 32`).',
    );
  }
  return problems;
}

/** Settings that are allowed but that an operator should hear about at start. */
export function configWarnings(
  v: Parsed,
  env: Record<string, string | undefined>,
  database: DatabaseConfig,
): string[] {
  const warnings: string[] = [];
  if (v.NODE_ENV === 'production' && database.kind === 'pglite' && !env.PGLITE_DATA_DIR) {
    warnings.push(
      `NODE_ENV=production runs on embedded PGlite in ${database.dataDir} because neither DATABASE_URL nor PGLITE_DATA_DIR is set (one process, this machine's disk). Set DATABASE_URL for PostgreSQL, or PGLITE_DATA_DIR to say where the data lives.`,
    );
  }
  if (v.NODE_ENV === 'production' && v.METRICS_TOKEN === undefined) {
    warnings.push(
      'METRICS_TOKEN is not set: /metrics answers 404 in production. Set METRICS_TOKEN (at least 32 characters) and scrape with "Authorization: Bearer <METRICS_TOKEN>".',
    );
  }
  return warnings;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The OpenID provider's settings: all three or none, and TLS unless it runs on this machine. */
function oidcProblems(v: Parsed): string[] {
  if (v.OIDC_ISSUER_URL === undefined) {
    return [];
  }
  const problems: string[] = [];
  const missing = (['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const).filter(
    (k) => v[k] === undefined,
  );
  if (missing.length > 0) {
    problems.push(
      `${missing.join(' and ')} missing: OIDC_ISSUER_URL is set, so the client id and secret registered at the provider are required (or unset OIDC_ISSUER_URL to turn OpenID sign-in off).`,
    );
  }
  const issuer = new URL(v.OIDC_ISSUER_URL);
  if (issuer.protocol === 'http:' && !LOOPBACK_HOSTS.has(issuer.hostname)) {
    problems.push(
      'OIDC_ISSUER_URL must use https:// (plain http is allowed only for a provider on this machine: localhost, 127.0.0.1, [::1]).',
    );
  }
  if (v.NODE_ENV === 'production' && v.PUBLIC_URL === undefined) {
    problems.push(
      "PUBLIC_URL is required in production with OIDC_ISSUER_URL: this server's external origin, from which the provider's callback URL is made (https://api.example.com).",
    );
  }
  return problems;
}

/** Problems between variables that each parsed well: production's demands, session lifetimes. */
export function crossVariableProblems(v: Parsed, database: DatabaseConfig): string[] {
  const problems = v.NODE_ENV === 'production' ? productionProblems(v, database) : [];
  problems.push(...oidcProblems(v));
  if (v.SESSION_IDLE_TIMEOUT_MINUTES > v.SESSION_ABSOLUTE_LIFETIME_MINUTES) {
    problems.push(
      'SESSION_IDLE_TIMEOUT_MINUTES is longer than SESSION_ABSOLUTE_LIFETIME_MINUTES: make the idle timeout the shorter one.',
    );
  }
  return problems;
}
