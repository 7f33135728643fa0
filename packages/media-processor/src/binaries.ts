/** Where Chromium and ffmpeg are: an explicit path (CHROME_PATH / FFMPEG_PATH via the server), else found. */
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { MediaProcessorError } from './errors.js';

const CHROME_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export function resolveChromePath(explicit?: string): string {
  if (explicit) {
    if (!executable(explicit)) throw MediaProcessorError.binary('chromium', `CHROME_PATH ${explicit} is not an executable file`);
    return explicit;
  }
  const found = CHROME_CANDIDATES.find(executable);
  if (!found) {
    throw MediaProcessorError.binary(
      'chromium',
      `Chromium not found (tried ${CHROME_CANDIDATES.join(', ')}); install it (apt-get install -y chromium) or set CHROME_PATH`,
    );
  }
  return found;
}

export function resolveFfmpegPath(explicit?: string): string {
  if (explicit) {
    if (!executable(explicit)) throw MediaProcessorError.binary('ffmpeg', `FFMPEG_PATH ${explicit} is not an executable file`);
    return explicit;
  }
  try {
    const { path } = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string };
    if (executable(path)) return path;
  } catch {
    // fall through to the message below
  }
  throw MediaProcessorError.binary('ffmpeg', 'ffmpeg not found: @ffmpeg-installer/ffmpeg has no binary for this platform; set FFMPEG_PATH');
}
