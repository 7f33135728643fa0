/**
 * One headless Chromium for one composer page, launched through puppeteer-core over a pipe
 * (no remote-debugging port to reach) with its own temporary profile. Chromium runs in its
 * own process group, so `kill()` takes its renderers and helpers with it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { MediaProcessorError } from './errors.js';

/** Flags measured to work headless as root (FACTS.md); WebRTC may use loopback and plain host IPs. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/**
 * Added for the composer's own Chromium (not for test browsers that share CHROMIUM_ARGS).
 * `--enable-low-end-device-mode` shrinks the renderer's pools: with two 640x480 cameras
 * received, its shared memory went from ~450 MB to ~56 MB (renderer PSS ~535 → ~140 MB,
 * measured with test/bench/composer.bench.ts's breakdown), with the recording unchanged.
 */
export const COMPOSER_CHROMIUM_ARGS: readonly string[] = [...CHROMIUM_ARGS, '--enable-low-end-device-mode'];

export interface ChromiumOptions {
  executablePath: string;
  /** names the temporary profile (`onair-composer-<label>-…`), so the processes are recognisable */
  label: string;
  launchTimeoutMs: number;
  width: number;
  height: number;
  /** called with the page's console errors and crashes (never its URL: it holds secrets); see `setPageLog` */
  onPageLog: PageLog;
}

export type PageLog = (level: 'error' | 'warn' | 'info', text: string) => void;

export class Chromium {
  private pageLog: PageLog;

  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
    private readonly profileDir: string,
    onPageLog: PageLog,
  ) {
    this.pageLog = onPageLog;
  }

  static async launch(opts: ChromiumOptions): Promise<Chromium> {
    const profileDir = await mkdtemp(join(tmpdir(), `onair-composer-${opts.label.replace(/[^\w-]/g, '')}-`));
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath: opts.executablePath,
        headless: true,
        pipe: true,
        args: [...COMPOSER_CHROMIUM_ARGS, `--user-data-dir=${profileDir}`, `--window-size=${opts.width},${opts.height}`],
        timeout: opts.launchTimeoutMs,
        protocolTimeout: 30_000,
        defaultViewport: { width: opts.width, height: opts.height },
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (err) {
      await rm(profileDir, { recursive: true, force: true });
      throw new MediaProcessorError('ERR_BROWSER_LAUNCH', `Chromium did not start: ${(err as Error).message}`, { cause: err });
    }
    let page: Page;
    try {
      page = await firstPage(browser);
    } catch (err) {
      killGroup(browser.process()?.pid);
      await rm(profileDir, { recursive: true, force: true });
      throw new MediaProcessorError('ERR_BROWSER_LAUNCH', `Chromium did not open its page: ${(err as Error).message}`, { cause: err });
    }
    const chromium = new Chromium(browser, page, profileDir, opts.onPageLog);
    chromium.page.on('console', (msg) => {
      const type = msg.type();
      if (type === 'error' || type === 'warn') chromium.pageLog(type === 'error' ? 'error' : 'warn', msg.text());
    });
    chromium.page.on('pageerror', (err) => chromium.pageLog('error', `page error: ${String((err as Error)?.message ?? err)}`));
    chromium.page.on('error', (err) => chromium.pageLog('error', `page crashed: ${err.message}`));
    return chromium;
  }

  /** Where the page's console errors and crashes go from now on (a standby changes hands). */
  setPageLog(listener: PageLog): void {
    this.pageLog = listener;
  }

  /**
   * Opens the composer page at `url`. A page preloaded as a standby (same path, no fragment,
   * `<body data-standby="waiting">`) only gets the fragment: a same-document navigation that
   * starts it at once; otherwise the page loads.
   */
  async openComposer(url: string, timeoutMs: number): Promise<void> {
    const hash = url.slice(url.indexOf('#'));
    // runs in the page (a string: this package is built without the DOM's types)
    const setFragment = `(h) => { if (document.body?.dataset.standby !== 'waiting') return false; location.hash = h; return true; }`;
    const waiting = await this.page.evaluate(`(${setFragment})(${JSON.stringify(hash)})`).catch(() => false);
    if (!waiting) await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  }

  /** Sets the page's viewport (a standby was launched at the default size). */
  async resize(width: number, height: number): Promise<void> {
    const current = this.page.viewport();
    if (current?.width === width && current.height === height) return;
    await this.page.setViewport({ width, height });
  }

  /** Loads the composer page without a config (`<base>/composer/`): it waits for its fragment. */
  async preload(pageUrl: string, timeoutMs: number): Promise<void> {
    await this.page.goto(pageUrl, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
    await this.page.waitForSelector('body[data-standby="waiting"]', { timeout: timeoutMs });
  }

  get pid(): number | undefined {
    return this.browser.process()?.pid;
  }

  /** Resolves when the browser process exits (or the connection to it is lost). */
  onExit(listener: () => void): void {
    this.browser.once('disconnected', listener);
  }

  /** Kills the whole process group now and removes the profile. Idempotent. */
  async kill(): Promise<void> {
    const proc = this.browser.process();
    if (proc?.pid && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      killGroup(proc.pid);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
    } else if (proc?.pid) {
      killGroup(proc.pid); // the leader is gone; make sure its helpers are too
    }
    await rm(this.profileDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 }).catch(() => undefined);
  }
}

async function firstPage(browser: Browser): Promise<Page> {
  // the initial window stays in front, so its rAF and MediaRecorder keep running
  const [page] = await browser.pages();
  return page ?? browser.newPage();
}

/** SIGKILL a process group (Chromium is launched detached, as its group's leader). */
export function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
