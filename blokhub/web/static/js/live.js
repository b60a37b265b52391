// The live channel: one WebSocket per signed-in tab (/ws?token=), unread count and notifications pushed as they happen.
import { accessToken, bus, refresh } from './api.js';

let socket = null;
let retry = 0;
let timer = 0;
let pinger = 0;
export let unread = 0;

function setUnread(n) {
  unread = Math.max(0, n);
  bus.dispatchEvent(new CustomEvent('unread', { detail: unread }));
}

export function markedRead(count) {
  setUnread(count);
}

export function connect() {
  disconnect();
  const token = accessToken();
  if (!token) return;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`);
  socket = ws;
  ws.addEventListener('open', () => {
    retry = 0;
    pinger = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('ping'), 25_000);
  });
  ws.addEventListener('message', (event) => {
    if (event.data === 'pong') return;
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === 'hello') setUnread(message.unread);
    else if (message.type === 'notification') {
      // The server sends the count after this notification (a grouped one does not add to it).
      setUnread(typeof message.unread === 'number' ? message.unread : unread + 1);
      bus.dispatchEvent(new CustomEvent('notification', { detail: message.notification || message }));
    }
  });
  ws.addEventListener('close', async (event) => {
    clearInterval(pinger);
    if (socket !== ws) return; // replaced or closed on purpose
    socket = null;
    if (event.code === 4401 && !(await refresh())) return; // the session is over
    retry = Math.min(retry + 1, 6);
    timer = setTimeout(connect, 500 * 2 ** retry);
  });
}

export function disconnect() {
  clearTimeout(timer);
  clearInterval(pinger);
  const ws = socket;
  socket = null;
  if (ws) ws.close(1000, 'bye');
}
