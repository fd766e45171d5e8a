import { Type } from 'typebox';
import { Envelope } from '../../../http/envelope.js';
import { BODY_ERRORS, CHANGE_ERRORS, errorResponses as errors } from '../../common.js';
import { MessageSchema, tags } from './shared.js';

const Code = Type.String({
  pattern: '^[0-9]{6}$',
  description: 'the six digits the authenticator app shows now',
});

const SetupSchema = Type.Object(
  {
    qr_code: Type.String({ description: 'data:image/png;base64,… of the otpauth:// URI' }),
    secret: Type.String({ description: 'base32, for typing into an app' }),
    setup_token: Type.String({
      description:
        'echoed by the client to /api/2fa/setup/verify; the pending setup itself is kept here for the user',
    }),
    expires_in: Type.Integer({
      description:
        '600, as the previous server answered (the client ignores it); a setup pending here does not expire',
    }),
  },
  { $id: 'CompatTwoFactorSetup' },
);

/** POST /api/2fa/setup/start */
export const SetupStartRoute = {
  operationId: 'compatStartTwoFactorSetup',
  tags,
  summary:
    'Starts enrolling an authenticator app (as POST /api/v1/auth/2fa/setup without a password: needs a sign-in in the last 10 minutes)',
  description:
    'A second start replaces a pending setup; when two-factor authentication is already on, 409 TWO_FACTOR_ALREADY_ENABLED (it is never turned off here).',
  response: {
    200: Envelope(SetupSchema, 'Scan the QR code, then confirm with a code.'),
    ...errors(
      'UNAUTHENTICATED',
      ...BODY_ERRORS,
      ...CHANGE_ERRORS,
      'REAUTHENTICATION_REQUIRED',
      'TWO_FACTOR_ALREADY_ENABLED',
    ),
  },
};

export const SetupVerifyBodySchema = Type.Object(
  { code: Code, setup_token: Type.String({ maxLength: 256 }) },
  { additionalProperties: false, $id: 'CompatTwoFactorSetupVerifyRequest' },
);

/** POST /api/2fa/setup/verify */
export const SetupVerifyRoute = {
  operationId: 'compatVerifyTwoFactorSetup',
  tags,
  summary:
    'Turns two-factor authentication on with a first code (as POST /api/v1/auth/2fa/enable); the current session counts as verified',
  body: SetupVerifyBodySchema,
  response: {
    200: Envelope(
      Type.Object(
        {
          message: Type.String(),
          recovery_codes: Type.Array(Type.String(), {
            description: 'shown only in this answer (the client does not display them)',
          }),
        },
        { $id: 'CompatTwoFactorEnabled' },
      ),
      'Two-factor authentication is on.',
    ),
    ...errors(
      'VALIDATION_FAILED',
      'UNAUTHENTICATED',
      ...BODY_ERRORS,
      ...CHANGE_ERRORS,
      'TWO_FACTOR_CODE_INVALID',
      'TWO_FACTOR_NOT_ENABLED',
      'TWO_FACTOR_ALREADY_ENABLED',
      'TOO_MANY_ATTEMPTS',
    ),
  },
};

export const VerifyBodySchema = Type.Object(
  { code: Code },
  { additionalProperties: false, $id: 'CompatTwoFactorVerifyRequest' },
);

/** POST /api/2fa/verify */
export const VerifyRoute = {
  operationId: 'compatVerifyTwoFactor',
  tags,
  summary:
    "The sign-in's second step (as POST /api/v1/auth/2fa/verify with the challenge cookie): a right code opens the session and sets its cookie",
  body: VerifyBodySchema,
  response: {
    200: Envelope(MessageSchema, 'Signed in.'),
    ...errors(
      'VALIDATION_FAILED',
      ...BODY_ERRORS,
      'TWO_FACTOR_CHALLENGE_INVALID',
      'TWO_FACTOR_CODE_INVALID',
      'TOO_MANY_ATTEMPTS',
    ),
  },
};

/** POST /api/2fa/reset */
export const ResetRoute = {
  operationId: 'compatResetTwoFactorSetup',
  tags,
  summary:
    'Throws away a setup not yet confirmed; refused (409) when two-factor authentication is on',
  description:
    'Unlike the previous server, the session alone never turns two-factor authentication off: that needs POST /api/v1/auth/2fa/disable with the password and a code.',
  response: {
    200: Envelope(
      Type.Object(
        { message: Type.String(), discarded: Type.Boolean() },
        { $id: 'CompatTwoFactorReset' },
      ),
      'No setup is pending any more (discarded: there was one).',
    ),
    ...errors('UNAUTHENTICATED', ...BODY_ERRORS, ...CHANGE_ERRORS, 'TWO_FACTOR_ALREADY_ENABLED'),
  },
};
