/** The health blueprint, mounted at the root (§1.2.1, rows 1–6). */
import type { HandlerContext, RouteDef } from '../core.js';
import { fail, ok, type SimResponse } from '../envelope.js';
import { HtmlError } from '../html.js';
import { deviceChainsReport, infrastructureReport, modeActivationReport } from '../reports.js';
import type { RouterSim } from '../router-sim.js';

/** Every validation route catches everything and answers its own `_FAILED` code. */
function validation(
  ctx: HandlerContext,
  code: string,
  message: (error: unknown) => string,
  report: (router: RouterSim) => unknown,
): SimResponse {
  try {
    return ok(report(ctx.connect()));
  } catch (error) {
    return fail(500, code, message(error));
  }
}

function detail(prefix: string): (error: unknown) => string {
  return (error) => `${prefix}: ${error instanceof Error ? error.message : String(error)}`;
}

export const healthRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/health',
    guard: 'exempt',
    handler: () => ok({ message: 'Server is healthy' }),
  },
  {
    method: 'GET',
    path: '/infrastructure',
    // Any exception, including an unknown router, gives a generic message: the detail
    // is lost (§1.2.1).
    handler: (ctx) =>
      validation(
        ctx,
        'INFRA_VALIDATION_FAILED',
        () => 'Infrastructure validation failed',
        infrastructureReport,
      ),
  },
  {
    method: 'GET',
    path: '/device-chains',
    handler: (ctx) =>
      validation(
        ctx,
        'DEVICE_CHAINS_VALIDATION_FAILED',
        detail('Device chains validation failed'),
        deviceChainsReport,
      ),
  },
  {
    method: 'POST',
    path: '/rebuild-chains',
    // The handler imports a function router_setup_service does not define, outside its
    // try block: always an uncaught exception (§1.2.1).
    handler: () => {
      throw new HtmlError(500);
    },
  },
  {
    method: 'GET',
    path: '/mode-activation',
    handler: (ctx) =>
      validation(
        ctx,
        'MODE_ACTIVATION_VALIDATION_FAILED',
        detail('Mode activation validation failed'),
        modeActivationReport,
      ),
  },
  {
    method: 'POST',
    path: '/deactivate-all-modes',
    handler: (ctx) =>
      validation(ctx, 'MODE_DEACTIVATION_FAILED', detail('Mode deactivation failed'), (router) => {
        // Leaves `active_mode` stale in the state file (§1.2.1, §5.9).
        router.deactivateAllModes();
        return { message: 'All modes deactivated successfully', details: null };
      }),
  },
];
