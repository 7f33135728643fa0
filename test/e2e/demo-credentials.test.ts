/**
 * The demo page on an exposed server (bound to 0.0.0.0): /demo/api answers 401, so the
 * page asks for the API credentials once, in its own form (no browser prompt), keeps them
 * in the tab's sessionStorage and sends them as HTTP Basic; wrong ones are asked again.
 * On loopback nothing changes (demo.test.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, newPage, pageLog, type Browser, type LoggedPage } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  server = await startServer({ host: '0.0.0.0' });
  browser = await launchBrowser({ fakeMedia: false });
});
afterAll(async () => {
  await browser?.close();
  if (server) expect(await server.stop()).toBe(0);
});

/** The page's state, for assertions and failure messages. */
const state = (page: LoggedPage) =>
  page.evaluate(() => ({
    ...document.body.dataset,
    formShown: !(document.getElementById('credentials-form') as HTMLFormElement).hidden,
    message: document.getElementById('credentials-message')?.textContent ?? '',
  }));

async function waitFor(page: LoggedPage, what: string, fn: string): Promise<void> {
  try {
    await page.waitForFunction(fn, { timeout: 15_000 });
  } catch (err) {
    throw new Error(`${what}: ${JSON.stringify(await state(page))} ${(err as Error).message}\n${pageLog(page)}`);
  }
}

async function submit(page: LoggedPage, user: string, pass: string): Promise<void> {
  await page.$eval('#credentials-user', (el) => ((el as HTMLInputElement).value = ''));
  await page.type('#credentials-user', user);
  await page.type('#credentials-pass', pass);
  await page.click('#credentials-submit');
}

describe('the demo page on an exposed server', () => {
  test('asks for the credentials once, refuses wrong ones, keeps them for the tab', async () => {
    const { apiKeySid, apiSecret } = server.creds;
    // the server's own address: 127.0.0.1 reaches a server bound to 0.0.0.0 too
    const url = server.url.replace('localhost', '127.0.0.1');
    const page = await newPage(browser);
    const authSent: (string | undefined)[] = [];
    page.on('request', (req) => {
      if (new URL(req.url()).pathname.startsWith('/demo/api/')) authSent.push(req.headers()['authorization']);
    });

    await page.goto(`${url}/demo/`);
    await waitFor(page, 'the form is asked for', `document.body.dataset.auth === 'required'`);
    expect(await state(page)).toMatchObject({ formShown: true, errorCode: '20003', state: 'error' });

    await submit(page, apiKeySid, 'not-the-secret-at-all');
    await waitFor(page, 'the form is asked again', `document.body.dataset.auth === 'required' && /refused/.test(document.getElementById('credentials-message').textContent)`);

    await submit(page, apiKeySid, apiSecret);
    await waitFor(page, 'the dashboard loads', `document.body.dataset.state === 'ready' && document.body.dataset.auth === undefined`);
    expect((await state(page)).formShown).toBe(false);

    // an action works with them
    await page.type('#room-name-input', 'exposed-room');
    await page.click('#create-room');
    await waitFor(page, 'the room appears', `!!document.querySelector('.room[data-room-name="exposed-room"]')`);

    // a reload keeps them (sessionStorage): no form
    await page.reload();
    await waitFor(page, 'the dashboard loads after a reload', `document.body.dataset.state === 'ready'`);
    expect((await state(page)).formShown).toBe(false);

    const expected = `Basic ${Buffer.from(`${apiKeySid}:${apiSecret}`).toString('base64')}`;
    expect(authSent[0]).toBeUndefined();
    expect(authSent.at(-1)).toBe(expected);
    await page.close();
  }, 60_000);
});
