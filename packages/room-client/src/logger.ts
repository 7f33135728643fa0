const PREFIX = '[onair]';

/**
 * The SDK's only logging seam. Stateless on purpose (no module-level mutable state):
 * warnings always go to the console, debug output only shows with verbose devtools.
 */
export const log = {
  warn(message: string, ...details: unknown[]): void {
    console.warn(`${PREFIX} ${message}`, ...details);
  },
  debug(message: string, ...details: unknown[]): void {
    console.debug(`${PREFIX} ${message}`, ...details);
  },
  error(message: string, ...details: unknown[]): void {
    console.error(`${PREFIX} ${message}`, ...details);
  },
} as const;
