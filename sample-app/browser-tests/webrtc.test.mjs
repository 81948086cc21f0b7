// Two browser peers (alice and bob, each in its own Chromium context) complete a real WebRTC
// offer/answer through the sample app's rtc signaling and exchange data-channel messages over
// loopback, without STUN or TURN. Run by BrowserIntegrationTests against the sample app (BASE_URL).
// The pages speak the wire protocol (PROTOCOL.md §10) over a plain WebSocket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BASE_URL = process.env.BASE_URL;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 20_000;

let browser;

before(async () => {
  assert.ok(BASE_URL, 'BASE_URL names the running sample app');
  // Host candidates as plain loopback addresses rather than mDNS names, which headless
  // Chromium cannot resolve without a network.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-features=WebRtcHideLocalIpsWithMdns', '--allow-loopback-in-peer-connection'],
  });
});

after(async () => { if (browser) await browser.close(); });

async function token(user) {
  const response = await fetch(`${BASE_URL}/demo/token`, { method: 'POST', headers: { Authorization: 'Basic ' + btoa(`${user}:${user}-pass`) } });
  assert.equal(response.status, 200);
  return (await response.json()).token;
}

// In the page: a pushwire WebSocket joined to the room, and an RTCPeerConnection signaled
// through it. window.peer collects what happens for the test to read.
function startPeer({ token, room, initiator }) {
  const channel = `rtc:${room}`;
  const peer = window.peer = { log: [], received: [], modeSwitches: [], state: 'connecting' };
  const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/rps');
  const pc = new RTCPeerConnection({ iceServers: [] });
  let remote = null;
  const signal = (payload) => ws.send(JSON.stringify({ channel, payload: { ...payload, to: remote } }));
  const pending = [];
  const flushCandidates = () => { while (pending.length && remote) signal({ type: 'candidate', candidate: pending.shift() }); };
  pc.onicecandidate = (event) => { if (event.candidate) { pending.push(JSON.stringify(event.candidate.toJSON())); flushCandidates(); } };
  const useChannel = (dc) => {
    peer.dataChannel = dc;
    dc.onopen = () => {
      peer.state = 'open';
      dc.send(`hello from ${initiator ? 'alice' : 'bob'}`);
      signal({ type: 'status', status: 'p2p' });
    };
    dc.onmessage = (event) => peer.received.push(event.data);
  };
  if (initiator) useChannel(pc.createDataChannel('chat'));
  else pc.ondatachannel = (event) => useChannel(event.channel);
  ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token, capabilities: [channel] }));
  ws.onmessage = async (event) => {
    const message = JSON.parse(event.data);
    peer.log.push(message.type || message.payload?.type);
    if (message.type === 'ping') { ws.send('{"type":"pong"}'); return; }
    if (message.type === 'auth_ok') { peer.clientId = message.client_id; peer.state = 'joined'; return; }
    if (message.type === 'mode_switch') { peer.modeSwitches.push(message); return; }
    if (message.type === 'error') { peer.error = message; return; }
    const payload = message.payload;
    if (!payload || message.channel !== channel) return;
    if (payload.type === 'peer_list') {
      if (payload.peers.length === 0) { setTimeout(() => ws.send(JSON.stringify({ channel, payload: { type: 'peer_discovery' } })), 100); return; }
      remote = payload.peers[0];
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      signal({ type: 'offer', sdp: offer.sdp });
      flushCandidates();
    }
    else if (payload.type === 'offer') {
      remote = payload.from;
      await pc.setRemoteDescription({ type: 'offer', sdp: payload.sdp });
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      signal({ type: 'answer', sdp: answer.sdp });
      flushCandidates();
    }
    else if (payload.type === 'answer') {
      await pc.setRemoteDescription({ type: 'answer', sdp: payload.sdp });
    }
    else if (payload.type === 'candidate') {
      await pc.addIceCandidate(JSON.parse(payload.candidate));
    }
  };
  peer.discover = () => ws.send(JSON.stringify({ channel, payload: { type: 'peer_discovery' } }));
}

test('two browser peers complete an offer/answer through the server and talk over a data channel', async () => {
  const room = `webrtc-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
  const [aliceToken, bobToken] = [await token('alice'), await token('bob')];
  const pages = [];
  for (const [user, jwt, initiator] of [['bob', bobToken, false], ['alice', aliceToken, true]]) {
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => console.error(`[${user}] page error`, e));
    await page.goto(`${BASE_URL}/`);
    await page.evaluate(startPeer, { token: jwt, room, initiator });
    await page.waitForFunction(() => window.peer.state === 'joined', null, { timeout: TIMEOUT });
    pages.push(page);
  }
  const [bob, alice] = pages;
  await alice.evaluate(() => window.peer.discover());
  try {
    for (const page of pages) {
      await page.waitForFunction(() => window.peer.received.length > 0 && window.peer.modeSwitches.length > 0, null, { timeout: TIMEOUT });
    }
  }
  finally {
    for (const page of pages) console.log(await page.evaluate(() => JSON.stringify({ log: window.peer.log, state: window.peer.state, error: window.peer.error })));
  }
  assert.deepEqual(await alice.evaluate(() => window.peer.received), ['hello from bob']);
  assert.deepEqual(await bob.evaluate(() => window.peer.received), ['hello from alice']);
  const aliceSwitch = await alice.evaluate(() => window.peer.modeSwitches[0]);
  assert.equal(aliceSwitch.mode, 'p2p');
  assert.equal(aliceSwitch.reason, 'requested');
  assert.equal(aliceSwitch.generation, 1);
  assert.equal(aliceSwitch.peer_id, await bob.evaluate(() => window.peer.clientId));
});
