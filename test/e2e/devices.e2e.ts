import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deviceCount,
  devicesTable,
  inView,
  renderedIps,
  rowOf,
  scanSlowly,
} from './devices-steps.js';
import { CHROMIUM, newPerson, startStack, uniqueEmail, type Stack } from './harness.js';
import { addRouter, checkPage, signUp } from './journeys.js';

describe.skipIf(!CHROMIUM)('devices', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('scans, finds, sorts, renames, blocks and unblocks a device', async () => {
    const person = await newPerson(stack);
    const { page } = person;
    await signUp(page, uniqueEmail('kid'));
    await addRouter(page, 'devices-home', 'Home');
    await page.getByRole('heading', { name: 'Devices', level: 2 }).waitFor();
    await page.getByText('No devices yet — scan the network to find them').waitFor();
    await checkPage(person, 'devices-empty');

    await scanSlowly(page, stack, 1500);
    const found = page.getByRole('status').filter({ hasText: '12 new devices' });
    expect(await found.innerText()).toContain('the scan found 12 devices');
    expect(await deviceCount(page)).toBe('12 devices');
    const first = rowOf(page, '192.168.1.2');
    expect(await first.innerText()).toContain('New');
    expect(await first.getAttribute('class')).toContain('highlight');
    await checkPage(person, 'devices');

    // Search narrows on the server; sorting by IP again reverses the order.
    await page.getByLabel('Search devices').fill('192.168.1.11');
    await page.getByText('1 device matches').waitFor();
    expect(await renderedIps(page)).toEqual(['192.168.1.11']);
    await page.getByLabel('Search devices').fill('');
    await page.getByText('12 devices', { exact: true }).waitFor();
    const ipHeader = devicesTable(page).getByRole('columnheader', { name: /IP address/ });
    expect(await ipHeader.getAttribute('aria-sort')).toBe('ascending');
    await ipHeader.getByRole('button').click();
    await page.waitForFunction(() =>
      document.querySelector('th[aria-sort="descending"]')?.textContent?.includes('IP address'),
    );
    await page.waitForFunction(
      () =>
        document.querySelector('tbody tr:not(.spacer) td:nth-child(3)')?.textContent ===
        '192.168.1.13',
    );
    await ipHeader.getByRole('button').click();
    await page.getByLabel('Online').selectOption({ label: 'Offline' });
    await page.getByText('No devices match this search and these filters.').waitFor();
    await page.getByLabel('Online').selectOption({ label: 'Online or not' });
    await page.getByText('12 devices', { exact: true }).waitFor();

    // Rename in place: Escape cancels, Enter saves.
    await first.getByRole('button', { name: /^Rename / }).click();
    const nameInput = page.getByLabel(/^New name for /);
    await nameInput.fill('Not this');
    await nameInput.press('Escape');
    await first.getByRole('button', { name: /^Rename / }).click();
    await page.getByLabel(/^New name for /).fill('Kid’s tablet');
    await page.getByLabel(/^New name for /).press('Enter');
    await page.getByRole('button', { name: 'Rename Kid’s tablet' }).waitFor();
    expect(await first.innerText()).not.toContain('Not this');

    // Block, after the question; then unblock.
    await page.getByRole('button', { name: 'Block Kid’s tablet' }).click();
    const dialog = page.getByRole('dialog', { name: 'Block Kid’s tablet?' });
    await dialog.getByText('It loses network access until unblocked.').waitFor();
    await checkPage(person, 'devices-block-dialog');
    await dialog.getByRole('button', { name: 'Block' }).click();
    await page.getByText('Kid’s tablet is blocked').waitFor();
    // The row shows it once the devices are read again (the notice may come first).
    await first.getByText('Blocked', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Unblock Kid’s tablet' }).click();
    await page.getByText('Kid’s tablet is unblocked and back on the network.').waitFor();
    await page.getByRole('button', { name: 'Block Kid’s tablet' }).waitFor();
    await person.context.close();
  });

  it('says so, in the router’s words, when the router refuses a block', async () => {
    const person = await newPerson(stack, 'phone', 'dark');
    const { page } = person;
    await signUp(page, uniqueEmail('refused'));
    await addRouter(page, 'devices-refuses', 'Cabin');
    const scanFault = stack.simulator.faults.inject({
      match: { method: 'GET', path: '/api/network/scan' },
      times: 1,
      fault: { kind: 'error', status: 500, code: 'SCAN_FAILED', message: 'arp-scan crashed' },
    });
    await page.getByRole('button', { name: 'Scan network' }).click();
    const scanAlert = page.getByRole('alert').filter({ hasText: 'The scan did not finish.' });
    await scanAlert.waitFor();
    expect(await scanAlert.innerText()).toContain('The router refused the command.');
    // The scan ran in the background; its operation keeps the router's own words.
    expect(await scanAlert.innerText()).toContain('The router said: “arp-scan crashed”');
    await checkPage(person, 'devices-scan-failed');
    stack.simulator.faults.remove(scanFault);
    await scanSlowly(page, stack, 10);
    expect(await page.getByRole('alert').count()).toBe(0);
    const fault = stack.simulator.faults.inject({
      match: { method: 'POST', path: '/api/network/block' },
      fault: {
        kind: 'error',
        status: 500,
        code: 'COMMAND_FAILED',
        message: 'iptables: chain FORWARD is locked',
      },
    });
    const row = rowOf(page, '192.168.1.3');
    await row.getByRole('button', { name: /^Block / }).click();
    const dialog = page.getByRole('dialog', { name: /^Block .*\?$/ });
    await dialog.getByRole('button', { name: 'Block', exact: true }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    expect(text).toContain('The router refused the command. Nothing was changed.');
    expect(text).toContain('iptables: chain FORWARD is locked');
    await checkPage(person, 'devices-block-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    stack.simulator.faults.remove(fault);
    expect(await row.innerText()).not.toContain('Blocked');
    expect(await row.getByRole('button', { name: /^Block / }).isEnabled()).toBe(true);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await checkPage(person, 'devices');
    await person.context.close();
  });
});

describe.skipIf(!CHROMIUM)('devices of a large network', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ devicesPerRouter: 1000 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('shows 1,000 devices, filters them as you type and scrolls', async () => {
    const person = await newPerson(stack);
    const { page } = person;
    await signUp(page, uniqueEmail('big'));
    await addRouter(page, 'devices-big', 'Office');
    await scanSlowly(page, stack, 10);
    await page.getByText('1000 devices', { exact: true }).waitFor({ timeout: 30_000 });
    // Only the rows in view are in the page, not a thousand.
    const rendered = await devicesTable(page).locator('tbody tr:not(.spacer)').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(80);

    // Typing key by key over a thousand rows: every key lands and the list narrows.
    // (How fast is measured by `npm run bench:console`, not asserted here.)
    const search = page.getByLabel('Search devices');
    await search.pressSequentially('192.168.4.10', { delay: 20 });
    expect(await search.inputValue()).toBe('192.168.4.10');
    await page.getByText(/^\d+ devices? match/).waitFor();
    expect(await deviceCount(page)).toBe('11 devices match');
    await search.fill('');
    await page.getByText('1000 devices', { exact: true }).waitFor();

    // Scrolling (the wheel, over the table) to the end shows the last devices.
    await rowOf(page, '192.168.1.2').hover();
    const last = rowOf(page, '192.168.4.251');
    for (let i = 0; i < 40 && !(await inView(last)); i += 1) {
      await page.mouse.wheel(0, 2000);
      await page.waitForTimeout(50);
    }
    expect(await inView(last)).toBe(true);
    expect(await renderedIps(page)).not.toContain('192.168.1.2');
    await checkPage(person, 'devices-1000');
    await person.context.close();
  });
});
