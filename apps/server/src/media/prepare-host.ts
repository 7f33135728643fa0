/**
 * What every process that runs media jobs does before taking any (the server's embedded
 * worker and `onair worker` alike): say how the composer's Chromium is sandboxed (warn when
 * it is not), sweep the Chromium profiles that crashed processes left, open the ingest
 * listener.
 */
import { describeSandbox, type JobHost } from '@onair/media-processor';
import type { Logger } from 'pino';

export async function prepareHost(host: JobHost, logger: Logger): Promise<void> {
  const { sandbox } = host;
  const chromiumSandbox = describeSandbox(sandbox);
  if (sandbox.mode === 'off') {
    logger.warn(
      { chromiumSandbox },
      "the composer's Chromium runs WITHOUT its sandbox (ONAIR_CHROMIUM_NO_SANDBOX=1): a flaw in its media decoding could reach this server's user",
    );
  } else if (sandbox.mode === 'unavailable') {
    logger.error({ chromiumSandbox }, "the composer's Chromium cannot be sandboxed here: media processors will be refused");
  } else {
    logger.info({ chromiumSandbox }, "the composer's Chromium is sandboxed");
  }
  const removed = await host.sweepProfiles().catch((err: unknown) => {
    logger.warn({ err }, 'could not sweep stale Chromium profiles');
    return [];
  });
  if (removed.length) logger.info({ removed: removed.length }, 'removed Chromium profiles left by servers that are gone');
  await host.open();
}
