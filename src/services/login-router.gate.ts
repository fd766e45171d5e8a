interface Waiter {
  routerId: string;
  admit: () => void;
}

interface LoginState {
  /** The router the login's operations in flight are on. */
  routerId: string;
  /** Operations in flight (all on `routerId`). */
  active: number;
  /** Operations waiting, first come first served. */
  waiters: Waiter[];
}

/**
 * One Commands-Server session per login prepares one router at a time: moving to
 * another router ends the session and starts it again (contract §3, §4 lesson 2),
 * which makes every call in flight on the previous router fail. This gate lets any
 * number of one login's operations on ONE router run together, and makes an
 * operation on another router wait until those in flight are done. Waiting is first
 * come, first served: once an operation waits, later ones queue behind it, so a
 * busy router cannot starve another. Per process; across instances the database
 * state and the single retry after SESSION_INVALID remain the only guard.
 */
export class LoginRouterGate {
  private readonly logins = new Map<string, LoginState>();

  /** Waits for the login's turn on `routerId`; resolves to the release function. */
  async enter(sessionId: string, routerId: string): Promise<() => void> {
    const state = this.logins.get(sessionId);
    if (!state) {
      this.logins.set(sessionId, { routerId, active: 1, waiters: [] });
    } else if (state.waiters.length === 0 && (state.active === 0 || state.routerId === routerId)) {
      state.routerId = routerId;
      state.active += 1;
    } else {
      // release() sets routerId and counts this operation as active before admitting it.
      await new Promise<void>((admit) => state.waiters.push({ routerId, admit }));
    }
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.release(sessionId);
      }
    };
  }

  /** Logins with operations in flight or waiting (for tests and metrics). */
  get size(): number {
    return this.logins.size;
  }

  private release(sessionId: string): void {
    const state = this.logins.get(sessionId);
    if (!state) {
      return;
    }
    state.active -= 1;
    if (state.active > 0) {
      return;
    }
    const next = state.waiters[0];
    if (!next) {
      this.logins.delete(sessionId);
      return;
    }
    // Admit the first waiter and those right behind it on the same router.
    state.routerId = next.routerId;
    while (state.waiters[0]?.routerId === next.routerId) {
      const waiter = state.waiters.shift()!;
      state.active += 1;
      waiter.admit();
    }
  }
}
