import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';

const KEY_FILE = 'data-encryption.key';

/**
 * The key of SecretBox. Production requires DATA_ENCRYPTION_KEY (config-rules.ts).
 * In development without it: with PGlite on disk, a key generated once and kept
 * in a file beside the data directory (mode 0600), so restarts can still read the
 * secrets; with PGlite in memory, a random key for this process (its data dies
 * with it anyway). Either way a loud log line says so.
 */
export function resolveDataKey(config: Readonly<Config>, log: FastifyBaseLogger): Buffer {
  if (config.dataEncryptionKey !== null) {
    return Buffer.from(config.dataEncryptionKey, 'base64');
  }
  const { database } = config;
  if (database.kind === 'pglite' && database.dataDir.startsWith('memory://')) {
    log.warn(
      'DATA_ENCRYPTION_KEY is not set: two-factor secrets are encrypted with a random key that lives only as long as this process (fine for an in-memory database)',
    );
    return randomBytes(32);
  }
  const dataDir = database.kind === 'pglite' ? database.dataDir : './data/postgres';
  const file = resolve(join(dirname(resolve(dataDir)), KEY_FILE));
  const key = readOrCreate(file);
  log.warn(
    { keyFile: file },
    'DATA_ENCRYPTION_KEY is not set: using the development key kept in this file. Whoever has the file and a database dump can read the two-factor secrets; set DATA_ENCRYPTION_KEY in production',
  );
  return key;
}

function readOrCreate(file: string): Buffer {
  try {
    return decode(readFileSync(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw err;
    }
  }
  mkdirSync(dirname(file), { recursive: true });
  try {
    // 'wx': when two processes start at once, one writes and the other reads its key.
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw err;
    }
  }
  return decode(readFileSync(file, 'utf8'), file);
}

function decode(text: string, file: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) {
    throw new Error(`${file} does not hold a 32-byte base64 key; remove it to generate a new one`);
  }
  return key;
}
