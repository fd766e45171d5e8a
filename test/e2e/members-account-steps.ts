import { generate } from 'otplib';
import type { Page } from 'playwright-core';

/** Steps of the members and account journeys (members-account.e2e.ts). */

/** The TOTP step (30 s) a moment falls in, as the server counts them. */
export function totpStep(at = Date.now()): number {
  return Math.floor(at / 30_000);
}

/** The code an authenticator app shows now for `secret` (the server's library and settings). */
export async function totpCode(secret: string, at = Date.now()): Promise<string> {
  return generate({ secret, epoch: Math.floor(at / 1000), period: 30 });
}

/** Waits until the clock is in a later TOTP step than `step` (a used step is refused). */
export async function waitForStepAfter(step: number): Promise<void> {
  while (totpStep() <= step) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A six-digit code that is surely not the one for now. */
export function wrongCode(right: string): string {
  return String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
}

/** Asks an invitation to the owner's router from the Members section. */
export async function invite(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email address to invite').fill(email);
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
}

/** Confirms the open modal dialog with its button `name`, and waits for it to close. */
export async function confirmDialog(page: Page, name: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name }).click();
  await dialog.waitFor({ state: 'hidden' });
}
