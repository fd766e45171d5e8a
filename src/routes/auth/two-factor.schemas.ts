import { Type } from 'typebox';
import { Envelope } from '../../http/envelope.js';
import { BODY_ERRORS, CHANGE_ERRORS, errorResponses as errors } from '../common.js';
import { LoginResultSchema } from './schemas.js';

const Code = Type.String({
  pattern: '^[0-9]{6}$',
  description: 'the six digits the authenticator app shows now',
});
const RecoveryCode = Type.String({
  minLength: 1,
  maxLength: 32,
  description: 'one of the recovery codes, e.g. abcde-23456 (case and dashes do not matter)',
});
const Password = Type.String({ minLength: 1, maxLength: 1024 });

export const TwoFactorStatusSchema = Type.Object(
  {
    enabled: Type.Boolean(),
    recoveryCodesLeft: Type.Integer({ minimum: 0, description: 'unused recovery codes' }),
  },
  { $id: 'TwoFactorStatus' },
);

const EnrolmentSchema = Type.Object(
  {
    secret: Type.String({ description: 'base32, for typing into an app that cannot scan' }),
    otpauthUri: Type.String({ description: 'otpauth://totp/… as the QR code holds it' }),
    qrCodeDataUrl: Type.String({ description: 'data:image/png;base64,… of the QR code' }),
  },
  { $id: 'TwoFactorEnrolment' },
);

const RecoveryCodesSchema = Type.Object(
  {
    recoveryCodes: Type.Array(Type.String(), {
      minItems: 10,
      maxItems: 10,
      description: 'shown only in this answer; each works once',
    }),
  },
  { $id: 'RecoveryCodes' },
);

const DisabledSchema = Type.Object({ enabled: Type.Literal(false) }, { $id: 'TwoFactorDisabled' });

export const SetupBodySchema = Type.Object(
  {
    password: Type.Optional({
      ...Password,
      description: 'needed unless the session was opened in the last 10 minutes',
    }),
  },
  { additionalProperties: false, $id: 'TwoFactorSetupRequest' },
);

export const CodeBodySchema = Type.Object(
  { code: Code },
  { additionalProperties: false, $id: 'TwoFactorCodeRequest' },
);

export const DisableBodySchema = Type.Object(
  {
    code: Type.Optional(Code),
    recoveryCode: Type.Optional(RecoveryCode),
    password: Type.Optional({
      ...Password,
      description:
        'required when the account has a password; an account without one needs a sign-in in the last 10 minutes',
    }),
  },
  { additionalProperties: false, $id: 'TwoFactorDisableRequest' },
);

export const VerifyBodySchema = Type.Object(
  {
    challengeToken: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description:
          'from the login answer; may be left out when the challenge cookie is set (OpenID sign-in)',
      }),
    ),
    code: Type.Optional(Code),
    recoveryCode: Type.Optional(RecoveryCode),
  },
  { additionalProperties: false, $id: 'TwoFactorVerifyRequest' },
);

const tags = ['auth'];
const SIGNED_IN_CHANGE = ['UNAUTHENTICATED', ...CHANGE_ERRORS, ...BODY_ERRORS] as const;

/** GET /auth/2fa */
export const StatusRoute = {
  operationId: 'getTwoFactorStatus',
  tags,
  summary: 'Whether two-factor authentication is on, and how many recovery codes are left',
  response: {
    200: Envelope(TwoFactorStatusSchema, 'The two-factor settings of the caller.'),
    ...errors('UNAUTHENTICATED'),
  },
};

/** POST /auth/2fa/setup */
export const SetupRoute = {
  operationId: 'setUpTwoFactor',
  tags,
  summary: 'Start enrolling an authenticator app: a new secret and its QR code',
  description:
    'Needs the password re-entered, or a sign-in within the last 10 minutes. Nothing changes at sign-in until POST /auth/2fa/enable confirms a first code; a second setup replaces a pending secret.',
  body: SetupBodySchema,
  response: {
    200: Envelope(EnrolmentSchema, 'Scan the QR code (or type the secret) into the app.'),
    ...errors(
      'VALIDATION_FAILED',
      ...SIGNED_IN_CHANGE,
      'INVALID_CREDENTIALS',
      'REAUTHENTICATION_REQUIRED',
      'TWO_FACTOR_ALREADY_ENABLED',
      'TOO_MANY_ATTEMPTS',
      'BUSY',
    ),
  },
};

/** POST /auth/2fa/enable */
export const EnableRoute = {
  operationId: 'enableTwoFactor',
  tags,
  summary: 'Confirm the enrolment with a first code; answers the ten recovery codes once',
  body: CodeBodySchema,
  response: {
    200: Envelope(RecoveryCodesSchema, 'Two-factor authentication is on; keep these codes.'),
    ...errors(
      'VALIDATION_FAILED',
      ...SIGNED_IN_CHANGE,
      'TWO_FACTOR_CODE_INVALID',
      'TWO_FACTOR_NOT_ENABLED',
      'TWO_FACTOR_ALREADY_ENABLED',
      'TOO_MANY_ATTEMPTS',
    ),
  },
};

/** POST /auth/2fa/disable */
export const DisableRoute = {
  operationId: 'disableTwoFactor',
  tags,
  summary: 'Turn two-factor authentication off',
  description:
    'Needs a code from the app or a recovery code (exactly one), and the password (an account without one: a sign-in within the last 10 minutes).',
  body: DisableBodySchema,
  response: {
    200: Envelope(DisabledSchema, 'Two-factor authentication is off; the recovery codes are gone.'),
    ...errors(
      'VALIDATION_FAILED',
      ...SIGNED_IN_CHANGE,
      'INVALID_CREDENTIALS',
      'REAUTHENTICATION_REQUIRED',
      'TWO_FACTOR_CODE_INVALID',
      'TWO_FACTOR_NOT_ENABLED',
      'TOO_MANY_ATTEMPTS',
      'BUSY',
    ),
  },
};

/** POST /auth/2fa/recovery-codes */
export const RecoveryCodesRoute = {
  operationId: 'replaceRecoveryCodes',
  tags,
  summary: 'Replace the recovery codes (the old ones stop working)',
  body: CodeBodySchema,
  response: {
    200: Envelope(RecoveryCodesSchema, 'The new recovery codes, shown only now.'),
    ...errors(
      'VALIDATION_FAILED',
      ...SIGNED_IN_CHANGE,
      'TWO_FACTOR_CODE_INVALID',
      'TWO_FACTOR_NOT_ENABLED',
      'TOO_MANY_ATTEMPTS',
    ),
  },
};

/** POST /auth/2fa/verify */
export const VerifyRoute = {
  operationId: 'verifyTwoFactor',
  tags,
  summary: 'The second step of a sign-in: a code (or recovery code) for the challenge',
  description:
    'Opens the session exactly like a login without two-factor authentication (bearer token in the answer, session cookie set). A challenge expires after 5 minutes, works once, and dies after 5 wrong codes; wrong codes also count against the login throttle (429 TOO_MANY_ATTEMPTS with Retry-After).',
  body: VerifyBodySchema,
  response: {
    200: Envelope(LoginResultSchema, 'Signed in: the user, the new session and its bearer token.'),
    ...errors(
      'VALIDATION_FAILED',
      ...BODY_ERRORS,
      'TWO_FACTOR_CODE_INVALID',
      'TWO_FACTOR_CHALLENGE_INVALID',
      'TOO_MANY_ATTEMPTS',
    ),
  },
};
