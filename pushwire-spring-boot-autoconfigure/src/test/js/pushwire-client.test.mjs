// Unit tests of pushwire-client.js: node --test (Node 20+), fake timers, a fake WebSocket.
import { test, mock, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, CursorTracker, fetchAsset, PushwireClient } from '../../main/resources/io/pushwire/browser/pushwire-client.js';

class MemoryStorage {
  constructor() { this.items = new Map(); }
  getItem(k) { return this.items.has(k) ? this.items.get(k) : null; }
  setItem(k, v) { this.items.set(k, String(v)); }
}

class FakeWebSocket {
  static instances = [];
  constructor(url) { this.url = url; this.sent = []; this.readyState = 0; FakeWebSocket.instances.push(this); }
  send(text) { this.sent.push(JSON.parse(text)); }
  close() { if (this.readyState !== 3) { this.readyState = 3; } }
  open() { this.readyState = 1; this.onopen(); }
  receive(obj) { this.onmessage({ data: JSON.stringify(obj) }); }
  serverClose(code, reason = '') { this.readyState = 3; this.onclose({ code, reason }); }
  static last() { return FakeWebSocket.instances[FakeWebSocket.instances.length - 1]; }
}

let now;
const timers = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (t) => clearTimeout(t), now: () => now };
const flush = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  FakeWebSocket.instances = [];
  now = 1_000_000;
  mock.timers.enable({ apis: ['setTimeout'] });
});
afterEach(() => mock.timers.reset());

function tick(ms) { now += ms; mock.timers.tick(ms); }

function client(extra = {}) {
  let tokens = 0;
  const c = new PushwireClient({
    url: 'http://app.test/rps', WebSocket: FakeWebSocket, EventSource: null, timers, random: () => 0.5,
    storage: new MemoryStorage(), channels: ['chat:a'], token: () => `t${++tokens}`, watchNetwork: false, ...extra,
  });
  c.tokensIssued = () => tokens;
  return c;
}

async function connected(c, authOk = {}) {
  if (c.stopped) c.connect(); else tick(0);
  await flush();
  const ws = FakeWebSocket.last();
  ws.open();
  ws.receive({ type: 'auth_ok', client_id: 'c0ffee00-0000-4000-8000-000000000000', resume_cursors: { 'chat:a': 0 },
    heads: { 'chat:a': 0 }, epochs: { 'chat:a': 'E1' }, heartbeat_ms: 25000, features: ['resume'], ...authOk });
  return ws;
}

test('backoff grows exponentially up to its cap, with jitter between half and all of it', () => {
  const opts = { initialMs: 500, maxMs: 30000, factor: 2 };
  assert.equal(backoffDelay(0, opts, () => 1), 500);
  assert.equal(backoffDelay(3, opts, () => 1), 4000);
  assert.equal(backoffDelay(20, opts, () => 1), 30000);
  assert.equal(backoffDelay(3, opts, () => 0), 2000);
});

test('tracker delivers in order, suppresses duplicates and reports gaps', () => {
  const t = new CursorTracker();
  assert.deepEqual(t.accept('c', 5), { deliver: true });
  assert.deepEqual(t.accept('c', 6), { deliver: true });
  assert.deepEqual(t.accept('c', 6), { deliver: false });
  assert.deepEqual(t.accept('c', 2), { deliver: false });
  assert.deepEqual(t.accept('c', 9), { deliver: true, gap: { expected: 7, got: 9 } });
  assert.equal(t.cursor('c'), 9);
});

test('tracker keeps cursors, epochs, client id and session secret in its storage across a reload', () => {
  const storage = new MemoryStorage();
  const t = new CursorTracker(storage, 'k');
  t.clientId = 'id-1';
  t.sessionSecret = 's3cret';
  t.reset('c', 3, 'E1');
  t.accept('c', 4);
  const reloaded = new CursorTracker(storage, 'k');
  assert.equal(reloaded.clientId, 'id-1');
  assert.equal(reloaded.sessionSecret, 's3cret');
  assert.equal(reloaded.cursor('c'), 4);
  assert.equal(reloaded.epoch('c'), 'E1');
  assert.deepEqual(reloaded.resumeCursors(['c', 'other']), { cursors: { c: 4 }, epochs: { c: 'E1' } });
});

test('auth carries a token from the function, called again on every attempt', async () => {
  const c = client();
  const ws = await connected(c);
  assert.equal(ws.sent[0].type, 'auth');
  assert.equal(ws.sent[0].token, 't1');
  assert.deepEqual(ws.sent[0].capabilities, ['chat:a']);
  ws.serverClose(1006);
  tick(500);
  await flush();
  FakeWebSocket.last().open();
  assert.equal(FakeWebSocket.last().sent[0].token, 't2');
});

test('a lost connection reconnects after an exponential backoff and resumes from its cursor and epoch', async () => {
  const c = client();
  const states = [];
  c.onEvent('state', (s) => states.push(s));
  const ws = await connected(c);
  ws.receive({ channel: 'chat:a', cursor: 1, payload: 'one' });
  ws.receive({ channel: 'chat:a', cursor: 2, payload: 'two' });
  ws.serverClose(1006);
  assert.equal(states.at(-1).state, 'reconnecting');
  assert.equal(states.at(-1).delayMs, 375); // attempt 0: 500 capped, jitter 0.5 -> 250 + 125
  tick(374);
  await flush();
  assert.equal(FakeWebSocket.instances.length, 1);
  tick(1);
  await flush();
  assert.equal(FakeWebSocket.instances.length, 2);
  const again = FakeWebSocket.last();
  again.open();
  assert.deepEqual(again.sent[0].resume_cursors, { 'chat:a': 2 });
  assert.deepEqual(again.sent[0].resume_epochs, { 'chat:a': 'E1' });
  assert.equal(again.sent[0].client_id, 'c0ffee00-0000-4000-8000-000000000000');
  // second failure in a row before auth_ok: the delay doubles
  again.serverClose(1006);
  assert.equal(states.at(-1).delayMs, 750);
});

test('frames replayed twice across a reconnect reach the application once, in order', async () => {
  const c = client();
  const got = [];
  c.on('chat:a', (p) => got.push(p));
  const ws = await connected(c);
  for (let i = 1; i <= 3; i++) ws.receive({ channel: 'chat:a', cursor: i, payload: i });
  ws.serverClose(1001);
  tick(375);
  await flush();
  const again = await connected(c, { resume_cursors: { 'chat:a': 3 }, heads: { 'chat:a': 5 } });
  for (let i = 2; i <= 5; i++) again.receive({ channel: 'chat:a', cursor: i, payload: i });
  assert.deepEqual(got, [1, 2, 3, 4, 5]);
});

test('the resumed state tells how many missed frames the replay recovers', async () => {
  const c = client();
  const states = [];
  c.onEvent('state', (s) => states.push(s));
  const ws = await connected(c);
  ws.receive({ channel: 'chat:a', cursor: 1, payload: 1 });
  ws.serverClose(1006);
  tick(375);
  await flush();
  await connected(c, { resume_cursors: { 'chat:a': 1 }, heads: { 'chat:a': 51 } });
  assert.deepEqual(states.at(-1), { state: 'connected', transport: 'websocket', resumed: true, missed: 50 });
});

test('a gap and a resume_required are told to the application', async () => {
  const c = client();
  const gaps = [];
  const required = [];
  c.onEvent('gap', (g) => gaps.push(g));
  c.onEvent('resume_required', (r) => required.push(r));
  const ws = await connected(c);
  ws.receive({ channel: 'chat:a', cursor: 1, payload: 1 });
  ws.receive({ channel: 'chat:a', cursor: 4, payload: 4 });
  assert.deepEqual(gaps, [{ channel: 'chat:a', expected: 2, got: 4 }]);
  ws.receive({ type: 'resume_required', channel: 'chat:a', from_cursor: 10, epoch: 'E2' });
  assert.equal(required.length, 1);
  assert.equal(c.tracker.cursor('chat:a'), 9);
  assert.equal(c.tracker.epoch('chat:a'), 'E2');
});

test('ping is answered with pong', async () => {
  const ws = await connected(client());
  ws.receive({ type: 'ping' });
  assert.deepEqual(ws.sent.at(-1), { type: 'pong' });
});

test('heartbeat_ms plus 10 s of silence is a dead connection, replaced by a new one', async () => {
  const c = client();
  const ws = await connected(c, { heartbeat_ms: 1000 });
  tick(10_999);
  assert.equal(c.state, 'connected');
  ws.receive({ type: 'ping' });
  tick(10_999);
  assert.equal(c.state, 'connected');
  tick(1);
  assert.equal(c.state, 'reconnecting');
  assert.equal(c.lastClose.reason, 'heartbeat_timeout');
  tick(375);
  await flush();
  assert.equal(FakeWebSocket.instances.length, 2);
});

test('credentials are refreshed when 80 % of their lifetime has passed', async () => {
  const c = client();
  const ws = await connected(c, { expires_at_ms: now + 100_000, heartbeat_ms: 1_000_000 });
  tick(79_999);
  await flush();
  assert.equal(ws.sent.filter((m) => m.type === 'refresh').length, 0);
  tick(1);
  await flush();
  assert.deepEqual(ws.sent.filter((m) => m.type === 'refresh'), [{ type: 'refresh', token: 't2' }]);
});

test('4009 replaced and 4003 forbidden end the client without reconnecting; 4011 reconnects at once', async () => {
  for (const code of [4009, 4003]) {
    const c = client();
    const ws = await connected(c);
    ws.serverClose(code);
    assert.equal(c.state, 'closed');
  }
  const c = client();
  const ws = await connected(c);
  ws.serverClose(4011, 'token_expired');
  tick(0);
  await flush();
  assert.equal(FakeWebSocket.last() !== ws, true);
});

test('without WebSocket the client uses SSE with its cursors in the query', async () => {
  const opened = [];
  class FakeEventSource {
    constructor(url) { this.url = url; opened.push(this); }
    addEventListener() {}
    close() {}
  }
  const c = client({ WebSocket: undefined, EventSource: FakeEventSource });
  c.tracker.clientId = 'c0ffee00-0000-4000-8000-000000000000';
  c.tracker.reset('chat:a', 7, 'E1');
  c.connect();
  await flush();
  const url = new URL(opened[0].url);
  assert.equal(url.pathname, '/rps/sse');
  assert.equal(url.searchParams.get('channels'), 'chat:a');
  assert.equal(url.searchParams.get('cursors'), 'chat:a=7@E1');
  assert.equal(url.searchParams.get('token'), 't1');
});

test('an asset is handed over only when its size and SHA-256 match', async () => {
  const bytes = new TextEncoder().encode('pushwire');
  const sha = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
  const inline = { type: 'inline', mime: 'image/png', sha256: sha, size: 8, data_base64: Buffer.from(bytes).toString('base64') };
  assert.deepEqual(await fetchAsset(inline), bytes);
  await assert.rejects(fetchAsset({ ...inline, size: 9 }), /8 bytes, 9 announced/);
  await assert.rejects(fetchAsset({ ...inline, sha256: '0'.repeat(64) }), /do not match their SHA-256/);
  const pointer = { type: 'pointer', mime: 'image/png', sha256: sha, size: 8, url: '/rps/assets/' + sha };
  const fakeFetch = async (url) => ({ ok: true, status: 200, arrayBuffer: async () => bytes.buffer });
  assert.deepEqual(await fetchAsset(pointer, { fetch: fakeFetch }), bytes);
});

test('with presence offered, members come from presence_list and change with join and leave', async () => {
  const c = client();
  const ws = await connected(c, { features: ['resume', 'presence'] });
  assert.deepEqual(ws.sent.at(-1), { type: 'presence', channel: 'chat:a' });
  const seen = [];
  c.onEvent('members', (m) => seen.push(m.members.map((x) => x.user)));
  ws.receive({ type: 'presence_list', channel: 'chat:a', clients: [{ client_id: 'x', user: 'alice' }] });
  ws.receive({ type: 'join', channel: 'chat:a', client_id: 'y', user: 'bob' });
  ws.receive({ type: 'leave', channel: 'chat:a', client_id: 'x', user: 'alice' });
  assert.deepEqual(seen, [['alice'], ['alice', 'bob'], ['bob']]);
  assert.deepEqual(c.membersOf('chat:a'), [{ client_id: 'y', user: 'bob' }]);
});

test('without presence offered, presence() rejects and nothing is asked', async () => {
  const c = client();
  const ws = await connected(c);
  await assert.rejects(c.presence('chat:a'), /does not offer presence/);
  assert.equal(ws.sent.some((m) => m.type === 'presence'), false);
});

test('a WebSocket that never opens twice in a row falls back to SSE, but not once it has worked', async () => {
  const opened = [];
  class FakeEventSource {
    constructor(url) { this.url = url; opened.push(this); }
    addEventListener() {}
    close() {}
  }
  const c = client({ EventSource: FakeEventSource });
  c.connect();
  await flush();
  FakeWebSocket.last().serverClose(1006);
  tick(375);
  await flush();
  FakeWebSocket.last().serverClose(1006);
  tick(750);
  await flush();
  assert.equal(FakeWebSocket.instances.length, 2);
  assert.equal(opened.length, 1);

  const worked = client({ EventSource: FakeEventSource });
  const ws = await connected(worked);
  ws.serverClose(1006);
  for (let i = 0; i < 3; i++) {
    tick(30_000);
    await flush();
    FakeWebSocket.last().serverClose(1006);
  }
  assert.equal(opened.length, 1);
  assert.equal(worked.transport, 'websocket');
});
