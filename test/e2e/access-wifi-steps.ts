import type { Page } from 'playwright-core';
import type { Stack } from './harness.js';
import { apiFromPage } from './journeys.js';

/**
 * Set-up steps of the access and Wi-Fi journey that are not the person's own:
 * API calls from the page (same origin, so the session cookie rides along) and
 * changes made on the router behind the server's back, through the simulator.
 */

/**
 * Changes the router directly through the Commands-Server (the simulator), with a
 * session of its own, as someone on the router's own admin page would: the server
 * does not hear of it, so its saved state drifts.
 */
export async function changeRouterBehindTheServer(
  stack: Stack,
  routerId: string,
  calls: { method: 'POST' | 'DELETE'; path: string; body?: Record<string, unknown> }[],
): Promise<void> {
  const sessionId = `drift-maker-${Date.now()}`;
  const send = async (method: string, path: string, body: Record<string, unknown> = {}) => {
    const response = await fetch(`${stack.simulator.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId, routerId, ...body }),
    });
    if (!response.ok) {
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    }
  };
  await send('POST', '/api/session/start');
  for (const call of calls) {
    await send(call.method, call.path, call.body);
  }
  await send('POST', '/api/session/end');
}

/** Invites `email` to the router (as its owner, from the owner's page). */
export async function invite(ownerPage: Page, routerId: string, email: string): Promise<void> {
  const answer = await apiFromPage(ownerPage, 'POST', `/api/v1/routers/${routerId}/invitations`, {
    email,
  });
  if (answer.status !== 201 && answer.status !== 200) {
    throw new Error(`invitation answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  }
}

/** Accepts every open invitation of the signed-in person (from their page). */
export async function acceptInvitations(page: Page): Promise<void> {
  const list = await apiFromPage(page, 'GET', '/api/v1/invitations');
  const items = (list.json as { data: { items: { id: string }[] } }).data.items;
  for (const item of items) {
    await apiFromPage(page, 'POST', `/api/v1/invitations/${item.id}/accept`);
  }
}
