import type { Page } from 'playwright-core';

/** An API call made by the signed-in page itself (its cookie, its origin). */
export async function apiFromPage(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    },
    { method, path, body },
  );
}

/** Runs a scan of the router through the API, as the Scan button would. */
export async function scanFromPage(page: Page, routerId: string): Promise<void> {
  const answer = await apiFromPage(page, 'POST', `/api/v1/routers/${routerId}/scan`, {});
  if (answer.status !== 200) {
    throw new Error(`scan answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
}

/** The rows of the table with this accessible name (its caption), header row excluded. */
export function bodyRows(page: Page, tableName: string | RegExp) {
  return page.getByRole('table', { name: tableName }).locator('tbody tr');
}
