/**
 * `npm run docs:errors`: renders docs/errors.md from src/errors.ts (ERROR_CODES
 * and ERROR_DESCRIPTIONS). With `--check` it writes nothing and fails when the
 * committed file differs, as CI runs it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, ERROR_DESCRIPTIONS, type ErrorCode } from '../src/errors.js';

const target = fileURLToPath(new URL('../docs/errors.md', import.meta.url));

function render(): string {
  const codes = (Object.keys(ERROR_CODES) as ErrorCode[]).sort(
    (a, b) => ERROR_CODES[a] - ERROR_CODES[b] || a.localeCompare(b),
  );
  const rows = codes.map(
    (code) => `| \`${code}\` | ${ERROR_CODES[code]} | ${ERROR_DESCRIPTIONS[code]} |`,
  );
  return [
    '# Error codes',
    '',
    '<!-- Generated from src/errors.ts by `npm run docs:errors`; do not edit by hand. -->',
    '',
    'Every error answer is the envelope `{success: false, data: null, error: {code, message, details}, metadata}`.',
    'Codes are stable: a client branches on `error.code`, never on the message. Each operation of the',
    'OpenAPI document (`/openapi.json`) lists the codes it answers in `x-error-codes`; the document',
    'carries this catalogue too, as the top-level `x-error-codes`. Any route may also answer',
    '`INTERNAL_ERROR`, `DATABASE_UNAVAILABLE` and the routing and HTTP errors (`NOT_FOUND`,',
    '`METHOD_NOT_ALLOWED`, `MALFORMED_REQUEST`, `REQUEST_TIMEOUT`, `HEADERS_TOO_LARGE`).',
    '',
    '| code | status | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

const expected = render();
if (process.argv.includes('--check')) {
  const actual = await readFile(target, 'utf8').catch(() => '');
  if (actual !== expected) {
    console.error('docs/errors.md is out of date with src/errors.ts: run `npm run docs:errors`.');
    process.exit(1);
  }
  console.log('docs/errors.md is up to date.');
} else {
  await writeFile(target, expected);
  console.log(`Wrote ${target}.`);
}
