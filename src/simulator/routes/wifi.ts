/** The Wi-Fi blueprint, `/api/wifi` (§1.2.4; rows 16–21). */
import type { RouteDef } from '../core.js';
import { commandFailed, fail } from '../envelope.js';
import { HtmlError } from '../html.js';
import { isTruthy, pyInt, pyStr } from '../python.js';
import { readJsonObject } from '../request.js';
import { changePassword, enableWifi, getSsid, setSsid, wifiStatus } from '../wifi.js';
import { runCommand } from './helpers.js';

export const MIN_PASSWORD_LENGTH = 8;

export const wifiRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/api/wifi/enable',
    handler: (ctx) => runCommand(ctx, enableWifi),
  },
  {
    method: 'POST',
    path: '/api/wifi/password',
    // `interface` is ignored: every command targets radio 0.
    handler: (ctx) => {
      const password = readJsonObject(ctx.req).password;
      if (!isTruthy(password)) {
        return fail(400, 'BAD_REQUEST', 'Password is required');
      }
      if (typeof password !== 'string') {
        // len() on a number raises TypeError outside any try: HTML 500 (§1.2.4).
        throw new HtmlError(500);
      }
      if (password.length < MIN_PASSWORD_LENGTH) {
        return commandFailed(`Password must be at least ${MIN_PASSWORD_LENGTH} characters long`);
      }
      return runCommand(ctx, (router) => changePassword(router, password));
    },
  },
  {
    method: 'GET',
    path: '/api/wifi/status',
    handler: (ctx) => runCommand(ctx, wifiStatus),
  },
  {
    method: 'GET',
    path: '/api/wifi/ssid',
    // `request.args.get('interface', 0, type=int)`: unparseable → 0; negatives pass through.
    handler: (ctx) => {
      const raw = ctx.req.query.get('interface');
      const index = raw === null ? 0 : (pyInt(raw) ?? 0);
      return runCommand(ctx, (router) => getSsid(router, index));
    },
  },
  {
    method: 'POST',
    path: '/api/wifi/ssid',
    handler: (ctx) => {
      const ssid = readJsonObject(ctx.req).ssid;
      if (!isTruthy(ssid)) {
        return fail(400, 'BAD_REQUEST', 'SSID is required');
      }
      return runCommand(ctx, (router) => setSsid(router, pyStr(ssid)));
    },
  },
  {
    method: 'POST',
    path: '/api/wifi/disable',
    handler: () => fail(501, 'NOT_IMPLEMENTED', 'WiFi disable is not implemented'),
  },
];
