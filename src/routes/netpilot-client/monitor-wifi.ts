import type { UsagePeriod } from '../../clients/commands-server.types.js';
import { ok } from '../../http/envelope.js';
import type { Services } from '../../services/index.js';
import type { DeviceTraffic } from '../../services/usage.service.js';
import { authed, caller, withoutIdempotency, type TypeBoxApp } from '../common.js';
import {
  DeviceUsageRoute,
  GetWifiNameRoute,
  SetWifiNameRoute,
  SetWifiPasswordRoute,
  usageRoute,
} from './schemas/monitor-wifi.js';

/** The client's paths of the three periods. */
const PERIODS: [string, UsagePeriod][] = [
  ['current', 'current'],
  ['last-week', 'week'],
  ['last-month', 'month'],
];

/** A device's traffic as the client reads it: the same MiB figures, labelled "MB". */
function clientUsage(t: DeviceTraffic) {
  const { mac, ip, downloadMiB, uploadMiB, connections } = t;
  return { mac, ip, download: downloadMiB, upload: uploadMiB, connections, unit: 'MB' as const };
}

/** The client's dashboard (usage) and Wi-Fi settings. */
export function monitorWifiRoutes(app: TypeBoxApp, services: Services) {
  const { usage, wifi, routerSelection } = services;

  for (const [path, period] of PERIODS) {
    app.get(`/api/monitor/${path}`, authed(usageRoute(path, period)), async (request, reply) => {
      const { auth } = caller(request);
      const report = await usage.routerUsage(auth, request.query.routerId, period);
      return ok(request, reply, report.devices.map(clientUsage));
    });
  }

  app.get('/api/monitor/device/:mac', authed(DeviceUsageRoute), async (request, reply) => {
    const { auth } = caller(request);
    const { routerId, period = 'current' } = request.query;
    const report = await usage.deviceUsage(auth, routerId, request.params.mac, period);
    const timestamp = report.commandsServerLocalTime;
    return ok(request, reply, { ...clientUsage(report), period, timestamp });
  });

  app.get('/api/settings/wifi-name', authed(GetWifiNameRoute), async (request, reply) => {
    const { auth } = caller(request);
    const { ssid } = await wifi.status(auth, request.query.routerId);
    return ok(request, reply, { wifi_name: ssid, ssid });
  });

  app.post('/api/settings/wifi-name', authed(SetWifiNameRoute), async (request, reply) => {
    const { auth, client } = caller(request);
    const { router_id: routerId, wifi_name: name } = request.body;
    const changed = await wifi.setSsid(auth, client, routerId, name);
    return ok(request, reply, { wifi_name: changed.ssid, message: changed.message });
  });

  app.post(
    '/api/settings/wifi-password',
    // Its body holds a password: not even a hash of it may be kept (Idempotency-Key).
    withoutIdempotency(authed(SetWifiPasswordRoute)),
    async (request, reply) => {
      const { auth, client } = caller(request);
      const { password, router_id: given } = request.body;
      const routerId = given ?? (await routerSelection.current(auth));
      const changed = await wifi.setPassword(auth, client, routerId, password);
      return ok(request, reply, changed.message);
    },
  );
}
