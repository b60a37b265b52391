// A workflow: header and actions, the flow drawn, source tabs, versions with a visual diff, lineage, similar,
// ratings and threaded comments.
import { api, currentUser } from '../api.js';
import { facts, healthBadge, reasonList, stars, tagList, userLink, workflowCard, workflowHref } from '../cards.js';
import { drawDiff } from '../diff.js';
import { clear, errorBox, field, h, setTitle, time, toast } from '../dom.js';
import { drawFlow } from '../flow.js';
import { comments } from './comments.js';

function section(title, id, ...children) {
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

async function lazy(target, load) {
  try {
    clear(target, await load());
  } catch (error) {
    clear(target, errorBox(error));
  }
}

function issues(health) {
  const list = [...health.errors.map((e) => ['error', e]), ...health.warnings.map((w) => ['warning', w])];
  if (!list.length) return null;
  return h('ul', { class: 'issues' }, list.map(([kind, issue]) => h('li', { class: kind },
    h('strong', {}, `${kind}: `), issue.message, issue.pointer ? h('code', {}, ` ${issue.pointer}`) : null,
    issue.line ? ` (line ${issue.line})` : null)));
}

function requirements(wf) {
  const req = wf.requirements;
  if (!req) return null;
  const items = Array.isArray(req) ? req : Object.entries(req).map(([name, value]) => ({ name, ...(typeof value === 'object' ? value : { kind: value }) }));
  return section('Requirements', 'req-h', h('ul', { class: 'reqs' }, items.map((r) => h('li', {},
    h('code', {}, r.node || r.name || r.package || ''), r.kind ? ` — ${r.kind}` : '', r.note || r.detail ? ` (${r.note || r.detail})` : '',
    r.package && r.package !== r.node ? h('span', { class: 'muted' }, ` ${r.package}`) : null))));
}

function sourceTabs(wf) {
  const formats = ['json', 'yaml', 'toml'];
  const cache = {};
  const code = h('pre', { class: 'source', tabindex: '0', id: 'source-panel', role: 'tabpanel' }, h('code', {}, 'Loading…'));
  const tabs = formats.map((fmt, i) => h('button', { type: 'button', role: 'tab', id: `tab-${fmt}`, 'aria-selected': String(i === 0), 'aria-controls': 'source-panel', tabindex: i === 0 ? '0' : '-1', onclick: () => show(fmt), onkeydown: (e) => {
    const k = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
    if (!k) return;
    const next = formats[(formats.indexOf(fmt) + k + formats.length) % formats.length];
    show(next);
    document.getElementById(`tab-${next}`).focus();
  } }, fmt.toUpperCase()));
  let current = 'json';
  async function text(fmt) {
    if (!(fmt in cache)) cache[fmt] = await api.get(`/workflows/${wf.id}/export`, { format: fmt }, { accept: '*/*' });
    return typeof cache[fmt] === 'string' ? cache[fmt] : JSON.stringify(cache[fmt], null, 2);
  }
  async function show(fmt) {
    current = fmt;
    for (const t of tabs) {
      const on = t.id === `tab-${fmt}`;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
    }
    code.setAttribute('aria-labelledby', `tab-${fmt}`);
    try {
      const body = await text(fmt);
      if (current === fmt) clear(code, h('code', {}, body));
    } catch (error) {
      clear(code, errorBox(error));
    }
  }
  const copy = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try {
      await navigator.clipboard.writeText(await text(current));
      toast(`Copied the ${current.toUpperCase()} source.`);
    } catch {
      toast('Copying was refused by the browser; select the text instead.', 'bad');
    }
  } }, 'Copy');
  const download = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    const blob = new Blob([await text(current)], { type: 'text/plain' });
    const a = h('a', { href: URL.createObjectURL(blob), download: `${wf.slug || 'workflow'}.${current}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  } }, 'Download');
  show('json');
  return section('Source', 'src-h', h('div', { class: 'tabbar' }, h('div', { role: 'tablist', 'aria-label': 'Format' }, tabs), copy, download), code);
}

async function versions(wf) {
  const page = await api.get(`/workflows/${wf.id}/versions`, { limit: 100 });
  const list = page.items;
  const out = h('div', {});
  const items = h('ol', { class: 'versions', reversed: true }, list.map((v) => h('li', {}, h('strong', {}, `v${v.version}`), ' ', time(v.created_at), v.changelog ? ` — ${v.changelog}` : '')));
  if (list.length < 2) return h('div', {}, items);
  const pick = (label, value) => field(label, h('select', {}, list.map((v) => h('option', { value: v.version, selected: v.version === value }, `v${v.version}`))));
  const from = pick('From', list[1].version);
  const to = pick('To', list[0].version);
  const result = h('div', { class: 'diff-out', 'aria-live': 'polite' });
  const compare = async () => {
    const a = Number(from.querySelector('select').value);
    const b = Number(to.querySelector('select').value);
    await lazy(result, async () => {
      const [diff, va, vb] = await Promise.all([
        api.get(`/workflows/${wf.id}/diff`, { from: a, to: b }),
        api.get(`/workflows/${wf.id}/versions/${a}`),
        api.get(`/workflows/${wf.id}/versions/${b}`),
      ]);
      return h('div', {},
        h('ul', { class: 'changes' }, diff.changes.map((c) => h('li', { class: `c-${c.op}` }, h('strong', {}, c.op), ` ${c.kind} `, c.name ? h('code', {}, c.name) : null, ' ', h('code', { class: 'muted' }, c.pointer)))),
        drawDiff(va.definition, vb.definition));
    });
  };
  clear(out, items, h('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); compare(); } }, from, to, h('button', { type: 'submit' }, 'Compare')), result);
  return out;
}

async function lineage(wf) {
  const parts = [];
  if (wf.forked_from) {
    try {
      const parent = await api.get(`/workflows/${wf.forked_from.id}`);
      parts.push(h('p', {}, 'Forked from ', h('a', { href: workflowHref(parent) }, parent.title), ` (v${wf.forked_from.version ?? '?'}) by `, userLink(parent.owner)));
    } catch {
      parts.push(h('p', { class: 'muted' }, 'Forked from a workflow that is no longer visible.'));
    }
  }
  const forks = await api.get(`/workflows/${wf.id}/forks`, { limit: 20 });
  parts.push(forks.items.length ? h('div', { class: 'cards compact' }, forks.items.map((f) => workflowCard(f, { level: 3 }))) : h('p', { class: 'muted' }, 'No forks yet.'));
  return h('div', {}, parts);
}

async function similar(wf) {
  const body = await api.get(`/workflows/${wf.id}/similar`);
  return reasonList(body.items.slice(0, 6), 'Nothing similar yet.', 3);
}

async function ratings(wf, user) {
  const body = await api.get(`/workflows/${wf.id}/ratings`, { limit: 20 });
  const s = body.summary;
  const max = Math.max(1, ...Object.values(s.histogram));
  const histogram = h('dl', { class: 'histogram', 'aria-label': 'Ratings by stars' }, [5, 4, 3, 2, 1].map((n) => {
    const count = s.histogram[String(n)] || 0;
    return h('div', { class: 'bar' }, h('dt', {}, `${n} ★`), h('dd', {}, h('span', { class: 'fill', style: null, 'data-w': Math.round((count / max) * 100) }), ` ${count}`));
  }));
  for (const fill of histogram.querySelectorAll('.fill')) fill.style.width = `${fill.dataset.w}%`;
  const parts = [h('p', {}, stars(s.average || 0, s.count)), histogram];
  if (user && user.username !== wf.owner.username) {
    const mine = body.items.find((r) => r.user.username === user.username);
    const starsSelect = h('select', { required: true }, [5, 4, 3, 2, 1].map((n) => h('option', { value: n, selected: mine && mine.stars === n }, `${n} star${n > 1 ? 's' : ''}`)));
    const review = h('textarea', { rows: 2, maxlength: 5000 }, mine ? mine.review : '');
    parts.push(h('form', { class: 'rate', onsubmit: async (e) => {
      e.preventDefault();
      try {
        await api.put(`/workflows/${wf.id}/rating`, { stars: Number(starsSelect.value), review: review.value || null });
        toast('Thanks for the rating.');
      } catch (error) {
        toast(error.message, 'bad');
      }
    } }, field('Your rating', starsSelect), field('Review (optional)', review), h('button', { type: 'submit' }, mine ? 'Update rating' : 'Rate')));
  }
  parts.push(body.items.length ? h('ul', { class: 'reviews' }, body.items.map((r) => h('li', {},
    h('p', { class: 'meta' }, userLink(r.user), ` · ${'★'.repeat(r.stars)}${'☆'.repeat(5 - r.stars)} · `, time(r.updated_at)),
    r.review ? h('p', {}, r.review) : null))) : h('p', { class: 'muted' }, 'No reviews yet.'));
  return h('div', {}, parts);
}

async function favoriteState(wf, user) {
  if (!user) return false;
  try {
    const page = await api.get('/me/favorites', { limit: 100 });
    return page.items.some((w) => w.id === wf.id);
  } catch {
    return false;
  }
}

function actions(wf, user, navigate, favorited) {
  if (!user) return h('p', { class: 'actions' }, h('a', { href: `/login?next=${encodeURIComponent(location.pathname)}` }, 'Log in'), ' to favorite, fork, rate or comment.');
  let on = favorited;
  const fav = h('button', { type: 'button', class: 'secondary', 'aria-pressed': String(on), onclick: async () => {
    try {
      const state = on ? await api.del(`/workflows/${wf.id}/favorite`) : await api.put(`/workflows/${wf.id}/favorite`);
      on = state.favorited;
      fav.setAttribute('aria-pressed', String(on));
      fav.textContent = `${on ? '♥ Favorited' : '♡ Favorite'} (${state.favorites})`;
    } catch (error) {
      toast(error.message, 'bad');
    }
  } }, `${on ? '♥ Favorited' : '♡ Favorite'} (${wf.stats.favorites})`);
  const fork = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try {
      const copy = await api.post(`/workflows/${wf.id}/fork`, {});
      toast('Forked into your account.');
      navigate(workflowHref(copy));
    } catch (error) {
      toast(error.message, 'bad');
    }
  } }, 'Fork');
  const dialog = h('dialog', { class: 'report', 'aria-labelledby': 'report-h' });
  const reason = h('textarea', { rows: 3, required: true, minlength: 3, maxlength: 2000 });
  clear(dialog, h('form', { method: 'dialog', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api.post('/reports', { target_type: 'workflow', target_id: wf.id, reason: reason.value });
      dialog.close();
      toast('Reported. A moderator will look at it.');
    } catch (error) {
      toast(error.message, 'bad');
    }
  } }, h('h2', { id: 'report-h' }, 'Report this workflow'), field('What is wrong?', reason),
  h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Send report'), h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'))));
  const report = h('button', { type: 'button', class: 'link', onclick: () => dialog.showModal() }, 'Report');
  const own = wf.owner.username === user.username;
  const remove = own ? h('button', { type: 'button', class: 'link danger', onclick: async () => {
    if (!window.confirm(`Delete “${wf.title}”? Its page, comments and ratings go with it.`)) return;
    try {
      await api.del(`/workflows/${wf.id}`);
      toast('Deleted.');
      navigate(`/u/${encodeURIComponent(user.username)}`);
    } catch (error) {
      toast(error.message, 'bad');
    }
  } }, 'Delete') : null;
  return h('div', { class: 'actions' }, fav, own ? null : fork, own ? remove : report, dialog);
}

export async function workflow(view, [id], _params, { navigate }) {
  const wf = await api.get(`/workflows/${id}`);
  const user = currentUser();
  setTitle(wf.title);
  const favorited = await favoriteState(wf, user);
  const slots = { versions: h('div', {}), lineage: h('div', {}), similar: h('div', {}), ratings: h('div', {}), comments: h('div', {}) };
  clear(view,
    h('article', { class: 'workflow' },
      h('header', { class: 'wf-head' },
        h('h1', {}, wf.title),
        h('p', { class: 'meta' }, 'by ', userLink(wf.owner), ` · v${wf.version} · updated `, time(wf.updated_at), ' · ', healthBadge(wf.health),
          wf.visibility !== 'public' ? h('span', { class: 'badge' }, wf.visibility) : null,
          wf.dialect ? h('span', { class: 'badge' }, `Blok ${wf.dialect}`) : null,
          wf.moderation && wf.moderation.state && wf.moderation.state !== 'visible' ? h('span', { class: 'badge bad' }, `moderation: ${wf.moderation.state}`) : null),
        wf.description ? h('p', { class: 'lede' }, wf.description) : null,
        h('p', { class: 'meta' }, facts(wf), ' · ', stars(wf.stats.rating.average || 0, wf.stats.rating.count), ` · ${wf.stats.views} view${wf.stats.views === 1 ? '' : 's'} · ${wf.stats.forks} fork${wf.stats.forks === 1 ? '' : 's'}`),
        tagList(wf.tags),
        actions(wf, user, navigate, favorited)),
      !wf.health.valid || wf.health.warnings.length ? section('Validation', 'val-h', issues(wf.health)) : null,
      section('Flow', 'flow-h', drawFlow(wf.definition)),
      requirements(wf),
      sourceTabs(wf),
      section('Versions', 'ver-h', slots.versions),
      section('Forks and lineage', 'fork-h', slots.lineage),
      section('Similar workflows', 'sim-h', slots.similar),
      section('Ratings and reviews', 'rate-h', slots.ratings),
      section(`Comments (${wf.stats.comments})`, 'com-h', slots.comments)));
  lazy(slots.versions, () => versions(wf));
  lazy(slots.lineage, () => lineage(wf));
  lazy(slots.similar, () => similar(wf));
  lazy(slots.ratings, () => ratings(wf, user));
  lazy(slots.comments, () => comments(wf, user));
}
