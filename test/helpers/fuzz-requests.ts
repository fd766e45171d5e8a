import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import {
  assertRouterId,
  normalizeMac,
  parseIpv4,
  parseRateMbps,
  parseSsid,
  parseWifiPassword,
} from '../../src/validation/router-input.js';
import type { RecordedCall } from '../../src/simulator/index.js';
import { GOOD_PASSWORD } from './build-app.js';

/**
 * Request generators for property-based fuzzing of every route in the OpenAPI
 * document, and the check that nothing unvalidated reached the Commands-Server.
 */

export interface OpenApiOperation {
  responses?: Record<string, unknown>;
  parameters?: { in: string; name: string; schema?: { enum?: unknown[] } }[];
  requestBody?: {
    content?: Record<string, { schema?: { $ref?: string; properties?: Record<string, unknown> } }>;
  };
}

export interface RouteUnderFuzz {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI template, e.g. /api/v1/routers/{routerId}/devices/{deviceId} */
  template: string;
  pathParams: string[];
  queryParams: string[];
  bodyProps: string[];
  documented: Set<number>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}

/** The properties of a request body's schema, through its `$ref` to a component. */
function bodyPropertiesOf(openapi: OpenApiDocument, op: OpenApiOperation): string[] {
  const schema = op.requestBody?.content?.['application/json']?.schema;
  const name = schema?.$ref?.replace('#/components/schemas/', '');
  const resolved = name === undefined ? schema : openapi.components?.schemas?.[name];
  return Object.keys(resolved?.properties ?? {});
}

/** Every operation of the OpenAPI document served at /openapi.json. */
export function routesOf(openapi: OpenApiDocument) {
  const routes: RouteUnderFuzz[] = [];
  for (const [template, item] of Object.entries(openapi.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = item[method];
      if (!op) {
        continue;
      }
      const params = op.parameters ?? [];
      routes.push({
        method: method.toUpperCase() as RouteUnderFuzz['method'],
        template,
        pathParams: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        bodyProps: bodyPropertiesOf(openapi, op),
        documented: new Set(Object.keys(op.responses ?? {}).map(Number)),
      });
    }
  }
  return routes;
}

/** Values that are real in this test's database, so requests get past "not found". */
export interface Fixtures {
  routerId: string;
  otherSessionId: string;
  deviceIds: string[];
  macs: string[];
  /** Open invitations: one to the fuzzing user, one on their router. */
  invitationIds: string[];
}

export type AuthMode =
  | 'bearer'
  | 'none'
  | 'garbage-bearer'
  | 'revoked-bearer'
  | 'cookie'
  | 'cookie-foreign-origin'
  | 'garbage-cookie'
  | 'basic';

export interface FuzzRequest {
  params: Record<string, string>;
  query: string;
  body: { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string };
  contentType: string | null;
  auth: AuthMode;
  remoteAddress: string;
}

// Path segments already in URL form: traversal, NUL, bad escapes, quotes,
// SQL and shell injection, unicode, lengths at and past the limits.
const NASTY_SEGMENTS = [
  '..',
  '.',
  '..%2F..%2Fhealth',
  '%2e%2e%2f%2e%2e%2f',
  '%00',
  'a%00b',
  '%',
  '%ZZ',
  '%C0%AE%C0%AE',
  '%27',
  "'",
  '%22',
  "'%20OR%20'1'%3D'1",
  '1%3B%20DROP%20TABLE%20users%3B--',
  '%24(reboot)',
  '%60id%60',
  '%5C',
  '%0A',
  '%0D%0Aset-cookie%3A%20x%3Dy',
  'null',
  'undefined',
  'true',
  '-1',
  '0',
  '1e309',
  '__proto__',
  'constructor',
  '%F0%9F%98%80',
  'caf%C3%A9',
  '%E2%80%AE',
  '%20',
  '+',
  'a'.repeat(128),
  'a'.repeat(129),
  'a'.repeat(5000),
  '00000000-0000-0000-0000-000000000000',
  '192.168.1.10',
  '192.168.001.010',
  '256.1.1.1',
  '%3A%3A1',
  'AA%3ABB%3ACC%3ADD%3AEE%3AFF',
  'aa-bb-cc-dd-ee-ff',
  'whitelist',
  'blacklist',
];

// Body values: valid, nearly valid and hostile examples of every input kind.
const VALUE_POOL: unknown[] = [
  '192.168.1.10',
  '10.0.0.1',
  '0.0.0.0',
  '255.255.255.255',
  '192.168.01.10',
  ' 192.168.1.10',
  '192.168.1.10\n',
  '192.168.1.256',
  "1.1.1.1'; reboot; '",
  '1.1.1.1\\',
  'fe80::1',
  '::ffff:192.168.1.1',
  'AA:BB:CC:DD:EE:FF',
  'aa-bb-cc-dd-ee-ff',
  'My Wi-Fi',
  'x'.repeat(32),
  'x'.repeat(33),
  'é'.repeat(16),
  'é'.repeat(17),
  'ssid\u0000',
  'ssid\u202e',
  "it's",
  'password',
  'pässwörd1',
  'short',
  'a'.repeat(63),
  'a'.repeat(64),
  GOOD_PASSWORD,
  'a@b.co',
  'nul\u0000@example.com',
  'tab\t@example.com',
  '  spaced@example.com  ',
  'no-at-sign',
  "x' OR '1'='1",
  '"; DROP TABLE users; --',
  '$(reboot)',
  '`id`',
  '../../etc/passwd',
  '%00',
  'whitelist',
  'blacklist',
  'current',
  'week',
  'month',
  'year',
  0,
  1,
  1000,
  1001,
  -1,
  0.5,
  1e308,
  -0,
  true,
  false,
  null,
  [],
  {},
  ['192.168.1.10'],
  { $ne: null },
  { __proto__: { admin: true } },
];

const RAW_BODIES = [
  '{',
  '[1,2',
  '{"a":',
  'null',
  '""',
  '"string"',
  '1e999',
  '[]',
  'not json at all',
  '\u0000',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  '\ufeff{}',
  '{"a":1}garbage',
];

const hugeString = fc.integer({ min: 1_000, max: 80_000 }).map((n) => 'x'.repeat(n));

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...VALUE_POOL) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: hugeString },
  // PostgreSQL cannot store NUL in text: a value that reaches it unchecked fails there.
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map((v) => `${v}\u0000@example.com`) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

function bodyArb(route: RouteUnderFuzz): fc.Arbitrary<FuzzRequest['body']> {
  const keys = [...route.bodyProps, 'extra', '__proto__', 'constructor'];
  const json = (value: unknown) => ({ kind: 'json' as const, value });
  const raw = (text: string) => ({ kind: 'raw' as const, text });
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .dictionary(fc.constantFrom(...keys), scalar, { maxKeys: keys.length })
        .map(json),
    },
    // Every documented property, each with a fuzz value: gets past "missing field".
    {
      weight: 4,
      arbitrary: fc
        .tuple(...route.bodyProps.map(() => scalar))
        .map((values) => json(Object.fromEntries(route.bodyProps.map((k, i) => [k, values[i]])))),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES).map(raw) },
    // Duplicate keys: the parser keeps one of them; validation must see that one.
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...keys), scalar, scalar)
        .map(([k, a, b]) =>
          raw(
            `{${JSON.stringify(k)}:${JSON.stringify(a)},${JSON.stringify(k)}:${JSON.stringify(b)}}`,
          ),
        ),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  );
}

function paramArb(name: string, fx: Fixtures): fc.Arbitrary<string> {
  const nasty = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY_SEGMENTS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.uuid().map(String) },
  );
  const real: Record<string, string[]> = {
    routerId: [fx.routerId],
    sessionId: [fx.otherSessionId],
    deviceId: fx.deviceIds,
    invitationId: fx.invitationIds,
    mac: fx.macs,
    ip: ['192.168.1.10', '10.0.0.7'],
    list: ['whitelist', 'blacklist'],
  };
  const known = real[name] ?? [];
  return known.length > 0
    ? fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...known).map(encodeURIComponent) },
        { weight: 2, arbitrary: nasty },
      )
    : nasty;
}

function queryArb(route: RouteUnderFuzz): fc.Arbitrary<string> {
  const keys = [...route.queryParams, 'period', 'limit', 'cursor', '__proto__', 'x'];
  const pair = fc
    .tuple(
      fc.constantFrom(...keys),
      fc.oneof(
        fc.constantFrom('current', 'week', 'month', '1', '-1', '1e9', '', '%00', "'", '%27--'),
        fc.string({ maxLength: 20 }).map(encodeURIComponent),
      ),
    )
    .map(([k, v]) => `${k}=${v}`);
  return fc
    .array(pair, { maxLength: 3 })
    .map((pairs) => (pairs.length ? `?${pairs.join('&')}` : ''));
}

export function requestArb(route: RouteUnderFuzz, fx: Fixtures): fc.Arbitrary<FuzzRequest> {
  const params =
    route.pathParams.length === 0
      ? fc.constant({})
      : fc.record(Object.fromEntries(route.pathParams.map((p) => [p, paramArb(p, fx)])));
  return fc.record({
    params,
    query: queryArb(route),
    body: route.method === 'GET' ? fc.constant({ kind: 'none' as const }) : bodyArb(route),
    contentType: fc.oneof(
      { weight: 8, arbitrary: fc.constant('application/json') },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          'application/json; charset=utf-8',
          'APPLICATION/JSON',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
          'application/json; charset=utf-16',
        ),
      },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    auth: fc.oneof(
      { weight: 10, arbitrary: fc.constant<AuthMode>('bearer') },
      {
        weight: 4,
        arbitrary: fc.constantFrom<AuthMode>(
          'none',
          'garbage-bearer',
          'revoked-bearer',
          'cookie',
          'cookie-foreign-origin',
          'garbage-cookie',
          'basic',
        ),
      },
    ),
    // A fresh address per request, so login throttling by IP never blocks the fuzz.
    remoteAddress: fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
      .map(([a, b]) => `198.18.${a}.${b}`),
  });
}

const GARBAGE_TOKENS = ['x', "' OR 1=1 --", 'A'.repeat(43), 'A'.repeat(4000), '%00', 'null'];

/** The inject options of a fuzz request, authenticated as `mode` says. */
export function toInject(
  route: RouteUnderFuzz,
  req: FuzzRequest,
  tokens: { valid: string; revoked: string; cookieName: string },
): InjectOptions {
  const path = route.template.replace(/\{([^}]+)\}/g, (_m, name: string) => req.params[name] ?? '');
  const headers: Record<string, string> = {};
  const garbage = GARBAGE_TOKENS[path.length % GARBAGE_TOKENS.length]!;
  switch (req.auth) {
    case 'bearer':
      headers.authorization = `Bearer ${tokens.valid}`;
      break;
    case 'garbage-bearer':
      headers.authorization = `Bearer ${garbage}`;
      break;
    case 'revoked-bearer':
      headers.authorization = `Bearer ${tokens.revoked}`;
      break;
    case 'cookie':
      headers.cookie = `${tokens.cookieName}=${tokens.valid}`;
      headers.origin = 'http://localhost:80';
      break;
    case 'cookie-foreign-origin':
      headers.cookie = `${tokens.cookieName}=${tokens.valid}`;
      headers.origin = 'https://evil.example';
      break;
    case 'garbage-cookie':
      headers.cookie = `${tokens.cookieName}=${encodeURIComponent(garbage)}; other=%ZZ`;
      break;
    case 'basic':
      headers.authorization = 'Basic dXNlcjpwYXNz';
      break;
    case 'none':
      break;
  }
  let payload: string | undefined;
  if (req.body.kind === 'json') {
    payload = JSON.stringify(req.body.value) ?? 'null';
  } else if (req.body.kind === 'raw') {
    payload = req.body.text;
  }
  if (
    req.contentType !== null &&
    (payload !== undefined || req.contentType !== 'application/json')
  ) {
    headers['content-type'] = req.contentType;
  }
  return {
    method: route.method,
    url: `${path}${req.query}`,
    headers,
    remoteAddress: req.remoteAddress,
    ...(payload === undefined ? {} : { payload }),
  };
}

function passes(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PERIODS = new Set(['current', 'week', 'month']);

/**
 * Values of a Commands-Server call that the validators of SPEC §6 would refuse:
 * each one is a value that reached the router without being checked.
 */
export function unvalidatedValues(call: RecordedCall): string[] {
  const problems: string[] = [];
  const body = (typeof call.body === 'object' && call.body !== null ? call.body : {}) as Record<
    string,
    unknown
  >;
  const field = (name: string): unknown => body[name] ?? call.query[name];
  const check = (name: string, ok: (v: unknown) => boolean) => {
    const v = field(name);
    if (v !== undefined && !ok(v)) {
      problems.push(`${name}=${JSON.stringify(v)}`);
    }
  };
  const str = (f: (v: string) => unknown) => (v: unknown) =>
    typeof v === 'string' && passes(() => f(v));
  check(
    'routerId',
    str((v) => assertRouterId(v)),
  );
  check('sessionId', (v) => typeof v === 'string' && UUID.test(v));
  check(
    'ip',
    str((v) => parseIpv4(v)),
  );
  check(
    'ssid',
    str((v) => parseSsid(v)),
  );
  check(
    'password',
    str((v) => parseWifiPassword(v)),
  );
  check('rate', (v) => passes(() => parseRateMbps(v, 'rate')));
  check('period', (v) => typeof v === 'string' && PERIODS.has(v));
  const device = /^\/api\/monitor\/device\/([^/]*)$/.exec(call.path);
  if (device) {
    const mac = decodeURIComponent(device[1]!);
    if (!passes(() => normalizeMac(mac)) || normalizeMac(mac) !== mac) {
      problems.push(`mac=${JSON.stringify(mac)}`);
    }
  }
  return problems.map((p) => `${call.method} ${call.path}: ${p}`);
}
