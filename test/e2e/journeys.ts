import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { PASSWORD, screenshot, seriousA11yViolations, type Person } from './harness.js';

/**
 * Steps a person takes in the console, found the way they find them: by role and
 * visible label (so every step also proves the label is there).
 */

export async function signUp(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Your routers' }).waitFor();
}

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to NetPilot' }).waitFor();
}

/** Claims a router from the routers page and lands on its devices. */
export async function addRouter(page: Page, routerId: string, name: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Router id').fill(routerId);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Add router' }).click();
  await page.getByRole('heading', { name: new RegExp(`^${name}`) }).waitFor();
}

/** Opens one of a router's sections by its tab. */
export async function openSection(page: Page, section: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Router sections' })
    .getByRole('link', { name: section })
    .click();
}

/** The alert that shows an API error, once it appears. */
export async function alertText(page: Page): Promise<string> {
  const alert = page.getByRole('alert').first();
  await alert.waitFor();
  return alert.innerText();
}

/**
 * What is true of every page a person sees: no console error, no serious or
 * critical accessibility violation; and a screenshot for docs/console.md.
 */
export async function checkPage(person: Person, name: string): Promise<void> {
  await person.page.waitForLoadState('networkidle');
  expect(await seriousA11yViolations(person.page)).toEqual([]);
  expect(person.errors).toEqual([]);
  await screenshot(person.page, name);
}

/** An API call made by the signed-in page itself (its cookie, its origin): status and JSON. */
export async function apiFromPage(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, json: await response.json().catch(() => null) };
    },
    { method, path, body },
  );
}

/** A synchronous scan through the API (set-up for pages other than the devices). */
export async function scanFromPage(page: Page, routerId: string): Promise<void> {
  const answer = await apiFromPage(page, 'POST', `/api/v1/routers/${routerId}/scan`, {});
  if (answer.status !== 200) {
    throw new Error(`scan answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  }
}
