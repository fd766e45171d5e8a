import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { resolveDataKey } from './data-key.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) {
    rmSync(d, { recursive: true, force: true });
  }
});

function logs() {
  const lines: string[] = [];
  const log = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });
  return { log, lines };
}

const config = (env: Record<string, string>) =>
  loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', ...env });

describe('resolveDataKey', () => {
  it('uses DATA_ENCRYPTION_KEY when set, and says nothing', () => {
    const key = randomBytes(32);
    const { log, lines } = logs();
    const got = resolveDataKey(config({ DATA_ENCRYPTION_KEY: key.toString('base64') }), log);
    expect(got.equals(key)).toBe(true);
    expect(lines).toEqual([]);
  });

  it('in development keeps one generated key beside the PGlite data, mode 0600, loudly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpilot-key-'));
    dirs.push(dir);
    const { log, lines } = logs();
    const env = { PGLITE_DATA_DIR: join(dir, 'pglite') };
    const first = resolveDataKey(config(env), log);
    const second = resolveDataKey(config(env), log);
    expect(first.equals(second)).toBe(true);
    const file = join(dir, 'data-encryption.key');
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(lines.join('\n')).toMatch(/DATA_ENCRYPTION_KEY is not set/);
  });

  it('refuses a damaged key file instead of silently making a new key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpilot-key-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'data-encryption.key'), 'short\n');
    const { log } = logs();
    expect(() => resolveDataKey(config({ PGLITE_DATA_DIR: join(dir, 'pglite') }), log)).toThrow(
      /does not hold a 32-byte base64 key/,
    );
  });
});
