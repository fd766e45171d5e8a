import type { ListName, UsagePeriod } from './commands-server.types.js';

/**
 * The Commands-Server paths that depend on a value: list roots, usage windows and
 * dynamic segments. Each refuses a value outside its union, since the union type is
 * not enough once a value comes from outside TypeScript (a TypeError, before any request).
 */

const USAGE_PATHS = {
  current: '/api/monitor/current',
  week: '/api/monitor/last-week',
  month: '/api/monitor/last-month',
} as const satisfies Record<UsagePeriod, string>;

/** `/api/whitelist` or `/api/blacklist`; only these two names may become a path segment. */
export function listRoot(list: ListName): string {
  switch (list) {
    case 'whitelist':
      return '/api/whitelist';
    case 'blacklist':
      return '/api/blacklist';
    default:
      throw new TypeError(`Unknown list ${String(list)}`);
  }
}

/** `/api/monitor/current|last-week|last-month`. */
export function usagePath(period: UsagePeriod): string {
  if (!Object.hasOwn(USAGE_PATHS, period)) {
    throw new TypeError(`Unknown usage period ${String(period)}`);
  }
  return USAGE_PATHS[period];
}

/**
 * Encodes one dynamic path segment. encodeURIComponent stops `/`, `?` and `#` from
 * adding segments or query parameters; a bare `.` or `..` is also encoded because
 * URL normalisers (proxies, Werkzeug's router) would otherwise resolve it.
 */
export function encodePathSegment(value: string): string {
  const encoded = encodeURIComponent(value);
  return encoded === '.' || encoded === '..' ? encoded.replaceAll('.', '%2E') : encoded;
}
