/**
 * Browser-test helpers: the built admin, Debian's Chromium driven by
 * playwright-core, and signing in through the page.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ensureBuilt,
  type StartTestServerOptions,
  startTestServer,
  TEST_ADMIN,
} from '@clapper/server/testing';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type BrowserServer,
  chromium,
  type LaunchOptions,
  type Page,
} from 'playwright-core';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The admin project's one Chromium (test/global-setup.ts), for `connectChromium`. */
    chromiumEndpoint: string;
  }
}

export const ADMIN_DIST = fileURLToPath(new URL('../dist', import.meta.url));
/** The README's pictures of the admin, written by the browser tests that reach each page. */
export const SCREENSHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

/** The system's Chromium (`apt-get install chromium`); never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function chromiumOptions(): LaunchOptions {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`,
    );
  }
  return {
    executablePath: CHROMIUM_PATH,
    headless: true,
    // This machine's network is closed: without these Chromium keeps dialling out.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  };
}

/** A Chromium of this process's own (the benchmark's). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumOptions());
}

/** A Chromium that other processes connect to: the admin project's global setup starts one. */
export function launchChromiumServer(): Promise<BrowserServer> {
  return chromium.launchServer(chromiumOptions());
}

/**
 * The admin project's one Chromium, shared by its test files: each file's contexts are its own,
 * and closing the returned browser closes them and leaves the browser to the others.
 */
export async function connectChromium(): Promise<Browser> {
  // Imported here: the benchmark loads this module outside vitest.
  const { inject } = await import('vitest');
  return chromium.connect(inject('chromiumEndpoint'));
}

/** A test server serving the built admin, built first when missing or stale (as `pnpm start`). */
export async function startAdminServer(options: StartTestServerOptions = {}) {
  await ensureBuilt('admin');
  return startTestServer({ adminDir: ADMIN_DIST, ...options });
}

/** Signs in through the sign-in form and waits for the main menu. */
export async function signIn(
  page: Page,
  credentials: { email: string; password: string } = TEST_ADMIN,
) {
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel(/^Password/).fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main menu' }).waitFor();
}

/** `YYYY-MM-DD`, `days` from today in UTC (the server's calendar for expiry dates). */
export function utcDayFromNow(days: number) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Chromium on `url` (a page of the admin), signed in as `credentials`: a fresh context at
 * 1280 × 900 with reduced motion (no modal caught mid-fade) unless `options` say otherwise.
 */
export async function openSignedIn(
  url: string,
  options: BrowserContextOptions = {},
  credentials: { email: string; password: string } = TEST_ADMIN,
): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
  const browser = await connectChromium();
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    reducedMotion: 'reduce',
    ...options,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(url);
  await signIn(page, credentials);
  return { browser, context, page };
}
