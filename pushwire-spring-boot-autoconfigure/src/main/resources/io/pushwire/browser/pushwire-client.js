// pushwire-client.js: the browser client of the pushwire protocol (PROTOCOL.md), version 1.
// A dependency-free ES module; served by the starter at /rps/client.js. Guide: docs/browser.md.

const NO_RECONNECT = new Set([1000, 1008, 4001, 4003, 4009]);
const STORE_PREFIX = 'pushwire:';

/**
 * The delay before reconnect attempt `attempt` (0 for the first): exponential, capped, with jitter
 * ("equal jitter": between half and all of the capped exponential delay).
 */
export function backoffDelay(attempt, { initialMs = 500, maxMs = 30000, factor = 2 } = {}, random = Math.random) {
  const capped = Math.min(maxMs, initialMs * Math.pow(factor, Math.max(0, attempt)));
  return Math.round(capped / 2 + (capped / 2) * random());
}

/**
 * Per-channel cursors and epochs (PROTOCOL.md §5.5), kept in a Storage (sessionStorage in a page)
 * so that a reloaded page resumes. accept() says what to do with an incoming frame's cursor.
 */
export class CursorTracker {
  constructor(storage = null, key = 'default') {
    this.storage = storage;
    this.key = STORE_PREFIX + key;
    this.state = { clientId: null, sessionSecret: null, channels: {} };
    if (storage) {
      try {
        const saved = JSON.parse(storage.getItem(this.key) || 'null');
        if (saved && typeof saved === 'object') {
          this.state.clientId = typeof saved.clientId === 'string' ? saved.clientId : null;
          this.state.sessionSecret = typeof saved.sessionSecret === 'string' ? saved.sessionSecret : null;
          if (saved.channels && typeof saved.channels === 'object') this.state.channels = saved.channels;
        }
      } catch (e) {
        // unreadable: start afresh
      }
    }
  }

  get clientId() { return this.state.clientId; }
  set clientId(id) { this.state.clientId = id; this.save(); }
  get sessionSecret() { return this.state.sessionSecret; }
  set sessionSecret(secret) { this.state.sessionSecret = secret; this.save(); }

  /** The last cursor of a channel (0 when nothing was received). */
  cursor(channel) { const c = this.state.channels[channel]; return c ? c.c : 0; }

  /** The epoch that channel's cursor belongs to, or null. */
  epoch(channel) { const c = this.state.channels[channel]; return c ? c.e : null; }

  /** Whether anything is known about a channel (a resume point to send). */
  has(channel) { return Object.prototype.hasOwnProperty.call(this.state.channels, channel); }

  /** Set where a channel stands (from auth_ok, subscribed or resume_required). */
  reset(channel, cursor, epoch) {
    this.state.channels[channel] = { c: cursor, e: epoch == null ? this.epoch(channel) : epoch };
    this.save();
  }

  forget(channel) { delete this.state.channels[channel]; this.save(); }

  /**
   * Track a frame's cursor: {deliver: true} in order, {deliver: false} for a duplicate (never
   * given to the application), {deliver: true, gap: {expected, got}} when frames were skipped.
   */
  accept(channel, cursor) {
    const previous = this.cursor(channel);
    if (previous !== 0 && cursor <= previous) return { deliver: false };
    const gap = previous !== 0 && cursor > previous + 1 ? { expected: previous + 1, got: cursor } : null;
    this.state.channels[channel] = { c: cursor, e: this.epoch(channel) };
    this.save();
    return gap ? { deliver: true, gap } : { deliver: true };
  }

  resumeCursors(channels) {
    const cursors = {};
    const epochs = {};
    for (const ch of channels) {
      if (this.has(ch)) {
        cursors[ch] = this.cursor(ch);
        if (this.epoch(ch)) epochs[ch] = this.epoch(ch);
      }
    }
    return { cursors, epochs };
  }

  save() {
    if (!this.storage) return;
    try {
      this.storage.setItem(this.key, JSON.stringify(this.state));
    } catch (e) {
      // storage full or refused: resume then relies on the server's acks
    }
  }
}

function randomUuid() {
  if (globalThis.crypto && typeof globalThis.crypto.randomUUID === 'function') return globalThis.crypto.randomUUID();
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function toHex(buffer) {
  return [...new Uint8Array(buffer)].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * Check an asset (PROTOCOL.md §9): decode an inline one or download a pointer one, then check its
 * size and SHA-256 (Web Crypto) before handing the bytes over. Rejects with an Error on a mismatch.
 */
export async function fetchAsset(asset, { fetch: fetchImpl = globalThis.fetch, headers = {} } = {}) {
  if (!asset || typeof asset !== 'object' || typeof asset.sha256 !== 'string' || typeof asset.size !== 'number') {
    throw new Error('Not a pushwire asset: it needs "sha256" and "size"');
  }
  let bytes;
  if (asset.type === 'inline') {
    const bin = atob(asset.data_base64 || '');
    bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  } else if (asset.type === 'pointer') {
    const response = await fetchImpl(asset.url, { headers, credentials: 'same-origin' });
    if (!response.ok) throw new Error(`Asset ${asset.sha256} could not be downloaded: HTTP ${response.status}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  } else {
    throw new Error(`Unknown asset type "${asset.type}"`);
  }
  if (bytes.length !== asset.size) {
    throw new Error(`Asset ${asset.sha256} has ${bytes.length} bytes, ${asset.size} announced`);
  }
  const sha = toHex(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  if (sha !== asset.sha256.toLowerCase()) {
    throw new Error(`Asset bytes do not match their SHA-256: ${sha}, ${asset.sha256} announced`);
  }
  return bytes;
}

/**
 * A pushwire client: one WebSocket (or SSE stream when WebSocket is unavailable) that reconnects
 * and resumes every channel without loss.
 */
export class PushwireClient {
  constructor(options = {}) {
    const g = globalThis;
    this.options = options;
    const base = options.url || '/rps';
    this.baseUrl = new URL(base, options.origin || (g.location ? g.location.href : 'http://localhost/')).href.replace(/\/$/, '');
    this.tokenSource = options.token;
    this.WebSocketImpl = 'WebSocket' in options ? options.WebSocket : g.WebSocket;
    this.EventSourceImpl = 'EventSource' in options ? options.EventSource : g.EventSource;
    this.fetchImpl = options.fetch || (g.fetch ? g.fetch.bind(g) : null);
    this.timers = options.timers || { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (t) => clearTimeout(t), now: () => Date.now() };
    this.random = options.random || Math.random;
    this.backoff = { initialMs: 500, maxMs: 30000, factor: 2, ...(options.backoff || {}) };
    this.deadGraceMs = options.deadGraceMs ?? 10000;
    this.heartbeatMs = 25000;
    this.refreshAhead = options.refreshAhead ?? 0.8;
    const storage = 'storage' in options ? options.storage : (g.sessionStorage || null);
    this.tracker = new CursorTracker(storage, options.storageKey || 'default');
    this.channels = new Set(options.channels || []);
    this.listeners = new Map();
    this.events = new Map();
    this.members = new Map();
    this.pending = { subscribe: new Map(), presence: new Map() };
    this.transport = options.transport === 'sse' || !this.WebSocketImpl ? 'sse' : 'websocket';
    this.state = 'idle';
    this.attempt = 0;
    this.failedOpens = 0;
    this.conn = null;
    this.features = [];
    this.stopped = true;
    this.everConnected = false;
    this.reconnectTimer = null;
    this.deadTimer = null;
    this.refreshTimer = null;
    this.ackTimer = null;
    this.acks = new Map();
    this.retryAt = null;
    this.lastClose = null;
    this.listenWindow();
  }

  get clientId() { return this.tracker.clientId; }

  /** Frames of a channel ('*' for every channel): fn(payload, frame). Returns a function that removes it. */
  on(channel, fn) { return add(this.listeners, channel, fn); }

  /**
   * Client events: 'state' ({state, transport, delayMs, retryAt, resumed, missed}), 'gap'
   * ({channel, expected, got}), 'resume_required' ({channel, from_cursor, epoch}), 'error' (the op),
   * 'join' / 'leave' ({channel, client_id, user}), 'members' ({channel, members}).
   */
  onEvent(name, fn) { return add(this.events, name, fn); }

  emit(name, value) {
    for (const fn of [...(this.events.get(name) || [])]) {
      try { fn(value); } catch (e) { console.error('pushwire listener failed', e); }
    }
  }

  setState(state, extra = {}) {
    this.state = state;
    this.emit('state', { state, transport: this.transport, ...extra });
  }

  connect() {
    if (!this.stopped) return this;
    this.stopped = false;
    this.attempt = 0;
    this.open();
    return this;
  }

  close() {
    this.stopped = true;
    this.clearTimers();
    const conn = this.conn;
    this.conn = null;
    if (conn) conn.close(1000);
    this.setState('closed', { reason: 'closed by the application' });
  }

  /** Drop the connection as a network failure would (it reconnects and resumes). For demos and tests. */
  drop() {
    if (this.conn) this.conn.drop();
  }

  async token() {
    const source = this.tokenSource;
    if (typeof source === 'function') return await source();
    return source ?? null;
  }

  async open() {
    this.clearTimer('reconnectTimer');
    if (this.stopped) return;
    this.setState(this.everConnected ? 'reconnecting' : 'connecting', { attempt: this.attempt });
    let token;
    try {
      token = await this.token();
    } catch (e) {
      this.emit('error', { code: 'unavailable', message: `Could not get a token: ${e && e.message}` });
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) return;
    this.currentToken = token;
    this.conn = this.transport === 'websocket' ? new WsConnection(this, token) : new SseConnection(this, token);
  }

  scheduleReconnect(immediate = false) {
    if (this.stopped) return;
    this.clearTimers();
    const delayMs = immediate ? 0 : backoffDelay(this.attempt, this.backoff, this.random);
    this.attempt++;
    this.retryAt = this.timers.now() + delayMs;
    this.setState('reconnecting', { delayMs, retryAt: this.retryAt, attempt: this.attempt, lastClose: this.lastClose });
    this.reconnectTimer = this.timers.setTimeout(() => this.open(), delayMs);
  }

  /** Called by a connection that ended. */
  ended(conn, code, reason) {
    if (conn !== this.conn) return;
    this.conn = null;
    this.lastClose = { code, reason };
    this.clearTimer('deadTimer');
    this.clearTimer('refreshTimer');
    this.clearTimer('ackTimer');
    for (const [, p] of this.pending.presence) p.reject(new Error('connection closed'));
    this.pending.presence.clear();
    if (this.options.transport !== 'websocket' && this.options.transport !== 'sse' && this.WebSocketImpl && this.EventSourceImpl
        && !this.webSocketWorked && !conn.authenticated) {
      if (conn.kind === 'websocket' && !conn.opened && ++this.failedOpens >= 2) {
        // A WebSocket that never opened, twice in a row, and never worked here (a proxy that
        // blocks upgrades, say): fall back to SSE
        this.transport = 'sse';
        this.failedOpens = 0;
      } else if (conn.kind === 'sse') {
        // SSE fails too: the server may just be down; try the WebSocket again next
        this.transport = 'websocket';
      }
    }
    if (this.stopped) return;
    if (NO_RECONNECT.has(code)) {
      this.stopped = true;
      this.setState('closed', { code, reason });
      return;
    }
    const immediate = code === 4011 || reason === 'token_expired';
    this.scheduleReconnect(immediate);
  }

  /** auth_ok from either transport. */
  authenticated(conn, op) {
    conn.authenticated = true;
    this.failedOpens = 0;
    if (conn.kind === 'websocket') this.webSocketWorked = true;
    if (op.client_id) this.tracker.clientId = op.client_id;
    if (op.session_secret) this.tracker.sessionSecret = op.session_secret;
    this.features = Array.isArray(op.features) ? op.features : [];
    let missed = 0;
    const resumed = this.everConnected || Object.keys(this.tracker.state.channels).length > 0;
    const resumeCursors = op.resume_cursors || {};
    const heads = op.heads || {};
    const epochs = op.epochs || {};
    for (const ch of Object.keys(resumeCursors)) {
      const from = resumeCursors[ch];
      if (this.tracker.has(ch) && typeof heads[ch] === 'number' && heads[ch] > from) missed += heads[ch] - from;
      this.tracker.reset(ch, from, epochs[ch] ?? null);
    }
    this.everConnected = true;
    this.attempt = 0;
    if (conn.kind === 'websocket') {
      this.heartbeatMs = op.heartbeat_ms || 25000;
      this.alive(conn);
      this.scheduleRefresh(op.expires_at_ms);
    }
    this.setState('connected', { resumed, missed });
    if (this.features.includes('presence')) {
      for (const ch of this.channels) this.presence(ch).catch(() => {});
    }
  }

  alive(conn) {
    if (conn.kind !== 'websocket' || conn !== this.conn) return;
    this.clearTimer('deadTimer');
    this.deadTimer = this.timers.setTimeout(() => {
      if (conn === this.conn) conn.drop('heartbeat_timeout');
    }, this.heartbeatMs + this.deadGraceMs);
  }

  scheduleRefresh(expiresAtMs) {
    this.clearTimer('refreshTimer');
    if (typeof expiresAtMs !== 'number') return;
    const now = this.timers.now();
    const delay = Math.max(0, Math.floor((expiresAtMs - now) * this.refreshAhead));
    this.refreshTimer = this.timers.setTimeout(async () => {
      const conn = this.conn;
      if (!conn || conn.kind !== 'websocket') return;
      try {
        const token = await this.token();
        if (conn === this.conn && token) conn.sendJson({ type: 'refresh', token });
      } catch (e) {
        this.emit('error', { code: 'unavailable', message: `Could not get a token to refresh with: ${e && e.message}` });
      }
    }, delay);
  }

  /** An incoming frame from either transport. */
  frame(conn, frame) {
    const { channel } = frame;
    if (typeof channel !== 'string') return;
    if (typeof frame.cursor === 'number') {
      const verdict = this.tracker.accept(channel, frame.cursor);
      if (!verdict.deliver) return;
      if (verdict.gap) this.emit('gap', { channel, ...verdict.gap });
      if (conn.kind === 'websocket') this.queueAck(channel, frame.cursor);
    }
    const payload = frame.payload === undefined ? null : frame.payload;
    for (const key of [channel, '*']) {
      for (const fn of [...(this.listeners.get(key) || [])]) {
        try { fn(payload, frame); } catch (e) { console.error('pushwire listener failed', e); }
      }
    }
  }

  queueAck(channel, cursor) {
    this.acks.set(channel, cursor);
    if (this.ackTimer) return;
    this.ackTimer = this.timers.setTimeout(() => {
      this.ackTimer = null;
      const conn = this.conn;
      if (!conn || !conn.authenticated) return;
      for (const [ch, c] of this.acks) conn.sendJson({ type: 'ack', channel: ch, cursor: c });
      this.acks.clear();
    }, this.options.ackDelayMs ?? 1000);
  }

  /** A system op from either transport. */
  op(conn, op) {
    switch (op.type) {
      case 'auth_ok': this.authenticated(conn, op); break;
      case 'ping': conn.sendJson({ type: 'pong' }); break;
      case 'resume_required':
        this.tracker.reset(op.channel, Math.max(0, (op.from_cursor || 1) - 1), op.epoch ?? null);
        this.emit('resume_required', op);
        break;
      case 'subscribed': {
        const heads = op.heads || {};
        const epochs = op.epochs || {};
        for (const ch of op.channels || []) {
          if (typeof heads[ch] === 'number') this.tracker.reset(ch, heads[ch], epochs[ch] ?? null);
          const p = this.pending.subscribe.get(ch);
          if (p) { this.pending.subscribe.delete(ch); p.resolve(); }
        }
        if (this.features.includes('presence')) for (const ch of op.channels || []) this.presence(ch).catch(() => {});
        break;
      }
      case 'unsubscribed':
        for (const ch of op.channels || []) { this.channels.delete(ch); this.members.delete(ch); }
        break;
      case 'refreshed': this.scheduleRefresh(op.expires_at_ms); break;
      case 'presence_list': {
        const members = new Map();
        for (const m of op.clients || []) members.set(m.client_id, m);
        this.members.set(op.channel, members);
        this.emit('members', { channel: op.channel, members: [...members.values()] });
        const p = this.pending.presence.get(op.channel);
        if (p) { this.pending.presence.delete(op.channel); p.resolve([...members.values()]); }
        break;
      }
      case 'join':
      case 'leave': {
        const members = this.members.get(op.channel) || new Map();
        if (op.type === 'join') members.set(op.client_id, { client_id: op.client_id, user: op.user });
        else members.delete(op.client_id);
        this.members.set(op.channel, members);
        this.emit(op.type, op);
        this.emit('members', { channel: op.channel, members: [...members.values()] });
        break;
      }
      case 'error': {
        if (op.channel) {
          const s = this.pending.subscribe.get(op.channel);
          if (s) { this.pending.subscribe.delete(op.channel); s.reject(Object.assign(new Error(op.message), op)); }
          const p = this.pending.presence.get(op.channel);
          if (p) { this.pending.presence.delete(op.channel); p.reject(Object.assign(new Error(op.message), op)); }
        }
        this.emit('error', op);
        break;
      }
      case 'goodbye': conn.goodbye = op; break;
      default: break;
    }
  }

  /** Send a frame on a channel. Resolves once it is on its way (WebSocket) or accepted (SSE: 202). */
  async send(channel, payload) {
    const conn = this.conn;
    if (!conn || !conn.authenticated) throw new Error(`Not connected: cannot send on ${channel}`);
    return conn.sendFrame(channel, payload);
  }

  /** Subscribe to a channel (resuming it from its stored cursor, if any). */
  subscribe(channel) {
    this.channels.add(channel);
    const conn = this.conn;
    if (!conn || !conn.authenticated) return Promise.resolve();
    if (conn.kind === 'sse') { conn.drop('resubscribe'); return Promise.resolve(); }
    return new Promise((resolve, reject) => {
      this.pending.subscribe.set(channel, { resolve, reject });
      const op = { type: 'subscribe', channels: [channel] };
      if (this.tracker.has(channel)) {
        op.cursors = { [channel]: this.tracker.cursor(channel) };
        if (this.tracker.epoch(channel)) op.epochs = { [channel]: this.tracker.epoch(channel) };
      }
      conn.sendJson(op);
    });
  }

  unsubscribe(channel) {
    this.channels.delete(channel);
    this.members.delete(channel);
    const conn = this.conn;
    if (!conn || !conn.authenticated) return;
    if (conn.kind === 'sse') conn.drop('resubscribe');
    else conn.sendJson({ type: 'unsubscribe', channels: [channel] });
  }

  /** Who is subscribed to a channel, when the server offers presence (PROTOCOL.md §12). */
  presence(channel) {
    const conn = this.conn;
    if (!conn || !conn.authenticated || conn.kind !== 'websocket') return Promise.reject(new Error('Presence needs a WebSocket connection'));
    if (!this.features.includes('presence')) return Promise.reject(new Error('The server does not offer presence'));
    return new Promise((resolve, reject) => {
      const previous = this.pending.presence.get(channel);
      if (previous) previous.reject(new Error('superseded'));
      this.pending.presence.set(channel, { resolve, reject });
      conn.sendJson({ type: 'presence', channel });
    });
  }

  /** The members last known for a channel (presence). */
  membersOf(channel) { return [...(this.members.get(channel) || new Map()).values()]; }

  /** Check and fetch an asset (see fetchAsset). */
  asset(asset) {
    const headers = this.currentToken ? { Authorization: `Bearer ${this.currentToken}` } : {};
    return fetchAsset(asset, { fetch: this.fetchImpl, headers });
  }

  listenWindow() {
    const w = globalThis.window;
    if (!w || !w.addEventListener || this.options.watchNetwork === false) return;
    w.addEventListener('offline', () => {
      if (this.stopped) return;
      if (this.conn) this.conn.drop('offline');
    });
    w.addEventListener('online', () => {
      if (!this.stopped && !this.conn) { this.attempt = 0; this.scheduleReconnect(true); }
    });
    const d = globalThis.document;
    if (d && d.addEventListener) {
      d.addEventListener('visibilitychange', () => {
        if (d.visibilityState === 'visible' && !this.stopped && !this.conn && this.reconnectTimer) this.scheduleReconnect(true);
      });
    }
  }

  clearTimer(name) {
    if (this[name]) { this.timers.clearTimeout(this[name]); this[name] = null; }
  }

  clearTimers() {
    for (const name of ['reconnectTimer', 'deadTimer', 'refreshTimer', 'ackTimer']) this.clearTimer(name);
  }
}

function add(map, key, fn) {
  if (typeof fn !== 'function') throw new TypeError('A listener must be a function');
  if (!map.has(key)) map.set(key, new Set());
  map.get(key).add(fn);
  return () => map.get(key) && map.get(key).delete(fn);
}

class WsConnection {
  constructor(client, token) {
    this.kind = 'websocket';
    this.client = client;
    this.authenticated = false;
    this.goodbye = null;
    this.closed = false;
    const url = client.baseUrl.replace(/^http/, 'ws');
    let ws;
    try {
      ws = new client.WebSocketImpl(url);
    } catch (e) {
      queueMicrotask(() => this.finish(1006, 'cannot open'));
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.opened = true;
      const t = client.tracker;
      const channels = [...client.channels];
      const { cursors, epochs } = t.resumeCursors(channels);
      const auth = { type: 'auth', capabilities: channels, resume_cursors: cursors, resume_epochs: epochs };
      if (t.clientId) auth.client_id = t.clientId;
      else auth.client_id = t.clientId = randomUuid();
      if (token) auth.token = token;
      if (t.sessionSecret) auth.session_secret = t.sessionSecret;
      this.sendJson(auth);
    };
    ws.onmessage = (event) => {
      if (this.closed) return;
      client.alive(this);
      let msg;
      try { msg = JSON.parse(event.data); } catch (e) { return; }
      if (!msg || typeof msg !== 'object') return;
      if (typeof msg.type === 'string') client.op(this, msg);
      else if (msg.channel === 'system' && msg.payload && typeof msg.payload.type === 'string') client.op(this, msg.payload);
      else if ('channel' in msg) client.frame(this, msg);
    };
    ws.onclose = (event) => this.finish(event.code, (this.goodbye && this.goodbye.reason) || event.reason);
    ws.onerror = () => {};
  }

  sendJson(obj) {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(obj));
  }

  sendFrame(channel, payload) {
    if (!this.ws || this.ws.readyState !== 1) return Promise.reject(new Error(`Not connected: cannot send on ${channel}`));
    this.ws.send(JSON.stringify({ channel, payload }));
    return Promise.resolve();
  }

  drop(reason = 'dropped') {
    if (this.ws) { try { this.ws.close(); } catch (e) { /* already closing */ } }
    this.finish(1006, reason);
  }

  close(code) {
    this.closed = true;
    if (this.ws) { try { this.ws.close(code); } catch (e) { /* already closing */ } }
  }

  finish(code, reason) {
    if (this.closed) return;
    this.closed = true;
    this.client.ended(this, code, reason);
  }
}

class SseConnection {
  constructor(client, token) {
    this.kind = 'sse';
    this.client = client;
    this.token = token;
    this.authenticated = false;
    this.closed = false;
    const t = client.tracker;
    if (!t.clientId) t.clientId = randomUuid();
    const channels = [...client.channels];
    const params = new URLSearchParams();
    params.set('client_id', t.clientId);
    params.set('channels', channels.join(','));
    const positions = channels.filter((ch) => t.has(ch)).map((ch) => `${ch}=${t.cursor(ch)}${t.epoch(ch) ? '@' + t.epoch(ch) : ''}`);
    if (positions.length) params.set('cursors', positions.join(','));
    if (token) params.set('token', token);
    if (t.sessionSecret) params.set('session_secret', t.sessionSecret);
    const es = new client.EventSourceImpl(`${client.baseUrl}/sse?${params}`);
    this.es = es;
    es.addEventListener('system', (event) => {
      let op;
      try { op = JSON.parse(event.data); } catch (e) { return; }
      if (!op || typeof op.type !== 'string') return;
      if (op.type === 'goodbye') { this.finish(op.reason === 'token_expired' ? 4011 : 1001, op.reason); return; }
      client.op(this, op);
    });
    es.onmessage = (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame && typeof frame === 'object') client.frame(this, frame);
    };
    es.onerror = () => this.finish(1006, 'sse error');
  }

  sendJson() {
    // SSE is one-way: pong is not needed (the server writes comments), acks go over HTTP
  }

  async sendFrame(channel, payload) {
    const t = this.client.tracker;
    const body = { client_id: t.clientId, channel, payload };
    if (t.sessionSecret) body.session_secret = t.sessionSecret;
    const headers = { 'Content-Type': 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const response = await this.client.fetchImpl(`${this.client.baseUrl}/send`, {
      method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin',
    });
    if (response.status !== 202) {
      let detail = '';
      try { detail = (await response.json()).message; } catch (e) { /* no body */ }
      throw new Error(`Send on ${channel} refused: HTTP ${response.status} ${detail}`);
    }
  }

  drop(reason = 'dropped') { this.finish(1006, reason); }

  close() { this.closed = true; this.es.close(); }

  finish(code, reason) {
    if (this.closed) return;
    this.closed = true;
    this.es.close();
    this.client.ended(this, code, reason);
  }
}
