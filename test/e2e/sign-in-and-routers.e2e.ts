import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, newPerson, startStack, uniqueEmail, type Stack } from './harness.js';
import { addRouter, alertText, checkPage, signIn, signOut, signUp } from './journeys.js';

describe.skipIf(!CHROMIUM)('account and routers', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('signs up, signs out, signs in again, and adds a router', async () => {
    const person = await newPerson(stack);
    const { page } = person;
    const email = uniqueEmail('ada');
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to NetPilot' }).waitFor();
    await checkPage(person, 'sign-in');

    await signUp(page, email);
    await page.getByText('You have no routers yet.').waitFor();
    await checkPage(person, 'routers-empty');
    await signOut(page);

    await signIn(page, email, 'not-the-password-at-all');
    expect(await alertText(page)).toContain('That email and password do not match an account.');
    await signIn(page, email);
    await page.getByRole('heading', { name: 'Your routers' }).waitFor();

    await addRouter(page, 'home-router-1', 'Home');
    await page.getByRole('link', { name: 'Routers', exact: true }).click();
    const row = page.getByRole('row', { name: /Home/ });
    await row.waitFor();
    expect(await row.innerText()).toContain('owner');
    await checkPage(person, 'routers');
    await person.context.close();
  });

  it('explains in plain words why a router cannot be added', async () => {
    const person = await newPerson(stack);
    const { page } = person;
    await signUp(page, uniqueEmail('grace'));
    await page.getByLabel('Router id').fill('unknown-router');
    await page.getByLabel('Name', { exact: true }).fill('Office');
    await page.getByRole('button', { name: 'Add router' }).click();
    expect(await alertText(page)).toContain('No router with this id is connected.');

    const fault = stack.simulator.faults.inject({
      match: { routerId: 'slow-router' },
      fault: {
        kind: 'error',
        status: 504,
        code: 'ROUTER_TIMEOUT',
        message: 'router did not answer',
      },
    });
    await page.getByLabel('Router id').fill('slow-router');
    await page.getByRole('button', { name: 'Add router' }).click();
    await page
      .getByText(/did not answer|cannot be reached|refused/)
      .first()
      .waitFor();
    stack.simulator.faults.remove(fault);
    await checkPage(person, 'routers-add-error');
    await person.context.close();
  });

  it('fits a phone and follows a dark system theme', async () => {
    const person = await newPerson(stack, 'phone', 'dark');
    const { page } = person;
    await signUp(page, uniqueEmail('lin'));
    await addRouter(page, 'phone-router', 'Flat');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(16, 20, 27)');
    await checkPage(person, 'router-dark');
    await person.context.close();
  });
});
