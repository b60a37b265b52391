// People and activity: profiles, the feed, trending, for-you, notifications, saved searches, favorites.
import { api, bus, currentUser } from '../api.js';
import { more, reasonList, userLink, workflowCard, workflowHref } from '../cards.js';
import { clear, errorBox, h, setTitle, time, toast } from '../dom.js';
import { markedRead } from '../live.js';

function needLogin(view, title) {
  setTitle(title);
  clear(view, h('h1', {}, title), h('p', {}, h('a', { href: `/login?next=${encodeURIComponent(location.pathname + location.search)}` }, 'Log in'), ' to see this page.'));
}

function tabs(label, options, current, hrefOf) {
  return h('nav', { class: 'tabs', 'aria-label': label }, options.map(([value, text]) =>
    h('a', { href: hrefOf(value), 'aria-current': value === current ? 'page' : null }, text)));
}

export async function profile(view, [raw]) {
  const username = decodeURIComponent(raw);
  const [user, works] = await Promise.all([api.get(`/users/${encodeURIComponent(username)}`), api.get(`/users/${encodeURIComponent(username)}/workflows`, { limit: 20 })]);
  setTitle(user.display_name || user.username);
  const me = currentUser();
  const s = user.stats;
  const followers = h('span', {}, String(s.followers));
  let follow = null;
  if (me && me.username !== user.username) {
    let following = false;
    try {
      const page = await api.get(`/users/${encodeURIComponent(username)}/followers`, { limit: 100 });
      following = page.items.some((u) => u.username === me.username);
    } catch {
      following = false;
    }
    follow = h('button', { type: 'button', 'aria-pressed': String(following), onclick: async () => {
      try {
        const state = following ? await api.del(`/users/${encodeURIComponent(username)}/follow`) : await api.put(`/users/${encodeURIComponent(username)}/follow`);
        following = state.following;
        follow.textContent = following ? 'Following' : 'Follow';
        follow.setAttribute('aria-pressed', String(following));
        followers.textContent = String(state.followers);
      } catch (error) {
        toast(error.message, 'bad');
      }
    } }, following ? 'Following' : 'Follow');
  }
  const list = h('div', { class: 'cards' }, works.items.map((w) => workflowCard(w, { level: 3 })));
  const load = async (cursor) => {
    const page = await api.get(`/users/${encodeURIComponent(username)}/workflows`, { limit: 20, cursor });
    list.append(...page.items.map((w) => workflowCard(w, { level: 3 })));
    return more(page.next_cursor, load) || h('span');
  };
  clear(view,
    h('header', { class: 'profile' },
      h('h1', {}, user.display_name || user.username, ' ', h('span', { class: 'muted' }, `@${user.username}`)),
      user.role !== 'user' ? h('span', { class: 'badge' }, user.role) : null,
      user.bio ? h('p', { class: 'lede' }, user.bio) : null,
      user.links && user.links.length ? h('ul', { class: 'links' }, user.links.map((l) => h('li', {}, h('a', { href: l.url, rel: 'nofollow noopener', 'data-external': '' }, l.title)))) : null,
      h('dl', { class: 'stats' },
        h('div', {}, h('dt', {}, 'Workflows'), h('dd', {}, String(s.workflows))),
        h('div', {}, h('dt', {}, 'Followers'), h('dd', {}, followers)),
        h('div', {}, h('dt', {}, 'Following'), h('dd', {}, String(s.following))),
        h('div', {}, h('dt', {}, 'Favorites received'), h('dd', {}, String(s.favorites_received))),
        h('div', {}, h('dt', {}, 'Reputation'), h('dd', {}, String(s.reputation)))),
      h('p', { class: 'meta' }, 'Joined ', time(user.created_at)),
      follow),
    h('h2', {}, 'Workflows'), works.items.length ? list : h('p', { class: 'empty' }, 'No workflows yet.'), more(works.next_cursor, load));
}

const VERBS = { published: 'published', updated: 'updated', forked: 'forked', reviewed: 'reviewed', commented: 'commented on', favorited: 'favorited' };

export async function feed(view, _m, params) {
  if (!currentUser()) return needLogin(view, 'Feed');
  const rank = params.get('rank') === 'personal' ? 'personal' : 'latest';
  setTitle('Feed');
  const list = h('ol', { class: 'feed' });
  const render = (items) => items.map((it) => h('li', {},
    h('p', { class: 'meta' }, userLink(it.actor), ` ${VERBS[it.verb] || it.verb} `, h('a', { href: workflowHref(it.workflow) }, it.workflow.title), ' · ', time(it.created_at)),
    it.data && it.data.reason ? h('p', { class: 'reason' }, it.data.reason) : null,
    rank === 'personal' && !(it.data && it.data.reason) ? h('p', { class: 'reason' }, reasonOf(it)) : null,
    workflowCard(it.workflow)));
  const load = async (cursor) => {
    const page = await api.get('/feed', { rank: rank === 'personal' ? 'personal' : undefined, cursor, limit: 20 });
    list.append(...render(page.items));
    if (!cursor && !page.items.length) list.append(h('li', { class: 'empty' }, 'Nothing yet: follow people to fill your feed.'));
    return more(page.next_cursor, load) || h('span');
  };
  const tail = await load(null);
  clear(view, h('h1', {}, 'Feed'), tabs('Feed order', [['latest', 'Latest'], ['personal', 'For me']], rank, (v) => (v === 'personal' ? '/feed?rank=personal' : '/feed')), list, tail);
}

function reasonOf(item) {
  // The personal order is follows × recency × closeness to your taste; say so in words.
  const who = item.actor.display_name || item.actor.username;
  const score = typeof item.score === 'number' ? ` · ranked ${item.score.toFixed(2)} for recency and your taste` : '';
  return `Why: you follow ${who}${score}`;
}

export async function trending(view, _m, params) {
  const windowName = ['day', 'week', 'month'].includes(params.get('window')) ? params.get('window') : 'week';
  setTitle('Trending');
  const body = await api.get('/trending', { window: windowName });
  clear(view, h('h1', {}, 'Trending'), tabs('Time window', [['day', 'Today'], ['week', 'This week'], ['month', 'This month']], windowName, (v) => `/trending?window=${v}`),
    reasonList(body.items, 'Nothing is trending in this window yet.'));
}

export async function forYou(view) {
  if (!currentUser()) return needLogin(view, 'For you');
  setTitle('For you');
  const body = await api.get('/recommendations');
  clear(view, h('h1', {}, 'For you'), h('p', { class: 'lede' }, 'Picked from what you favorite, rate and follow.'),
    reasonList(body.items, 'Favorite or rate a few workflows and we will suggest more like them.'));
}

const KINDS = { workflow_comment: 'commented on', comment_reply: 'replied to your comment on', workflow_favorite: 'favorited', workflow_review: 'reviewed', new_follower: 'followed you', saved_search_match: 'a saved search matched' };

function noteItem(n) {
  const who = n.actor ? userLink(n.actor) : h('span', {}, 'Blok Hub');
  const what = KINDS[n.kind] || n.kind.replace(/_/g, ' ');
  const target = n.workflow ? h('a', { href: `/w/${n.workflow.id}${n.comment_id ? `#comment-${n.comment_id}` : ''}` }, n.workflow.title) : null;
  return h('li', { class: n.read_at ? 'read' : 'unread', 'data-id': String(n.id) }, n.read_at ? null : h('span', { class: 'sr-only' }, 'Unread: '), who, ` ${what} `, target, ' · ', time(n.created_at));
}

export async function notifications(view) {
  if (!currentUser()) return needLogin(view, 'Notifications');
  setTitle('Notifications');
  const list = h('ol', { class: 'notes', 'aria-live': 'polite' });
  const page = await api.get('/notifications', { limit: 50 });
  clear(list, page.items.map(noteItem));
  const markAll = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    const res = await api.post('/notifications/read', {});
    markedRead(res.unread);
    for (const li of list.querySelectorAll('li.unread')) li.className = 'read';
  } }, 'Mark all as read');
  // A grouped notification keeps its id as events join it: the grown group replaces its old line.
  const onNote = (event) => {
    list.querySelector(`li[data-id="${event.detail.id}"]`)?.remove();
    list.prepend(noteItem(event.detail));
  };
  bus.addEventListener('notification', onNote);
  clear(view, h('h1', {}, 'Notifications'), markAll, page.items.length ? null : h('p', { class: 'empty' }, 'No notifications yet.'), list);
  return () => bus.removeEventListener('notification', onNote);
}

function searchHref(s) {
  const params = new URLSearchParams();
  if (s.q) params.set('q', s.q);
  for (const [k, v] of Object.entries(s.filters || {})) params.set(k, Array.isArray(v) ? v.join(',') : String(v));
  return `/?${params}`;
}

export async function saved(view) {
  if (!currentUser()) return needLogin(view, 'Saved searches');
  setTitle('Saved searches');
  const page = await api.get('/me/saved-searches');
  const list = h('ul', { class: 'saved' }, page.items.map((s) => {
    const li = h('li', {}, h('a', { href: searchHref(s) }, s.name), s.q && s.q !== s.name ? h('span', { class: 'muted' }, ` “${s.q}”`) : null, ' · saved ', time(s.created_at), ' ',
      h('button', { type: 'button', class: 'link danger', 'aria-label': `Delete saved search ${s.name}`, onclick: async () => {
        try {
          await api.del(`/me/saved-searches/${s.id}`);
          li.remove();
        } catch (error) {
          toast(error.message, 'bad');
        }
      } }, 'Delete'));
    return li;
  }));
  clear(view, h('h1', {}, 'Saved searches'), h('p', { class: 'lede' }, 'You are notified when a new workflow matches one of these. Save a search from the search page.'),
    page.items.length ? list : h('p', { class: 'empty' }, 'No saved searches yet.'));
}

export async function favorites(view) {
  if (!currentUser()) return needLogin(view, 'Favorites');
  setTitle('Favorites');
  try {
    const page = await api.get('/me/favorites', { limit: 50 });
    clear(view, h('h1', {}, 'Favorites'), page.items.length ? h('div', { class: 'cards' }, page.items.map((w) => workflowCard(w))) : h('p', { class: 'empty' }, 'Nothing bookmarked yet.'));
  } catch (error) {
    clear(view, h('h1', {}, 'Favorites'), errorBox(error));
  }
}
