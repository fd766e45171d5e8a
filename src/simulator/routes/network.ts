/** The network blueprint, `/api/network` (§1.2.3; rows 11–15). */
import type { HandlerContext, RouteDef } from '../core.js';
import { fail, type SimResponse } from '../envelope.js';
import { blockDevice, listBlocked, resetRules, scanNetwork, unblockDevice } from '../firewall.js';
import { isTruthy, pyStr } from '../python.js';
import { readJsonObject } from '../request.js';
import type { RouterSim } from '../router-sim.js';
import { runCommand } from './helpers.js';

/**
 * Block and unblock only check that `ip` is truthy. It is never validated: the real
 * server pastes `str(ip)` into a shell command (§1.2.3, §5.7).
 */
function withIp(
  ctx: HandlerContext,
  action: (router: RouterSim, ip: string) => string,
): SimResponse {
  const ip = readJsonObject(ctx.req).ip;
  if (!isTruthy(ip)) {
    return fail(400, 'BAD_REQUEST', 'IP address is required');
  }
  return runCommand(ctx, (router) => action(router, pyStr(ip)));
}

export const networkRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/api/network/blocked',
    handler: (ctx) => runCommand(ctx, listBlocked),
  },
  {
    method: 'POST',
    path: '/api/network/block',
    handler: (ctx) => withIp(ctx, blockDevice),
  },
  {
    method: 'POST',
    path: '/api/network/unblock',
    handler: (ctx) =>
      withIp(ctx, (router, ip) => unblockDevice(router, ip, ctx.core.options.realUciBugs)),
  },
  {
    method: 'POST',
    path: '/api/network/reset',
    handler: (ctx) => runCommand(ctx, (router) => resetRules(router, ctx.core.options.realUciBugs)),
  },
  {
    method: 'GET',
    path: '/api/network/scan',
    handler: (ctx) => runCommand(ctx, scanNetwork),
  },
];
