import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../errors.js';
import type { AuthContext } from '../services/auth-context.js';
import { authed, caller } from './common.js';

const AUTH: AuthContext = {
  userId: '00000000-0000-4000-8000-000000000001',
  email: 'a@example.com',
  sessionId: '00000000-0000-4000-8000-000000000002',
  sessionExpiresAt: new Date(0),
  signedInAt: new Date(0),
};

/** Just what caller() reads of a request. */
function fakeRequest(fields: { auth: AuthContext | null; params: unknown }) {
  return {
    ...fields,
    id: 'req-1',
    ip: '192.0.2.7',
    socket: { remoteAddress: '192.0.2.7' },
    headers: { 'user-agent': 'unit-test' },
  } as unknown as FastifyRequest<{ Params: { routerId: string } }>;
}

describe(caller.name, () => {
  it('gives the caller, where the request comes from and the router of the path', () => {
    const request = fakeRequest({ auth: AUTH, params: { routerId: 'r-1' } });
    expect(caller(request)).toEqual({
      auth: AUTH,
      client: { ip: '192.0.2.7', userAgent: 'unit-test', requestId: 'req-1' },
      routerId: 'r-1',
    });
  });

  it('has no router on a route whose path names none', () => {
    const request = fakeRequest({ auth: AUTH, params: {} });
    expect(caller(request).routerId).toBeUndefined();
  });

  it('refuses a request the auth plugin did not authenticate (a route not declared authed)', () => {
    const request = fakeRequest({ auth: null, params: { routerId: 'r-1' } });
    expect(() => caller(request)).toThrow(UnauthorizedError);
  });
});

describe(authed.name, () => {
  it('asks the auth plugin for a caller and documents the same requirement', () => {
    const options = authed({ summary: 'x', response: {} });
    expect(options.config).toEqual({ auth: true });
    expect(options.schema).toEqual({
      summary: 'x',
      response: {},
      security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    });
  });
});
