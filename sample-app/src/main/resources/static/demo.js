// The sample's live page. It uses only the browser client served by the starter.
import { PushwireClient } from '/rps/client.js';

// The sample's demo users (SampleSecurityConfiguration). A real page would use its own login.
const PASSWORDS = { alice: 'alice-pass', bob: 'bob-pass' };
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

let client = null;
let user = sessionStorage.getItem('demo:user');
let room = params.get('room') || sessionStorage.getItem('demo:room') || 'lobby';
let token = null;
let countdown = null;

async function fetchToken() {
  const response = await fetch('/demo/token', {
    method: 'POST',
    headers: { Authorization: 'Basic ' + btoa(`${user}:${PASSWORDS[user]}`) },
  });
  if (!response.ok) throw new Error(`POST /demo/token: HTTP ${response.status}`);
  token = (await response.json()).token;
  return token;
}

function line(list, html, max = 500) {
  const li = document.createElement('li');
  li.innerHTML = html;
  list.appendChild(li);
  while (list.children.length > max) list.removeChild(list.firstChild);
  list.scrollTop = list.scrollHeight;
  return li;
}

const escape = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function event(text) {
  line($('events'), `${new Date().toLocaleTimeString()} ${escape(text)}`, 30);
}

function showState(s) {
  const box = $('connection');
  box.className = `state ${s.state}`;
  $('transport').textContent = s.transport ? `(${s.transport === 'sse' ? 'SSE' : 'WebSocket'})` : '';
  clearInterval(countdown);
  if (s.state === 'connected') {
    $('state').textContent = s.resumed
      ? `resumed, ${s.missed} missed frame${s.missed === 1 ? '' : 's'} recovered`
      : 'connected';
  } else if (s.state === 'reconnecting' && typeof s.retryAt === 'number') {
    const tick = () => {
      const left = Math.max(0, Math.ceil((s.retryAt - Date.now()) / 1000));
      $('state').textContent = `reconnecting in ${left} s`;
    };
    tick();
    countdown = setInterval(tick, 250);
  } else {
    $('state').textContent = s.state + (s.reason ? ` (${s.reason})` : '');
  }
}

function showMembers(members) {
  const list = $('members');
  list.innerHTML = '';
  for (const m of members) line(list, escape(m.user) + (m.client_id === client.clientId ? ' (you)' : ''));
  if (!members.length) line(list, '<span class="muted">nobody</span>');
}

function chatChannel() { return `chat:${room}`; }

function start() {
  $('login').hidden = true;
  $('app').hidden = false;
  $('user').textContent = user;
  if (![...$('room').options].some((o) => o.value === room)) $('room').add(new Option(room, room));
  $('room').value = room;
  $('room-name').textContent = room;
  const options = { token: fetchToken, channels: [chatChannel(), 'ticker', 'alerts'], storageKey: `demo-${user}` };
  if (params.get('transport')) options.transport = params.get('transport');
  client = new PushwireClient(options);
  window.pushwireDemo = { client };
  client.onEvent('state', showState);
  client.onEvent('gap', (g) => event(`gap on ${g.channel}: expected ${g.expected}, got ${g.got}`));
  client.onEvent('resume_required', (r) => event(`${r.channel}: frames lost, resuming from ${r.from_cursor}`));
  client.onEvent('error', (e) => event(`error ${e.code}: ${e.message}`));
  client.onEvent('members', (m) => { if (m.channel === chatChannel()) showMembers(m.members); });
  client.onEvent('join', (j) => { if (j.channel === chatChannel()) event(`${j.user} joined`); });
  client.onEvent('leave', (j) => { if (j.channel === chatChannel()) event(`${j.user} left`); });
  client.on('*', (payload, frame) => {
    if (frame.channel !== chatChannel()) return;
    const li = line($('messages'), `<span class="from">${escape(payload && payload.from)}</span><span class="text">${escape(payload && payload.text)}</span>`);
    li.dataset.cursor = frame.cursor;
  });
  client.on('ticker', (tick) => { $('ticker').textContent = `#${tick.seq}`; });
  client.on('alerts', (alert) => line($('alerts'), escape(alert && alert.text), 50));
  client.connect();
}

async function switchRoom(next) {
  const previous = chatChannel();
  room = next;
  sessionStorage.setItem('demo:room', room);
  $('room-name').textContent = room;
  $('messages').innerHTML = '';
  $('members').innerHTML = '<li class="muted">presence is not offered by this server</li>';
  client.unsubscribe(previous);
  try { await client.subscribe(chatChannel()); } catch (e) { event(`cannot join ${room}: ${e.message}`); }
}

for (const button of document.querySelectorAll('[data-user]')) {
  button.addEventListener('click', () => {
    user = button.dataset.user;
    sessionStorage.setItem('demo:user', user);
    start();
  });
}
$('room').addEventListener('change', (e) => switchRoom(e.target.value));
$('drop').addEventListener('click', () => { event('connection dropped'); client.drop(); });
$('logout').addEventListener('click', () => { client.close(); sessionStorage.clear(); location.reload(); });
$('composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('text').value.trim();
  if (!text) return;
  try {
    await client.send(chatChannel(), { text });
    $('text').value = '';
  } catch (err) {
    event(err.message);
  }
});
$('alert-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('alert-text').value.trim();
  if (!text) return;
  const response = await fetch('/demo/publish', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token || await fetchToken()}` },
    body: JSON.stringify({ channel: 'alerts', payload: { text, from: user } }),
  });
  if (response.ok) $('alert-text').value = '';
  else event(`alert refused: HTTP ${response.status}`);
});

if (user && PASSWORDS[user]) start();
