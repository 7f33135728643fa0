/** The operator commands `onair rooms|streams|grants …` against a real server, run as the built CLI. */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyAccessToken } from '@onair/tokens';
import { api, cliPath, endRunningProcessors, newDataDir, startServer, type RunningServer } from './support/server.js';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

let server: RunningServer;
const outputs: string[] = [];

/** Runs `onair …` with a clean environment: no ONAIR_* from the test's own environment. */
function onair(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ONAIR_')));
  const merged = { ...base, ONAIR_URL: server.url, ONAIR_DATA_DIR: server.dataDir, ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { env: merged, encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      outputs.push(stdout, stderr);
      resolve({ status, stdout, stderr });
    });
  });
}

const json = (r: Run) => JSON.parse(r.stdout);

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  if (!server) return;
  await endRunningProcessors(server);
  // whatever the commands printed, the API secret never appears
  for (const o of outputs) expect(o).not.toContain(server.creds.apiSecret);
  expect(await server.stop()).toBe(0);
});

describe('onair rooms', () => {
  test('create, list, get and end a room', async () => {
    const created = await onair(['rooms', 'create', 'cli-standup', '--type', 'group', '--max-participants', '7']);
    expect(created.status).toBe(0);
    const sid = /RM[0-9a-f]{32}/.exec(created.stdout)?.[0];
    expect(sid).toBeDefined();
    expect(created.stdout).toMatch(/status\s+in-progress/);
    const rest = (await api(server, 'GET', `/v1/Rooms/${sid}`)).json;
    expect(rest).toMatchObject({ unique_name: 'cli-standup', type: 'group', max_participants: 7, status: 'in-progress' });

    const list = await onair(['rooms', 'list', '--status', 'in-progress']);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${sid}\\s+cli-standup\\s+in-progress`));
    const listJson = json(await onair(['rooms', 'list', '--json']));
    expect(listJson.map((r: { sid: string }) => r.sid)).toContain(sid);

    const byName = await onair(['rooms', 'get', 'cli-standup', '--json']);
    expect(byName.status).toBe(0);
    expect(json(byName)).toMatchObject({ sid, unique_name: 'cli-standup', status: 'in-progress' });
    const bySid = await onair(['rooms', 'get', sid!]);
    expect(bySid.stdout).toMatch(/participants\s+0 connected/);

    const ended = await onair(['rooms', 'end', 'cli-standup']);
    expect(ended.status).toBe(0);
    expect(ended.stdout).toMatch(/status\s+completed/);
    expect((await api(server, 'GET', `/v1/Rooms/${sid}`)).json.status).toBe('completed');
    const completed = await onair(['rooms', 'list', '--status', 'completed', '--json']);
    expect(json(completed).map((r: { sid: string }) => r.sid)).toContain(sid);
  });

  test('credentials from ONAIR_API_KEY/ONAIR_API_SECRET and the server from --url', async () => {
    const r = await onair(['rooms', 'create', 'cli-env', '--json', '--url', server.url], {
      ONAIR_URL: 'http://127.0.0.1:1',
      ONAIR_DATA_DIR: newDataDir(), // empty: the env credentials are enough
      ONAIR_API_KEY: server.creds.apiKeySid,
      ONAIR_API_SECRET: server.creds.apiSecret,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(json(r)).toMatchObject({ unique_name: 'cli-env', account_sid: server.creds.accountSid });
  });
});

describe('onair grants', () => {
  test('create wraps a PlaybackGrant for the streamer in a viewer token and prints an embed link', async () => {
    const vj = (await api(server, 'POST', '/v1/PlayerStreamers', {})).json.sid as string;
    const r = await onair(['grants', 'create', vj, '--ttl', '30', '--identity', 'alice']);
    expect(r.status).toBe(0);
    const token = /^token\s+(\S+)$/m.exec(r.stdout)?.[1];
    const player = /^player\s+(\S+)$/m.exec(r.stdout)?.[1];
    expect(token).toBeDefined();
    expect(player).toBe(`${server.url}/embed/player?token=${token}`);

    const verified = await verifyAccessToken(token!, {
      resolveSecret: (k) => (k === server.creds.apiKeySid ? server.creds.apiSecret : undefined),
      accountSid: server.creds.accountSid,
    });
    expect(verified.algorithm).toBe('HS256');
    expect(verified.identity).toBe('alice');
    const grant = verified.grants.player!;
    expect(grant.playerStreamerSid).toBe(vj);
    const grantJwt = new URL(grant.playbackUrl).searchParams.get('token')!;
    const grantClaims = JSON.parse(Buffer.from(grantJwt.split('.')[1]!, 'base64url').toString('utf8'));
    expect(grantClaims.sub).toBe(vj);
    expect(grantClaims.exp - grantClaims.iat).toBe(30);

    const page = await fetch(player!);
    expect(page.status).toBe(200);

    const asJson = json(await onair(['grants', 'create', vj, '--json']));
    expect(asJson.playback_grant).toMatchObject({ sid: vj, grant: { playerStreamerSid: vj } });
    expect(asJson.player_url).toContain(`/embed/player?token=${encodeURIComponent(asJson.token)}`);
  });

  test('an out-of-range --ttl is the server\'s 20001', async () => {
    const vj = (await api(server, 'POST', '/v1/PlayerStreamers', {})).json.sid as string;
    const r = await onair(['grants', 'create', vj, '--ttl', '600']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^onair: .*\(code 20001\)$/m);
  });
});

describe('onair streams', () => {
  test('start creates a PlayerStreamer and a composer MediaProcessor; list shows them; stop ends both', async () => {
    expect((await api(server, 'POST', '/v1/Rooms', { UniqueName: 'cli-show' })).status).toBe(201);
    const started = await onair(['streams', 'start', 'cli-show', '--resolution', '640x360', '--max-duration', '120', '--latency', 'standard', '--json']);
    expect(started.stderr).toBe('');
    expect(started.status).toBe(0);
    const { player_streamer: vjJson, media_processor: zxJson } = json(started);
    const vj = vjJson.sid as string;
    const zx = zxJson.sid as string;
    expect(vj).toMatch(/^VJ/);
    expect(zx).toMatch(/^ZX/);

    const processor = (await api(server, 'GET', `/v1/MediaProcessors/${zx}`)).json;
    expect(processor).toMatchObject({ extension: 'video-composer-v1', max_duration: 120 });
    expect(JSON.parse(processor.extension_context)).toEqual({ room: { name: 'cli-show' }, outputs: [vj], resolution: '640x360' });
    expect((await api(server, 'GET', `/v1/PlayerStreamers/${vj}`)).json).toMatchObject({ max_duration: 120, latency_mode: 'standard' });

    const list = await onair(['streams', 'list']);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^STREAMER\s+STATUS\s+LATENCY\s+PROCESSOR\s+STATUS\s+ROOM\s+CREATED$/m);
    expect(list.stdout).toMatch(new RegExp(`${vj}\\s+\\S+\\s+standard\\s+${zx}\\s+\\S+\\s+cli-show`));
    const listed = json(await onair(['streams', 'list', '--json'])).player_streamers.find((s: { sid: string }) => s.sid === vj);
    expect(listed.latency_mode).toBe('standard');

    // the processor may fail on its own without speakers; either way stop leaves both final
    const stopped = await onair(['streams', 'stop', vj]);
    expect(stopped.status).toBe(0);
    expect(stopped.stdout).toContain(`media processor ${zx}: `);
    expect(stopped.stdout).toContain(`player streamer ${vj}: `);
    const final = (await api(server, 'GET', `/v1/MediaProcessors/${zx}`)).json;
    expect(['ended', 'failed']).toContain(final.status);
    const streamer = (await api(server, 'GET', `/v1/PlayerStreamers/${vj}`)).json;
    expect(streamer.status).toBe('ended');
    // stopped while its processor ran: the streamer was ended by the API, not by its source
    if (final.status === 'ended') {
      expect(streamer.ended_reason).toBe('ended-via-api');
      expect(final.ended_reason).toBe('ended-via-api');
    }
  }, 60_000);

  test('start --record asks for a recording; stop by the processor SID ends its streamer too', async () => {
    expect((await api(server, 'POST', '/v1/Rooms', { UniqueName: 'cli-rec' })).status).toBe(201);
    const started = await onair(['streams', 'start', 'cli-rec', '--record']);
    expect(started.status).toBe(0);
    const vj = /player streamer\s+(VJ[0-9a-f]{32})/.exec(started.stdout)?.[1];
    const zx = /media processor\s+(ZX[0-9a-f]{32})/.exec(started.stdout)?.[1];
    expect(vj && zx).toBeTruthy();
    expect(started.stdout).toMatch(/^latency\s+low$/m); // the default
    const context = JSON.parse((await api(server, 'GET', `/v1/MediaProcessors/${zx}`)).json.extension_context);
    expect(context.recordings).toEqual([{ containerFormat: 'mp4' }]);

    const stopped = await onair(['streams', 'stop', zx!, '--json']);
    expect(stopped.status).toBe(0);
    const out = json(stopped);
    expect(out.media_processors.map((p: { sid: string }) => p.sid)).toEqual([zx]);
    expect(out.player_streamers).toMatchObject([{ sid: vj, status: 'ended' }]);
  }, 60_000);

  test('start for an unknown room creates nothing', async () => {
    const before = (await api(server, 'GET', '/v1/PlayerStreamers')).json.player_streamers.length;
    const r = await onair(['streams', 'start', 'no-such-room']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^onair: .*not found \(code 20404\)$/m);
    expect((await api(server, 'GET', '/v1/PlayerStreamers')).json.player_streamers.length).toBe(before);
  });
});

describe('help and bad input', () => {
  test('`onair help` and `onair <group> --help` list the commands', async () => {
    const help = await onair(['help']);
    expect(help.status).toBe(0);
    for (const g of ['serve', 'rooms', 'streams', 'grants']) expect(help.stdout).toContain(`  ${g} `);
    const expected: Record<string, string[]> = {
      rooms: ['create', 'list', 'get', 'end'],
      streams: ['start', 'list', 'stop'],
      grants: ['create'],
    };
    for (const [group, commands] of Object.entries(expected)) {
      const r = await onair([group, '--help']);
      expect(r.status).toBe(0);
      for (const c of commands) expect(r.stdout).toContain(`onair ${group} ${c}`);
      expect(r.stdout).toContain('--json');
    }
    const one = await onair(['streams', 'start', '--help']);
    expect(one.status).toBe(0);
    expect(one.stdout).toContain('Usage: onair streams start <room>');
    expect(one.stdout).toContain('--latency low|standard');
  });

  test.each([
    [['rooms', 'frob'], /^onair: unknown rooms command 'frob'$/m],
    [['rooms'], /^onair: missing rooms command$/m],
    [['rooms', 'create'], /^onair: missing argument <name>$/m],
    [['rooms', 'get', 'a', 'b'], /^onair: unexpected argument 'b'$/m],
    [['rooms', 'create', 'x', '--type', 'huge'], /^onair: --type must be one of go, peer-to-peer, group, group-small \(got 'huge'\)$/m],
    [['rooms', 'create', 'x', '--max-participants', 'many'], /^onair: --max-participants must be a whole number/m],
    [['rooms', 'list', '--bogus'], /Unknown option '--bogus'/],
    [['streams', 'stop', 'RM123'], /expected a PlayerStreamer \(VJ…\) or MediaProcessor \(ZX…\) SID/],
    [['streams', 'start', 'x', '--resolution', 'big'], /--resolution must look like 1280x720/],
    [['streams', 'start', 'x', '--latency', 'ultra'], /^onair: --latency must be one of low, standard \(got 'ultra'\)$/m],
    [['streams', 'start', 'x', '--latency', 'LOW'], /^onair: --latency must be one of low, standard \(got 'LOW'\)$/m],
    [['grants', 'create'], /^onair: missing argument <streamer>$/m],
    [['rooms', 'list', '--url', 'not a url'], /--url must be an absolute URL/],
  ])('%j exits 2 with the message and usage', async (args, message) => {
    const r = await onair(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('Usage:');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('an unknown room is 20404, exit 1', async () => {
    for (const args of [['rooms', 'get', 'nope'], ['rooms', 'end', 'nope']]) {
      const r = await onair(args);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('onair: The requested resource /v1/Rooms/nope was not found (code 20404)\n');
    }
  });

  test('wrong credentials are 20003, exit 1', async () => {
    const r = await onair(['rooms', 'list'], { ONAIR_API_KEY: server.creds.apiKeySid, ONAIR_API_SECRET: 'not-the-secret-at-all' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^onair: .*\(code 20003\)$/m);
    expect(r.stderr).toContain('check ONAIR_API_KEY and ONAIR_API_SECRET');
    expect(r.stderr).not.toContain('not-the-secret-at-all');
  });

  test('no credentials anywhere: exit 2 saying where to put them', async () => {
    const r = await onair(['rooms', 'list'], { ONAIR_DATA_DIR: newDataDir() });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^onair: no credentials: set ONAIR_API_KEY and ONAIR_API_SECRET/);
  });

  test('an unreachable server: exit 1 with a clear message', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await onair(['rooms', 'list'], { ONAIR_URL: url });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `onair: cannot reach the onair server at ${url} (ECONNREFUSED); is \`onair serve\` running? Set the address with --url or ONAIR_URL\n`,
    );
  });
});
