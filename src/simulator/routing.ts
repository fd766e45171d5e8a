/**
 * URL matching as Werkzeug does it: the result is computed before the middleware but
 * a routing failure (404, 405, strict-slash 308) is only raised after it (§2.2 step 6).
 */
import type { RouteDef } from './core.js';

export type RouteMatch =
  | { kind: 'route'; route: RouteDef; params: Record<string, string> }
  /** Flask's automatic OPTIONS answer; `route` is the endpoint the request belongs to. */
  | { kind: 'options'; route: RouteDef; allow: string[] }
  | { kind: 'redirect'; location: string }
  | { kind: 'notFound' }
  | { kind: 'methodNotAllowed'; allow: string[] };

/** GET rules also answer HEAD; every rule answers OPTIONS. */
function allowedMethods(route: RouteDef): string[] {
  return route.method === 'GET' ? ['GET', 'HEAD', 'OPTIONS'] : [route.method, 'OPTIONS'];
}

function matchPath(rule: string, path: string): Record<string, string> | undefined {
  const ruleParts = rule.split('/');
  const pathParts = path.split('/');
  if (ruleParts.length !== pathParts.length) {
    return undefined;
  }
  const params: Record<string, string> = {};
  for (let i = 0; i < ruleParts.length; i += 1) {
    const want = ruleParts[i] ?? '';
    const got = pathParts[i] ?? '';
    if (want.startsWith('<') && want.endsWith('>')) {
      if (got === '') {
        return undefined;
      }
      params[want.slice(1, -1)] = got;
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}

interface Candidate {
  route: RouteDef;
  params: Record<string, string>;
}

function candidatesFor(routes: readonly RouteDef[], path: string): Candidate[] {
  const out: Candidate[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params !== undefined) {
      out.push({ route, params });
    }
  }
  return out;
}

export interface MatchInput {
  method: string;
  /** Decoded path, used for matching. */
  path: string;
  /** Path as sent and the query string, used to build the redirect target. */
  rawPath: string;
  search: string;
  host: string;
}

export function matchRoute(routes: readonly RouteDef[], input: MatchInput): RouteMatch {
  const candidates = candidatesFor(routes, input.path);
  if (candidates.length > 0) {
    const allow = [...new Set(candidates.flatMap((c) => allowedMethods(c.route)))].sort();
    const first = candidates[0];
    if (input.method === 'OPTIONS' && first !== undefined) {
      return { kind: 'options', route: first.route, allow };
    }
    const method = input.method === 'HEAD' ? 'GET' : input.method;
    const hit = candidates.find((c) => c.route.method === method);
    if (hit === undefined) {
      return { kind: 'methodNotAllowed', allow };
    }
    return { kind: 'route', route: hit.route, params: hit.params };
  }
  // Strict slashes: `/api/whitelist` redirects (308) to `/api/whitelist/`, keeping the
  // query, but only for a method the slash rule accepts; otherwise it is a plain 404.
  const slashed = candidatesFor(routes, `${input.path}/`);
  if (slashed.some((c) => allowedMethods(c.route).includes(input.method))) {
    return {
      kind: 'redirect',
      location: `http://${input.host}${input.rawPath}/${input.search}`,
    };
  }
  return { kind: 'notFound' };
}
