import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  injectAs,
  registerAndLogin,
  type LoggedInUser,
  type TestContext,
} from '../helpers/build-app.js';
import { auditEventsOf } from '../helpers/factories.js';
import { queryRows } from '../../src/db/client.js';
import { metricValue } from '../helpers/metrics-scrape.js';
import { captureLogs, userWithRouter } from '../helpers/operation-checks.js';

// When the audit outcome of a router operation cannot be written after the fact
// (no writes of its own to share a transaction with), the operation's own answer
// stands, and the failure is logged with the event id and counted in /metrics:
// never swallowed silently.

let ctx: TestContext;
let alice: LoggedInUser;
const logs = captureLogs();

beforeAll(async () => {
  ctx = await createTestContext({ logger: logs.logger });
  alice = await registerAndLogin(ctx.app);
  // This database refuses to complete the audit events of one operation.
  await ctx.db.db.execute(
    sql.raw(`
      create function refuse_wifi_enable_outcome() returns trigger language plpgsql as $$
      begin
        if new.operation = 'wifi.enable' and new.outcome <> 'pending' then
          raise exception 'audit outcome refused by the test';
        end if;
        return new;
      end $$`),
  );
  await ctx.db.db.execute(
    sql.raw(`create trigger refuse_wifi_enable_outcome before update on audit_events
      for each row execute function refuse_wifi_enable_outcome()`),
  );
});
afterAll(async () => {
  await ctx.close();
});

const failures = () =>
  metricValue(ctx.app, 'audit_write_failures_total', { operation: 'wifi.enable' });

describe('an audit outcome that cannot be written', () => {
  it('leaves a success answered, logs the event id and counts it', async () => {
    const owner = await userWithRouter(ctx, alice);
    const before = await failures();
    const res = await injectAs(ctx.app, owner.user, {
      method: 'POST',
      url: `/api/v1/routers/${owner.routerId}/wifi/enable`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await failures()).toBe(before + 1);

    expect(await auditEventsOf(ctx.db.db, owner.uuid)).toMatchObject([
      { operation: 'wifi.enable', outcome: 'pending' },
    ]);
    const [event] = await queryRows<{ id: string }>(
      ctx.db.db,
      sql`select id from audit_events where router_id = ${owner.uuid}`,
    );
    const logged = logs
      .text()
      .split('\n')
      .filter((l) => l.includes(`"auditEventId":"${event!.id}"`))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, operation: 'wifi.enable', outcome: 'succeeded' });
  });

  it('leaves a failure answered with its own error, and counts it', async () => {
    const owner = await userWithRouter(ctx, alice);
    const before = await failures();
    ctx.sim.faults.inject({
      match: { path: '/api/wifi/enable' },
      times: 1,
      fault: {
        kind: 'error',
        status: 500,
        code: 'COMMAND_FAILED',
        message: 'Command failed: radio is busy',
      },
    });
    const res = await injectAs(ctx.app, owner.user, {
      method: 'POST',
      url: `/api/v1/routers/${owner.routerId}/wifi/enable`,
    });
    expect(res.statusCode, res.body).toBe(502);
    expect(res.json().error.code).toBe('ROUTER_COMMAND_FAILED');
    expect(await failures()).toBe(before + 1);
  });
});
