import { ValidationError } from '../../errors.js';
import { ok } from '../../http/envelope.js';
import type { AuthServices } from '../../services/auth/index.js';
import type { SecondFactorProof } from '../../services/auth/second-factor.js';
import { authed, caller, clientInfo, withoutIdempotency, type TypeBoxApp } from '../common.js';
import type { AuthCookies } from './cookies.js';
import {
  DisableRoute,
  EnableRoute,
  RecoveryCodesRoute,
  SetupRoute,
  StatusRoute,
  VerifyRoute,
} from './two-factor.schemas.js';

/** Exactly one of a code from the app and a recovery code. */
function proofOf(body: { code?: string; recoveryCode?: string }): SecondFactorProof {
  if ((body.code === undefined) === (body.recoveryCode === undefined)) {
    throw new ValidationError({
      field: 'body',
      message: 'give exactly one of code and recoveryCode',
    });
  }
  return body.code === undefined ? { recoveryCode: body.recoveryCode! } : { code: body.code };
}

/**
 * /api/v1/auth/2fa: enrolment and the second step of a sign-in (issue #14). The
 * changes ignore Idempotency-Key: their answers are secrets (the TOTP secret,
 * recovery codes) and their bodies passwords and codes, none of which may be
 * stored, even hashed.
 */
export function twoFactorRoutes(app: TypeBoxApp, auth: AuthServices, cookies: AuthCookies) {
  app.get('/2fa', authed(StatusRoute), async (request, reply) => {
    return ok(request, reply, await auth.twoFactor.status(caller(request).auth.userId));
  });

  app.post('/2fa/setup', withoutIdempotency(authed(SetupRoute)), async (request, reply) => {
    const { auth: who, client } = caller(request);
    return ok(request, reply, await auth.twoFactor.setup(who, client, request.body.password));
  });

  app.post('/2fa/enable', withoutIdempotency(authed(EnableRoute)), async (request, reply) => {
    const { auth: who, client } = caller(request);
    return ok(request, reply, await auth.twoFactor.enable(who, client, request.body.code));
  });

  app.post('/2fa/disable', withoutIdempotency(authed(DisableRoute)), async (request, reply) => {
    const { auth: who, client } = caller(request);
    const proof = proofOf(request.body);
    await auth.twoFactor.disable(who, client, proof, request.body.password);
    return ok(request, reply, { enabled: false as const });
  });

  app.post(
    '/2fa/recovery-codes',
    withoutIdempotency(authed(RecoveryCodesRoute)),
    async (request, reply) => {
      const { auth: who, client } = caller(request);
      const codes = await auth.twoFactor.newRecoveryCodes(who, client, request.body.code);
      return ok(request, reply, codes);
    },
  );

  app.post('/2fa/verify', { schema: VerifyRoute }, async (request, reply) => {
    const token = request.body.challengeToken ?? cookies.challenge(request);
    if (token === undefined) {
      throw new ValidationError({
        field: 'body.challengeToken',
        message: 'is required (the answer of the login that asked for a second factor)',
      });
    }
    const signedIn = await auth.challenges.verify(
      token,
      proofOf(request.body),
      clientInfo(request),
    );
    cookies.setSession(reply, signedIn.token, signedIn.absoluteExpiresAt);
    cookies.clearChallenge(reply);
    const { user, session } = signedIn;
    return ok(request, reply, { user, session, token: signedIn.token });
  });
}
