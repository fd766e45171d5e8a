import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { CommandsServerHttp } from '../clients/commands-server.http.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DbHandle } from '../db/client.js';
import { AccessListsRepository } from '../repositories/access-lists.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { BlockedDevicesRepository } from '../repositories/blocked-devices.repository.js';
import { DevicesRepository } from '../repositories/devices.repository.js';
import { InvitationsRepository } from '../repositories/invitations.repository.js';
import { RouterSettingsRepository } from '../repositories/router-settings.repository.js';
import { RoutersRepository } from '../repositories/routers.repository.js';
import { CommandsSessionStateRepository } from '../repositories/commands-session-state.repository.js';
import { LoginSessionsRepository } from '../repositories/login-sessions.repository.js';
import { UsersRepository } from '../repositories/users.repository.js';
import { AccessListsService } from './access-lists.service.js';
import { ActivityService } from './activity.service.js';
import { createAuthServices } from './auth/index.js';
import { BlockingService } from './blocking.service.js';
import { CommandsSessionService } from './commands-session.service.js';
import { DevicesService } from './devices.service.js';
import { PasswordWorkQueue } from './password-work.queue.js';
import { DeviceCookies } from './throttle/device-cookie.js';
import { LoginThrottle } from './throttle/login-throttle.js';
import { RedisThrottleStore } from './throttle/redis-store.js';
import { MemoryThrottleStore, type ThrottleStore } from './throttle/store.js';
import { InvitationsService } from './invitations.service.js';
import { ListSettingsService } from './list-settings.service.js';
import { PasswordService } from './password.service.js';
import { RouterMembersService } from './router-members.service.js';
import { RouterAccessPolicy } from './router-access.js';
import { RouterAudit } from './router-audit.js';
import { RouterOperationRunner } from './router-operation.runner.js';
import { RoutersService } from './routers.service.js';
import { SessionSweeper } from './session-sweeper.job.js';
import { UsageService } from './usage.service.js';
import { WifiService } from './wifi.service.js';

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
  const sessions = new LoginSessionsRepository(db.db);
  const sessionState = new CommandsSessionStateRepository(db.db);
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
    sessionState,
    clock,
    log.child({ component: 'commands-session' }),
  );
  const auth = createAuthServices({
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
  const access = new RouterAccessPolicy(routers);
  const routerAudit = new RouterAudit({ audit, clock, log: log.child({ component: 'audit' }) });
  const runner = new RouterOperationRunner({ db: db.db, audit: routerAudit, commandsSessions });
  const devices = new DevicesRepository(db.db);
  const blockedDevices = new BlockedDevicesRepository(db.db);
  const routerAdmin = {
    routers: new RoutersService({ db: db.db, routers, access, runner, routerAudit }),
    members: new RouterMembersService({ db: db.db, routers, access, routerAudit }),
    invitations: new InvitationsService({
      db: db.db,
      invitations: new InvitationsRepository(db.db),
      routers,
      access,
      routerAudit,
      clock,
      ttlMs: config.invitationTtlMs,
    }),
    activity: new ActivityService({ audit, access }),
    devices: new DevicesService({
      db: db.db,
      access,
      runner,
      routerAudit,
      routers,
      devices,
      clock,
      scanMinIntervalMs: config.scanMinIntervalMs,
    }),
    blocking: new BlockingService({ access, runner, blocked: blockedDevices }),
  };
  const accessLists = new AccessListsRepository(db.db);
  const routerSettings = new RouterSettingsRepository(db.db);
  const lists = new AccessListsService({ access, runner, lists: accessLists });
  const listSettings = new ListSettingsService({ access, runner, settings: routerSettings });
  const wifi = new WifiService({ access, runner });
  const usage = new UsageService({ access, runner });
  const sweeper = new SessionSweeper(
    sessionState,
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
    access,
    routerAudit,
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
