// Pieces shown on many pages: workflow cards, badges, user links, lists with reasons.
import { h, marked, time } from './dom.js';

export function userLink(user) {
  if (!user) return h('span', { class: 'muted' }, 'someone');
  return h('a', { href: `/u/${encodeURIComponent(user.username)}`, class: 'user' }, user.display_name || user.username);
}

export function healthBadge(health) {
  if (!health) return null;
  const problems = health.errors.length;
  const warnings = health.warnings.length;
  const label = health.valid ? (warnings ? `valid · ${warnings} warning${warnings > 1 ? 's' : ''}` : 'valid') : `${problems} error${problems === 1 ? '' : 's'}`;
  return h('span', { class: ['badge', health.valid ? (warnings ? 'warn' : 'ok') : 'bad'], title: 'Validation state' }, label);
}

export function tagList(tags, linkTo = true) {
  if (!tags || !tags.length) return null;
  return h('ul', { class: 'tags', 'aria-label': 'Tags' },
    tags.map((t) => h('li', {}, linkTo ? h('a', { href: `/search?tags=${encodeURIComponent(t)}` }, t) : t)));
}

export function stars(average, count) {
  if (!count) return h('span', { class: 'muted' }, 'no ratings');
  return h('span', { class: 'stars', title: `${average.toFixed(2)} from ${count} rating${count > 1 ? 's' : ''}` },
    `★ ${average.toFixed(1)} `, h('span', { class: 'muted' }, `(${count})`));
}

export function facts(wf) {
  const f = wf.facts || {};
  const bits = [];
  if (f.trigger) bits.push(f.method ? `${f.trigger} ${f.method}` : f.trigger);
  if (f.step_count !== undefined) bits.push(`${f.step_count} step${f.step_count === 1 ? '' : 's'}`);
  if (f.has_branches) bits.push('branches');
  if (f.runtimes && f.runtimes.length) bits.push(f.runtimes.join(', '));
  if (wf.dialect) bits.push(`Blok ${wf.dialect}`);
  return h('span', { class: 'facts' }, bits.join(' · '));
}

export function workflowHref(wf) {
  return `/w/${wf.id}${wf.slug ? `/${encodeURIComponent(wf.slug)}` : ''}`;
}

export function workflowCard(wf, { highlights, reason, extra, level = 2 } = {}) {
  const title = highlights && highlights.title ? marked(highlights.title) : wf.title;
  const description = highlights && highlights.description ? marked(highlights.description) : wf.description;
  return h('article', { class: 'card' },
    h(`h${level}`, { class: 'card-title' }, h('a', { href: workflowHref(wf) }, title)),
    h('p', { class: 'meta' }, 'by ', userLink(wf.owner), ' · ', time(wf.updated_at), ' · ', healthBadge(wf.health)),
    description ? h('p', { class: 'desc' }, description) : null,
    reason ? h('p', { class: 'reason' }, h('span', { class: 'sr-only' }, 'Why: '), reason) : null,
    h('p', { class: 'meta' }, facts(wf), ' · ', stars(wf.stats.rating.average, wf.stats.rating.count),
      ` · ♥ ${wf.stats.favorites}`, ` · ${wf.stats.comments} comment${wf.stats.comments === 1 ? '' : 's'}`),
    tagList(wf.tags),
    extra || null);
}

export function reasonList(items, empty, level = 2) {
  if (!items.length) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'cards' }, items.map((it) => workflowCard(it.workflow, { reason: it.reason, level })));
}

export function more(nextCursor, load) {
  if (!nextCursor) return null;
  const button = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    button.disabled = true;
    button.replaceWith(await load(nextCursor));
  } }, 'Load more');
  return button;
}
