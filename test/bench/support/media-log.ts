/**
 * Chromium's own log of a page's media players (the CDP `Media` domain, what
 * chrome://media-internals shows): pipeline events such as buffering state changes with their
 * reason (demuxer or decoder underflow), properties and messages. Benchmark diagnostics:
 * it tells why a player stalled, which the page itself cannot see.
 */
import type { Page } from 'puppeteer-core';

export interface MediaLogEntry {
  /** wall ms when the bench received it */
  at: number;
  kind: 'event' | 'property' | 'message' | 'error';
  data: unknown;
}

/** Starts recording; the returned array fills as Chromium reports (it outlives the page). */
export async function recordMediaLog(page: Page): Promise<MediaLogEntry[]> {
  const log: MediaLogEntry[] = [];
  const cdp = await page.createCDPSession();
  const push = (kind: MediaLogEntry['kind']) => (data: unknown) => log.push({ at: Date.now(), kind, data });
  cdp.on('Media.playerEventsAdded', push('event'));
  cdp.on('Media.playerPropertiesChanged', push('property'));
  cdp.on('Media.playerMessagesLogged', push('message'));
  cdp.on('Media.playerErrorsRaised', push('error'));
  await cdp.send('Media.enable');
  return log;
}
