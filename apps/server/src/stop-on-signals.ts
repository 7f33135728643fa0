/** SIGTERM / SIGINT stop a long-running command once, gracefully: exit 0 when the stop ends, 1 when it fails. */
import type { Logger } from 'pino';

export function stopOnSignals(logger: Logger, stop: () => Promise<void>, context: object = {}): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, ...context }, 'stopping');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}
