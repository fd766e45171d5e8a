/** Failure mappings shared by the route handlers. */
import type { HandlerContext } from '../core.js';
import { commandFailed, ok, type SimResponse } from '../envelope.js';
import { CommandError, type RouterSim } from '../router-sim.js';
import { PortManagerError } from '../routers.js';

/**
 * The common service pattern: connect, run, answer `data`; port-manager misses and
 * service errors come back as COMMAND_FAILED with their text (§1.0). Anything else
 * escapes as an uncaught exception (HTML 500).
 */
export function runCommand(
  ctx: HandlerContext,
  action: (router: RouterSim) => unknown,
): SimResponse {
  try {
    return ok(action(ctx.connect()));
  } catch (error) {
    if (error instanceof PortManagerError || error instanceof CommandError) {
      return commandFailed(error.message);
    }
    throw error;
  }
}
