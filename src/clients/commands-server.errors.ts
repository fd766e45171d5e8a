import { AppError, type ErrorCode } from '../errors.js';

/** How a Commands-Server call failed; each kind maps to one stable AppError code. */
export type CommandsServerFailure =
  'command_failed' | 'router_unknown' | 'timeout' | 'unavailable' | 'bad_response';

const CODE_BY_FAILURE = {
  command_failed: 'ROUTER_COMMAND_FAILED',
  router_unknown: 'ROUTER_UNKNOWN',
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
   * `POST /api/network/unblock` found no block rule for this IP: the router answers
   * COMMAND_FAILED "Block rule for IP <ip> (MAC: <mac>) not found" (contract §1.2.3,
   * the simulator's `unblockDevice`). The only way to tell "nothing to unblock" from
   * a real failure is this sentence: the upstream code is the catch-all.
   */
  isNoBlockRuleFor(ip: string): boolean {
    const match = NO_BLOCK_RULE.exec(this.upstreamMessage ?? '');
    return (
      this.failure === 'command_failed' &&
      this.upstreamCode === 'COMMAND_FAILED' &&
      match !== null &&
      match[1] === ip
    );
  }

  /** The Commands-Server has this route but no implementation (`/api/wifi/disable`, contract #21). */
  get isNotImplemented(): boolean {
    return (
      this.failure === 'command_failed' &&
      this.upstreamStatus === 501 &&
      this.upstreamCode === 'NOT_IMPLEMENTED'
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

const NO_BLOCK_RULE = /^Command failed: Block rule for IP (\S+) \(MAC: [^)]*\) not found$/;

/**
 * What the Commands-Server answers when its port manager has no router with this id
 * (an agent that never connected, or a mistyped id): the port manager's exception
 * text "Router <id> not found in port manager", as is (whitelist rate and mode
 * routes, 503 TUNNEL_OR_ROUTER_UNAVAILABLE) or after "Session setup failed: " (start,
 * 500 SESSION_SETUP_FAILED) or "Command failed: " (network and Wi-Fi routes, 500
 * COMMAND_FAILED), contract §1.0 and §1.2.2. An SSH failure on a router the port
 * manager knows says something else and stays a command failure. Its message is the
 * only signal: the codes are shared with other failures.
 */
export function isUnknownRouterMessage(message: string, routerId: string): boolean {
  for (const prefix of ['', 'Session setup failed: ', 'Command failed: ']) {
    if (message === `${prefix}Router ${routerId} not found in port manager`) {
      return true;
    }
  }
  return false;
}

/** The caller-facing message of ROUTER_UNKNOWN: no internal component named. */
export const ROUTER_UNKNOWN_MESSAGE =
  "No router with this id is connected; check the id on the router's label";
