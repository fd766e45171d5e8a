import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TestOidcProvider,
} from '../helpers/oidc-provider.js';
import { CHROMIUM, newPerson, startStack, uniqueEmail, type Stack } from './harness.js';
import { alertText, checkPage } from './journeys.js';

/**
 * "Sign in with <provider>" in a real browser against a real OpenID provider
 * (oidc-provider on loopback, its login page played by the test's decision):
 * the button appears only when a provider is configured, a sign-in lands on the
 * routers page, and a refusal at the provider comes back as a sentence.
 */
describe.skipIf(!CHROMIUM)('sign-in with an OpenID provider', () => {
  let stack: Stack;
  let provider: TestOidcProvider;
  beforeAll(async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    provider = await TestOidcProvider.start(`${url}/api/v1/auth/oidc/callback`);
    stack = await startStack({
      port,
      env: {
        OIDC_ISSUER_URL: provider.issuer,
        OIDC_CLIENT_ID: TEST_CLIENT_ID,
        OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
        OIDC_PROVIDER_NAME: 'TestID',
        PUBLIC_URL: url,
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await provider?.stop();
  });

  it('signs a new person in with the provider, and back out', async () => {
    const person = await newPerson(stack);
    const { page } = person;
    const email = uniqueEmail('oidc');
    provider.decision = {
      account: { sub: 'e2e-1', email, email_verified: true, name: 'Olive Ide' },
    };
    await page.goto('/');
    const button = page.getByRole('link', { name: 'Sign in with TestID' });
    await button.waitFor();
    await checkPage(person, 'sign-in-with-provider');
    await button.click();
    await page.getByRole('heading', { name: 'Your routers' }).waitFor();
    expect(await page.getByRole('banner').innerText()).toContain('Olive Ide');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to NetPilot' }).waitFor();
    await person.context.close();
  });

  it('comes back to the sign-in page with a sentence when the person declines', async () => {
    const person = await newPerson(stack);
    const { page } = person;
    provider.decision = { deny: true };
    await page.goto('/');
    await page.getByRole('link', { name: 'Sign in with TestID' }).click();
    expect(await alertText(page)).toContain('You declined the sign-in at the provider.');
    await page.getByRole('heading', { name: 'Sign in to NetPilot' }).waitFor();
    expect(person.errors).toEqual([]);
    await person.context.close();
  });
});
