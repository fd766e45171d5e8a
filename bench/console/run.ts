/**
 * `npm run bench:console`: the web console's budgets (issue #15), measured in
 * headless Debian Chromium against the real server process and the simulator,
 * and reported for docs/performance.md. A measurement, not a test.
 *
 * 1. JavaScript shipped for the first page (sign-in), gzipped (-9), every script
 *    the page loaded. Budget: 150 KB.
 * 2. The first page interactive: from navigation start to the sign-in button
 *    enabled and the email field accepting a key, in a fresh browser context (cold
 *    cache), median and worst of N runs. Budget: under 1 s on loopback.
 * 3. A router with 1,000 devices: the device page shown after a scan (all rows
 *    loaded), a search keystroke until the table shows the match, and the main
 *    thread's long tasks while scrolling the table to its end.
 */
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { newPerson, PASSWORD, startStack, type Stack } from '../../test/e2e/harness.js';

const RUNS = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 7);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function firstPageScripts(stack: Stack): Promise<{ files: string[]; gzipBytes: number }> {
  const { page, context } = await newPerson(stack);
  const scripts: Promise<{ url: string; gzip: number }>[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') {
      scripts.push(
        response
          .body()
          .then((body) => ({ url: response.url(), gzip: gzipSync(body, { level: 9 }).length })),
      );
    }
  });
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  await page.waitForLoadState('networkidle');
  const loaded = await Promise.all(scripts);
  await context.close();
  return {
    files: loaded.map((s) => `${new URL(s.url).pathname} ${(s.gzip / 1024).toFixed(1)} KB`),
    gzipBytes: loaded.reduce((sum, s) => sum + s.gzip, 0),
  };
}

async function timeToInteractive(stack: Stack): Promise<number> {
  const { page, context } = await newPerson(stack);
  await page.goto('/', { waitUntil: 'commit' });
  const button = page.getByRole('button', { name: 'Sign in', exact: true });
  await button.waitFor();
  await page.getByLabel('Email').press('a');
  const ms = await page.evaluate(() => performance.now());
  await context.close();
  return ms;
}

async function timed(page: Page, action: () => Promise<void>): Promise<number> {
  const start = await page.evaluate(() => performance.now());
  await action();
  return (await page.evaluate(() => performance.now())) - start;
}

async function thousandDevices(): Promise<Record<string, number>> {
  const stack = await startStack({ devicesPerRouter: 1000 });
  try {
    const { page } = await newPerson(stack);
    await page.goto('/');
    await page.evaluate(async (password) => {
      const json = { 'content-type': 'application/json' };
      const credentials = JSON.stringify({ email: `bench-${Date.now()}@example.com`, password });
      await fetch('/api/v1/auth/register', { method: 'POST', headers: json, body: credentials });
      await fetch('/api/v1/auth/login', { method: 'POST', headers: json, body: credentials });
      await fetch('/api/v1/routers', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ routerId: 'big-1', name: 'Big' }),
      });
      await fetch('/api/v1/routers/big-1/scan', { method: 'POST', headers: json, body: '{}' });
    }, PASSWORD);
    const shown = await timed(page, async () => {
      await page.goto('/routers/big-1');
      await page.getByText('1000 devices', { exact: true }).waitFor();
    });
    const search = page.getByLabel('Search devices');
    const typed = await timed(page, async () => {
      await search.fill('192.168.4.251');
      await page.getByText('1 device matches', { exact: true }).waitFor();
    });
    await search.fill('');
    await page.getByText('1000 devices', { exact: true }).waitFor();
    await page.evaluate(() => {
      (window as unknown as { longTasks: number[] }).longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          (window as unknown as { longTasks: number[] }).longTasks.push(entry.duration);
        }
      }).observe({ type: 'longtask' });
    });
    await page
      .getByRole('row', { name: /192\.168\.1\.2\b/ })
      .first()
      .hover();
    for (let i = 0; i < 40; i += 1) {
      await page.mouse.wheel(0, 800);
      await page.waitForTimeout(16);
    }
    const longTasks = await page.evaluate(
      () => (window as unknown as { longTasks: number[] }).longTasks,
    );
    return {
      pageShownMs: Math.round(shown),
      searchKeystrokeToResultMs: Math.round(typed),
      scrollLongTasks: longTasks.length,
      scrollLongestTaskMs: Math.round(Math.max(0, ...longTasks)),
    };
  } finally {
    await stack.close();
  }
}

const stack = await startStack();
try {
  const scripts = await firstPageScripts(stack);
  console.log(
    `first page JavaScript: ${(scripts.gzipBytes / 1024).toFixed(1)} KB gzipped (budget 150 KB)`,
  );
  for (const file of scripts.files) {
    console.log(`  ${file}`);
  }
  await timeToInteractive(stack); // the server's first answer of index.html and assets warms its caches
  const times: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    times.push(await timeToInteractive(stack));
  }
  console.log(
    `first page interactive (cold browser cache, ${RUNS} runs): median ${Math.round(median(times))} ms, worst ${Math.round(Math.max(...times))} ms (budget 1000 ms)`,
  );
} finally {
  await stack.close();
}
console.log('1,000 devices:', await thousandDevices());
