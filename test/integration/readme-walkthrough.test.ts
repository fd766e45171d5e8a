import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

/**
 * The README's walk-through with curl, run as pasted (issue #13): the shell block
 * under "A walk-through with curl", against the real server process started as
 * `npm start` starts it (simulated routers, a fresh in-memory database). Only the
 * address changes (a free port instead of 8080), and every curl must answer a
 * status below 400: a step whose route, body or answer shape drifted fails here.
 */

const ROOT = new URL('../../', import.meta.url).pathname;

function walkthrough(): string {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const section = readme.split('## A walk-through with curl')[1];
  const block = section ? /```sh\n([\s\S]*?)```/.exec(section)?.[1] : undefined;
  if (!block) {
    throw new Error('README.md has no ```sh block under "A walk-through with curl"');
  }
  return block;
}

// curl as the README calls it, plus the HTTP status: a status of 400 or more
// stops the script (set -e) and names the step.
const STRICT_CURL = [
  'set -euo pipefail',
  'curl() {',
  '  local out code',
  '  out=$(command curl -sS -w \'\\n%{http_code}\' "$@")',
  "  code=${out##*$'\\n'}",
  "  printf '%s\\n' \"${out%$'\\n'*}\"",
  '  if [ "$code" -ge 400 ]; then',
  '    echo "HTTP $code from: curl $*" >&2',
  '    return 1',
  '  fi',
  '}',
  '',
].join('\n');

function runShell(script: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ PGLITE_DATA_DIR: 'memory://', LOG_LEVEL: 'warn' });
}, 90_000);
afterAll(async () => {
  await server?.stop();
});

describe('the README walk-through', () => {
  it('runs as pasted against a fresh server, every step answering below 400', async () => {
    const block = walkthrough();
    expect(block).toContain('B=http://127.0.0.1:8080/api/v1');
    const script = STRICT_CURL + block.replaceAll('http://127.0.0.1:8080', server.url);
    const { code, out, err } = await runShell(script);
    expect(err, out).toBe('');
    expect(code).toBe(0);
    // The steps really did what they say (the last answers: the activity page).
    expect(out).toContain('"changed":true');
    expect(out).toContain('"operation":"network.scan"');
    expect(out).toContain('"nextCursor"');
  }, 60_000);
});
