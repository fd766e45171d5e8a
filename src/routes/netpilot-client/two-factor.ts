import { randomBytes } from 'node:crypto';
import { UnauthorizedError } from '../../errors.js';
import { ok } from '../../http/envelope.js';
import type { AuthServices } from '../../services/auth/index.js';
import { authed, caller, clientInfo, withoutIdempotency, type TypeBoxApp } from '../common.js';
import type { AuthCookies } from '../auth/cookies.js';
import {
  ResetRoute,
  SetupStartRoute,
  SetupVerifyRoute,
  VerifyRoute,
} from './schemas/two-factor.js';

/** What the previous server answered as `expires_in`; a setup pending here does not expire. */
const SETUP_EXPIRES_IN_SECONDS = 600;

/**
 * The client's 2FA calls, on TwoFactorService and TwoFactorChallenges. Like the
 * /api/v1 ones they ignore Idempotency-Key: answers and bodies hold secrets.
 */
export function twoFactorRoutes(app: TypeBoxApp, auth: AuthServices, cookies: AuthCookies) {
  verifyRoute(app, auth, cookies);
  app.post(
    '/api/2fa/setup/start',
    withoutIdempotency(authed(SetupStartRoute)),
    async (request, reply) => {
      const { auth: who, client } = caller(request);
      const enrolment = await auth.twoFactor.setup(who, client, undefined);
      return ok(request, reply, {
        qr_code: enrolment.qrCodeDataUrl,
        secret: enrolment.secret,
        // The client only echoes it back; the pending setup is the user's, kept here.
        setup_token: randomBytes(16).toString('base64url'),
        expires_in: SETUP_EXPIRES_IN_SECONDS,
      });
    },
  );

  app.post(
    '/api/2fa/setup/verify',
    withoutIdempotency(authed(SetupVerifyRoute)),
    async (request, reply) => {
      const { auth: who, client } = caller(request);
      const { recoveryCodes } = await auth.twoFactor.enable(who, client, request.body.code);
      return ok(request, reply, {
        message: 'Two-factor authentication is on',
        recovery_codes: recoveryCodes,
      });
    },
  );

  app.post('/api/2fa/reset', withoutIdempotency(authed(ResetRoute)), async (request, reply) => {
    const { auth: who, client } = caller(request);
    const { discarded } = await auth.twoFactor.discardPending(who, client);
    return ok(request, reply, {
      discarded,
      message: discarded ? 'The pending setup is discarded' : 'No setup was pending',
    });
  });
}

/** C10: the sign-in's second step, with the challenge cookie the OpenID callback set. */
function verifyRoute(app: TypeBoxApp, auth: AuthServices, cookies: AuthCookies) {
  app.post('/api/2fa/verify', { schema: VerifyRoute }, async (request, reply) => {
    const token = cookies.challenge(request);
    if (token === undefined) {
      throw new UnauthorizedError(
        'TWO_FACTOR_CHALLENGE_INVALID',
        'No sign-in is waiting for a second factor; sign in again',
      );
    }
    const signedIn = await auth.challenges.verify(
      token,
      { code: request.body.code },
      clientInfo(request),
    );
    cookies.setSession(reply, signedIn.token, signedIn.absoluteExpiresAt);
    cookies.clearChallenge(reply);
    return ok(request, reply, { message: 'Signed in' });
  });
}
