// Flood load for test/bench/flood.bench.ts, in its own process so that its busy loop does not
// slow the bench's own REST probe. argv[2] is JSON {mode, ...}; prints one JSON line.
//
// signaling: {wsUrl, token, victimToken, room, seconds, reconnect}: a victim joins the room, then
//   the flooder joins and sends ICE candidates to the victim as fast as the socket takes them
//   (up to 1 MB buffered), until the server closes it or `seconds` pass; with `reconnect`, it
//   joins again after each close until `seconds` pass.
// sessions: {playbackUrl, token, seconds, concurrency, localAddress}: POST <playbackUrl> with
//   one viewer token, `concurrency` at a time, as fast as answers come, for `seconds`.
// held: {playbackUrl, tokens, sessionsPerToken, perSession, msn, maxHeld, holdMs, localAddress}:
//   opens sessions, then fires `perSession` blocking playlist reloads on each for a segment
//   (`msn`) that never comes, all at once; once at most `maxHeld` are unanswered, waits
//   `holdMs` more, counts those still held, and abandons them.
import { Agent, request } from 'node:http';
import WebSocket from 'ws';

const cfg = JSON.parse(process.argv[2]);
const CONNECTING = 64;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tick = () => new Promise((r) => setImmediate(r));

function once(ws, pred) {
  return new Promise((resolve, reject) => {
    const onMessage = (data) => {
      const m = JSON.parse(data.toString());
      if (pred(m)) {
        ws.off('message', onMessage);
        resolve(m);
      }
    };
    ws.on('message', onMessage);
    ws.once('close', (code) => reject(new Error(`closed ${code} before the expected message`)));
  });
}

async function joinSocket(token, room) {
  const ws = new WebSocket(cfg.wsUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const joined = once(ws, (m) => m.type === 'joined');
  ws.send(JSON.stringify({ type: 'join', token, room }));
  return { ws, joined: await joined };
}

async function floodOnce(deadline, victimSid) {
  const { ws } = await joinSocket(cfg.token, cfg.room);
  const frame = JSON.stringify({
    type: 'ice',
    to: victimSid,
    candidate: { candidate: 'candidate:1 1 udp 2122260223 10.9.9.9 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
  });
  let sent = 0;
  let errorBeforeClose = false;
  let closeCode;
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if (m.type === 'error' && m.code === 20429 && closeCode === undefined) errorBeforeClose = true;
  });
  const start = performance.now();
  const closed = new Promise((resolve) => ws.once('close', (code) => resolve((closeCode = code))));
  ws.on('error', () => {});
  while (closeCode === undefined && ws.readyState === WebSocket.OPEN && Date.now() < deadline) {
    if (ws.bufferedAmount < 1 << 20) {
      ws.send(frame);
      sent++;
      if (sent % 256 === 0) await tick();
    } else await tick();
  }
  const closedAfterMs = performance.now() - start;
  const cutByDeadline = closeCode === undefined && ws.readyState === WebSocket.OPEN;
  if (cutByDeadline) {
    ws.close();
    await Promise.race([closed, sleep(5_000)]);
  } else await Promise.race([closed, sleep(5_000)]);
  return { sent, closeCode, errorBeforeClose, closedAfterMs, cutByDeadline };
}

async function signaling() {
  const deadline = Date.now() + cfg.seconds * 1000;
  const victim = await joinSocket(cfg.victimToken, cfg.room);
  let relayed = 0;
  victim.ws.on('message', () => relayed++);
  const sockets = [];
  do sockets.push(await floodOnce(deadline, victim.joined.participant.sid));
  while (cfg.reconnect && Date.now() < deadline);
  victim.ws.close();
  // a reconnecting flooder's last socket may be stopped by the deadline, not by the server
  if (cfg.reconnect && sockets.at(-1).cutByDeadline) sockets.pop();
  return {
    mode: 'signaling',
    sockets: sockets.length,
    stillOpenAtDeadline: sockets.filter((s) => s.cutByDeadline).length,
    sent: sockets.reduce((n, s) => n + s.sent, 0),
    relayedToVictim: relayed,
    closedWith1008: sockets.filter((s) => s.closeCode === 1008).length,
    errorBeforeClose: sockets.filter((s) => s.errorBeforeClose).length,
    firstClosedAfterMs: sockets[0].closedAfterMs,
    closeCodes: [...new Set(sockets.map((s) => s.closeCode))],
  };
}

function post(agent, url, headers) {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers, localAddress: cfg.localAddress }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        let code;
        try {
          code = JSON.parse(Buffer.concat(chunks).toString()).code;
        } catch {}
        resolve({ status: res.statusCode, code, retryAfter: res.headers['retry-after'], body: Buffer.concat(chunks).toString() });
      });
    });
    req.on('error', (e) => resolve({ status: 0, code: e.code }));
    req.end();
  });
}

async function sessions() {
  const agent = new Agent({ keepAlive: true, maxSockets: cfg.concurrency });
  const deadline = Date.now() + cfg.seconds * 1000;
  const counts = {};
  let requests = 0;
  let firstRefusedAt;
  let withoutRetryAfter = 0;
  const start = Date.now();
  await Promise.all(
    Array.from({ length: cfg.concurrency }, async () => {
      while (Date.now() < deadline) {
        const r = await post(agent, cfg.playbackUrl, { authorization: `Bearer ${cfg.token}` });
        requests++;
        const key = `${r.status}/${r.code}`;
        counts[key] = (counts[key] ?? 0) + 1;
        if (r.status === 429) {
          firstRefusedAt ??= Date.now() - start;
          if (!/^\d+$/.test(String(r.retryAfter))) withoutRetryAfter++;
        }
      }
    }),
  );
  agent.destroy();
  return { mode: 'sessions', requests, rps: requests / cfg.seconds, counts, firstRefusedMs: firstRefusedAt, withoutRetryAfter };
}

async function held() {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const leave = new AbortController();
  const opened = {};
  const outcomes = {};
  let answered = 0;
  let sessions = 0;
  const attempts = [];
  // connections are made at most CONNECTING at a time, so the flood is of held requests, not of SYNs
  let connecting = 0;
  const slot = async () => {
    while (connecting >= CONNECTING) await sleep(1);
    connecting++;
  };
  const reload = async (url) => {
    await slot();
    return new Promise((resolve) => {
      const req = request(url, { agent, signal: leave.signal, localAddress: cfg.localAddress }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          answered++;
          let message = '';
          try {
            message = JSON.parse(Buffer.concat(chunks).toString()).message;
          } catch {}
          const which = res.statusCode !== 429 ? '' : /this playback session/i.test(message) ? ' per session' : / holds as many/.test(message) ? ' all sessions' : ' other';
          const key = `${res.statusCode}${which}`;
          outcomes[key] = (outcomes[key] ?? 0) + 1;
          resolve();
        });
      });
      let counted = true;
      const connected = () => {
        if (!counted) return;
        counted = false;
        connecting--;
      };
      req.on('socket', (socket) => (socket.connecting ? socket.once('connect', connected) : connected()));
      req.on('error', () => {
        connected();
        resolve();
      });
      req.end();
    });
  };
  // every session fires its reloads as soon as it is open (sessions lapse after 30 s idle)
  await Promise.all(
    cfg.tokens.flatMap((token) =>
      Array.from({ length: cfg.sessionsPerToken }, async () => {
        await slot();
        const r = await post(agent, cfg.playbackUrl, { authorization: `Bearer ${token}` });
        connecting--;
        opened[r.status] = (opened[r.status] ?? 0) + 1;
        if (r.status !== 200) return;
        sessions++;
        const url = `${JSON.parse(r.body).playlistUrl}?_HLS_msn=${cfg.msn}`;
        for (let i = 0; i < cfg.perSession; i++) attempts.push(reload(url));
      }),
    ),
  );
  // every request refused or held (the server holds at most maxHeld), then held a while
  const settleBy = Date.now() + 30_000;
  while (attempts.length - answered > cfg.maxHeld && Date.now() < settleBy) await sleep(100);
  await sleep(cfg.holdMs);
  const stillHeld = attempts.length - answered;
  leave.abort();
  await Promise.all(attempts);
  return { mode: 'held', sessions, opened, attempted: attempts.length, outcomes, stillHeld };
}

const run = { signaling, sessions, held }[cfg.mode];
const result = await run();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
