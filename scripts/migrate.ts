/** `npm run db:migrate`: applies the committed migrations to the configured database. */
import dotenv from 'dotenv';
import { ConfigError, loadConfig } from '../src/config.js';
import { createDb } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';

dotenv.config({ quiet: true });

try {
  const config = loadConfig(process.env);
  const db = await createDb(config.database);
  try {
    await runMigrations(db);
    console.log(
      `Migrations applied to ${config.database.kind === 'pglite' ? `PGlite at ${config.database.dataDir}` : 'PostgreSQL'}.`,
    );
  } finally {
    await db.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
