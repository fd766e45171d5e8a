/**
 * Joining a router by invitation instead of being added directly (hardening
 * finding: "adding a member reveals whether an email has an account, and adds
 * people without their consent"). Expiry and authorization are in
 * invitations-expiry-authz.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
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
  expectUnchanged,
  invitationRow,
  invite,
  invitationStateOf,
  membershipsOf,
  received,
  redactedInvitationAnswer,
  toFullwidth,
} from '../helpers/invitations.js';
import { memberOf, userWithRouter } from '../helpers/operation-checks.js';
import { auditEventsByRouterId } from '../helpers/router-admin.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.close();
});

describe('no account enumeration, no membership without consent', () => {
  it('the direct add is gone: POST …/members answers the same for an account and a stranger, and adds no one', async () => {
    const owner = await userWithRouter(ctx);
    const existing = await registerAndLogin(ctx.app);
    const url = `/api/v1/routers/${owner.routerId}/members`;
    const before = await invitationStateOf(ctx.db.db, owner);
    const [forAccount, forStranger] = await Promise.all(
      [existing.email, uniqueEmail('nobody')].map((email) =>
        injectAs(ctx.app, owner.user, { method: 'POST', url, payload: { email } }),
      ),
    );
    // Before invitations: 201 with the member for an account, 404 USER_NOT_FOUND otherwise.
    expect([forAccount!.statusCode, forAccount!.json().error?.code]).toEqual([
      forStranger!.statusCode,
      forStranger!.json().error?.code,
    ]);
    expect(forAccount!.statusCode).toBe(404);
    expect(forAccount!.json().error.code).toBe('NOT_FOUND');
    expect(await membershipsOf(ctx.db.db, existing.userId)).toBe(0);
    expect(await invitationStateOf(ctx.db.db, owner)).toBe(before);
  });

  it('answers an invitation identically for an account, a stranger and a member, and adds no one', async () => {
    const owner = await userWithRouter(ctx);
    const existing = await registerAndLogin(ctx.app);
    const member = await memberOf(ctx, owner);
    const stranger = uniqueEmail('nobody');
    const answers = [];
    for (const email of [existing.email, stranger, member.user.email]) {
      answers.push(await invite(ctx, owner, email));
    }
    const shapes = answers.map(redactedInvitationAnswer);
    expect(shapes[0]).toMatchObject({ status: 201, success: true, error: null });
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
    expect(answers.map((r) => r.json().data.email as string)).toEqual([
      existing.email,
      stranger,
      member.user.email,
    ]);
    // Nobody joined: the account became no member, the member stayed one membership.
    expect(await membershipsOf(ctx.db.db, existing.userId)).toBe(0);
    const members = await injectAs(ctx.app, owner.user, {
      method: 'GET',
      url: `/api/v1/routers/${owner.routerId}/members`,
    });
    expect(members.json().data.items).toHaveLength(2);
    const events = await auditEventsByRouterId(ctx.db.db, owner.routerId);
    expect(events.map((e) => [e.operation, e.outcome])).toEqual([
      ['router.invite', 'succeeded'],
      ['router.invite', 'succeeded'],
      ['router.invite', 'succeeded'],
    ]);
  });
});

describe('the invitee', () => {
  it('sees the invitation by their address (case and NFKC folded) and accepting makes them a member', async () => {
    const owner = await userWithRouter(ctx);
    const invitee = await registerAndLogin(ctx.app);
    const bystander = await registerAndLogin(ctx.app);
    const sent = await invite(ctx, owner, `  ${toFullwidth(invitee.email.toUpperCase())} `);
    expect(sent.statusCode, sent.body).toBe(201);
    const { id, createdAt, expiresAt } = sent.json().data;
    expect(sent.json().data.email).toBe(invitee.email);

    const list = await received(ctx, invitee);
    expect(list.statusCode).toBe(200);
    expect(list.json().data.items).toEqual([
      {
        id,
        router: { routerId: owner.routerId, name: 'Test router' },
        invitedBy: { email: owner.user.email },
        createdAt,
        expiresAt,
      },
    ]);
    expect((await received(ctx, bystander)).json().data.items).toEqual([]);

    const accepted = await accept(ctx, invitee, id);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().data).toMatchObject({ routerId: owner.routerId, role: 'member' });
    const mine = await injectAs(ctx.app, invitee, {
      method: 'GET',
      url: `/api/v1/routers/${owner.routerId}`,
    });
    expect(mine.json().data.role).toBe('member');
    expect(await invitationRow(ctx.db.db, id)).toMatchObject({ status: 'accepted' });
    expect((await received(ctx, invitee)).json().data.items).toEqual([]);
    const events = await auditEventsByRouterId(ctx.db.db, owner.routerId);
    expect(events.at(-1)).toMatchObject({ operation: 'invitation.accept', outcome: 'succeeded' });
  });

  it('finds an invitation made before they registered', async () => {
    const owner = await userWithRouter(ctx);
    const email = uniqueEmail('later');
    const { id } = (await invite(ctx, owner, email)).json().data;
    const invitee = await registerAndLogin(ctx.app, email);
    expect(
      (await received(ctx, invitee)).json().data.items.map((i: { id: string }) => i.id),
    ).toEqual([id]);
  });

  it('declines: no membership, the invitation closed, audited', async () => {
    const owner = await userWithRouter(ctx);
    const invitee = await registerAndLogin(ctx.app);
    const { id } = (await invite(ctx, owner, invitee.email)).json().data;
    const res = await decline(ctx, invitee, id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ declined: true });
    expect(await membershipsOf(ctx.db.db, invitee.userId)).toBe(0);
    expect(await invitationRow(ctx.db.db, id)).toMatchObject({ status: 'declined' });
    expect((await received(ctx, invitee)).json().data.items).toEqual([]);
    const events = await auditEventsByRouterId(ctx.db.db, owner.routerId);
    expect(events.at(-1)).toMatchObject({ operation: 'invitation.decline', outcome: 'succeeded' });
  });

  it('cannot answer an invitation twice, nor after declining: 404, nothing changes', async () => {
    const owner = await userWithRouter(ctx);
    const invitee = await registerAndLogin(ctx.app);
    const first = (await invite(ctx, owner, invitee.email)).json().data.id as string;
    expect((await accept(ctx, invitee, first)).statusCode).toBe(200);
    const second = (await invite(ctx, owner, uniqueEmail())).json().data.id as string;
    const third = (await invite(ctx, owner, (await registerAndLogin(ctx.app)).email)).json().data
      .id as string;
    for (const [label, call] of [
      ['accept twice', () => accept(ctx, invitee, first)],
      ['decline after accepting', () => decline(ctx, invitee, first)],
      ["accept someone else's", () => accept(ctx, invitee, second)],
      ["decline someone else's", () => decline(ctx, invitee, third)],
      ['accept an unknown id', () => accept(ctx, invitee, randomUUID())],
    ] as const) {
      await expectUnchanged(ctx, owner, label, call, 404, 'INVITATION_NOT_FOUND');
    }
  });

  it("another user cannot see, accept or decline someone's invitation, even the owner", async () => {
    const owner = await userWithRouter(ctx);
    const invitee = await registerAndLogin(ctx.app);
    const other = await registerAndLogin(ctx.app);
    const { id } = (await invite(ctx, owner, invitee.email)).json().data;
    expect((await received(ctx, other)).json().data.items).toEqual([]);
    for (const user of [other, owner.user]) {
      await expectUnchanged(
        ctx,
        owner,
        'accept',
        () => accept(ctx, user, id),
        404,
        'INVITATION_NOT_FOUND',
      );
      await expectUnchanged(
        ctx,
        owner,
        'decline',
        () => decline(ctx, user, id),
        404,
        'INVITATION_NOT_FOUND',
      );
    }
    expect((await accept(ctx, invitee, id)).statusCode).toBe(200);
  });

  it('accepting when already a member closes the invitation and keeps one membership', async () => {
    const owner = await userWithRouter(ctx);
    const member = await memberOf(ctx, owner);
    const { id } = (await invite(ctx, owner, member.user.email)).json().data;
    const res = await accept(ctx, member.user, id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ routerId: owner.routerId, role: 'member' });
    expect(await membershipsOf(ctx.db.db, member.user.userId)).toBe(1);
    expect(await invitationRow(ctx.db.db, id)).toMatchObject({ status: 'accepted' });
    const events = await auditEventsByRouterId(ctx.db.db, owner.routerId);
    expect(events.at(-1)).toMatchObject({ operation: 'invitation.accept', outcome: 'succeeded' });
  });

  it('concurrent accepts of one invitation make one membership and one accept event', async () => {
    const owner = await userWithRouter(ctx);
    const invitee = await registerAndLogin(ctx.app);
    const { id } = (await invite(ctx, owner, invitee.email)).json().data;
    const answers = await Promise.all(Array.from({ length: 6 }, () => accept(ctx, invitee, id)));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 404, 404, 404, 404, 404]);
    expect(await membershipsOf(ctx.db.db, invitee.userId)).toBe(1);
    const events = await auditEventsByRouterId(ctx.db.db, owner.routerId);
    expect(events.filter((e) => e.operation === 'invitation.accept')).toHaveLength(1);
  });
});

describe('the owner', () => {
  it('lists open invitations, renews one by inviting again (same id, 200), and revokes it', async () => {
    const owner = await userWithRouter(ctx);
    const invitee = await registerAndLogin(ctx.app);
    const url = `/api/v1/routers/${owner.routerId}/invitations`;
    const first = await invite(ctx, owner, invitee.email);
    ctx.clock.advance(3_600_000);
    const again = await invite(ctx, owner, invitee.email.toUpperCase());
    expect(again.statusCode, again.body).toBe(200);
    const { id } = first.json().data;
    expect(again.json().data).toMatchObject({ id, createdAt: first.json().data.createdAt });
    // Renewed from the (moved) clock: one hour later, give or take the test's own time.
    const renewedBy =
      Date.parse(again.json().data.expiresAt) - Date.parse(first.json().data.expiresAt);
    expect(renewedBy).toBeGreaterThanOrEqual(3_600_000);
    expect(renewedBy).toBeLessThan(3_600_000 + 60_000);
    const list = await injectAs(ctx.app, owner.user, { method: 'GET', url });
    expect(list.json().data.items).toEqual([again.json().data]);

    const revoked = await injectAs(ctx.app, owner.user, { method: 'DELETE', url: `${url}/${id}` });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().data).toEqual({ revoked: true });
    expect((await injectAs(ctx.app, owner.user, { method: 'GET', url })).json().data.items).toEqual(
      [],
    );
    expect((await received(ctx, invitee)).json().data.items).toEqual([]);
    expect(await invitationRow(ctx.db.db, id)).toMatchObject({ status: 'revoked' });
    await expectUnchanged(
      ctx,
      owner,
      'accept revoked',
      () => accept(ctx, invitee, id),
      404,
      'INVITATION_NOT_FOUND',
    );
    await expectUnchanged(
      ctx,
      owner,
      'revoke twice',
      () => injectAs(ctx.app, owner.user, { method: 'DELETE', url: `${url}/${id}` }),
      404,
      'INVITATION_NOT_FOUND',
    );
    const events = await auditEventsByRouterId(ctx.db.db, owner.routerId);
    expect(events.map((e) => e.operation)).toEqual([
      'router.invite',
      'router.invite',
      'router.invitation_revoke',
    ]);
  });

  it('concurrent invitations of one address make one open invitation', async () => {
    const owner = await userWithRouter(ctx);
    const email = uniqueEmail();
    const answers = await Promise.all(Array.from({ length: 5 }, () => invite(ctx, owner, email)));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((r) => r.json().data.id as string)).size).toBe(1);
    const [row] = await queryRows<{ n: number }>(
      ctx.db.db,
      sql`select count(*)::int as n from router_invitations where router_id = ${owner.uuid}`,
    );
    expect(row!.n).toBe(1);
  });

  it("cannot revoke another router's invitation through this one: 404, nothing changes", async () => {
    const owner = await userWithRouter(ctx);
    const second = await userWithRouter(ctx, owner.user);
    const { id } = (await invite(ctx, owner, uniqueEmail())).json().data;
    await expectUnchanged(
      ctx,
      owner,
      'revoke elsewhere',
      () =>
        injectAs(ctx.app, owner.user, {
          method: 'DELETE',
          url: `/api/v1/routers/${second.routerId}/invitations/${id}`,
        }),
      404,
      'INVITATION_NOT_FOUND',
    );
  });

  it('gets 400 for their own address and for what is not an address, and nothing is written', async () => {
    const owner = await userWithRouter(ctx);
    const cases: [string, unknown][] = [
      ['own address', { email: ` ${owner.user.email.toUpperCase()} ` }],
      ['own address in fullwidth', { email: toFullwidth(owner.user.email) }],
      ['no @', { email: 'not-an-email' }],
      ['no dot in the domain', { email: 'a@b' }],
      ['NUL', { email: 'nul\u0000@example.com' }],
      ['space inside', { email: 'a b@example.com' }],
      // U+FDFA is 18 characters in NFKC: short input, over-long address.
      ['over-long after NFKC', { email: `${'\uFDFA'.repeat(15)}@example.com` }],
      ['too long', { email: `${'a'.repeat(250)}@example.com` }],
      ['extra property', { email: uniqueEmail(), role: 'owner' }],
      ['missing email', {}],
    ];
    for (const [label, payload] of cases) {
      await expectUnchanged(
        ctx,
        owner,
        label,
        () =>
          injectAs(ctx.app, owner.user, {
            method: 'POST',
            url: `/api/v1/routers/${owner.routerId}/invitations`,
            payload: payload as Record<string, unknown>,
          }),
        400,
        'VALIDATION_FAILED',
      );
    }
  });
});

describe('rows', () => {
  it('store the normalised address, the inviter and the expiry', async () => {
    const owner = await userWithRouter(ctx);
    const { id } = (await invite(ctx, owner, ' ＡＤＡ＠Example．com ')).json().data;
    const [row] = await queryRows<{ email: string; invited_by: string; status: string }>(
      ctx.db.db,
      sql`select email, invited_by, status::text from router_invitations where id = ${id}`,
    );
    expect(row).toEqual({
      email: 'ada@example.com',
      invited_by: owner.user.userId,
      status: 'pending',
    });
  });
});
