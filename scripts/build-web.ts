/**
 * `npm run build:web [-- --if-stale]`: builds the web console (Vite) into web/dist,
 * which the server serves at '/'. `npm start` runs it with --if-stale first: the
 * build is skipped when web/dist was built from exactly these sources (a hash of
 * web/, the lock file and this script, kept in web/dist/.build-hash), so a fresh
 * clone or a `git pull` rebuilds and a plain restart does not.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

const WEB = 'web';
const STAMP = join(WEB, 'dist', '.build-hash');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((e) => !['dist', 'node_modules'].includes(e.name))
      .map(async (e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)])),
  );
  return nested.flat();
}

async function sourceHash(): Promise<string> {
  const files = [...(await filesUnder(WEB)), 'package-lock.json', 'scripts/build-web.ts'].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash
      .update(relative('.', file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  return hash.digest('hex');
}

const hash = await sourceHash();
if (process.argv.includes('--if-stale')) {
  const built = await readFile(STAMP, 'utf8').catch(() => '');
  if (built.trim() === hash) {
    process.exit(0);
  }
  console.log('Building the web console (web/dist)…');
}
// Imported only when a build is due: a deployment without devDependencies (Vite)
// starts from its built web/dist without ever loading it.
const { build } = await import('vite');
await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
await writeFile(STAMP, `${hash}\n`);
console.log('Web console built into web/dist.');
