/**
 * The whitelist and blacklist blueprints (§1.2.5; rows 22–35). Both are built from one
 * factory; they differ in the rate storage form and in how exceptions are mapped.
 */
import type { HandlerContext, RouteDef } from '../core.js';
import { commandFailed, fail, ok, type SimResponse } from '../envelope.js';
import { HtmlError } from '../html.js';
import { isTruthy, pyFloat } from '../python.js';
import { readJsonObject } from '../request.js';
import { CommandError, type ListKind, type RateKind, type RouterSim } from '../router-sim.js';
import { PortManagerError } from '../routers.js';

/**
 * IPv4 dotted quad as the real regex checks it: leading zeros accepted, and Python's
 * `$` also matches before one trailing newline, so `"10.0.0.1\n"` slips through (§5.7).
 */
const OCTET = '(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)';
export const IPV4_PATTERN = new RegExp(`^(?:${OCTET}\\.){3}${OCTET}\\n?$`);

/**
 * Rate and mode routes catch exceptions, unlike GET/add/remove. The whitelist maps a
 * connection RuntimeError (a port-manager miss) to 503 and anything else to 500; the
 * blacklist maps everything to 500 UNEXPECTED_SERVER_ERROR (§1.2.5).
 */
async function guarded(
  kind: ListKind,
  ctx: HandlerContext,
  action: (r: RouterSim) => unknown,
): Promise<SimResponse> {
  try {
    const router = ctx.connect();
    return ok(await router.rewriteStateFile(() => action(router)));
  } catch (error) {
    if (error instanceof CommandError) {
      return commandFailed(error.message);
    }
    const message = error instanceof Error ? error.message : String(error);
    if (kind === 'whitelist' && error instanceof PortManagerError) {
      return fail(503, 'TUNNEL_OR_ROUTER_UNAVAILABLE', message);
    }
    return fail(500, 'UNEXPECTED_SERVER_ERROR', message);
  }
}

/** GET, add and remove catch nothing: a port-manager miss is an HTML 500. */
function listIp(ctx: HandlerContext): string | SimResponse {
  const ip = readJsonObject(ctx.req).ip;
  if (!isTruthy(ip)) {
    return fail(400, 'BAD_REQUEST', 'IP address is required');
  }
  if (typeof ip !== 'string') {
    // re.match() on a non-string raises TypeError, uncaught.
    throw new HtmlError(500);
  }
  if (!IPV4_PATTERN.test(ip)) {
    return commandFailed('Invalid IP address format.');
  }
  return ip;
}

function rateRoute(kind: ListKind, which: RateKind): RouteDef {
  return {
    method: 'POST',
    path: `/api/${kind}/${which === 'full' ? 'full-rate' : 'limit-rate'}`,
    handler: (ctx) => {
      const rate = readJsonObject(ctx.req).rate;
      // Missing, 0, "" and false are all "missing".
      if (!isTruthy(rate)) {
        return fail(400, 'BAD_REQUEST', 'Rate is required');
      }
      // float() semantics: "nan" and "inf" pass (NaN <= 0 is false), "1024kbit" fails.
      const mbps = pyFloat(rate);
      if (mbps === undefined || mbps <= 0) {
        return commandFailed('Rate must be a positive number (Mbps)');
      }
      return guarded(kind, ctx, (router) => {
        router.setRate(kind, which, mbps);
        // Echoed exactly as sent: number or string.
        return { rate_mbps: rate };
      });
    },
  };
}

export function listRoutes(kind: ListKind): RouteDef[] {
  return [
    {
      method: 'GET',
      // Rule with a trailing slash: the bare form gets a 308 from the router (§2.2).
      path: `/api/${kind}/`,
      handler: (ctx) => ok([...ctx.connect().state.devices[kind]]),
    },
    {
      method: 'POST',
      path: `/api/${kind}/add`,
      handler: async (ctx) => {
        const ip = listIp(ctx);
        if (typeof ip !== 'string') {
          return ip;
        }
        const router = ctx.connect();
        return ok(await router.rewriteStateFile(() => router.addToList(kind, ip)));
      },
    },
    {
      method: 'POST',
      path: `/api/${kind}/remove`,
      handler: async (ctx) => {
        const ip = listIp(ctx);
        if (typeof ip !== 'string') {
          return ip;
        }
        const router = ctx.connect();
        return ok(await router.rewriteStateFile(() => router.removeFromList(kind, ip)));
      },
    },
    rateRoute(kind, 'limited'),
    rateRoute(kind, 'full'),
    {
      method: 'POST',
      path: `/api/${kind}/mode`,
      handler: (ctx) => guarded(kind, ctx, (router) => router.activateMode(kind)),
    },
    {
      method: 'DELETE',
      path: `/api/${kind}/mode`,
      handler: (ctx) => guarded(kind, ctx, (router) => router.deactivateMode(kind)),
    },
  ];
}
