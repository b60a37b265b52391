// Boot, navigation and the client-side router (history API). Keep ROUTES in step with PAGES in blokhub/web/routes.py.
import { api, bus, currentUser, logout, updateUser } from './api.js';
import { clear, h, setTitle, toast } from './dom.js';
import { connect, disconnect, unread } from './live.js';

const page = (name) => () => import(`./pages/${name}.js`);
const ROUTES = [
  [/^\/(search)?$/, page('search'), 'search'],
  [/^\/w\/(\d+)(?:\/[^/]*)?$/, page('workflow'), 'workflow'],
  [/^\/u\/([^/]+)$/, page('people'), 'profile'],
  [/^\/feed$/, page('people'), 'feed'],
  [/^\/trending$/, page('people'), 'trending'],
  [/^\/for-you$/, page('people'), 'forYou'],
  [/^\/notifications$/, page('people'), 'notifications'],
  [/^\/saved$/, page('people'), 'saved'],
  [/^\/favorites$/, page('people'), 'favorites'],
  [/^\/generate(?:\/(\d+))?$/, page('generate'), 'generate'],
  [/^\/login$/, page('account'), 'login'],
  [/^\/register$/, page('account'), 'register'],
  [/^\/moderation$/, page('moderation'), 'queue'],
];

const main = document.getElementById('main');
let cleanup = null;
let renderId = 0;

export function navigate(to, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  render();
}

async function render() {
  const id = ++renderId;
  if (cleanup) {
    try {
      cleanup();
    } catch {
      // a page that failed to clean up must not block the next one
    }
    cleanup = null;
  }
  document.body.classList.remove('nav-open');
  document.querySelector('.menu-toggle').setAttribute('aria-expanded', 'false');
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const match = ROUTES.map(([re, load, name]) => [re.exec(path), load, name]).find(([m]) => m);
  markCurrent(path);
  if (!match) {
    setTitle('Not found');
    clear(main, h('h1', {}, 'Page not found'), h('p', {}, h('a', { href: '/' }, 'Back to search')));
    return;
  }
  const [m, load, name] = match;
  main.setAttribute('aria-busy', 'true');
  try {
    const module = await load();
    if (id !== renderId) return;
    const view = h('div', { class: 'view' });
    clear(main, view);
    const params = new URLSearchParams(location.search);
    cleanup = (await module[name](view, m.slice(1), params, { navigate })) || null;
  } catch (error) {
    if (id !== renderId) return;
    const status = error && error.status;
    setTitle(status === 404 ? 'Not found' : 'Error');
    clear(main, h('h1', {}, status === 404 ? 'Not found' : 'Something went wrong'),
      h('p', {}, (error && error.message) || String(error)), h('p', {}, h('a', { href: '/' }, 'Back to search')));
  } finally {
    if (id === renderId) main.removeAttribute('aria-busy');
  }
  // After an in-app navigation, move focus to the new page's heading (as a full page load would reset it);
  // the first load leaves focus where the browser puts it, so the skip link is the first Tab stop.
  if (id === renderId && id > 1) {
    const heading = main.querySelector('h1');
    if (heading && document.activeElement === document.body) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  }
}

function link(href, label, extra = {}) {
  return h('a', { href, ...extra }, label);
}

function markCurrent(path) {
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === path) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function badgeText(n) {
  return n > 99 ? '99+' : String(n);
}

function renderNav() {
  const user = currentUser();
  const nav = document.getElementById('nav');
  const items = [link('/', 'Search'), link('/trending', 'Trending')];
  if (user) {
    items.push(link('/feed', 'Feed'), link('/for-you', 'For you'), link('/generate', 'Generate'), link('/saved', 'Saved'),
      link('/favorites', 'Favorites'),
      link('/notifications', ['Notifications ', h('span', { class: 'count', id: 'unread', 'aria-label': `${unread} unread`, hidden: unread === 0 }, badgeText(unread))]));
    if (user.role === 'moderator' || user.role === 'admin') items.push(link('/moderation', 'Moderation'));
    items.push(link(`/u/${encodeURIComponent(user.username)}`, `@${user.username}`, { class: 'me' }),
      h('button', { type: 'button', class: 'link', onclick: async () => {
        await logout();
        toast('Logged out.');
        navigate('/');
      } }, 'Log out'));
  } else {
    items.push(link('/login', 'Log in'), link('/register', 'Sign up', { class: 'button' }));
  }
  clear(nav, h('ul', {}, items.map((i) => h('li', {}, i))), h('a', { href: '/schema', class: 'docs', 'data-external': '' }, 'API'));
  markCurrent(location.pathname);
}

bus.addEventListener('unread', (event) => {
  const el = document.getElementById('unread');
  if (!el) return;
  el.textContent = badgeText(event.detail);
  el.hidden = event.detail === 0;
  el.setAttribute('aria-label', `${event.detail} unread`);
});

bus.addEventListener('notification', (event) => {
  const n = event.detail;
  const who = n.actor ? n.actor.display_name || n.actor.username : 'Someone';
  toast(h('a', { href: '/notifications' }, `${who}: ${(n.kind || 'notification').replace(/_/g, ' ')}${n.workflow ? ` on “${n.workflow.title}”` : ''}`), 'info', 10_000);
});

bus.addEventListener('auth', (event) => {
  renderNav();
  if (event.detail) connect();
  else disconnect();
});

document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download') || a.hasAttribute('data-external')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/schema')) return;
  event.preventDefault();
  if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search + url.hash);
});

document.querySelector('.menu-toggle').addEventListener('click', (event) => {
  const open = document.body.classList.toggle('nav-open');
  event.currentTarget.setAttribute('aria-expanded', String(open));
});

bus.addEventListener('user', renderNav);

window.addEventListener('popstate', render);
renderNav();
if (currentUser()) {
  connect();
  // The stored profile may be stale (a new role, a new display name): refresh it once per load.
  api.get('/me').then((me) => updateUser({ role: me.role, display_name: me.display_name })).catch(() => {});
}
render();
