import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { CommandsServerHttp } from '../clients/commands-server.http.js';
import { OidcProviderClient } from '../clients/oidc-provider.client.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DbHandle } from '../db/client.js';
import type { Metrics } from '../metrics.js';
import { AccessListsRepository } from '../repositories/access-lists.repository.js';
import { IdempotencyKeysRepository } from '../repositories/idempotency-keys.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { BlockedDevicesRepository } from '../repositories/blocked-devices.repository.js';
import { DevicesRepository } from '../repositories/devices.repository.js';
import { InvitationsRepository } from '../repositories/invitations.repository.js';
import { OperationsRepository } from '../repositories/operations.repository.js';
import { RouterSettingsRepository } from '../repositories/router-settings.repository.js';
import { RoutersRepository } from '../repositories/routers.repository.js';
import { CommandsSessionStateRepository } from '../repositories/commands-session-state.repository.js';
import { LoginSessionsRepository } from '../repositories/login-sessions.repository.js';
import { TwoFactorRepository } from '../repositories/two-factor.repository.js';
import { IdentitiesRepository, OidcFlowsRepository } from '../repositories/oidc.repository.js';
import { UsersRepository } from '../repositories/users.repository.js';
import { RouterSelectionsRepository } from '../repositories/router-selections.repository.js';
import { AccessListsService } from './access-lists.service.js';
import { DriftService } from './drift.service.js';
import { IdempotencyService } from './idempotency.service.js';
import { ActivityService } from './activity.service.js';
import { resolveDataKey } from './auth/data-key.js';
import { createAuthServices } from './auth/index.js';
import { SecretBox } from './auth/secret-box.js';
import { ReturnTargets } from './auth/return-to.js';
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
import { OperationsService } from './operations.service.js';
import { PasswordService } from './password.service.js';
import { RouterMembersService } from './router-members.service.js';
import { RouterAccessPolicy } from './router-access.policy.js';
import { RouterAudit } from './router-audit.js';
import { RouterOperationRunner } from './router-operation.runner.js';
import { RoutersService } from './routers.service.js';
import { RouterSelectionService } from './router-selection.service.js';
import { SessionSweeper, type Cleanup } from './session-sweeper.job.js';
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

type Repositories = ReturnType<typeof createRepositories>;

function createRepositories(db: DbHandle['db']) {
  return {
    users: new UsersRepository(db),
    sessions: new LoginSessionsRepository(db),
    sessionState: new CommandsSessionStateRepository(db),
    audit: new AuditRepository(db),
    routers: new RoutersRepository(db),
    devices: new DevicesRepository(db),
    blockedDevices: new BlockedDevicesRepository(db),
    invitations: new InvitationsRepository(db),
    accessLists: new AccessListsRepository(db),
    routerSettings: new RouterSettingsRepository(db),
    twoFactor: new TwoFactorRepository(db),
    operations: new OperationsRepository(db),
    idempotencyKeys: new IdempotencyKeysRepository(db),
    oidcFlows: new OidcFlowsRepository(db),
    identities: new IdentitiesRepository(db),
    routerSelections: new RouterSelectionsRepository(db),
  };
}

/** The callback path the provider sends browsers back to (registered there as PUBLIC_URL + this). */
export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';

/** OpenID sign-in's parts: the provider client (when configured) and where browsers may return. */
function oidcDeps(config: Readonly<Config>, repos: Repositories) {
  return {
    config: config.oidc,
    provider:
      config.oidc === null
        ? null
        : new OidcProviderClient(config.oidc, `${config.publicUrl}${OIDC_CALLBACK_PATH}`),
    flows: repos.oidcFlows,
    identities: repos.identities,
    returnTargets: new ReturnTargets(config),
  };
}

/** Password hashing and what protects it: the login throttle, the argon2 queue, device cookies. */
function createPasswordProtection(deps: ServiceDeps) {
  const { config } = deps;
  const throttleStore =
    deps.throttleStore ??
    (config.redisUrl ? new RedisThrottleStore(config.redisUrl) : new MemoryThrottleStore());
  return {
    passwords: new PasswordService(config.argon2),
    throttle: new LoginThrottle(throttleStore, config.loginThrottle),
    // One core for the event loop, the others for argon2 (see PasswordWorkQueue).
    passwordWork: new PasswordWorkQueue({
      concurrency: Math.max(1, availableParallelism() - 1),
      maxWaiting: config.argon2.queueMax,
    }),
    deviceCookies: new DeviceCookies(
      config.deviceCookieSecret === null
        ? randomBytes(32)
        : Buffer.from(config.deviceCookieSecret, 'utf8'),
    ),
  };
}

/** Long operations clients can watch (a scan), shared by the server instances. */
function createOperations(deps: ServiceDeps, repos: Repositories, access: RouterAccessPolicy) {
  const { config, clock, log } = deps;
  return new OperationsService({
    db: deps.db.db,
    operations: repos.operations,
    access,
    clock,
    log: log.child({ component: 'operations' }),
    // A scan may start the Commands-Server session first, each bounded by the scan
    // timeout; past both and a margin, its process has died.
    staleAfterMs: 2 * config.commandsServer.scanTimeoutMs + 30_000,
  });
}

/** The audit helper every router service records through. */
function createRouterAudit(deps: ServiceDeps, repos: Repositories) {
  const { clock, log, metrics } = deps;
  return new RouterAudit({
    audit: repos.audit,
    clock,
    log: log.child({ component: 'audit' }),
    metrics,
  });
}

/**
 * Everything about routers: who may touch one (access), the audit trail, the
 * operation runner, and the services built on them.
 */
function createRouterServices(
  deps: ServiceDeps,
  repos: Repositories,
  commandsSessions: CommandsSessionService,
) {
  const { config, clock } = deps;
  const db = deps.db.db;
  const { routers, audit, devices } = repos;
  const routerAudit = createRouterAudit(deps, repos);
  const access = new RouterAccessPolicy(routers, routerAudit);
  const runner = new RouterOperationRunner({ db, audit: routerAudit, commandsSessions });
  const common = { access, runner };
  const operations = createOperations(deps, repos, access);
  const routersService = new RoutersService({ db, routers, routerAudit, ...common });
  return {
    access,
    routerAudit,
    runner,
    operations,
    routers: routersService,
    routerSelection: new RouterSelectionService(routersService, access, repos.routerSelections),
    members: new RouterMembersService({ db, routers, access, routerAudit }),
    invitations: new InvitationsService({
      db,
      invitations: repos.invitations,
      routers,
      access,
      routerAudit,
      clock,
      ttlMs: config.invitationTtlMs,
    }),
    activity: new ActivityService({ audit, access }),
    devices: new DevicesService({
      db,
      routerAudit,
      operations,
      routers,
      devices,
      clock,
      scanMinIntervalMs: config.scanMinIntervalMs,
      ...common,
    }),
    blocking: new BlockingService({ blocked: repos.blockedDevices, devices, ...common }),
    lists: new AccessListsService({ lists: repos.accessLists, ...common }),
    listSettings: new ListSettingsService({ settings: repos.routerSettings, ...common }),
    drift: new DriftService({ ...repos, ...common }),
    wifi: new WifiService(common),
    usage: new UsageService({ ...common, clock }),
  };
}

/** Background clean-up: Commands-Server sessions of ended logins, stale and old operations, expired rows. */
function createSweeper(
  deps: ServiceDeps,
  repos: Repositories,
  commandsSessions: CommandsSessionService,
  operations: OperationsService,
  idempotency: IdempotencyService,
) {
  const { config } = deps;
  const cleanups: Cleanup[] = [
    {
      name: 'login_challenges',
      // An hour past expiry: long enough to read a failed sign-in's challenge while debugging.
      run: (now) => repos.twoFactor.deleteChallengesBefore(new Date(now.getTime() - 3_600_000)),
    },
    { name: 'idempotency_keys', run: () => idempotency.deleteExpired() },
    {
      name: 'oidc_flows',
      // Kept an hour after use or expiry: a replayed callback then still reads "used".
      run: (now) => repos.oidcFlows.deleteStale(new Date(now.getTime() - 3_600_000)),
    },
  ];
  return new SessionSweeper(
    repos.sessionState,
    commandsSessions,
    deps.clock,
    deps.log.child({ component: 'sweeper' }),
    {
      intervalMs: config.sessions.sweepIntervalMs,
      retentionMs: config.sessions.retentionMs,
      leaseMs: config.commandsServer.timeoutMs + 30_000,
      cleanups,
    },
    operations,
  );
}

/** The whole object graph, built in one place. */
export function createServices(deps: ServiceDeps) {
  const { config, clock, log } = deps;
  const repos = createRepositories(deps.db.db);
  const protection = createPasswordProtection(deps);
  const commandsSessions = new CommandsSessionService(
    deps.commandsServer,
    repos.sessionState,
    clock,
    log.child({ component: 'commands-session' }),
  );
  const auth = createAuthServices({
    ...protection,
    // users, sessions, audit and twoFactor, by name
    ...repos,
    box: new SecretBox(resolveDataKey(config, log)),
    db: deps.db.db,
    oidc: oidcDeps(config, repos),
    commandsSessions,
    firstRouterOf: (userId) => repos.routers.firstRouterIdOf(userId),
    clock,
    policy: {
      idleTimeoutMs: config.sessions.idleTimeoutMs,
      absoluteLifetimeMs: config.sessions.absoluteLifetimeMs,
    },
  });
  const routerServices = createRouterServices(deps, repos, commandsSessions);
  const idempotency = new IdempotencyService(repos.idempotencyKeys, clock);
  const sweeper = createSweeper(
    deps,
    repos,
    commandsSessions,
    routerServices.operations,
    idempotency,
  );
  return {
    repositories: repos,
    ...protection,
    commandsSessions,
    auth,
    ...routerServices,
    sweeper,
    idempotency,
    /** Stops background work (operations in flight finish first) and releases what the services hold. */
    async close() {
      await sweeper.stop();
      await routerServices.operations.close();
      await commandsSessions.drain();
      await protection.throttle.close();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
