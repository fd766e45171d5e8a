import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/types.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

/**
 * What every console journey needs: the real server process (`npm start`'s
 * command, PGlite in memory) talking to an in-process simulator whose faults the
 * test injects, a headless Debian Chromium driven by playwright-core, and checks
 * of what a person would notice: console errors, accessibility (axe-core) and a
 * screenshot of each page at desktop and phone width.
 */

const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/** The system Chromium, or null (the journeys then skip, saying so loudly). */
export function findChromium(): string | null {
  return CANDIDATES.find((path): path is string => !!path && existsSync(path)) ?? null;
}

export const CHROMIUM = findChromium();
if (!CHROMIUM) {
  console.warn(
    '\n!!! No Chromium found (set CHROMIUM_PATH or `apt-get install -y chromium`): ' +
      'the console end-to-end tests are SKIPPED. !!!\n',
  );
}

export const VIEWPORTS = {
  desktop: { width: 1280, height: 860 },
  phone: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export const SCREENSHOT_DIR = 'test-results/screenshots';

export interface Stack {
  url: string;
  simulator: Simulator;
  server: ServerProcess;
  browser: Browser;
  close(): Promise<void>;
}

export interface StackOptions {
  devicesPerRouter?: number;
  /** Extra server environment (OIDC_*, SCAN_MIN_INTERVAL_SECONDS…). */
  env?: Record<string, string>;
  /** The server's port (default a free one), when its URL must be known before it starts. */
  port?: number;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const simulator = await startSimulator({
    devicesPerRouter: options.devicesPerRouter ?? 12,
    janitorIntervalMs: 0,
  });
  const server = await startServerProcess(
    {
      PGLITE_DATA_DIR: 'memory://',
      COMMANDS_SERVER_URL: simulator.url,
      LOG_LEVEL: 'warn',
      SCAN_MIN_INTERVAL_SECONDS: '0',
      ...options.env,
    },
    options.port === undefined ? {} : { port: options.port },
  );
  const browser = await chromium.launch({
    executablePath: CHROMIUM!,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    url: server.url,
    simulator,
    server,
    browser,
    async close() {
      await browser.close();
      await server.stop();
      await simulator.close();
    },
  };
}

/** A page in a browser context of its own (its own cookies: one person). */
export interface Person {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions the page produced so far. */
  errors: string[];
}

export async function newPerson(
  stack: Stack,
  viewport: ViewportName = 'desktop',
  colorScheme: 'light' | 'dark' = 'light',
): Promise<Person> {
  const context = await stack.browser.newContext({
    baseURL: stack.url,
    viewport: VIEWPORTS[viewport],
    colorScheme,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !isExpectedHttpError(message.text())) {
      errors.push(message.text());
    }
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return { context, page, errors };
}

/**
 * Chromium logs every 4xx/5xx answer a page fetched ("Failed to load resource").
 * Those are the API's answers the page shows as sentences (a 401 for "signed out",
 * an injected router failure): the page handles them; they are not page errors.
 */
function isExpectedHttpError(text: string): boolean {
  return /^Failed to load resource: the server responded with a status of \d+/.test(text);
}

const AXE_SOURCE = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now (none expected). */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const source = await AXE_SOURCE;
  // evaluate() runs through the DevTools protocol: the page's CSP does not stop it.
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<AxeResults> } }).axe;
    const result = await axe.run(document);
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
      );
  });
  return violations;
}

interface AxeResults {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

/** Saves test-results/screenshots/<name>-<viewport>.png (docs/console.md shows a few). */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  const suffix = width <= VIEWPORTS.phone.width ? 'phone' : 'desktop';
  const path = join(SCREENSHOT_DIR, `${name}-${suffix}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

let sequence = 0;
/** An address no other test of this run uses. */
export function uniqueEmail(who: string): string {
  sequence += 1;
  return `${who}-${Date.now().toString(36)}-${sequence}@example.com`;
}

export const PASSWORD = 'violet-harbour-lantern-92';
