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
import { acceptInvitations, changeRouterBehindTheServer, invite } from './access-wifi-steps.js';

const ROUTER = 'access-router-1';

/** The tab panel of one list, once it shows. */
function panel(page: Page, list: 'Whitelist' | 'Blacklist') {
  return page.getByRole('tabpanel', { name: list });
}

async function chooseMode(page: Page, label: string): Promise<void> {
  const group = page.getByRole('group', { name: 'Access mode' });
  await group.getByRole('radio', { name: label }).check();
  await group.getByRole('button', { name: 'Apply mode' }).click();
}

describe.skipIf(!CHROMIUM)('access control and Wi-Fi', () => {
  let stack: Stack;
  const ownerEmail = uniqueEmail('ada');
  beforeAll(async () => {
    // A short router deadline, so that the timeout case answers in seconds.
    stack = await startStack({ env: { COMMANDS_SERVER_TIMEOUT_MS: '3000' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('whitelists a known device, switches modes and sets rates', async () => {
    const owner = await newPerson(stack);
    const { page } = owner;
    await signUp(page, ownerEmail);
    await addRouter(page, ROUTER, 'Home');
    await scanFromPage(page, ROUTER);
    await openSection(page, 'Access control');
    await page.getByRole('heading', { name: 'Access control' }).waitFor();
    await page.getByText('The router and this server agree').waitFor();

    // Whitelist a device picked from the router's known devices.
    const whitelist = panel(page, 'Whitelist');
    const picker = whitelist.getByLabel('Known device');
    const option = (await picker.locator('option').nth(1).textContent())!;
    const ip = /\(([\d.]+)\)$/.exec(option)![1]!;
    await picker.selectOption({ label: option });
    expect(await whitelist.getByLabel('IP address').inputValue()).toBe(ip);
    await whitelist.getByRole('button', { name: 'Add to the whitelist' }).click();
    await whitelist.getByText(/is now on the whitelist\./).waitFor();
    await whitelist.getByRole('cell', { name: ip, exact: true }).waitFor();
    expect(stack.simulator.routerState(ROUTER).whitelist).toContain(ip);

    // Its name, saved here.
    await whitelist.getByRole('button', { name: new RegExp(`^Rename .*${ip}`) }).click();
    await whitelist.getByLabel(`Name for ${ip}`).fill('Ada’s laptop');
    await whitelist.getByRole('button', { name: 'Save name' }).click();
    await whitelist.getByText(`${ip} is now named Ada’s laptop.`).waitFor();

    // One mode at a time: whitelist on (blacklist off), then blacklist on.
    await chooseMode(page, 'Whitelist: only listed devices may connect');
    await page.getByText('Whitelist mode is on; blacklist mode is off.').waitFor();
    expect(stack.simulator.routerState(ROUTER).activeMode).toBe('whitelist');
    await checkPage(owner, 'access-whitelist');
    await chooseMode(page, 'Blacklist: listed devices are blocked');
    await page.getByText('Blacklist mode is on; whitelist mode is off.').waitFor();
    expect(stack.simulator.routerState(ROUTER).activeMode).toBe('blacklist');
    expect(
      await page.getByRole('radio', { name: 'Blacklist: listed devices are blocked' }).isChecked(),
    ).toBe(true);

    // Rates: the form refuses limited > full before sending; the server refuses it too.
    await whitelist.getByLabel('Full rate (Mbps)').fill('50');
    await whitelist.getByLabel('Limited rate (Mbps)').fill('80');
    await whitelist.getByRole('button', { name: 'Save whitelist rates' }).click();
    await whitelist
      .getByText('The limited rate (80 Mbps) may not exceed the full rate (50 Mbps).')
      .waitFor();
    await whitelist.getByLabel('Limited rate (Mbps)').fill('20');
    await whitelist.getByRole('button', { name: 'Save whitelist rates' }).click();
    await whitelist.getByText('now 50 Mbps full and 20 Mbps limited').waitFor();
    expect(stack.simulator.routerState(ROUTER).rates.whitelist_limited).toBe('20mbit');
    // Someone lowers the full rate meanwhile; this form still shows 50.
    const lowered = await apiFromPage(page, 'PUT', `/api/v1/routers/${ROUTER}/whitelist/rates`, {
      fullMbps: 10,
      limitedMbps: 5,
    });
    expect(lowered.status).toBe(200);
    await whitelist.getByLabel('Limited rate (Mbps)').fill('30');
    await whitelist.getByRole('button', { name: 'Save whitelist rates' }).click();
    const refusal = await alertText(page);
    expect(refusal).toContain('The rates were not changed.');
    expect(refusal).toContain('Some of what you entered is not valid.');
    expect(refusal).toContain('the limited rate (30 Mbps) may not exceed the full rate (10 Mbps)');
    // The refusal reloads the saved rates: the form now shows the full rate of 10.
    await expect.poll(() => whitelist.getByLabel('Full rate (Mbps)').inputValue()).toBe('10');
    await owner.context.close();
  });

  it('shows the router refusing an entry, removes one, and shows drift', async () => {
    const owner = await newPerson(stack);
    const { page } = owner;
    await signIn(page, ownerEmail);
    await page.getByRole('heading', { name: 'Your routers' }).waitFor();
    await page.goto(`/routers/${ROUTER}/access`);
    await page.getByRole('tab', { name: 'Whitelist', selected: true }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('tab', { name: 'Blacklist', selected: true }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Blacklist');
    const blacklist = panel(page, 'Blacklist');
    await blacklist.getByText('The blacklist is empty.').waitFor();

    // The router refuses: the sentence, the router's words, and the list unchanged.
    const fault = stack.simulator.faults.inject({
      match: { method: 'POST', path: '/api/blacklist/add' },
      times: 1,
      fault: {
        kind: 'error',
        status: 500,
        code: 'COMMAND_FAILED',
        message: 'Failed to update state file on router.',
      },
    });
    await blacklist.getByLabel('IP address').fill('192.168.1.200');
    await blacklist.getByLabel('Name (optional)').fill('Guest phone');
    await blacklist.getByRole('button', { name: 'Add to the blacklist' }).click();
    const refused = await alertText(page);
    expect(refused).toContain('The address was not added to the blacklist.');
    expect(refused).toContain('The router refused the command.');
    expect(refused).toContain('Failed to update state file on router.');
    stack.simulator.faults.remove(fault);
    await page.waitForLoadState('networkidle');
    expect(await blacklist.getByText('The blacklist is empty.').isVisible()).toBe(true);
    expect(stack.simulator.routerState(ROUTER).blacklist).toEqual([]);

    await blacklist.getByRole('button', { name: 'Add to the blacklist' }).click();
    await blacklist.getByText('Guest phone (192.168.1.200) is now on the blacklist.').waitFor();
    await blacklist.getByRole('row', { name: /192\.168\.1\.200/ }).waitFor();
    await checkPage(owner, 'access-blacklist');

    await blacklist
      .getByRole('button', { name: 'Remove Guest phone (192.168.1.200) from the blacklist' })
      .click();
    const dialog = page.getByRole('dialog', { name: /^Remove Guest phone/ });
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await blacklist
      .getByText('Guest phone (192.168.1.200) is no longer on the blacklist.')
      .waitFor();
    expect(stack.simulator.routerState(ROUTER).blacklist).toEqual([]);

    // Someone changes the router directly: an address and the mode.
    await changeRouterBehindTheServer(stack, ROUTER, [
      { method: 'POST', path: '/api/whitelist/add', body: { ip: '192.168.1.77' } },
      { method: 'DELETE', path: '/api/blacklist/mode' },
    ]);
    await page.getByRole('button', { name: 'Compare again' }).click();
    await page.getByText('The router and this server disagree').waitFor();
    await page.getByRole('button', { name: 'Show differences' }).click();
    const differences = page.getByRole('table', { name: /What differs/ });
    await differences.waitFor();
    const whitelistRow = differences.getByRole('row', { name: /Whitelist addresses/ });
    expect(await whitelistRow.innerText()).toContain('192.168.1.77');
    const modeRow = differences.getByRole('row', { name: /Active mode/ });
    expect(await modeRow.innerText()).toMatch(/blacklist mode\s+no restriction/);
    await checkPage(owner, 'access-drift');
    await owner.context.close();
  });

  it('changes the SSID and the password, and shows the router’s failures', async () => {
    const owner = await newPerson(stack);
    const { page } = owner;
    await signIn(page, ownerEmail);
    await page.getByRole('heading', { name: 'Your routers' }).waitFor();
    await page.goto(`/routers/${ROUTER}`);
    await openSection(page, 'Wi-Fi');
    await page.getByRole('heading', { name: 'Network name' }).waitFor();

    await page.getByLabel('New network name (SSID)').fill("Ada's net");
    await page.getByRole('button', { name: 'Change network name' }).click();
    await page.getByText('No single quote or backslash.').waitFor();
    await page.getByLabel('New network name (SSID)').fill('Harbour Net');
    await page.getByRole('button', { name: 'Change network name' }).click();
    await page.getByText('The network is now called').waitFor();
    expect(stack.simulator.routerState(ROUTER).wifi.ssid).toBe('Harbour Net');

    await page.getByLabel('New Wi-Fi password').fill('lantern-harbour-7');
    await page.getByLabel('Confirm the new password').fill('lantern-harbour-8');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The two passwords differ.').waitFor();
    await page.getByLabel('Confirm the new password').fill('lantern-harbour-7');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The Wi-Fi password was changed.').waitFor();
    expect(stack.simulator.routerState(ROUTER).wifi.password).toBe('lantern-harbour-7');
    expect(await page.getByLabel('New Wi-Fi password').inputValue()).toBe('');

    // The router does not answer: the SSID is not changed, and the page says so.
    const fault = stack.simulator.faults.inject({
      match: { method: 'POST', path: '/api/wifi/ssid' },
      times: 1,
      fault: { kind: 'timeout' },
    });
    await page.getByLabel('New network name (SSID)').fill('Slow Net');
    await page.getByRole('button', { name: 'Change network name' }).click();
    const timedOut = await alertText(page);
    expect(timedOut).toContain('The router did not confirm the change.');
    expect(timedOut).toContain('The router did not answer in time');
    stack.simulator.faults.remove(fault);

    // Switching Wi-Fi off is not possible remotely yet: said plainly.
    await page.getByRole('button', { name: 'Turn Wi-Fi off' }).click();
    await page.getByText('Your router cannot do this yet. Nothing was changed.').waitFor();
    expect(stack.simulator.routerState(ROUTER).wifi.enabled).toBe(true);
    await checkPage(owner, 'wifi');
    await owner.context.close();
  });

  it('fits a phone, in a dark theme', async () => {
    const owner = await newPerson(stack, 'phone', 'dark');
    const { page } = owner;
    await signIn(page, ownerEmail);
    await page.getByRole('heading', { name: 'Your routers' }).waitFor();
    await page.goto(`/routers/${ROUTER}/access`);
    await panel(page, 'Whitelist')
      .getByRole('cell', { name: /192\.168\.1\./ })
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Show differences' }).click();
    await page.getByRole('table', { name: /What differs/ }).waitFor();
    const overflow = () =>
      page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
    expect(await overflow()).toBeLessThanOrEqual(0);
    await checkPage(owner, 'access-drift');
    await page.getByRole('tab', { name: 'Blacklist' }).click();
    await checkPage(owner, 'access-blacklist');
    await page.getByRole('tab', { name: 'Whitelist' }).click();
    await checkPage(owner, 'access-whitelist');
    await openSection(page, 'Wi-Fi');
    await page.getByRole('heading', { name: 'Network name' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await checkPage(owner, 'wifi');
    await owner.context.close();
  });

  it('shows a member why the Wi-Fi controls are disabled', async () => {
    const owner = await newPerson(stack);
    await signIn(owner.page, ownerEmail);
    await owner.page.getByRole('heading', { name: 'Your routers' }).waitFor();
    const member = await newPerson(stack);
    const { page } = member;
    const memberEmail = uniqueEmail('grace');
    await signUp(page, memberEmail);
    await invite(owner.page, ROUTER, memberEmail);
    await acceptInvitations(page);
    await page.goto(`/routers/${ROUTER}/wifi`);
    const note = page.getByText('Only the router’s owner can change Wi-Fi settings.');
    await note.waitFor();
    const ssid = page.getByLabel('New network name (SSID)');
    expect(await ssid.isDisabled()).toBe(true);
    expect(await page.getByLabel('New Wi-Fi password').isDisabled()).toBe(true);
    const button = page.getByRole('button', { name: 'Change network name' });
    expect(await button.isDisabled()).toBe(true);
    const noteId = await note.getAttribute('id');
    expect(await button.getAttribute('aria-describedby')).toBe(noteId);
    expect(await page.getByRole('button', { name: 'Turn Wi-Fi off' }).isDisabled()).toBe(true);
    await checkPage(member, 'wifi-member');

    // Any member may switch Wi-Fi back on.
    stack.simulator.configureRouter(ROUTER, { wifi: { enabled: false } });
    await page.reload();
    await page.getByRole('button', { name: 'Turn Wi-Fi on' }).click();
    await page.getByText(/^Wi-Fi is on\. The router said/).waitFor();
    expect(stack.simulator.routerState(ROUTER).wifi.enabled).toBe(true);

    await openSection(page, 'Access control');
    const mode = page.getByRole('group', { name: 'Access mode' });
    await mode.waitFor();
    expect(await mode.getByRole('radio').first().isDisabled()).toBe(true);
    await page.getByText('Only the router’s owner can change the access mode.').waitFor();
    await member.context.close();
    await owner.context.close();
  });
});
