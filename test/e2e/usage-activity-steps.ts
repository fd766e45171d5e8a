import type { Page } from 'playwright-core';

/** The rows of the table with this accessible name (its caption), header row excluded. */
export function bodyRows(page: Page, tableName: string | RegExp) {
  return page.getByRole('table', { name: tableName }).locator('tbody tr');
}
