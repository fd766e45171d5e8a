import { sql } from 'drizzle-orm';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import {
  createTestContext,
  injectAs,
  registerAndLogin,
  type LoggedInUser,
  type TestContext,
} from '../helpers/build-app.js';
import { snapshotRouterData, uniqueRouterId } from '../helpers/factories.js';
import { userWithRouter, type RouterUser } from '../helpers/operation-checks.js';
import { snapshotRouterTables } from '../helpers/router-admin.js';

/**
 * Names and descriptions refuse the invisible characters that change the order in
 * which text is displayed ("Trojan Source", CVE-2021-42574): a device named
 * `Printer\u202Eexe.txt` reads as "Printertxt.exe". Every route that takes one answers
 * 400 naming the field, before any Commands-Server call, and writes nothing.
 * @see hardening issue, finding 12
 */

let ctx: TestContext;
let alice: LoggedInUser;

beforeAll(async () => {
  ctx = await createTestContext({ commandsTimeoutMs: 300 });
  alice = await registerAndLogin(ctx.app);
});
afterAll(async () => {
  await ctx.close();
});

/** Embeddings and overrides, isolates, then the implicit marks (LRM, RLM, ALM). */
const BIDI = [
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
];

const codePoint = (c: string) =>
  `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

function expectRefused(res: LightMyRequestResponse, field: string, char: string): void {
  const label = `${codePoint(char)}: ${res.body}`;
  expect(res.statusCode, label).toBe(400);
  const error = res.json().error;
  expect(error.code, label).toBe('VALIDATION_FAILED');
  expect(error.details.fields[0].field, label).toBe(field);
  expect(error.message, label).toContain('bidirectional');
  expect(error.message, label).toContain(codePoint(char));
  expect(error.message, label).toContain('U+202A–U+202E');
}

/** Each character inside a name, e.g. `Printer<U+202E>exe.txt`, answered 400 with nothing written. */
async function expectEachRefused(
  owner: RouterUser,
  field: string,
  request: (text: string) => InjectOptions,
): Promise<void> {
  const before = await snapshotRouterData(ctx.db.db, owner.uuid);
  const calls = ctx.sim.calls.length;
  for (const char of BIDI) {
    const res = await injectAs(ctx.app, owner.user, request(`Printer${char}exe.txt`));
    expectRefused(res, field, char);
  }
  expect(ctx.sim.calls.length).toBe(calls);
  expect(await snapshotRouterData(ctx.db.db, owner.uuid)).toBe(before);
}

describe('router names', () => {
  it('adding a router refuses them before any call and stores nothing', async () => {
    const before = await snapshotRouterTables(ctx.db.db);
    const calls = ctx.sim.calls.length;
    for (const char of BIDI) {
      const res = await injectAs(ctx.app, alice, {
        method: 'POST',
        url: '/api/v1/routers',
        payload: { routerId: uniqueRouterId(), name: `Home${char}` },
      });
      expectRefused(res, 'body.name', char);
    }
    expect(ctx.sim.calls.length).toBe(calls);
    expect(await snapshotRouterTables(ctx.db.db)).toBe(before);
  });

  it('renaming a router refuses them and keeps the old name', async () => {
    const owner = await userWithRouter(ctx, alice);
    await expectEachRefused(owner, 'body.name', (name) => ({
      method: 'PATCH',
      url: `/api/v1/routers/${owner.routerId}`,
      payload: { name },
    }));
  });
});

describe('device names', () => {
  it('renaming a device refuses them and keeps the old name', async () => {
    const owner = await userWithRouter(ctx, alice);
    const [device] = await queryRows<{ id: string }>(
      ctx.db.db,
      sql`insert into user_devices (router_id, mac, ip, name)
          values (${owner.uuid}, 'aa:bb:cc:00:12:01', '192.168.1.30', 'Printer') returning id`,
    );
    await expectEachRefused(owner, 'body.name', (name) => ({
      method: 'PATCH',
      url: `/api/v1/routers/${owner.routerId}/devices/${device!.id}`,
      payload: { name },
    }));
  });
});

describe.each(['whitelist', 'blacklist'])('%s entry names and descriptions', (list) => {
  it('adding an entry refuses them in the name and the description, before any call', async () => {
    const owner = await userWithRouter(ctx, alice);
    const url = `/api/v1/routers/${owner.routerId}/${list}`;
    await expectEachRefused(owner, 'body.name', (name) => ({
      method: 'POST',
      url,
      payload: { ip: '192.168.1.40', name },
    }));
    await expectEachRefused(owner, 'body.description', (description) => ({
      method: 'POST',
      url,
      payload: { ip: '192.168.1.40', description: `line one\n${description}` },
    }));
  });

  it('changing an entry refuses them in the name and the description', async () => {
    const owner = await userWithRouter(ctx, alice);
    const url = `/api/v1/routers/${owner.routerId}/${list}`;
    const added = await injectAs(ctx.app, owner.user, {
      method: 'POST',
      url,
      payload: { ip: '192.168.1.41', name: 'Printer', description: 'by the door' },
    });
    expect(added.statusCode, added.body).toBe(201);
    for (const field of ['name', 'description']) {
      await expectEachRefused(owner, `body.${field}`, (text) => ({
        method: 'PATCH',
        url: `${url}/192.168.1.41`,
        payload: { [field]: text },
      }));
    }
  });
});

describe('right-to-left names without control characters', () => {
  it('are still accepted, as are joiners inside emoji and words', async () => {
    const owner = await userWithRouter(ctx, alice);
    for (const name of ['راوتر المنزل', 'הנתב שלי 2', 'می‌خواهم', 'Family 👨‍👩‍👧']) {
      const res = await injectAs(ctx.app, owner.user, {
        method: 'PATCH',
        url: `/api/v1/routers/${owner.routerId}`,
        payload: { name },
      });
      expect(res.statusCode, `${name}: ${res.body}`).toBe(200);
      expect(res.json().data.name).toBe(name);
    }
  });
});
