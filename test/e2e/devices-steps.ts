import type { Locator, Page } from 'playwright-core';
import type { Stack } from './harness.js';

/** The devices table (the router's home page). */
export function devicesTable(page: Page): Locator {
  return page.getByRole('table', { name: 'Devices on this router' });
}

/** The table row of the device with this IP (rows are named by their cells). */
export function rowOf(page: Page, ip: string): Locator {
  return devicesTable(page)
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: ip, exact: true }) });
}

/** Scan with the simulator slowed by `latencyMs`: the progress shows, then the outcome. */
export async function scanSlowly(page: Page, stack: Stack, latencyMs: number): Promise<void> {
  const fault = stack.simulator.faults.inject({
    match: { method: 'GET', path: '/api/network/scan' },
    times: 1,
    fault: { kind: 'latency', ms: latencyMs },
  });
  await page.getByRole('button', { name: 'Scan network' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: /Scanning the network…/ })
    .waitFor();
  await page
    .getByRole('status')
    .filter({ hasText: /new devices? —|No new devices/ })
    .waitFor({ timeout: 30_000 });
  stack.simulator.faults.remove(fault);
}

/** The text of the device count ("12 devices", "1 device matches"). */
export async function deviceCount(page: Page): Promise<string> {
  return page
    .getByRole('status')
    .filter({ hasText: /^\d+ devices?( match)?/ })
    .innerText();
}

/** The IP addresses of the rows rendered now, top to bottom. */
export async function renderedIps(page: Page): Promise<string[]> {
  const cells = devicesTable(page).locator('tbody tr:not(.spacer) td:nth-child(3)');
  return cells.allInnerTexts();
}

/** Whether the row is rendered and wholly inside the table's scrolling area. */
export async function inView(row: Locator): Promise<boolean> {
  if ((await row.count()) === 0) {
    return false;
  }
  return row.evaluate((tr) => {
    const box = tr.getBoundingClientRect();
    const area = tr.closest('.devices-scroll')!.getBoundingClientRect();
    return box.top >= area.top && box.bottom <= area.bottom + 1;
  });
}
