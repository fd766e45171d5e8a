import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, newPerson, startStack, uniqueEmail, type Stack } from './harness.js';
import {
  addRouter,
  alertText,
  apiFromPage,
  checkPage,
  openSection,
  scanFromPage,
  signIn,
  signUp,
} from './journeys.js';
import { bodyRows } from './usage-activity-steps.js';

const ROUTER = 'usage-router';

describe.skipIf(!CHROMIUM)('usage and activity', () => {
  let stack: Stack;
  const email = uniqueEmail('noor');
  beforeAll(async () => {
    // A router that does not answer is given up on after 2 s, not 30.
    stack = await startStack({ env: { COMMANDS_SERVER_TIMEOUT_MS: '2000' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('shows traffic per device for each period, one device’s history, and router failures', async () => {
    const person = await newPerson(stack);
    const { page } = person;
    await signUp(page, email);
    await addRouter(page, ROUTER, 'Home');
    await scanFromPage(page, ROUTER);
    await openSection(page, 'Usage');
    await page.getByRole('heading', { name: 'Usage', level: 2 }).waitFor();

    for (const [period, words] of [
      ['Today', 'today'],
      ['This week', 'over the last 7 days'],
      ['This month', 'this calendar month'],
    ] as const) {
      await page.getByRole('radio', { name: period }).check();
      await page.getByRole('heading', { name: new RegExp(`^All devices ${words}`) }).waitFor();
      const chart = page.getByRole('img', { name: /^Bar chart of download and upload/ });
      await chart.waitFor();
      const rows = bodyRows(page, new RegExp(`per device ${words}`));
      expect(await rows.count()).toBeGreaterThan(0);
      expect(await chart.locator('g').count()).toBe(Math.min(8, await rows.count()));
      expect(await page.getByText(/^As reported by the router/).innerText()).toMatch(/\d/);
    }
    await page.getByRole('radio', { name: 'Today' }).check();
    const firstHistory = page.getByRole('button', { name: /^History of / }).first();
    const deviceName = ((await firstHistory.getAttribute('aria-label')) ?? '').slice(11);
    await firstHistory.click();
    await page.getByRole('heading', { name: `History of ${deviceName}`, level: 3 }).waitFor();
    const history = bodyRows(page, `Traffic of ${deviceName} per period`);
    await history
      .filter({ hasText: /\d+(\.\d)? [KMGT]?B/ })
      .first()
      .waitFor();
    expect(await history.count()).toBe(3);
    expect(await page.getByRole('img', { name: /per period/ }).count()).toBe(1);
    await checkPage(person, 'usage');

    // The router does not answer: the sentence, then the figures once it does again.
    const timeout = stack.simulator.faults.inject({
      match: { path: '/api/monitor/current', routerId: ROUTER },
      fault: { kind: 'timeout' },
    });
    await page.reload();
    expect(await alertText(page)).toContain('The router did not answer in time.');
    await checkPage(person, 'usage-timeout');
    stack.simulator.faults.remove(timeout);
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('img', { name: /^Bar chart/ }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);

    // The router refuses: the sentence and its own words; switching period asks again.
    const refusal = stack.simulator.faults.inject({
      match: { path: '/api/monitor/last-week', routerId: ROUTER },
      times: 1,
      fault: {
        kind: 'error',
        status: 500,
        code: 'COMMAND_FAILED',
        message: 'nlbwmon is not running',
      },
    });
    await page.getByRole('radio', { name: 'This week' }).check();
    expect(await alertText(page)).toContain('The router refused the command.');
    await page.getByText('The router said: “nlbwmon is not running”').waitFor();
    await checkPage(person, 'usage-refused');
    stack.simulator.faults.remove(refusal);
    await page.getByRole('radio', { name: 'Today' }).check();
    await page.getByRole('radio', { name: 'This week' }).check();
    await page.getByRole('heading', { name: /^All devices over the last 7 days/ }).waitFor();
    await person.context.close();
  });

  it('lists the router’s activity, makes failures stand out and filters them', async () => {
    const person = await newPerson(stack);
    const { page } = person;
    await signIn(page, email);
    await page.getByRole('heading', { name: 'Your routers' }).waitFor();
    await page.goto(`/routers/${ROUTER}/activity`);
    await page.getByRole('heading', { name: 'Activity', level: 2 }).waitFor();
    const list = page.getByRole('list', { name: 'Activity, newest first' });
    await list.getByText('Added the router as “Home”').waitFor();
    await list.getByText(/^Scanned the network: \d+ devices found, \d+ new/).waitFor();

    const blocked = stack.simulator.faults.inject({
      match: { path: '/api/network/block', routerId: ROUTER },
      times: 1,
      fault: { kind: 'error', status: 500, code: 'COMMAND_FAILED', message: 'iptables: no chain' },
    });
    const answer = await apiFromPage(page, 'POST', `/api/v1/routers/${ROUTER}/block`, {
      ip: '192.168.1.250',
      force: true,
    });
    expect(answer.status).toBe(502);
    stack.simulator.faults.remove(blocked);
    await page.reload();
    const failed = list
      .getByRole('listitem')
      .filter({ hasText: 'Blocked the device at 192.168.1.250' });
    await failed.waitFor();
    expect(await failed.getAttribute('class')).toContain('failed');
    const failedText = await failed.innerText();
    expect(failedText).toContain('Failed');
    expect(failedText).toContain('The router refused the command.');
    expect(failedText).toContain('ROUTER_COMMAND_FAILED');
    expect(failedText).toContain('You');
    await checkPage(person, 'activity');

    await page.getByRole('radio', { name: 'Failed only' }).check();
    await page.getByText(/^Showing 1 of the \d+ events loaded\./).waitFor();
    expect(await list.getByRole('listitem').count()).toBe(1);
    await page.getByLabel('Kind of action').selectOption({ label: 'Wi-Fi' });
    await page.getByText('No loaded event matches these filters.').waitFor();
    await page.getByLabel('Kind of action').selectOption({ label: 'Blocking' });
    await failed.waitFor();
    await checkPage(person, 'activity-failed-only');
    await page.getByRole('radio', { name: 'All outcomes' }).check();
    await page.getByLabel('Kind of action').selectOption({ label: 'All kinds' });
    await page.getByText(/^\d+ events loaded\./).waitFor();
    expect(await list.getByRole('listitem').count()).toBeGreaterThanOrEqual(3);
    await person.context.close();
  });

  it('pages older events and fits a phone, light and dark', async () => {
    const person = await newPerson(stack, 'phone');
    const { page } = person;
    await signIn(page, email);
    await page.getByRole('heading', { name: 'Your routers' }).waitFor();
    for (let i = 0; i < 24; i += 1) {
      await scanFromPage(page, ROUTER);
    }
    await page.goto(`/routers/${ROUTER}/activity`);
    const items = page.getByRole('list', { name: 'Activity, newest first' }).getByRole('listitem');
    await items.first().waitFor();
    expect(await items.count()).toBe(25);
    await page.getByRole('button', { name: 'Show older' }).click();
    await page.getByText('Added the router as “Home”').waitFor();
    expect(await items.count()).toBeGreaterThan(25);
    expect(await page.getByRole('button', { name: 'Show older' }).count()).toBe(0);
    await expectNoOverflow(page);
    await checkPage(person, 'activity');

    await page.goto(`/routers/${ROUTER}/usage`);
    await page.getByRole('img', { name: /^Bar chart/ }).waitFor();
    await page
      .getByRole('button', { name: /^History of / })
      .first()
      .click();
    await page.getByRole('heading', { name: /^History of /, level: 3 }).waitFor();
    await page.getByRole('img', { name: /per period/ }).waitFor();
    await expectNoOverflow(page);
    await checkPage(person, 'usage');
    await person.context.close();

    const dark = await newPerson(stack, 'desktop', 'dark');
    await signIn(dark.page, email);
    await dark.page.getByRole('heading', { name: 'Your routers' }).waitFor();
    await dark.page.goto(`/routers/${ROUTER}/usage`);
    await dark.page.getByRole('img', { name: /^Bar chart/ }).waitFor();
    await checkPage(dark, 'usage-dark');
    await dark.page.goto(`/routers/${ROUTER}/activity`);
    await dark.page.getByText(/^Blocked the device at/).waitFor();
    await checkPage(dark, 'activity-dark');
    await dark.context.close();
  });
});

/** The page does not scroll sideways; if it does, the elements that stick out say why. */
async function expectNoOverflow(page: Page): Promise<void> {
  const wide = await page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= limit) {
      return [];
    }
    const clipped = (e: Element | null): boolean =>
      !!e && (getComputedStyle(e).overflowX !== 'visible' || clipped(e.parentElement));
    const culprits = Array.from(document.querySelectorAll('body *'))
      .filter((e) => e.getBoundingClientRect().right > limit + 1 && !clipped(e.parentElement))
      .slice(0, 5)
      .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`);
    return culprits.length > 0 ? culprits : [`page ${document.documentElement.scrollWidth}px wide`];
  });
  expect(wide).toEqual([]);
}
