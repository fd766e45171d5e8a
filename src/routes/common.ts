/** OpenAPI security requirement of authenticated routes: bearer token or session cookie. */
export const security: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }];

/** Response entries for the error statuses a route can answer, all in the error envelope. */
export function errorResponses(...statuses: number[]): Record<number, { $ref: string }> {
  return Object.fromEntries(statuses.map((s) => [s, { $ref: 'ErrorEnvelope#' }]));
}

/** Route config of routes that need an authenticated caller. */
export const authed = { auth: true } as const;
