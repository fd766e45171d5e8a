import { AppError, type ErrorCode } from '../errors.js';

/** How a Commands-Server call failed; each kind maps to one stable AppError code. */
export type CommandsServerFailure = 'command_failed' | 'timeout' | 'unavailable' | 'bad_response';

const CODE_BY_FAILURE = {
  command_failed: 'ROUTER_COMMAND_FAILED',
  timeout: 'ROUTER_TIMEOUT',
  unavailable: 'COMMANDS_SERVER_UNAVAILABLE',
  bad_response: 'COMMANDS_SERVER_BAD_RESPONSE',
} as const satisfies Record<CommandsServerFailure, ErrorCode>;

/** What a {@link CommandsServerError} carries in `details`. */
export interface CommandsServerErrorDetails {
  operation: string;
  upstreamStatus: number | null;
  upstreamCode: string | null;
  upstreamMessage: string | null;
}

export interface CommandsServerErrorInit {
  failure: CommandsServerFailure;
  operation: string;
  message: string;
  upstreamStatus?: number | null;
  upstreamCode?: string | null;
  /** Must already be scrubbed of anything secret the client sent. */
  upstreamMessage?: string | null;
  /** The low-level error (undici's, with its `code`), when there is one. */
  cause?: unknown;
}

/**
 * Every failure of a Commands-Server call. `failure` says what happened;
 * the upstream status, code and message (scrubbed) are kept for callers that must
 * branch on them (session restart on `SESSION_INVALID`) and for `details`.
 */
export class CommandsServerError extends AppError {
  readonly failure: CommandsServerFailure;
  readonly operation: string;
  readonly upstreamStatus: number | null;
  readonly upstreamCode: string | null;
  readonly upstreamMessage: string | null;
  declare readonly details: CommandsServerErrorDetails;

  constructor(init: CommandsServerErrorInit) {
    const details: CommandsServerErrorDetails = {
      operation: init.operation,
      upstreamStatus: init.upstreamStatus ?? null,
      upstreamCode: init.upstreamCode ?? null,
      upstreamMessage: init.upstreamMessage ?? null,
    };
    super(CODE_BY_FAILURE[init.failure], init.message, { details, cause: init.cause });
    this.failure = init.failure;
    this.operation = details.operation;
    this.upstreamStatus = details.upstreamStatus;
    this.upstreamCode = details.upstreamCode;
    this.upstreamMessage = details.upstreamMessage;
  }

  /**
   * The Commands-Server does not know this sessionId (never started, ended, expired,
   * or the server restarted and forgot every session): start it again.
   */
  get isSessionInvalid(): boolean {
    return (
      this.failure === 'command_failed' &&
      this.upstreamStatus === 401 &&
      this.upstreamCode === 'SESSION_INVALID'
    );
  }

  /**
   * Start refused because the sessionId is already active. This does NOT mean the
   * router named in the start is set up (contract §4.2–4.3): a failed start also
   * leaves the session active.
   */
  get isSessionAlreadyActive(): boolean {
    return (
      this.failure === 'command_failed' &&
      this.upstreamStatus === 400 &&
      this.upstreamCode === 'SESSION_ALREADY_ACTIVE'
    );
  }
}
