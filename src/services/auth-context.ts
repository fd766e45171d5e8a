import type { RouterAccess } from '../repositories/routers.repository.js';

/** Who is calling: set on the request by the auth plugin. */
export interface AuthContext {
  userId: string;
  email: string;
  sessionId: string;
  sessionExpiresAt: Date;
  /** When this session was opened: a recent sign-in stands in for re-entering the password. */
  signedInAt: Date;
  /**
   * When authentication was asked about a router (router routes): the caller's
   * access to it, read in the same query; null when it does not exist or the
   * caller is not a member.
   */
  router?: { routerId: string; access: RouterAccess | null };
}

/** Where a request comes from, for audit events and session listings. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
  requestId: string;
}
