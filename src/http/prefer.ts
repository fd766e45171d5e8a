/**
 * Whether the request's `Prefer` header (RFC 7240) asks for `respond-async`: the
 * header may be repeated and list several preferences, each maybe with parameters
 * (`Prefer: respond-async, wait=10`); names are case-insensitive.
 */
export function prefersRespondAsync(header: string | string[] | undefined): boolean {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return values
    .flatMap((value) => value.split(','))
    .some((pref) => pref.split(/[;=]/)[0]?.trim().toLowerCase() === 'respond-async');
}
