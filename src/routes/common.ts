import type { FastifyRequest } from 'fastify';
import type { ClientInfo } from '../services/auth.service.js';

/** OpenAPI security requirement of authenticated routes: bearer token or session cookie. */
export const security: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }];

/** Response entries for the error statuses a route can answer, all in the error envelope. */
export function errorResponses(...statuses: number[]): Record<number, { $ref: string }> {
  return Object.fromEntries(statuses.map((s) => [s, { $ref: 'ErrorEnvelope#' }]));
}

/** Route config of routes that need an authenticated caller. */
export const authed = { auth: true } as const;

/** Where a request comes from, for audit events and session listings. */
export function clientInfo(request: FastifyRequest): ClientInfo {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' ? ua : null, requestId: request.id };
}
