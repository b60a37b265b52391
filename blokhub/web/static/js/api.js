// The API client: same origin, Bearer tokens, silent refresh (single flight, shared across tabs), typed errors.

const KEY = 'blokhub.session';
const BASE = '/api/v1';
export const bus = new EventTarget();

export class ApiError extends Error {
  constructor(status, body) {
    const err = (body && body.error) || {};
    super(err.message || `Request failed (${status})`);
    this.status = status;
    this.code = err.code || 'error';
    this.details = err.details || [];
  }
}

let session = load();
let refreshing = null;
let refreshTimer = 0;

function load() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || 'null');
  } catch {
    return null;
  }
}

function emit(type, detail) {
  bus.dispatchEvent(new CustomEvent(type, { detail }));
}

function store(next) {
  session = next;
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  schedule();
}

// Another tab logged in, out, or refreshed: follow it.
window.addEventListener('storage', (event) => {
  if (event.key !== KEY) return;
  const before = session && session.user.username;
  session = load();
  schedule();
  if ((session && session.user.username) !== before) emit('auth', session && session.user);
});

function schedule() {
  clearTimeout(refreshTimer);
  if (!session) return;
  const wait = Math.max(5_000, session.expires_at - Date.now() - 60_000);
  refreshTimer = setTimeout(() => refresh().catch(() => {}), wait);
}

export function currentUser() {
  return session ? session.user : null;
}

export function accessToken() {
  return session ? session.access_token : null;
}

export function startSession(body) {
  store({
    user: body.user,
    access_token: body.access_token,
    refresh_token: body.refresh_token,
    expires_at: Date.now() + body.expires_in * 1000,
  });
  emit('auth', body.user);
}

export function updateUser(user) {
  if (!session) return;
  store({ ...session, user: { ...session.user, ...user } });
  emit('user', session.user);
}

export function endSession() {
  store(null);
  emit('auth', null);
}

export function refresh() {
  if (!session) return Promise.resolve(false);
  if (!refreshing) {
    const spent = session.refresh_token;
    refreshing = fetch(`${BASE}/auth/refresh`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh_token: spent }),
    })
      .then(async (res) => {
        const latest = load();
        if (res.ok) {
          const body = await res.json();
          store({ ...session, ...{ access_token: body.access_token, refresh_token: body.refresh_token, expires_at: Date.now() + body.expires_in * 1000 } });
          emit('token');
          return true;
        }
        // Another tab may have spent the same refresh token a moment ago: adopt its pair.
        if (latest && latest.refresh_token !== spent) {
          session = latest;
          schedule();
          return true;
        }
        if (res.status === 401) endSession();
        return false;
      })
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

function url(path, query) {
  const u = new URL(BASE + path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') u.searchParams.set(key, value);
  }
  return u.pathname + u.search;
}

export async function request(path, { method = 'GET', body, query, signal, accept, raw = false } = {}) {
  if (session && session.expires_at - Date.now() < 15_000) await refresh();
  const send = () => {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (accept) headers.Accept = accept;
    if (session) headers.Authorization = `Bearer ${session.access_token}`;
    return fetch(url(path, query), { method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body) });
  };
  let res = await send();
  if (res.status === 401 && session && !path.startsWith('/auth/') && (await refresh())) res = await send();
  if (!res.ok) {
    let payload = null;
    try {
      payload = await res.json();
    } catch {
      payload = null;
    }
    throw new ApiError(res.status, payload);
  }
  if (raw) return res;
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') || '';
  return type.includes('json') ? res.json() : res.text();
}

export const api = {
  get: (path, query, options = {}) => request(path, { ...options, query }),
  post: (path, body, options = {}) => request(path, { ...options, method: 'POST', body }),
  put: (path, body, options = {}) => request(path, { ...options, method: 'PUT', body }),
  patch: (path, body, options = {}) => request(path, { ...options, method: 'PATCH', body }),
  del: (path, options = {}) => request(path, { ...options, method: 'DELETE' }),
};

export async function logout() {
  try {
    if (session) await request('/auth/logout', { method: 'POST' });
  } catch {
    // The session is ended locally whatever the server says.
  }
  endSession();
}

schedule();
