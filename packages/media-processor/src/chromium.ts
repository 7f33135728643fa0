/**
 * One headless Chromium for one composer page, launched through puppeteer-core over a pipe
 * (no remote-debugging port to reach) with its own profile (composer-profiles.ts), inside
 * Chromium's sandbox (chromium-sandbox.ts). Chromium runs in its own process group, so
 * `kill()` takes its renderers and helpers with it. Errors and page messages it passes on
 * never carry the page's URL beyond its path: the fragment holds the job's secrets.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { sandboxedCommand, type ChromiumSandbox } from './chromium-sandbox.js';
import { createProfile } from './composer-profiles.js';
import { MediaProcessorError } from './errors.js';
import { withoutUrlSecrets } from './redact.js';

/** Flags measured to work headless (FACTS.md); WebRTC may use loopback and plain host IPs. No sandbox flag. */
export const CHROMIUM_BASE_ARGS: readonly string[] = [
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
 * For browsers that only ever load our own pages (the tests' speakers and viewers): the base
 * flags with `--no-sandbox`, which running as root needs. Never for the composer.
 */
export const CHROMIUM_ARGS: readonly string[] = ['--no-sandbox', ...CHROMIUM_BASE_ARGS];

/**
 * The composer's own Chromium: sandboxed (the launch adds `--no-sandbox` only when the
 * operator turned the sandbox off). `--enable-low-end-device-mode` shrinks the renderer's
 * pools: with two 640x480 cameras received, its shared memory went from ~450 MB to ~56 MB
 * (renderer PSS ~535 → ~140 MB, measured with test/bench/composer.bench.ts's breakdown),
 * with the recording unchanged.
 */
export const COMPOSER_CHROMIUM_ARGS: readonly string[] = [...CHROMIUM_BASE_ARGS, '--enable-low-end-device-mode'];

export interface ChromiumOptions {
  executablePath: string;
  /** names the temporary profile (`onair-composer-<label>-…`), so the processes are recognisable */
  label: string;
  launchTimeoutMs: number;
  /** how Chromium is sandboxed (chooseSandbox) */
  sandbox: ChromiumSandbox;
  width: number;
  height: number;
  /** called with the page's console errors and crashes (never its URL: it holds secrets); see `setPageLog` */
  onPageLog: PageLog;
}

export type PageLog = (level: 'error' | 'warn' | 'info', text: string) => void;

/** The file in a profile that names the job its Chromium serves (see `labelJob`). */
export const JOB_LABEL_FILE = 'onair-job';

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
    const { sandbox } = opts;
    if (sandbox.mode === 'unavailable') throw new MediaProcessorError('ERR_SANDBOX_UNAVAILABLE', sandbox.reason);
    const asUser = sandbox.mode === 'as-user' ? sandbox.user : undefined;
    const profileDir = await createProfile(opts.label, asUser);
    // puppeteer's own defaults, spelled out: the command may start with setpriv, not Chromium
    const chromeArgs = puppeteer.defaultArgs({
      headless: true,
      args: [...COMPOSER_CHROMIUM_ARGS, `--user-data-dir=${profileDir}`, `--window-size=${opts.width},${opts.height}`],
    });
    const command = sandboxedCommand(sandbox, opts.executablePath, chromeArgs);
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath: command.executablePath,
        ignoreDefaultArgs: true,
        args: command.args,
        headless: true,
        pipe: true,
        // as another user, Chromium's home is its profile (root's is not its to read)
        ...(asUser ? { env: { ...process.env, HOME: profileDir } } : {}),
        timeout: opts.launchTimeoutMs,
        protocolTimeout: 30_000,
        defaultViewport: { width: opts.width, height: opts.height },
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (err) {
      await rm(profileDir, { recursive: true, force: true });
      const text = withoutUrlSecrets((err as Error).message);
      const hint = /No usable sandbox/i.test(text)
        ? ' (Chromium could not create its sandbox: unprivileged user namespaces are blocked here, for example by a container\'s seccomp or AppArmor policy)'
        : '';
      throw new MediaProcessorError('ERR_BROWSER_LAUNCH', `Chromium did not start${hint}: ${text}`);
    }
    let page: Page;
    try {
      page = await firstPage(browser);
    } catch (err) {
      killGroup(browser.process()?.pid);
      await rm(profileDir, { recursive: true, force: true });
      throw new MediaProcessorError('ERR_BROWSER_LAUNCH', `Chromium did not open its page: ${withoutUrlSecrets((err as Error).message)}`);
    }
    const chromium = new Chromium(browser, page, profileDir, opts.onPageLog);
    chromium.page.on('console', (msg) => {
      const type = msg.type();
      if (type === 'error' || type === 'warn') chromium.pageLog(type === 'error' ? 'error' : 'warn', withoutUrlSecrets(msg.text()));
    });
    chromium.page.on('pageerror', (err) => chromium.pageLog('error', `page error: ${withoutUrlSecrets(String((err as Error)?.message ?? err))}`));
    chromium.page.on('error', (err) => chromium.pageLog('error', `page crashed: ${withoutUrlSecrets(err.message)}`));
    return chromium;
  }

  /** Where the page's console errors and crashes go from now on (a standby changes hands). */
  setPageLog(listener: PageLog): void {
    this.pageLog = listener;
  }

  /**
   * Opens the composer page at `url`. A page preloaded as a standby (same path, no fragment,
   * `<body data-standby="waiting">`) only gets the fragment: a same-document navigation that
   * starts it at once; otherwise the page loads. Throws ERR_PAGE_LOAD, whose text has the
   * URL's origin and path only (puppeteer's own error, which has it all, is not kept).
   */
  async openComposer(url: string, timeoutMs: number): Promise<void> {
    const hash = url.slice(url.indexOf('#'));
    // runs in the page (a string: this package is built without the DOM's types)
    const setFragment = `(h) => { if (document.body?.dataset.standby !== 'waiting') return false; location.hash = h; return true; }`;
    const waiting = await this.page.evaluate(`(${setFragment})(${JSON.stringify(hash)})`).catch(() => false);
    if (!waiting) await navigate(this.page, url, timeoutMs);
  }

  /** Sets the page's viewport (a standby was launched at the default size). */
  async resize(width: number, height: number): Promise<void> {
    const current = this.page.viewport();
    if (current?.width === width && current.height === height) return;
    await this.page.setViewport({ width, height });
  }

  /** Loads the composer page without a config (`<base>/composer/`): it waits for its fragment. */
  async preload(pageUrl: string, timeoutMs: number): Promise<void> {
    await navigate(this.page, pageUrl, timeoutMs);
    await this.page.waitForSelector('body[data-standby="waiting"]', { timeout: timeoutMs }).catch((err: Error) => {
      throw new MediaProcessorError('ERR_PAGE_LOAD', `the composer page did not get ready: ${withoutUrlSecrets(err.message)}`);
    });
  }

  get pid(): number | undefined {
    return this.browser.process()?.pid;
  }

  /** Resolves when the browser process exits (or the connection to it is lost). */
  onExit(listener: () => void): void {
    this.browser.once('disconnected', listener);
  }

  /**
   * Names the job this Chromium serves in its profile (`<profile>/onair-job`): a standby,
   * launched for no job, gets the SID of the job that takes it, so operators and tests can
   * tell which Chromium runs which processor.
   */
  async labelJob(jobId: string): Promise<void> {
    await writeFile(join(this.profileDir, JOB_LABEL_FILE), `${jobId}\n`, { mode: 0o644 });
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

/** page.goto, its error rewritten without the URL's query and fragment (and without a cause that has them). */
async function navigate(page: Page, url: string, timeoutMs: number): Promise<void> {
  try {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  } catch (err) {
    throw new MediaProcessorError('ERR_PAGE_LOAD', `the composer page did not load: ${withoutUrlSecrets((err as Error).message)}`);
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
