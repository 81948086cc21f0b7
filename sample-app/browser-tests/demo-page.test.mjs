// Browser tests of the sample's demo page (and so of pushwire-client.js) in Debian's Chromium.
// Run by BrowserIntegrationTests against the sample app on a random port (BASE_URL).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const BASE_URL = process.env.BASE_URL;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = process.env.ARTIFACTS || 'target/browser-tests';
const TIMEOUT = 15_000;

let browser;

before(async () => {
  assert.ok(BASE_URL, 'BASE_URL names the running sample app');
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => { if (browser) await browser.close(); });

function uniqueRoom(name) { return `${name}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`; }

let bearer = null;

async function publish(channel, payload) {
  if (!bearer) {
    // One Basic sign-in (a slow password hash), then a JWT (a quick HMAC) for every publish
    const response = await fetch(`${BASE_URL}/demo/token`, { method: 'POST', headers: { Authorization: 'Basic ' + btoa('alice:alice-pass') } });
    assert.equal(response.status, 200);
    bearer = (await response.json()).token;
  }
  const response = await fetch(`${BASE_URL}/demo/publish`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ channel, payload }),
  });
  assert.equal(response.status, 200, await response.text());
}

async function openPage(user, room, { context, init } = {}) {
  const ctx = context || await browser.newContext();
  if (init) await ctx.addInitScript(init);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error(`[${user}] page error`, e));
  await page.goto(`${BASE_URL}/?room=${room}`);
  await page.click(`[data-user=${user}]`);
  await connectedState(page);
  return page;
}

async function connectedState(page, pattern = /^(connected|resumed)/) {
  await page.waitForFunction((source) => new RegExp(source).test(document.getElementById('state').textContent),
    pattern.source, { timeout: TIMEOUT });
}

async function messages(page) {
  return page.$$eval('#messages li', (items) => items.map((li) => ({
    from: li.querySelector('.from').textContent, text: li.querySelector('.text').textContent, cursor: li.dataset.cursor,
  })));
}

async function waitForMessages(page, count) {
  await page.waitForFunction((n) => document.querySelectorAll('#messages li').length >= n, count, { timeout: TIMEOUT });
  return messages(page);
}

test('GET / is the demo page, not a Basic-auth prompt, and the APIs still need credentials', async () => {
  const response = await fetch(`${BASE_URL}/`);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /pushwire demo/);
  assert.equal((await fetch(`${BASE_URL}/demo/token`, { method: 'POST' })).status, 401, 'the APIs still need credentials');
});

test('a message published by the server appears on the page', async () => {
  const room = uniqueRoom('server');
  const page = await openPage('alice', room);
  await publish(`chat:${room}`, { from: 'server', text: 'hello from the server' });
  assert.deepEqual((await waitForMessages(page, 1)).map((m) => [m.from, m.text]), [['server', 'hello from the server']]);
  await page.context().close();
});

test('a message typed on one page reaches another page, with its sender', async () => {
  const room = uniqueRoom('typed');
  const alice = await openPage('alice', room);
  const bob = await openPage('bob', room);
  await bob.fill('#text', 'hi alice');
  await bob.press('#text', 'Enter');
  assert.deepEqual((await waitForMessages(alice, 1)).map((m) => [m.from, m.text]), [['bob', 'hi alice']]);
  assert.deepEqual((await waitForMessages(bob, 1)).map((m) => [m.from, m.text]), [['bob', 'hi alice']]);
  await alice.context().close();
  await bob.context().close();
});

test('a message typed on the page reaches a Java PushClient in the room', { skip: !process.env.JAVA_CLIENT_ROOM }, async () => {
  // BrowserIntegrationTests subscribed a Java PushClient to this room and checks that it got the message.
  const alice = await openPage('alice', process.env.JAVA_CLIENT_ROOM);
  await alice.fill('#text', 'hello java');
  await alice.press('#text', 'Enter');
  assert.deepEqual((await waitForMessages(alice, 1)).map((m) => [m.from, m.text]), [['alice', 'hello java']]);
  await alice.context().close();
});

test('the page shows the room\'s members changing as others join and leave', async () => {
  const room = uniqueRoom('members');
  const alice = await openPage('alice', room);
  const members = (page) => page.$$eval('#members li', (items) => items.map((li) => li.textContent));
  await alice.waitForFunction(() => /alice \(you\)/.test(document.getElementById('members').textContent), null, { timeout: TIMEOUT });
  const bob = await openPage('bob', room);
  await alice.waitForFunction(() => /\bbob\b/.test(document.getElementById('members').textContent), null, { timeout: TIMEOUT });
  assert.deepEqual((await members(alice)).sort(), ['alice (you)', 'bob']);
  await bob.context().close();
  await alice.waitForFunction(() => !/\bbob\b/.test(document.getElementById('members').textContent), null, { timeout: TIMEOUT });
  assert.deepEqual(await members(alice), ['alice (you)']);
  await alice.context().close();
});

test('50 frames published while the connection is down are shown once each and in order after it resumes', async () => {
  const room = uniqueRoom('outage');
  const page = await openPage('alice', room);
  await publish(`chat:${room}`, { from: 'server', text: 'before' });
  await waitForMessages(page, 1);
  await page.context().setOffline(true);
  await page.waitForFunction(() => /reconnecting/.test(document.getElementById('state').textContent), null, { timeout: TIMEOUT });
  for (let i = 1; i <= 50; i++) await publish(`chat:${room}`, { from: 'server', text: `frame ${i}` });
  await page.context().setOffline(false);
  const shown = await waitForMessages(page, 51);
  await connectedState(page, /^resumed, \d+ missed frames? recovered/);
  const state = await page.textContent('#state');
  assert.ok(Number(/resumed, (\d+)/.exec(state)[1]) >= 50, state);
  // A channel's frames arrive in order: once this one is shown, any duplicate would have been too.
  await publish(`chat:${room}`, { from: 'server', text: 'after' });
  const all = await waitForMessages(page, 52);
  assert.deepEqual(all.map((m) => m.text),
    ['before', ...Array.from({ length: 50 }, (_, i) => `frame ${i + 1}`), 'after']);
  assert.deepEqual(all.map((m) => Number(m.cursor)), Array.from({ length: 52 }, (_, i) => i + 1));
  assert.equal(shown.length, 51);
  await page.screenshot({ path: `${ARTIFACTS}/demo.png` });
  await page.context().close();
});

test('without WebSocket the page falls back to SSE, receives and sends', async () => {
  const room = uniqueRoom('sse');
  const page = await openPage('bob', room, { init: () => { delete window.WebSocket; } });
  assert.equal(await page.textContent('#transport'), '(SSE)');
  await publish(`chat:${room}`, { from: 'server', text: 'over SSE' });
  await waitForMessages(page, 1);
  await page.fill('#text', 'sent with POST /rps/send');
  await page.press('#text', 'Enter');
  const shown = await waitForMessages(page, 2);
  assert.deepEqual(shown.map((m) => [m.from, m.text]), [['server', 'over SSE'], ['bob', 'sent with POST /rps/send']]);
  await page.context().close();
});

test('a reloaded page resumes its channels without loss', async () => {
  const room = uniqueRoom('reload');
  const page = await openPage('alice', room);
  await publish(`chat:${room}`, { from: 'server', text: 'm1' });
  await waitForMessages(page, 1);
  await page.goto('about:blank');
  for (let i = 2; i <= 6; i++) await publish(`chat:${room}`, { from: 'server', text: `m${i}` });
  await page.goto(`${BASE_URL}/?room=${room}`);
  await connectedState(page);
  await publish(`chat:${room}`, { from: 'server', text: 'after' });
  const shown = await waitForMessages(page, 6);
  assert.deepEqual(shown.map((m) => m.text), ['m2', 'm3', 'm4', 'm5', 'm6', 'after']);
  await page.context().close();
});
