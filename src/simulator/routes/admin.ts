/**
 * The simulator's own control routes under `/__sim/`, served only with
 * `enableAdminRoutes` (for driving a standalone simulator from another process). They
 * answer plain JSON, not the envelope, and bypass faults, latency and the call log.
 */
import { pythonJson, type SimResponse } from '../envelope.js';
import { faultSpecFromJson, type FaultRegistry } from '../faults.js';
import type { SimRequest } from '../request.js';
import type { RecordedCall, RouterStateSnapshot } from '../types.js';

export const ADMIN_PREFIX = '/__sim/';

export interface AdminTarget {
  readonly faults: FaultRegistry;
  restart(): void;
  routerState(routerId: string): RouterStateSnapshot;
  calls(): readonly RecordedCall[];
  clearCalls(): void;
}

function json(status: number, value: unknown): SimResponse {
  return {
    kind: 'raw',
    status,
    headers: { 'Content-Type': 'application/json' },
    body: pythonJson(value),
  };
}

const NO_CONTENT: SimResponse = { kind: 'raw', status: 204, headers: {}, body: '' };

function injectFault(req: SimRequest, target: AdminTarget): SimResponse {
  const body = req.parseJson();
  if (body.kind === 'invalid') {
    return json(400, { error: 'body must be JSON' });
  }
  try {
    return json(200, { id: target.faults.inject(faultSpecFromJson(body.value)) });
  } catch (error) {
    return json(400, { error: error instanceof Error ? error.message : String(error) });
  }
}

export function handleAdmin(req: SimRequest, target: AdminTarget): SimResponse {
  const rest = req.path.slice(ADMIN_PREFIX.length);
  const [resource = '', id, ...extra] = rest.split('/');
  if (extra.length > 0) {
    return json(404, { error: 'unknown admin route' });
  }
  const route = `${req.method} ${resource}${id === undefined ? '' : '/:id'}`;
  switch (route) {
    case 'POST faults':
      return injectFault(req, target);
    case 'DELETE faults':
      target.faults.clear();
      return NO_CONTENT;
    case 'DELETE faults/:id':
      target.faults.remove(id ?? '');
      return NO_CONTENT;
    case 'POST restart':
      target.restart();
      return NO_CONTENT;
    case 'GET routers/:id':
      return json(200, target.routerState(id ?? ''));
    case 'GET calls':
      return json(200, target.calls());
    case 'DELETE calls':
      target.clearCalls();
      return NO_CONTENT;
    default:
      return json(404, { error: 'unknown admin route' });
  }
}
