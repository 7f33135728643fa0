/**
 * The headless Chromium harness itself: several pages of one browser keep running, the fake
 * camera decodes into <video> elements (light DOM and open shadow roots), and the media
 * assertions see real, non-black frames.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, pageLog, type Browser, type LoggedPage } from './support/browser.js';
import { videoStats, waitForPlayingVideos } from './support/media.js';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>harness</title></head>
<body data-state="idle">
<video id="light" autoplay muted playsinline></video>
<camera-box></camera-box>
<script>
  window.rafCount = 0;
  const tick = () => { window.rafCount++; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  customElements.define('camera-box', class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' }).innerHTML = '<video id="shadow" autoplay muted playsinline></video>';
    }
  });
  navigator.mediaDevices.getUserMedia({ video: true, audio: true }).then(
    (stream) => {
      document.getElementById('light').srcObject = stream;
      document.querySelector('camera-box').shadowRoot.getElementById('shadow').srcObject = stream;
      document.body.dataset.state = 'playing';
    },
    (err) => { document.body.dataset.state = 'error'; console.error('getUserMedia failed: ' + err); },
  );
</script>
</body></html>`;

let server: Server;
let url: string;
let browser: Browser | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => server.close(() => r()));
});

/** true inside a network namespace that has only loopback (as `npm test` runs as root) */
const loopbackOnly = () => Object.values(networkInterfaces()).flat().every((i) => i?.internal);

const rafCount = (page: LoggedPage) => page.evaluate(() => (window as unknown as { rafCount: number }).rafCount);

describe('headless Chromium harness', () => {
  it('keeps two pages of one browser decoding fake camera video', async () => {
    const first = await newPage(browser!);
    await first.goto(`${url}?page=1`);
    await first.waitForSelector('body[data-state="playing"]', { timeout: 10_000 }).catch((e: Error) => {
      throw new Error(`${e.message}\n${pageLog(first)}`);
    });
    // the second page opens in front of the first
    const second = await newPage(browser!);
    await second.goto(`${url}?page=2`);
    await second.bringToFront();
    await second.waitForSelector('body[data-state="playing"]', { timeout: 10_000 });

    const [a, b] = await Promise.all([
      waitForPlayingVideos(first, 'video', 2, 15_000),
      waitForPlayingVideos(second, 'video', 2, 15_000),
    ]);
    for (const stats of [a, b]) {
      expect(stats).toHaveLength(2);
      expect(stats.map((s) => s.element).sort()).toEqual(['video#light', 'video#shadow']);
      for (const s of stats) {
        expect(s.videoWidth).toBeGreaterThan(0);
        expect(s.videoHeight).toBeGreaterThan(0);
        expect(s.meanLuma).toBeGreaterThan(16);
        expect(s.nonBlack).toBe(true);
      }
    }

    // the page behind keeps rendering, not just decoding
    expect(await first.evaluate(() => document.visibilityState)).toBe('visible');
    const before = await rafCount(first);
    await new Promise((r) => setTimeout(r, 500));
    expect((await rafCount(first)) - before).toBeGreaterThan(10);

    expect(first.log).toEqual([]);
    expect(second.log).toEqual([]);
    await Promise.all([first.close(), second.close()]);
  });

  it('connects WebRTC between two pages over 127.0.0.1 (loopback candidates, no mDNS)', async () => {
    const sender = await newPage(browser!);
    const receiver = await newPage(browser!);
    await Promise.all([sender.goto(`${url}?sender`), receiver.goto(`${url}?receiver`)]);
    await sender.waitForSelector('body[data-state="playing"]', { timeout: 10_000 });

    // non-trickle offer/answer, relayed through the test
    const gatherAndDescribe = `new Promise((resolve) => {
      const done = () => resolve({ type: pc.localDescription.type, sdp: pc.localDescription.sdp });
      if (pc.iceGatheringState === 'complete') done();
      else pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());
    })`;
    const offer = (await sender.evaluate(`(async () => {
      const pc = window.pc = new RTCPeerConnection();
      const stream = document.getElementById('light').srcObject;
      for (const t of stream.getTracks()) pc.addTrack(t, stream);
      await pc.setLocalDescription(await pc.createOffer());
      return ${gatherAndDescribe};
    })()`)) as { type: string; sdp: string };
    const answer = (await receiver.evaluate(`(async (offer) => {
      const pc = window.pc = new RTCPeerConnection();
      pc.ontrack = (e) => {
        let v = document.getElementById('remote');
        if (!v) { v = document.createElement('video'); v.id = 'remote'; v.autoplay = true; v.muted = true; v.playsInline = true; document.body.append(v); }
        v.srcObject = e.streams[0];
      };
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription(await pc.createAnswer());
      return ${gatherAndDescribe};
    })(${JSON.stringify(offer)})`)) as { type: string; sdp: string };
    await sender.evaluate(`window.pc.setRemoteDescription(${JSON.stringify(answer)})`);

    const candidates = [...offer.sdp.matchAll(/a=candidate:\S+ \d+ \S+ \d+ (\S+) \d+ typ (\w+)/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(candidates.length).toBeGreaterThan(0);
    expect(candidates.some((c) => c.endsWith('.local host'))).toBe(false);

    const [remote] = await waitForPlayingVideos(receiver, 'video#remote', 1, 15_000);
    expect(remote!.meanLuma).toBeGreaterThan(16);
    const pair = (await receiver.evaluate(`(async () => {
      const stats = await window.pc.getStats();
      for (const s of stats.values()) {
        if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) {
          const local = stats.get(s.localCandidateId), remote = stats.get(s.remoteCandidateId);
          return [local.address ?? local.ip, remote.address ?? remote.ip];
        }
      }
      return null;
    })()`)) as [string, string] | null;
    expect(pair).not.toBeNull();
    for (const addr of pair!) expect(addr).not.toMatch(/\.local$/);
    // inside the loopback-only namespace of `npm test` the only address is 127.0.0.1
    if (loopbackOnly()) expect(pair).toEqual(['127.0.0.1', '127.0.0.1']);
    await Promise.all([sender.close(), receiver.close()]);
  });

  it('reports what it saw when no video plays, and records console errors', async () => {
    const page = await newPage(browser!);
    await page.goto(url);
    await page.evaluate(() => console.error('boom from the page'));
    expect(page.log.some((l) => l.includes('boom from the page'))).toBe(true);

    expect(await videoStats(page, 'video.nothing-here')).toEqual([]);
    await expect(waitForPlayingVideos(page, 'video.nothing-here', 1, 1_000)).rejects.toThrow(
      /expected 1 playing, non-black video\(s\)[\s\S]*Last stats:[\s\S]*boom from the page/,
    );
    await page.close();
  });

  it('sees a black frame as black', async () => {
    const page = await newPage(browser!);
    await page.goto(url);
    await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 320;
      canvas.height = 180;
      const ctx = canvas.getContext('2d')!;
      const paint = () => {
        ctx.fillStyle = '#000';
        ctx.fillRect(0, 0, 320, 180);
      };
      paint();
      setInterval(paint, 50);
      const v = document.createElement('video');
      v.className = 'black';
      v.muted = true;
      v.autoplay = true;
      v.srcObject = canvas.captureStream(20);
      document.body.append(v);
    });
    await expect(waitForPlayingVideos(page, 'video.black', 1, 2_000)).rejects.toThrow(/0 playing/);
    const [s] = await videoStats(page, 'video.black');
    expect(s?.videoWidth).toBe(320);
    expect(s?.meanLuma).toBeGreaterThanOrEqual(0);
    expect(s?.meanLuma).toBeLessThan(16);
    expect(s?.nonBlack).toBe(false);
    await page.close();
  });
});
