import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, newPerson, PASSWORD, startStack, uniqueEmail, type Stack } from './harness.js';
import {
  addRouter,
  alertText,
  checkPage,
  openSection,
  signIn,
  signOut,
  signUp,
} from './journeys.js';
import {
  confirmDialog,
  invite,
  totpCode,
  totpStep,
  waitForStepAfter,
  wrongCode,
} from './members-account-steps.js';

describe.skipIf(!CHROMIUM)('members and account', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('invites people by email; a member accepts, reads the members; the owner revokes and removes', async () => {
    const owner = await newPerson(stack);
    const memberEmail = uniqueEmail('mia');
    const thirdEmail = uniqueEmail('theo');
    const pendingEmail = uniqueEmail('pat');
    await signUp(owner.page, uniqueEmail('olga'));
    await addRouter(owner.page, 'family-router', 'Family');
    await openSection(owner.page, 'Members');
    await owner.page.getByRole('heading', { name: 'Members', level: 2 }).waitFor();

    await invite(owner.page, 'not an address');
    const invalid = await alertText(owner.page);
    expect(invalid).toContain('Some of what you entered is not valid.');
    expect(invalid).toContain('email: must be one email address');
    for (const email of [memberEmail, thirdEmail, pendingEmail]) {
      await invite(owner.page, email);
      await owner.page.getByText(`Invitation sent to ${email}`).waitFor();
    }
    const open = owner.page.getByRole('region', { name: 'Open invitations' });
    await open.getByText(pendingEmail).waitFor();
    expect(await open.getByRole('listitem').count()).toBe(3);
    await checkPage(owner, 'members-owner');

    // The invited people sign up with those addresses and accept on their routers page.
    const member = await newPerson(stack);
    await signUp(member.page, memberEmail);
    await member.page.getByRole('button', { name: 'Accept the invitation to Family' }).click();
    await member.page.getByRole('link', { name: 'Family' }).click();
    await member.page.getByRole('heading', { name: /^Family/, level: 1 }).waitFor();
    expect(await member.page.getByRole('heading', { level: 1 }).innerText()).toContain('member');
    await openSection(member.page, 'Members');
    await member.page.getByText('Only the router’s owner invites and removes members.').waitFor();
    await member.page.getByRole('row', { name: new RegExp(memberEmail) }).waitFor();
    expect(await member.page.getByRole('button', { name: /^Remove|^Invite/ }).count()).toBe(0);
    await member.page.getByRole('button', { name: 'Leave this router' }).waitFor();
    await checkPage(member, 'members-member');
    // A member sees the router's Wi-Fi but cannot change it, and is told why.
    await openSection(member.page, 'Wi-Fi');
    await member.page.getByText('Only the router’s owner can change Wi-Fi settings.').waitFor();
    expect(await member.page.getByLabel('New network name (SSID)').isDisabled()).toBe(true);
    expect(await member.page.getByLabel('New Wi-Fi password').isDisabled()).toBe(true);

    const third = await newPerson(stack);
    await signUp(third.page, thirdEmail);
    await third.page.getByRole('button', { name: 'Accept the invitation to Family' }).click();
    await third.page.getByRole('link', { name: 'Family' }).waitFor();

    // The owner sees them, revokes the invitation still open, removes the third person.
    await owner.page.reload();
    await owner.page.getByRole('row', { name: new RegExp(thirdEmail) }).waitFor();
    expect(await open.getByRole('listitem').count()).toBe(1);
    await owner.page
      .getByRole('button', { name: `Revoke the invitation for ${pendingEmail}` })
      .click();
    await confirmDialog(owner.page, 'Revoke invitation');
    await open.getByText('No invitation is open.').waitFor();
    await owner.page.getByRole('button', { name: `Remove ${thirdEmail}` }).click();
    await confirmDialog(owner.page, 'Remove member');
    await owner.page
      .getByRole('row', { name: new RegExp(thirdEmail) })
      .waitFor({ state: 'detached' });
    await owner.page.getByRole('row', { name: new RegExp(memberEmail) }).waitFor();
    await checkPage(owner, 'members-owner-after');

    await third.page.reload();
    await third.page.getByText('You have no routers yet.').waitFor();

    // The member leaves on their own; the owner's members list then has only the owner.
    await openSection(member.page, 'Members');
    await member.page.getByRole('button', { name: 'Leave this router' }).click();
    await confirmDialog(member.page, 'Leave router');
    await member.page.getByText('You have no routers yet.').waitFor();
    await owner.page.reload();
    await owner.page
      .getByRole('row', { name: new RegExp(memberEmail) })
      .waitFor({ state: 'detached' });
    for (const person of [owner, member, third]) {
      await person.context.close();
    }
  });

  it('lists the sessions, revokes another one, and signs out everywhere else', async () => {
    const email = uniqueEmail('sam');
    const desk = await newPerson(stack);
    await signUp(desk.page, email);
    const phone = await newPerson(stack, 'phone', 'dark');
    await signIn(phone.page, email);
    await phone.page.getByRole('heading', { name: 'Your routers' }).waitFor();
    await phone.page.getByRole('link', { name: 'Account' }).click();
    await phone.page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
    await phone.page.getByText('This device').waitFor();
    const overflow = await phone.page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await checkPage(phone, 'account');

    await desk.page.goto('/account');
    const sessions = desk.page.getByRole('region', { name: 'Sessions' });
    await sessions.getByText('This device').waitFor();
    expect(await sessions.getByRole('listitem').count()).toBe(2);
    expect(await sessions.innerText()).toMatch(/Chrome \(headless\) on Linux/);
    await desk.page.getByLabel('Display name').fill('Sam Ortega');
    await desk.page.getByRole('button', { name: 'Save display name' }).click();
    await desk.page.getByText('Your display name is saved.').waitFor();
    await desk.page.getByRole('banner').getByText('Sam Ortega').waitFor();

    await desk.page.getByLabel('Current password').fill('not-my-password-at-all');
    await desk.page.getByLabel('New password', { exact: true }).fill('a-brand-new-passphrase-77');
    await desk.page.getByLabel('Confirm new password').fill('a-brand-new-passphrase-77');
    await desk.page.getByRole('button', { name: 'Change password' }).click();
    expect(await alertText(desk.page)).toContain('Your current password is not right.');
    await checkPage(desk, 'account');

    await sessions.getByRole('button', { name: /^Revoke the session of/ }).click();
    await confirmDialog(desk.page, 'Revoke session');
    await sessions.getByRole('listitem').nth(1).waitFor({ state: 'detached' });
    await phone.page.reload();
    await phone.page.getByRole('heading', { name: 'Sign in to NetPilot' }).waitFor();

    // A third browser, then every session but this one ends at once.
    const other = await newPerson(stack);
    await signIn(other.page, email);
    await other.page.getByRole('heading', { name: 'Your routers' }).waitFor();
    await desk.page.reload();
    await desk.page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await confirmDialog(desk.page, 'Sign out everywhere else');
    await desk.page.getByText('Signed out everywhere else (1 session).').waitFor();
    await other.page.reload();
    await other.page.getByRole('heading', { name: 'Sign in to NetPilot' }).waitFor();
    await desk.page.reload();
    await desk.page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
    for (const person of [desk, phone, other]) {
      await person.context.close();
    }
  });

  it('turns on two-factor authentication and signs in with a code, then a recovery code', async () => {
    const person = await newPerson(stack);
    const { page } = person;
    const email = uniqueEmail('zoe');
    await signUp(page, email);
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await page.getByRole('img', { name: /QR code to add NetPilot/ }).waitFor();
    const shown = await page.getByText(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/).innerText();
    const secret = shown.replace(/\s/g, '');
    await checkPage(person, 'account-2fa-qr');

    await page.getByLabel('Code from your app').fill(wrongCode(await totpCode(secret)));
    await page.getByRole('button', { name: 'Turn on', exact: true }).click();
    expect(await alertText(page)).toContain('That code is not right');
    const enabledAt = Date.now();
    await page.getByLabel('Code from your app').fill(await totpCode(secret, enabledAt));
    await page.getByRole('button', { name: 'Turn on', exact: true }).click();
    const list = page.getByRole('list', { name: 'Recovery codes' });
    await list.waitFor();
    const codes = (await list.getByRole('listitem').allInnerTexts()).map((c) => c.trim());
    expect(codes).toHaveLength(10);
    expect(await page.getByRole('button', { name: 'Done' }).isDisabled()).toBe(true);
    await page.getByRole('link', { name: 'Download as a text file' }).waitFor();
    await checkPage(person, 'account-2fa-recovery-codes');
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByText('10 unused recovery codes left.').waitFor();

    await signOut(page);
    await signIn(page, email);
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await page.getByLabel('Authentication code').fill(wrongCode(await totpCode(secret)));
    await page.getByRole('button', { name: 'Verify' }).click();
    expect(await alertText(page)).toContain('That code is not right');
    await waitForStepAfter(totpStep(enabledAt));
    const verifiedAt = Date.now();
    await page.getByLabel('Authentication code').fill(await totpCode(secret, verifiedAt));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Your routers' }).waitFor();

    await signOut(page);
    await signIn(page, email);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(codes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Your routers' }).waitFor();
    await page.goto('/account');
    await page.getByText('9 unused recovery codes left.').waitFor();

    // Ten new recovery codes (the old ones stop working), then two-factor turned off
    // with one of the new codes and the password.
    await waitForStepAfter(totpStep(verifiedAt));
    await page.getByLabel('Code from your app (to replace the codes)').fill(await totpCode(secret));
    await page.getByRole('button', { name: 'Replace recovery codes' }).click();
    const replaced = page.getByRole('list', { name: 'Recovery codes' });
    await replaced.waitFor();
    const fresh = (await replaced.getByRole('listitem').allInnerTexts()).map((c) => c.trim());
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(codes[1]);
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByText('10 unused recovery codes left.').waitFor();

    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(codes[1]!);
    await page.getByLabel('Your password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    expect(await alertText(page)).toContain('That code is not right');
    await page.getByLabel('Recovery code').fill(fresh[0]!);
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).waitFor();
    await signOut(page);
    await signIn(page, email);
    await page.getByRole('heading', { name: 'Your routers' }).waitFor();
    await person.context.close();
  }, 180_000);
});
