/**
 * The in-memory active-session table of the Commands-Server (§3): keyed by sessionId
 * only, with the time of the last router command; nothing persisted.
 */
import { sessionKey } from './python.js';

interface SessionEntry {
  /** The id exactly as it was started (a JSON number stays a number). */
  raw: unknown;
  lastActive: Date;
}

export class SessionTable {
  private readonly entries = new Map<string, SessionEntry>();

  constructor(
    private readonly now: () => Date,
    private readonly timeoutMs: number,
  ) {}

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Marks the session active now (start does this before contacting the router). */
  activate(key: string, raw: unknown): void {
    this.entries.set(key, { raw, lastActive: this.now() });
  }

  /**
   * Records a router command for this session. Only router commands extend a session:
   * the real janitor copies the newest SSH connection use into the session (§3).
   */
  touch(key: string): void {
    const entry = this.entries.get(key);
    if (entry) {
      entry.lastActive = this.now();
    }
  }

  end(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Ends every session idle for longer than the timeout; returns how many. */
  expireIdle(): number {
    const now = this.now().getTime();
    let expired = 0;
    for (const [key, entry] of this.entries) {
      if (now - entry.lastActive.getTime() > this.timeoutMs) {
        this.entries.delete(key);
        expired += 1;
      }
    }
    return expired;
  }

  isActive(sessionId: unknown): boolean {
    const key = sessionKey(sessionId);
    return key !== undefined && this.entries.has(key);
  }

  ids(): unknown[] {
    return [...this.entries.values()].map((e) => e.raw);
  }
}
