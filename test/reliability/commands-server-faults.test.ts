import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import {
  createTestContext,
  injectAs,
  registerAndLogin,
  type LoggedInUser,
  type TestContext,
} from '../helpers/build-app.js';
import { createRouterFor, uniqueRouterId } from '../helpers/factories.js';
import { pollUntil } from '../helpers/poll.js';
import { onPostgres } from '../helpers/test-db.js';

/**
 * The Commands-Server misbehaves at random while many users change routers'
 * whitelists at once: latency, timeouts, `success:false`, HTML 500 pages and
 * dropped connections (SPEC §6). Every answer must be a documented one, and
 * afterwards the database must hold exactly what the successful answers imply:
 * a failed operation leaves the domain tables unchanged, and operations on one
 * router are serialised, so the last success per address decides. A timed-out
 * operation leaves the router's state unknown, so the addresses it touched are
 * only checked against the database, not the simulated router. No audit event
 * may stay `pending`.
 *
 * Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */

const COMMANDS_TIMEOUT_MS = 400;
const FAULT_PROBABILITY = 0.3;
const OPERATIONS = 60;
const ROUTERS = 3;
const USERS = 3;
/** A small address pool per router, so operations on one address overlap. */
const IPS = ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7'];

/** Documented answers to a whitelist add/remove while the Commands-Server fails. */
const ALLOWED_FAILURES: Record<string, number> = {
  ROUTER_COMMAND_FAILED: 502,
  COMMANDS_SERVER_BAD_RESPONSE: 502,
  COMMANDS_SERVER_UNAVAILABLE: 503,
  ROUTER_TIMEOUT: 504,
};

interface Outcome {
  routerId: string;
  kind: 'add' | 'remove';
  ip: string;
  status: number;
  code: string | null;
  /** Order in which the answer arrived. */
  completedAt: number;
}

let ctx: TestContext;

describe(`Commands-Server faults under concurrent whitelist changes (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  beforeAll(async () => {
    ctx = await createTestContext({ commandsTimeoutMs: COMMANDS_TIMEOUT_MS });
  });

  afterAll(async () => {
    ctx?.sim.faults.clear();
    await ctx?.close();
  });

  it('answers only documented codes and keeps the database equal to the successes', async () => {
    const { app, sim } = ctx;
    const db = ctx.db.db;
    const users: LoggedInUser[] = [];
    for (let i = 0; i < USERS; i += 1) {
      users.push(await registerAndLogin(app));
    }
    // Router i is owned by user i; user i+1 is a member, so two users share each router.
    const routers: { id: string; routerId: string; members: LoggedInUser[] }[] = [];
    for (let i = 0; i < ROUTERS; i += 1) {
      const owner = users[i % USERS]!;
      const member = users[(i + 1) % USERS]!;
      const r = await createRouterFor(db, owner.userId, uniqueRouterId('csf'));
      await createRouterFor(db, member.userId, r.routerId, 'member');
      routers.push({ ...r, members: [owner, member] });
    }

    // Start each router's Commands-Server session cleanly, then turn the faults on.
    for (const r of routers) {
      const res = await injectAs(app, r.members[0]!, {
        method: 'GET',
        url: `/api/v1/routers/${r.routerId}/drift`,
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const match = { path: /^\/api\/(whitelist\/(add|remove)|network\/block)$/ };
    const faults = [
      { kind: 'latency', ms: 120 },
      { kind: 'timeout' },
      { kind: 'error', status: 500, code: 'COMMAND_FAILED', message: 'uci: Entry not found' },
      { kind: 'html500' },
      { kind: 'drop' },
    ] as const;
    // Each fault draws separately; together roughly 30 % of calls misbehave.
    const each = 1 - Math.pow(1 - FAULT_PROBABILITY, 1 / faults.length);
    for (const fault of faults) {
      sim.faults.inject({ match, probability: each, fault });
    }

    let completed = 0;
    const outcomes: Outcome[] = [];
    const ops = Array.from({ length: OPERATIONS }, (_, n) => {
      const router = routers[n % ROUTERS]!;
      const user = router.members[Math.floor(Math.random() * router.members.length)]!;
      const ip = IPS[Math.floor(Math.random() * IPS.length)]!;
      const kind: Outcome['kind'] = Math.random() < 0.6 ? 'add' : 'remove';
      return { router, user, ip, kind };
    });
    await Promise.all(
      ops.map(async ({ router, user, ip, kind }) => {
        const res =
          kind === 'add'
            ? await injectAs(app, user, {
                method: 'POST',
                url: `/api/v1/routers/${router.routerId}/whitelist`,
                payload: { ip },
              })
            : await injectAs(app, user, {
                method: 'DELETE',
                url: `/api/v1/routers/${router.routerId}/whitelist/${ip}`,
              });
        completed += 1;
        const body = res.json<{ error?: { code?: string } }>();
        outcomes.push({
          routerId: router.routerId,
          kind,
          ip,
          status: res.statusCode,
          code: body.error?.code ?? null,
          completedAt: completed,
        });
        const where = `${kind} ${ip} on ${router.routerId}: ${res.statusCode} ${res.body}`;
        if (res.statusCode >= 200 && res.statusCode < 300) {
          expect([200, 201], where).toContain(res.statusCode);
        } else {
          expect(body.error?.code, where).toBeDefined();
          expect(ALLOWED_FAILURES[body.error!.code!], where).toBe(res.statusCode);
        }
      }),
    );
    sim.faults.clear();
    await app.services.commandsSessions.drain();

    // The faults really happened, and some operations still went through.
    expect(outcomes.filter((o) => o.status >= 400).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.status < 300).length).toBeGreaterThan(0);

    for (const router of routers) {
      const mine = outcomes
        .filter((o) => o.routerId === router.routerId)
        .sort((a, b) => a.completedAt - b.completedAt);
      const lastSuccess = new Map<string, Outcome>();
      const timedOut = new Set<string>();
      for (const o of mine) {
        if (o.status < 300) {
          lastSuccess.set(o.ip, o);
        } else if (o.code === 'ROUTER_TIMEOUT') {
          timedOut.add(o.ip);
        }
      }
      const rows = await queryRows<{ ip: string }>(
        db,
        sql`select host(w.ip) as ip from user_whitelists w
             where w.router_id = ${router.id} order by w.ip`,
      );
      const inDb = rows.map((r) => r.ip);
      expect(new Set(inDb).size, `duplicates in ${router.routerId}`).toBe(inDb.length);
      const onRouter = new Set(sim.routerState(router.routerId).whitelist);
      const held = new Set(inDb);
      for (const ip of IPS) {
        const last = lastSuccess.get(ip);
        const expected = last?.kind === 'add';
        const where = `${router.routerId} ${ip}: last success ${last ? `${last.kind} #${last.completedAt}` : 'none'}, timed out: ${timedOut.has(ip)}`;
        if (timedOut.has(ip)) {
          // Router state unknown; the database holds it only if a success says so.
          if (held.has(ip)) {
            expect(last?.kind, where).toBe('add');
          }
        } else {
          expect(held.has(ip), `database, ${where}`).toBe(expected);
          expect(onRouter.has(ip), `router, ${where}`).toBe(expected);
        }
      }
    }

    // Every audit event of these operations was settled.
    await pollUntil(
      async () => {
        const [row] = await queryRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from audit_events where outcome = 'pending'`,
        );
        return row?.n === 0;
      },
      { timeoutMs: 5_000, what: 'no pending audit events' },
    );
    const summary = await queryRows<{ outcome: string; n: number }>(
      db,
      sql`select outcome::text as outcome, count(*)::int as n from audit_events
           where operation like 'whitelist.%'
           group by outcome`,
    );
    const audited = summary.reduce((sum, r) => sum + r.n, 0);
    expect(audited).toBe(OPERATIONS);
    const unknown = summary.find((r) => r.outcome === 'unknown')?.n ?? 0;
    expect(unknown).toBe(outcomes.filter((o) => o.code === 'ROUTER_TIMEOUT').length);
  }, 30_000);
});
