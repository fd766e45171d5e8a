import type { FastifyBaseLogger } from 'fastify';
import type { CommandsServerHttp } from '../clients/commands-server.client.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DbHandle } from '../db/client.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { RoutersRepository } from '../repositories/routers.repository.js';
import { SessionsRepository } from '../repositories/sessions.repository.js';
import { UsersRepository } from '../repositories/users.repository.js';
import { AuthService } from './auth.service.js';
import { CommandsSessionService } from './commands-session.service.js';
import {
  LoginThrottle,
  MemoryThrottleStore,
  RedisThrottleStore,
  type ThrottleStore,
} from './login-throttle.js';
import { PasswordService } from './password.service.js';
import { RouterOperationRunner } from './router-operation.runner.js';
import { SessionSweeper } from './session-sweeper.js';

export interface ServiceDeps {
  config: Readonly<Config>;
  db: DbHandle;
  commandsServer: CommandsServerHttp;
  clock: Clock;
  log: FastifyBaseLogger;
  /** Overrides the throttle store chosen from REDIS_URL (tests share one between apps). */
  throttleStore?: ThrottleStore;
}

/** The whole object graph, built in one place. */
export function createServices(deps: ServiceDeps) {
  const { config, db, clock, log } = deps;
  const users = new UsersRepository(db.db);
  const sessions = new SessionsRepository(db.db);
  const audit = new AuditRepository(db.db);
  const routers = new RoutersRepository(db.db);

  const passwords = new PasswordService(config.argon2);
  const throttleStore =
    deps.throttleStore ??
    (config.redisUrl ? new RedisThrottleStore(config.redisUrl) : new MemoryThrottleStore());
  const throttle = new LoginThrottle(throttleStore, config.loginThrottle);
  const commandsSessions = new CommandsSessionService(
    deps.commandsServer,
    sessions,
    clock,
    log.child({ component: 'commands-session' }),
  );
  const auth = new AuthService({
    users,
    sessions,
    audit,
    passwords,
    throttle,
    commandsSessions,
    firstRouterOf: (userId) => routers.firstRouterIdOf(userId),
    clock,
    policy: {
      idleTimeoutMs: config.sessions.idleTimeoutMs,
      absoluteLifetimeMs: config.sessions.absoluteLifetimeMs,
    },
  });
  const runner = new RouterOperationRunner({ db: db.db, routers, audit, commandsSessions, clock });
  const sweeper = new SessionSweeper(
    sessions,
    commandsSessions,
    clock,
    log.child({ component: 'sweeper' }),
    {
      intervalMs: config.sessions.sweepIntervalMs,
      retentionMs: config.sessions.retentionMs,
      leaseMs: config.commandsServer.timeoutMs + 30_000,
    },
  );

  return {
    repositories: { users, sessions, audit, routers },
    passwords,
    throttle,
    commandsSessions,
    auth,
    runner,
    sweeper,
    /** Stops background work and releases what the services hold. */
    async close() {
      await sweeper.stop();
      await commandsSessions.drain();
      await throttle.close();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
