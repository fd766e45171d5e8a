/** Every route of the contract's §1.1 table (39 rows), in Flask registration order. */
import type { RouteDef } from '../core.js';
import { healthRoutes } from './health.js';
import { listRoutes } from './lists.js';
import { monitorRoutes } from './monitor.js';
import { networkRoutes } from './network.js';
import { sessionRoutes } from './session.js';
import { wifiRoutes } from './wifi.js';

export const ROUTES: readonly RouteDef[] = [
  ...healthRoutes,
  ...sessionRoutes,
  ...networkRoutes,
  ...wifiRoutes,
  ...listRoutes('whitelist'),
  ...listRoutes('blacklist'),
  ...monitorRoutes,
];
