import { ApiError } from './client';

/**
 * Every error code the API answers, as a sentence for the person at the screen.
 * The API's own message (the router's words, say) is shown beneath it as details.
 * A test (errors.test.ts) keeps this table complete against src/errors.ts.
 */
export const ERROR_SENTENCES: Readonly<Record<string, string>> = {
  VALIDATION_FAILED: 'Some of what you entered is not valid.',
  MALFORMED_JSON: 'The request could not be read. Reload the page and try again.',
  MALFORMED_REQUEST: 'The request could not be read. Reload the page and try again.',
  UNAUTHENTICATED: 'You are signed out. Sign in again to continue.',
  INVALID_CREDENTIALS: 'That email and password do not match an account.',
  TWO_FACTOR_CODE_INVALID:
    'That code is not right: it may have expired or been used already. Try the newest code from your app.',
  TWO_FACTOR_CHALLENGE_INVALID: 'This sign-in took too long or was already used. Sign in again.',
  REAUTHENTICATION_REQUIRED: 'For this change, enter your password again.',
  FORBIDDEN: 'Only the owner of this router can do that.',
  CSRF_REJECTED: 'The request came from a page this server does not trust. Reload and try again.',
  NOT_FOUND: 'That page or item does not exist.',
  ROUTER_NOT_FOUND: 'This router does not exist, or you are not a member of it.',
  ROUTER_UNKNOWN:
    'No router with this id is connected. Check the id on the router’s label, and that the router is set up and online.',
  DEVICE_NOT_FOUND: 'This device is not on the router’s list. Scan the network first.',
  SESSION_NOT_FOUND: 'That session has already ended.',
  ENTRY_NOT_FOUND: 'That address is not on this list any more.',
  USER_NOT_FOUND: 'That person is not a member of this router.',
  INVITATION_NOT_FOUND: 'This invitation is no longer open: it expired, was revoked or answered.',
  OPERATION_NOT_FOUND: 'That operation is over and no longer kept.',
  METHOD_NOT_ALLOWED: 'This action is not available.',
  REQUEST_TIMEOUT: 'The request took too long to arrive. Check your connection and try again.',
  EMAIL_TAKEN: 'An account with this email already exists. Sign in instead.',
  ROUTER_ALREADY_CLAIMED: 'Someone else already owns this router. Ask them to invite you instead.',
  CONFLICT: 'That cannot be done in the current state.',
  TWO_FACTOR_ALREADY_ENABLED: 'Two-factor authentication is already on.',
  TWO_FACTOR_NOT_ENABLED: 'Two-factor authentication is not on.',
  IDEMPOTENCY_KEY_IN_FLIGHT: 'The same request is still running. Wait a moment.',
  PAYLOAD_TOO_LARGE: 'What you entered is too long.',
  UNSUPPORTED_MEDIA_TYPE: 'The request could not be read. Reload the page and try again.',
  IDEMPOTENCY_KEY_REUSED: 'This request was already sent differently. Reload and try again.',
  TOO_MANY_ATTEMPTS: 'Too many failed attempts. Wait a little before trying again.',
  RATE_LIMITED: 'That was done a moment ago. Wait a few seconds and try again.',
  HEADERS_TOO_LARGE: 'The request was too large. Clear this site’s cookies and try again.',
  INTERNAL_ERROR: 'Something went wrong on the server. Try again; if it persists, tell your admin.',
  PERSISTENCE_FAILED:
    'The router made the change, but it could not be saved here. Reload to see the router’s state.',
  NOT_SUPPORTED_BY_ROUTER: 'Your router cannot do this yet. Nothing was changed.',
  ROUTER_COMMAND_FAILED: 'The router refused the command. Nothing was changed.',
  COMMANDS_SERVER_BAD_RESPONSE:
    'The router service answered something unexpected. Nothing was changed; try again.',
  COMMANDS_SERVER_UNAVAILABLE:
    'The router service cannot be reached right now. Nothing was changed; try again shortly.',
  DATABASE_UNAVAILABLE: 'The server’s database is not available right now. Try again shortly.',
  OPERATION_INTERRUPTED: 'The operation was interrupted (the server restarted). Start it again.',
  BUSY: 'The server is busy. Try again in a moment.',
  ROUTER_TIMEOUT:
    'The router did not answer in time. It may be offline or busy; try again shortly.',
  OIDC_STATE_INVALID: 'The sign-in could not be verified. Start it again.',
  OIDC_BROWSER_MISMATCH: 'The sign-in was finished in another browser. Start it again here.',
  OIDC_FLOW_EXPIRED: 'The sign-in took longer than 10 minutes. Start it again.',
  OIDC_FLOW_USED: 'This sign-in link was already used. Start it again.',
  OIDC_ACCESS_DENIED: 'You declined the sign-in at the provider.',
  OIDC_EMAIL_UNVERIFIED:
    'The provider did not confirm your email address, so no account could be linked.',
  OIDC_ACCOUNT_DISABLED: 'This account is deactivated.',
  OIDC_NOT_CONFIGURED: 'Sign-in with an external provider is not set up on this server.',
  OIDC_PROVIDER_ERROR: 'The sign-in provider answered with an error. Try again.',
  OIDC_PROVIDER_UNAVAILABLE: 'The sign-in provider cannot be reached right now. Try again shortly.',
  NETWORK: 'The server cannot be reached. Check your connection.',
};

/** What the API said about one field, for VALIDATION_FAILED. */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface ErrorText {
  /** One sentence for people. */
  sentence: string;
  /** What the router itself answered to a failed command (`details.upstreamMessage`); else null. */
  routerWords: string | null;
  /** The API's or the router's own words, when they add something; else null. */
  details: string | null;
  fields: FieldProblem[];
}

function fieldsOf(details: unknown): FieldProblem[] {
  if (typeof details !== 'object' || details === null || !('fields' in details)) {
    return [];
  }
  const { fields } = details;
  return Array.isArray(fields)
    ? fields.filter(
        (f): f is FieldProblem =>
          typeof f === 'object' && f !== null && 'field' in f && 'message' in f,
      )
    : [];
}

/** The sentence (and details) to show for any error a query or mutation threw. */
export function describeError(error: unknown): ErrorText {
  if (!(error instanceof ApiError)) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      sentence: 'Something went wrong in this page.',
      routerWords: null,
      details: message,
      fields: [],
    };
  }
  const sentence = ERROR_SENTENCES[error.code] ?? `The server answered an error (${error.status}).`;
  const fields = fieldsOf(error.details);
  const routerWords = routerWordsOf(error.details);
  // The server's own message adds something only when neither the fields nor the
  // router's words say more (it names internal components: "the Commands-Server…").
  const own = error.message && error.message !== sentence ? error.message : null;
  return {
    sentence,
    routerWords,
    details: fields.length > 0 || routerWords !== null ? null : own,
    fields,
  };
}

function routerWordsOf(details: unknown): string | null {
  if (typeof details !== 'object' || details === null || !('upstreamMessage' in details)) {
    return null;
  }
  const words = details.upstreamMessage;
  return typeof words === 'string' && words.trim() !== '' ? words.trim() : null;
}
