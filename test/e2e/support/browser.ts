/**
 * A reusable headless Chromium harness for end-to-end tests (puppeteer-core + Debian
 * Chromium). One browser can hold several pages that all keep running: see `newPage`.
 *
 * Background pages (measured with Chromium 156 headless): a page opened as a tab with
 * `browser.newPage()` is `document.visibilityState === 'hidden'` as soon as another tab
 * opens; its requestAnimationFrame stops (video elements still decode). The flags
 * `--disable-background-timer-throttling --disable-renderer-backgrounding
 * --disable-backgrounding-occluded-windows` do NOT change that on their own. What does:
 *   - opening each page as its own window (`browser.newPage({type: 'window'})`): every
 *     window stays visible and keeps rAF at 60 Hz, and
 *   - focus emulation (`page.emulateFocusedPage(true)`, CDP
 *     `Emulation.setFocusEmulationEnabled`), which alone also keeps background tabs visible.
 * `newPage` below does both, and the flags stay on against timer throttling.
 * `browser-harness.test.ts` checks it (rAF and decoded video keep advancing in the first
 * page while a later page is in front).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '@onair/media-processor';
import puppeteer, { type Browser, type ConsoleMessage, type Page } from 'puppeteer-core';

export type { Browser, Page } from 'puppeteer-core';

export interface LaunchOptions {
  /** fake camera/microphone and auto-accepted permission prompts; default true */
  fakeMedia?: boolean;
  /** more Chromium command-line flags */
  extraArgs?: string[];
}

/**
 * The flags the MediaProcessor's own Chromium uses (measured headless as root, FACTS.md):
 * WebRTC over 127.0.0.1 with plain host candidates, pages not in front keep running.
 */
export const BASE_ARGS: readonly string[] = CHROMIUM_ARGS;

export const FAKE_MEDIA_ARGS: readonly string[] = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];

export function chromePath(): string {
  const path = process.env.CHROME_PATH || '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}${process.env.CHROME_PATH ? ' (CHROME_PATH)' : ''}. ` +
        'Install it with `apt-get install -y chromium`, or set CHROME_PATH to a Chrome/Chromium binary.',
    );
  }
  return path;
}

/**
 * Launches headless Chromium with a fresh temporary profile, removed when the browser
 * closes (or disconnects).
 */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<Browser> {
  const executablePath = chromePath();
  const userDataDir = mkdtempSync(join(tmpdir(), 'onair-chromium-'));
  const args = [
    ...BASE_ARGS,
    ...(opts.fakeMedia === false ? [] : FAKE_MEDIA_ARGS),
    `--user-data-dir=${userDataDir}`,
    ...(opts.extraArgs ?? []),
  ];
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args,
      protocolTimeout: 60_000,
      timeout: 30_000,
      defaultViewport: { width: 1280, height: 720 },
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  // remove the profile once Chromium has exited (it writes to it until then)
  const removeProfile = () => {
    try {
      rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
    } catch {
      // a leftover temp dir is not worth failing a test for
    }
  };
  const proc = browser.process();
  if (proc && proc.exitCode === null && proc.signalCode === null) proc.once('exit', removeProfile);
  else browser.once('disconnected', removeProfile);
  return browser;
}

/** A page with its console errors and uncaught exceptions collected. */
export interface LoggedPage extends Page {
  /** console errors/warnings, page errors, failed requests, in order */
  readonly log: string[];
}

export interface NewPageOptions {
  /** also record console.log/info/debug lines (default: only warnings and errors) */
  allConsole?: boolean;
}

/**
 * Opens a page that keeps running while other pages are in front (its own window, focus
 * emulated), and records its console errors and page errors in `page.log`.
 */
export async function newPage(browser: Browser, opts: NewPageOptions = {}): Promise<LoggedPage> {
  const page = (await browser.newPage({ type: 'window' })) as LoggedPage;
  const log: string[] = [];
  Object.defineProperty(page, 'log', { value: log, enumerable: true });
  page.on('console', (msg: ConsoleMessage) => {
    const type = msg.type();
    if (opts.allConsole || type === 'error' || type === 'warn' || type === 'assert') {
      const loc = msg.location();
      // the browser's own favicon request is noise, not a page error
      if (loc.url?.endsWith('/favicon.ico')) return;
      log.push(`[console.${type}] ${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber ?? 0})` : ''}`);
    }
  });
  page.on('pageerror', (err: unknown) => {
    log.push(`[pageerror] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  });
  page.on('requestfailed', (req) => {
    if (req.url().endsWith('/favicon.ico')) return;
    log.push(`[requestfailed] ${req.method()} ${req.url()}: ${req.failure()?.errorText ?? 'failed'}`);
  });
  page.on('error', (err: Error) => log.push(`[crash] ${err.message}`));
  await page.emulateFocusedPage(true);
  return page;
}

/** The page's collected log as one string, for failure messages. */
export function pageLog(page: Page): string {
  const log = (page as unknown as { log?: string[] }).log;
  return log && log.length ? log.join('\n') : '(no console errors)';
}
