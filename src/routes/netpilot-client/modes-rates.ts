import { ok } from '../../http/envelope.js';
import type { Services } from '../../services/index.js';
import { authed, caller, type TypeBoxApp } from '../common.js';
import { LIST_NAMES } from '../lists/schemas.js';
import { getModeRoute, getRateRoute, setModeRoute, setRateRoute } from './schemas/network.js';

/** The client's modes (on with POST, off with DELETE) and limited rates, per list. */
export function modeRateRoutes(app: TypeBoxApp, services: Services) {
  const settings = services.listSettings;
  for (const list of LIST_NAMES) {
    const path = `/api/${list}`;

    app.get(`${path}/mode`, authed(getModeRoute(list)), async (request, reply) => {
      const { auth } = caller(request);
      const { active, activeMode } = await settings.getMode(auth, request.query.routerId, list);
      return ok(request, reply, { active, activeMode });
    });

    for (const [method, active] of [
      ['POST', true],
      ['DELETE', false],
    ] as const) {
      app.route({
        method,
        url: `${path}/mode`,
        ...authed(setModeRoute(list, active)),
        handler: async (request, reply) => {
          const { auth, client } = caller(request);
          const { routerId } = request.query;
          const state = await settings.setMode(auth, client, routerId, list, active);
          const { activeMode, changed } = state;
          return ok(request, reply, { active: state.active, activeMode, changed });
        },
      });
    }

    app.get(`${path}/limit-rate`, authed(getRateRoute(list)), async (request, reply) => {
      const { auth } = caller(request);
      const rates = await settings.getRates(auth, request.query.routerId, list);
      return ok(request, reply, rates.limitedMbps);
    });

    app.post(`${path}/limit-rate`, authed(setRateRoute(list)), async (request, reply) => {
      const { auth, client } = caller(request);
      const { routerId } = request.query;
      const limitedMbps = request.body.rate;
      const rates = await settings.setRates(auth, client, routerId, list, { limitedMbps });
      return ok(request, reply, { rate_mbps: rates.limitedMbps });
    });
  }
}
