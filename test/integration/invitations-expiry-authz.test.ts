/** Invitations: expiry on the injectable clock, INVITATION_TTL_HOURS, who may call what. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  injectAs,
  registerAndLogin,
  uniqueEmail,
  type TestContext,
} from '../helpers/build-app.js';
import {
  accept,
  decline,
  expectRefusedAndRecorded,
  expectUnchanged,
  invitationRow,
  invite,
  received,
} from '../helpers/invitations.js';
import { memberOf, userWithRouter } from '../helpers/operation-checks.js';

let ctx: TestContext;

// The clock moves past a week here: logins must outlive it (their default idle timeout is 7 days).
const YEAR_MINUTES = String(365 * 24 * 60);

beforeAll(async () => {
  ctx = await createTestContext({
    config: {
      SESSION_IDLE_TIMEOUT_MINUTES: YEAR_MINUTES,
      SESSION_ABSOLUTE_LIFETIME_MINUTES: YEAR_MINUTES,
    },
  });
});
afterAll(async () => {
  await ctx.close();
});

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  payload?: Record<string, unknown>;
}

describe('expiry', () => {
  it('lasts 7 days by default; after that it is not listed and cannot be answered or revoked', async () => {
    const owner = await userWithRouter(ctx);
    const invitee = await registerAndLogin(ctx.app);
    const sent = (await invite(ctx, owner, invitee.email)).json().data;
    expect(Date.parse(sent.expiresAt) - Date.parse(sent.createdAt)).toBe(WEEK);
    ctx.clock.advance(WEEK - 1_000);
    expect((await received(ctx, invitee)).json().data.items).toHaveLength(1);
    ctx.clock.advance(2_000);

    const url = `/api/v1/routers/${owner.routerId}/invitations`;
    expect((await received(ctx, invitee)).json().data.items).toEqual([]);
    expect((await injectAs(ctx.app, owner.user, { method: 'GET', url })).json().data.items).toEqual(
      [],
    );
    const code = 'INVITATION_NOT_FOUND';
    await expectUnchanged(ctx, owner, 'accept', () => accept(ctx, invitee, sent.id), 404, code);
    await expectUnchanged(ctx, owner, 'decline', () => decline(ctx, invitee, sent.id), 404, code);
    await expectUnchanged(
      ctx,
      owner,
      'revoke',
      () => injectAs(ctx.app, owner.user, { method: 'DELETE', url: `${url}/${sent.id}` }),
      404,
      code,
    );
  });

  it('inviting the address again closes the expired invitation and opens a new one', async () => {
    const owner = await userWithRouter(ctx);
    const invitee = await registerAndLogin(ctx.app);
    const old = (await invite(ctx, owner, invitee.email)).json().data;
    ctx.clock.advance(WEEK + 1_000);
    const res = await invite(ctx, owner, invitee.email);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().data.id).not.toBe(old.id);
    expect(await invitationRow(ctx.db.db, old.id)).toMatchObject({ status: 'expired' });
    expect(
      (await received(ctx, invitee)).json().data.items.map((i: { id: string }) => i.id),
    ).toEqual([res.json().data.id]);
    expect((await accept(ctx, invitee, old.id)).statusCode).toBe(404);
    expect((await accept(ctx, invitee, res.json().data.id)).statusCode).toBe(200);
  });

  it('follows INVITATION_TTL_HOURS', async () => {
    const short = await createTestContext({
      db: ctx.db,
      sim: ctx.sim,
      config: { INVITATION_TTL_HOURS: '2' },
    });
    try {
      const owner = await userWithRouter(short);
      const sent = (await invite(short, owner, uniqueEmail())).json().data;
      expect(Date.parse(sent.expiresAt) - Date.parse(sent.createdAt)).toBe(2 * HOUR);
    } finally {
      await short.close();
    }
  });
});

describe('authorization', () => {
  async function ownerRoutes() {
    const owner = await userWithRouter(ctx);
    const { id } = (await invite(ctx, owner, uniqueEmail())).json().data;
    const base = `/api/v1/routers/${owner.routerId}/invitations`;
    const routes: Call[] = [
      { method: 'POST', url: base, payload: { email: uniqueEmail() } },
      { method: 'GET', url: base },
      { method: 'DELETE', url: `${base}/${id as string}` },
    ];
    return { owner, routes };
  }

  it("the owner's routes: 403 FORBIDDEN for a member (recorded on the router), 404 ROUTER_NOT_FOUND for a non-member, nothing changes", async () => {
    const { owner, routes } = await ownerRoutes();
    const member = await memberOf(ctx, owner);
    const stranger = await registerAndLogin(ctx.app);
    for (const request of routes) {
      const label = `${request.method} ${request.url}`;
      const asMember = () => injectAs(ctx.app, member.user, request);
      await expectRefusedAndRecorded(ctx, owner, member.user, `member ${label}`, asMember);
      const asStranger = () => injectAs(ctx.app, stranger, request);
      await expectUnchanged(ctx, owner, `stranger ${label}`, asStranger, 404, 'ROUTER_NOT_FOUND');
    }
  });

  it('every invitation route answers 401 without a session, nothing changes', async () => {
    const { owner, routes } = await ownerRoutes();
    const id = randomUUID();
    for (const request of [
      ...routes,
      { method: 'GET', url: '/api/v1/invitations' },
      { method: 'POST', url: `/api/v1/invitations/${id}/accept` },
      { method: 'POST', url: `/api/v1/invitations/${id}/decline` },
    ] as Call[]) {
      const call = () => ctx.app.inject(request);
      await expectUnchanged(
        ctx,
        owner,
        `${request.method} ${request.url}`,
        call,
        401,
        'UNAUTHENTICATED',
      );
    }
  });

  it('a cookie-authenticated accept from a foreign origin is refused (CSRF), nothing changes', async () => {
    const owner = await userWithRouter(ctx);
    const invitee = await registerAndLogin(ctx.app);
    const { id } = (await invite(ctx, owner, invitee.email)).json().data;
    const call = () =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/v1/invitations/${id as string}/accept`,
        headers: { cookie: invitee.cookie, origin: 'https://evil.example' },
      });
    await expectUnchanged(ctx, owner, 'CSRF', call, 403, 'CSRF_REJECTED');
  });

  it('validates the invitation id in the path', async () => {
    const owner = await userWithRouter(ctx);
    for (const request of [
      { method: 'POST', url: '/api/v1/invitations/not-a-uuid/accept' },
      { method: 'POST', url: '/api/v1/invitations/not-a-uuid/decline' },
      { method: 'DELETE', url: `/api/v1/routers/${owner.routerId}/invitations/not-a-uuid` },
    ] as Call[]) {
      const call = () => injectAs(ctx.app, owner.user, request);
      await expectUnchanged(ctx, owner, request.url, call, 400, 'VALIDATION_FAILED');
    }
  });
});
