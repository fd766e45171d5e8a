/**
 * Standalone entry: `npm run simulator`. Configured by SIMULATOR_* variables (see
 * env.ts); prints the URL on one line and closes on SIGINT/SIGTERM.
 */
import { parseSimulatorEnv } from './env.js';
import { startSimulator } from './index.js';

async function main(): Promise<void> {
  const parsed = parseSimulatorEnv(process.env);
  if (!parsed.ok) {
    for (const error of parsed.errors) {
      console.error(`simulator: ${error}`);
    }
    process.exit(1);
  }
  // Long-running: keep only the latest calls, so memory stays flat.
  const simulator = await startSimulator({ maxRecordedCalls: 1000, ...parsed.options });
  console.log(`Commands-Server simulator listening on ${simulator.url}`);
  const shutdown = (): void => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(`simulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
