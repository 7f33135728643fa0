#!/usr/bin/env node
/** The `onair` command line. */
import { existsSync, mkdirSync } from 'node:fs';
import { CredentialsError, resolveCredentials } from './config/credentials.js';
import { ConfigError, SERVE_USAGE, readServeConfig } from './config/serve-config.js';
import { WORKER_USAGE, readWorkerConfig } from './config/worker-config.js';
import { createLogger } from './logger.js';
import { printBanner } from './banner.js';
import { installLastResortHandlers } from './last-resort.js';
import { stopOnSignals } from './stop-on-signals.js';
import { OPERATOR_GROUPS, runOperatorCommand } from './cli/run.js';
import { fileURLToPath } from 'node:url';

/** The built demo pages (apps/demo/dist) beside this app, when present. */
function findDemoDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../demo/dist/', import.meta.url));
  return existsSync(dir) ? dir : undefined;
}

const USAGE = `onair — self-hosted live streaming with Twilio-compatible APIs

Usage: onair <command> [options]

Commands:
  serve     run the server (onair serve --help for options)
  worker    run media jobs that a server queues on Redis (onair worker --help)
  rooms     create, list, get, end rooms (onair rooms --help)
  streams   start, list, stop streams (onair streams --help)
  grants    create viewer access tokens (onair grants --help)
  help      show this help

rooms, streams and grants talk to a running server over its REST API:
--url or ONAIR_URL (default http://localhost:8080); ONAIR_API_KEY and ONAIR_API_SECRET,
else <data-dir>/credentials.json (--data-dir or ONAIR_DATA_DIR, default .onair).`;

async function serve(args: string[]): Promise<number> {
  const config = readServeConfig(args, process.env);
  if (!config) {
    process.stdout.write(SERVE_USAGE + '\n');
    return 0;
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const creds = resolveCredentials(config.dataDir, config.credentials);
  const logger = createLogger(config.logLevel);
  // in addition to every entry point's own handling, never instead of it
  installLastResortHandlers(process, logger);
  // loaded here, not at the top: the operator commands start faster without the server's modules
  const { OnairServer } = await import('./server.js');
  const server = new OnairServer({
    port: config.port,
    host: config.host,
    dataDir: config.dataDir,
    publicUrl: config.publicUrl,
    credentials: creds.credentials,
    logger,
    ice: config.ice,
    demoDir: config.demo ? findDemoDir() : undefined,
    chromePath: config.chromePath,
    ffmpegPath: config.ffmpegPath,
    maxProcessors: config.maxProcessors,
    composerVideoCodec: config.composerVideoCodec,
    composerStandby: config.composerStandby,
    chromiumSandbox: !config.chromiumNoSandbox,
    playback: config.playback,
    callbackAllow: config.callbackAllow,
    budgets: config.budgets,
    minFreeDiskBytes: config.minFreeDiskBytes,
    redisUrl: config.redis?.url,
    embeddedWorker: config.worker,
  });
  stopOnSignals(logger, () => server.close());
  const address = await server.start();
  printBanner(process.stdout, { config, address, creds });
  logger.info({ port: address.port, host: config.host, dataDir: config.dataDir }, 'onair listening');
  return -1; // keep running
}

async function worker(args: string[]): Promise<number> {
  const config = readWorkerConfig(args, process.env);
  if (!config) {
    process.stdout.write(WORKER_USAGE + '\n');
    return 0;
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const logger = createLogger(config.logLevel);
  installLastResortHandlers(process, logger);
  const { runWorker } = await import('./worker/run-worker.js');
  const running = await runWorker(config, logger, process.stdout);
  stopOnSignals(logger, () => running.stop(), { workerId: running.id });
  return -1; // keep running
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const group = OPERATOR_GROUPS.find((g) => g.name === command);
  if (group) return runOperatorCommand(group, rest, process.env, { stdout: process.stdout, stderr: process.stderr });
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'worker':
      return worker(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`onair: unknown command '${command}'\n\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof CredentialsError) {
      process.stderr.write(`onair: ${err.message}\n`);
      process.exit(2);
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES') {
      process.stderr.write(`onair: cannot listen: ${e.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`onair: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
