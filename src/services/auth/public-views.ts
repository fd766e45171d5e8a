import type { SessionRow } from '../../repositories/login-sessions.repository.js';
import type { UserRow } from '../../repositories/users.repository.js';

/** What the API shows of a user. */
export interface PublicUser {
  id: string;
  email: string;
  createdAt: string;
}

/** What the API shows of one of the caller's login sessions. */
export interface PublicSession {
  id: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
  method: 'password' | 'oidc';
  twoFactor: boolean;
}

export function publicUser(user: Pick<UserRow, 'id' | 'email' | 'createdAt'>): PublicUser {
  return { id: user.id, email: user.email, createdAt: user.createdAt.toISOString() };
}

export function publicSession(s: SessionRow, currentId: string): PublicSession {
  return {
    id: s.id,
    userAgent: s.userAgent,
    ip: s.ip,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: new Date(
      Math.min(s.expiresAt.getTime(), s.absoluteExpiresAt.getTime()),
    ).toISOString(),
    current: s.id === currentId,
    method: s.authMethod,
    twoFactor: s.twoFactor,
  };
}
