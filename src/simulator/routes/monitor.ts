/** The monitor blueprint, `/api/monitor` (§1.2.6; rows 36–39). */
import type { RouteDef } from '../core.js';
import { commandFailed } from '../envelope.js';
import { isoformatLocal } from '../python.js';
import { deviceUsage, USAGE_PERIODS, usageList, type UsagePeriod } from '../usage.js';
import { runCommand } from './helpers.js';

function isPeriod(value: string): value is UsagePeriod {
  return (USAGE_PERIODS as readonly string[]).includes(value);
}

export const monitorRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/api/monitor/current',
    handler: (ctx) => runCommand(ctx, (router) => usageList(router, 'current')),
  },
  {
    method: 'GET',
    path: '/api/monitor/last-week',
    handler: (ctx) => runCommand(ctx, (router) => usageList(router, 'week')),
  },
  {
    method: 'GET',
    path: '/api/monitor/last-month',
    handler: (ctx) => runCommand(ctx, (router) => usageList(router, 'month')),
  },
  {
    method: 'GET',
    path: '/api/monitor/device/<mac>',
    handler: (ctx) => {
      const mac = (ctx.params.mac ?? '').toLowerCase();
      const period = ctx.req.query.get('period') ?? 'current';
      // A bad period is a service error: 500 COMMAND_FAILED, not 400 (§1.2.6).
      if (!isPeriod(period)) {
        return commandFailed(
          `Invalid period '${period}'. Must be one of: ${USAGE_PERIODS.join(', ')}`,
        );
      }
      return runCommand(ctx, (router) => ({
        ...deviceUsage(router, mac, period),
        period,
        timestamp: isoformatLocal(ctx.core.options.now()),
      }));
    },
  },
];
