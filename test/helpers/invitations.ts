/**
 * Helpers for the invitation tests: the calls of both sides, a router's state
 * (domain rows and audit trail) to prove an error changed nothing, and the
 * shape of an invitation answer without what differs between two invitations.
 */
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { queryRows, type Executor } from '../../src/db/client.js';
import { injectAs, type LoggedInUser, type TestContext } from './build-app.js';
import { snapshotRouterData } from './factories.js';
import type { RouterUser } from './operation-checks.js';

/** POST /api/v1/routers/{routerId}/invitations as the router's owner. */
export function invite(ctx: TestContext, owner: RouterUser, email: string) {
  return injectAs(ctx.app, owner.user, {
    method: 'POST',
    url: `/api/v1/routers/${owner.routerId}/invitations`,
    payload: { email },
  });
}

/** GET /api/v1/invitations. */
export function received(ctx: TestContext, user: LoggedInUser) {
  return injectAs(ctx.app, user, { method: 'GET', url: '/api/v1/invitations' });
}

export function accept(ctx: TestContext, user: LoggedInUser, id: string) {
  return injectAs(ctx.app, user, { method: 'POST', url: `/api/v1/invitations/${id}/accept` });
}

export function decline(ctx: TestContext, user: LoggedInUser, id: string) {
  return injectAs(ctx.app, user, { method: 'POST', url: `/api/v1/invitations/${id}/decline` });
}

/** The router's domain rows (memberships and invitations included) and its audit trail. */
export async function invitationStateOf(db: Executor, router: RouterUser): Promise<string> {
  const [audit] = await queryRows<{ j: string | null }>(
    db,
    sql`select json_agg(a order by a.created_at, a.id)::text as j from audit_events a
         where a.router_id = ${router.uuid} or a.router_external_id = ${router.routerId}`,
  );
  return `${await snapshotRouterData(db, router.uuid)}\naudit_events:${audit?.j ?? '[]'}`;
}

/**
 * Runs `call` and checks its error answer, and that the router's rows and audit
 * trail are byte for byte what they were.
 */
export async function expectUnchanged(
  ctx: TestContext,
  router: RouterUser,
  label: string,
  call: () => Promise<LightMyRequestResponse>,
  status: number,
  code: string,
): Promise<void> {
  const before = await invitationStateOf(ctx.db.db, router);
  const res = await call();
  expect(res.statusCode, `${label}: ${res.body}`).toBe(status);
  expect(res.json().error.code, label).toBe(code);
  expect(await invitationStateOf(ctx.db.db, router), label).toBe(before);
}

/**
 * Runs a member's owner-only `call`: 403 FORBIDDEN, the router's domain rows byte for
 * byte as they were, and the refusal recorded on the router's trail as one more
 * event, `failed` with FORBIDDEN, by that member.
 */
export async function expectRefusedAndRecorded(
  ctx: TestContext,
  router: RouterUser,
  member: LoggedInUser,
  label: string,
  call: () => Promise<LightMyRequestResponse>,
): Promise<void> {
  const domainBefore = await snapshotRouterData(ctx.db.db, router.uuid);
  const eventsBefore = new Set((await auditEventsOf(ctx.db.db, router)).map((e) => e.id));
  const res = await call();
  expect(res.statusCode, `${label}: ${res.body}`).toBe(403);
  expect(res.json().error.code, label).toBe('FORBIDDEN');
  expect(await snapshotRouterData(ctx.db.db, router.uuid), label).toBe(domainBefore);
  const added = (await auditEventsOf(ctx.db.db, router))
    .filter((e) => !eventsBefore.has(e.id))
    .map(({ id: _id, ...rest }) => rest);
  expect(added, label).toEqual([
    { user_id: member.userId, outcome: 'failed', error_code: 'FORBIDDEN' },
  ]);
}

function auditEventsOf(db: Executor, router: RouterUser) {
  return queryRows<{ id: string; user_id: string; outcome: string; error_code: string | null }>(
    db,
    sql`select id, user_id, outcome::text as outcome, error_code from audit_events
         where router_id = ${router.uuid}`,
  );
}

export async function invitationRow(db: Executor, id: string) {
  const [row] = await queryRows<{ status: string; responded_at: string | null }>(
    db,
    sql`select status::text as status, responded_at::text as responded_at
          from router_invitations where id = ${id}`,
  );
  return row ?? null;
}

/** How many routers the user belongs to. */
export async function membershipsOf(db: Executor, userId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from user_routers where user_id = ${userId}`,
  );
  return row!.n;
}

/**
 * An invitation answer with what must differ between two invitations (id,
 * address, times, request id) replaced by its kind, so that two answers compare
 * equal exactly when nothing else in them differs.
 */
export function redactedInvitationAnswer(res: LightMyRequestResponse) {
  const body = res.json<{
    success: boolean;
    data: Record<string, string> | null;
    error: unknown;
    metadata: Record<string, unknown>;
  }>();
  const data = body.data;
  return {
    status: res.statusCode,
    headers: Object.keys(res.headers)
      .filter((h) => !['date', 'x-request-id', 'content-length'].includes(h))
      .sort(),
    success: body.success,
    error: body.error,
    metadata: Object.keys(body.metadata).sort(),
    data: data && {
      keys: Object.keys(data).sort(),
      id: /^[0-9a-f-]{36}$/.test(data.id ?? '') ? 'uuid' : data.id,
      ttlMs: Date.parse(data.expiresAt ?? '') - Date.parse(data.createdAt ?? ''),
    },
  };
}

/** The string in fullwidth forms (U+FF01–U+FF5E), which NFKC folds back to ASCII. */
export function toFullwidth(text: string): string {
  return text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}
