import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { CommandsServerHttp } from '../clients/commands-server.http.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DbHandle } from '../db/client.js';
import type { Metrics } from '../metrics.js';
import { AccessListsRepository } from '../repositories/access-lists.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { BlockedDevicesRepository } from '../repositories/blocked-devices.repository.js';
import { DevicesRepository } from '../repositories/devices.repository.js';
import { InvitationsRepository } from '../repositories/invitations.repository.js';
import { RouterSettingsRepository } from '../repositories/router-settings.repository.js';
import { RoutersRepository } from '../repositories/routers.repository.js';
import { SessionsRepository } from '../repositories/sessions.repository.js';
import { UsersRepository } from '../repositories/users.repository.js';
import { AccessListsService } from './access-lists.service.js';
import { ActivityService } from './activity.service.js';
import { AuthService } from './auth.service.js';
import { BlockingService } from './blocking.service.js';
import { CommandsSessionService } from './commands-session.service.js';
import { DevicesService } from './devices.service.js';
import { PasswordWorkQueue } from './password-work-queue.js';
import { DeviceCookies } from './throttle/device-cookie.js';
import { LoginThrottle } from './throttle/login-throttle.js';
import { RedisThrottleStore } from './throttle/redis-store.js';
import { MemoryThrottleStore, type ThrottleStore } from './throttle/store.js';
import { InvitationsService } from './invitations.service.js';
import { ListSettingsService } from './list-settings.service.js';
import { PasswordService } from './password.service.js';
import { RouterMembersService } from './router-members.service.js';
import { RouterOperationRunner } from './router-operation.runner.js';
import { RoutersService } from './routers.service.js';
import { SessionSweeper } from './session-sweeper.js';
import { UsageService } from './usage.service.js';
import { WifiService } from './wifi.service.js';

export interface ServiceDeps {
  config: Readonly<Config>;
  db: DbHandle;
  commandsServer: CommandsServerHttp;
  clock: Clock;
  log: FastifyBaseLogger;
  /** The app's metrics registry (e.g. `auditWriteFailed`); one per app, built in app.ts. */
  metrics: Metrics;
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
  // One core for the event loop, the others for argon2 (see PasswordWorkQueue).
  const passwordWork = new PasswordWorkQueue({
    concurrency: Math.max(1, availableParallelism() - 1),
    maxWaiting: config.argon2.queueMax,
  });
  const deviceCookies = new DeviceCookies(
    config.deviceCookieSecret === null
      ? randomBytes(32)
      : Buffer.from(config.deviceCookieSecret, 'utf8'),
  );
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
    passwordWork,
    throttle,
    deviceCookies,
    commandsSessions,
    firstRouterOf: (userId) => routers.firstRouterIdOf(userId),
    clock,
    policy: {
      idleTimeoutMs: config.sessions.idleTimeoutMs,
      absoluteLifetimeMs: config.sessions.absoluteLifetimeMs,
    },
  });
  const runner = new RouterOperationRunner({ db: db.db, routers, audit, commandsSessions, clock });
  const devices = new DevicesRepository(db.db);
  const blockedDevices = new BlockedDevicesRepository(db.db);
  const routerAdmin = {
    routers: new RoutersService({ db: db.db, routers, audit, runner, commandsSessions, clock }),
    members: new RouterMembersService({ db: db.db, routers, audit, runner }),
    invitations: new InvitationsService({
      db: db.db,
      invitations: new InvitationsRepository(db.db),
      routers,
      audit,
      runner,
      clock,
      ttlMs: config.invitationTtlMs,
    }),
    activity: new ActivityService({ audit, runner }),
    devices: new DevicesService({
      db: db.db,
      runner,
      routers,
      devices,
      audit,
      clock,
      scanMinIntervalMs: config.scanMinIntervalMs,
    }),
    blocking: new BlockingService({ runner, blocked: blockedDevices }),
  };
  const accessLists = new AccessListsRepository(db.db);
  const routerSettings = new RouterSettingsRepository(db.db);
  const lists = new AccessListsService({ runner, lists: accessLists });
  const listSettings = new ListSettingsService({ runner, settings: routerSettings });
  const wifi = new WifiService({ runner, commandsSessions });
  const usage = new UsageService({ runner, commandsSessions });
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
    repositories: { users, sessions, audit, routers, accessLists, routerSettings },
    passwords,
    passwordWork,
    throttle,
    commandsSessions,
    auth,
    runner,
    ...routerAdmin,
    lists,
    listSettings,
    wifi,
    usage,
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
