import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { ok } from '../../http/envelope.js';
import { HealthRoute, ReadyRoute } from './schemas.js';

export interface HealthRoutesOptions {
  pingDatabase(): Promise<void>;
  /** Reports the Commands-Server's own /health; null when it is not configured. */
  pingCommandsServer(): Promise<void>;
}

const READY_TIMEOUT_MS = 2_000;

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** Liveness (no dependencies) and readiness (the database answers; the Commands-Server is reported). */
export default async function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions) {
  app.get('/health', { schema: HealthRoute }, async (request, reply) =>
    ok(request, reply, { status: 'ok' as const }),
  );

  app.get('/ready', { schema: ReadyRoute }, async (request, reply) => {
    const [database, commandsServer] = await Promise.allSettled([
      withTimeout(options.pingDatabase(), READY_TIMEOUT_MS),
      withTimeout(options.pingCommandsServer(), READY_TIMEOUT_MS),
    ]);
    if (database.status === 'rejected') {
      throw new AppError('DATABASE_UNAVAILABLE', 'The database does not answer', {
        cause: database.reason,
      });
    }
    return ok(request, reply, {
      database: 'ok' as const,
      commandsServer:
        commandsServer.status === 'fulfilled' ? ('ok' as const) : ('unavailable' as const),
    });
  });
}
