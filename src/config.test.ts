import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { VARIABLES } from './config-variables.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      return err.problems;
    }
    throw err;
  }
  return [];
}

describe(loadConfig.name, () => {
  it('defaults to PGlite in ./data and the simulator, on 127.0.0.1:8080', () => {
    const sut = loadConfig({});
    expect(sut.database).toEqual({ kind: 'pglite', dataDir: './data/pglite' });
    expect(sut.commandsServer.url).toBeNull();
    expect(sut.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(sut.sessions.idleTimeoutMs).toBe(7 * 24 * 3600 * 1000);
    expect(sut.sessions.absoluteLifetimeMs).toBe(30 * 24 * 3600 * 1000);
    expect(Object.isFrozen(sut.sessions)).toBe(true);
  });

  it('selects PostgreSQL from DATABASE_URL', () => {
    const sut = loadConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x',
      DB_POOL_MAX: '3',
    });
    expect(sut.database).toMatchObject({
      kind: 'postgres',
      url: 'postgres://postgres@127.0.0.1:5432/x',
      poolMax: 3,
    });
  });

  it('builds the URL from the DB_* variables, escaping the password', () => {
    const sut = loadConfig({
      DB_USER: 'np',
      DB_PASS: 'p@ss/w:rd',
      DB_HOST: 'db.local',
      DB_NAME: 'netpilot',
    });
    expect(sut.database.kind).toBe('postgres');
    const url = new URL(sut.database.kind === 'postgres' ? sut.database.url : '');
    expect(url.hostname).toBe('db.local');
    expect(url.port).toBe('5432');
    expect(decodeURIComponent(url.password)).toBe('p@ss/w:rd');
    expect(url.pathname).toBe('/netpilot');
  });

  it('reports every problem at once, naming each variable and how to fix it', () => {
    const problems = problemsOf({ PORT: 'abc', DATABASE_URL: 'not a url', LOG_LEVEL: 'loud' });
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('PORT '))).toContain('whole number');
    expect(problems.find((p) => p.startsWith('DATABASE_URL '))).toContain('not a valid URL');
    expect(problems.find((p) => p.startsWith('LOG_LEVEL '))).toContain('one of');
  });

  it('refuses an incomplete DB_* set and a mix with DATABASE_URL', () => {
    expect(problemsOf({ DB_USER: 'x' })[0]).toContain('DB_HOST, DB_NAME missing');
    expect(
      problemsOf({ DB_USER: 'x', DB_HOST: 'h', DB_NAME: 'n', DATABASE_URL: 'postgres://h/n' })[0],
    ).toContain('both set');
  });

  it('refuses insecure settings in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.join('\n')).toContain('COMMANDS_SERVER_URL is required in production');
    expect(problems.join('\n')).toContain('COOKIE_SECURE must be true');
    expect(problems.join('\n')).toContain('DEVICE_COOKIE_SECRET is required in production');
    expect(problems.join('\n')).toContain('DATA_ENCRYPTION_KEY is required in production');
    const sut = loadConfig({
      NODE_ENV: 'production',
      COMMANDS_SERVER_URL: 'http://10.0.0.5:5000',
      COOKIE_SECURE: 'true',
      DEVICE_COOKIE_SECRET: 'x'.repeat(32),
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(sut.sessions.cookieSecure).toBe(true);
  });

  it('refuses a short DEVICE_COOKIE_SECRET without echoing it', () => {
    const problems = problemsOf({ DEVICE_COOKIE_SECRET: 'hunter2-short' });
    expect(problems[0]).toMatch(/^DEVICE_COOKIE_SECRET must be at least 32 characters/);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('takes DATA_ENCRYPTION_KEY as exactly 32 bytes of base64, without echoing it', () => {
    const problems = problemsOf({ DATA_ENCRYPTION_KEY: 'c2VjcmV0LWtleQ==' });
    expect(problems[0]).toMatch(/^DATA_ENCRYPTION_KEY must be 32 random bytes in base64/);
    expect(problems.join('\n')).not.toContain('c2VjcmV0LWtleQ');
    const key = Buffer.alloc(32, 9);
    const parsed = loadConfig({ DATA_ENCRYPTION_KEY: key.toString('base64url') });
    expect(Buffer.from(parsed.dataEncryptionKey!, 'base64')).toEqual(key);
  });

  it('enforces the OWASP floor for argon2id', () => {
    expect(problemsOf({ ARGON2_MEMORY_KIB: '1024' })[0]).toMatch(
      /^ARGON2_MEMORY_KIB must be from 19456/,
    );
    expect(problemsOf({ ARGON2_TIME_COST: '1' })[0]).toMatch(/^ARGON2_TIME_COST must be from 2/);
  });

  it('accepts only bare origins in CORS_ORIGINS', () => {
    expect(
      loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173/' }).corsOrigins,
    ).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(problemsOf({ CORS_ORIGINS: 'https://a.example/path' })[0]).toContain('bare origin');
  });

  it('takes TRUST_PROXY as a number of proxies or their addresses, off by default', () => {
    expect(loadConfig({}).server.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '' }).server.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).server.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).server.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).server.trustProxy).toBe(2);
    expect(
      loadConfig({ TRUST_PROXY: ' 10.0.0.1, 10.0.0.0/8,fd00::/8 ,::1' }).server.trustProxy,
    ).toEqual(['10.0.0.1', '10.0.0.0/8', 'fd00::/8', '::1']);
  });

  it('refuses TRUST_PROXY=true, saying what to write instead', () => {
    for (const value of ['true', 'TRUE', 'yes', 'on']) {
      const [problem] = problemsOf({ TRUST_PROXY: value });
      expect(problem).toMatch(/^TRUST_PROXY must not be .*trust any client's X-Forwarded-For/);
      expect(problem).toContain('number of proxies in front of this server (e.g. 1)');
      expect(problem).toContain('(e.g. 10.0.0.1,10.0.0.0/8)');
    }
  });

  it('refuses TRUST_PROXY entries that are neither an IP nor a CIDR range', () => {
    for (const value of [
      'proxy.internal',
      '10.0.0.0/33',
      '10.0.0.1,garbage',
      'fd00::/129',
      '10.0.0.0/8/8',
      'fe80::1%eth0',
      '101',
    ]) {
      expect(problemsOf({ TRUST_PROXY: value }), value).toHaveLength(1);
    }
    expect(problemsOf({ TRUST_PROXY: '10.0.0.1,garbage' })[0]).toContain('"garbage"');
  });

  it('takes METRICS_TOKEN of at least 32 characters without whitespace', () => {
    const token = 'a'.repeat(32);
    expect(loadConfig({ METRICS_TOKEN: token }).operations.metricsToken).toBe(token);
    expect(loadConfig({}).operations.metricsToken).toBeNull();
    expect(problemsOf({ METRICS_TOKEN: 'a'.repeat(31) })[0]).toMatch(
      /^METRICS_TOKEN must be at least 32 characters, got 31/,
    );
    expect(problemsOf({ METRICS_TOKEN: `${token} ${token}` })[0]).toContain('whitespace');
  });

  it('hides /metrics in production without METRICS_TOKEN, and says so', () => {
    const production = {
      NODE_ENV: 'production',
      COMMANDS_SERVER_URL: 'http://10.0.0.5:5000',
      COOKIE_SECURE: 'true',
      DEVICE_COOKIE_SECRET: 'd'.repeat(32),
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
      DATABASE_URL: 'postgres://db.internal/netpilot',
    };
    const hidden = loadConfig(production);
    expect(hidden.operations.metricsExposed).toBe(false);
    expect(hidden.warnings.join('\n')).toContain('METRICS_TOKEN is not set: /metrics answers 404');
    const guarded = loadConfig({ ...production, METRICS_TOKEN: 'b'.repeat(40) });
    expect(guarded.operations).toMatchObject({
      metricsExposed: true,
      metricsToken: 'b'.repeat(40),
    });
    expect(guarded.warnings).toEqual([]);
    expect(loadConfig({}).operations).toMatchObject({ metricsExposed: true, docsEnabled: true });
    expect(loadConfig({}).warnings).toEqual([]);
  });

  it('turns /docs and /openapi.json off with DOCS_ENABLED=false', () => {
    expect(loadConfig({ DOCS_ENABLED: 'false' }).operations.docsEnabled).toBe(false);
    expect(problemsOf({ DOCS_ENABLED: 'maybe' })[0]).toMatch(/^DOCS_ENABLED must be true or false/);
  });

  it('refuses PGLITE_DATA_DIR=memory:// in production, and warns of the default directory there', () => {
    const production = {
      NODE_ENV: 'production',
      COMMANDS_SERVER_URL: 'http://10.0.0.5:5000',
      COOKIE_SECURE: 'true',
      DEVICE_COOKIE_SECRET: 'd'.repeat(32),
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
      METRICS_TOKEN: 'c'.repeat(32),
    };
    expect(problemsOf({ ...production, PGLITE_DATA_DIR: 'memory://' })).toEqual([
      expect.stringMatching(/^PGLITE_DATA_DIR=memory:\/\/ keeps nothing.*set DATABASE_URL/),
    ]);
    expect(loadConfig({ ...production }).warnings).toEqual([
      expect.stringMatching(/^NODE_ENV=production runs on embedded PGlite in \.\/data\/pglite/),
    ]);
    expect(loadConfig({ ...production, PGLITE_DATA_DIR: '/var/lib/netpilot' }).warnings).toEqual(
      [],
    );
    expect(
      loadConfig({ ...production, DATABASE_URL: 'postgres://db/np', PGLITE_DATA_DIR: 'memory://' })
        .warnings,
    ).toEqual([]);
    expect(loadConfig({ PGLITE_DATA_DIR: 'memory://' }).database).toMatchObject({
      kind: 'pglite',
    });
    expect(loadConfig({}).warnings).toEqual([]);
  });

  it('.env.example documents every variable', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    for (const name of Object.keys(VARIABLES)) {
      expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
    }
  });
});
