// The home page: search as you type, facets, filters, sorts, keyword ↔ meaning, paging; all state in the URL.
import { api, currentUser } from '../api.js';
import { workflowCard } from '../cards.js';
import { clear, errorBox, field, h, setTitle, toast } from '../dom.js';
import { suggestions } from '../suggest.js';

// The server names the facets it can count in the page (new ones, like `dialect`, appear without a change here);
// each facet is also a filter of the same name.
const named = (document.querySelector('meta[name="blokhub:facets"]') || {}).content || '';
const FACETS = /^[\w,]+$/.test(named) ? named.split(',') : ['tags', 'trigger', 'method', 'runtime', 'nodes', 'author', 'has_branches'];
const MULTI = new Set(['tags', 'nodes', 'requirements']); // comma lists: every value must match
const FILTERS = [...FACETS, 'min_rating', 'since'];
const SINCE = { week: 7, month: 30, year: 365 }; // `since` in the URL becomes created_after at request time
const SORTS = [['relevance', 'Best match'], ['newest', 'Newest'], ['updated', 'Recently updated'], ['favorites', 'Most favorited'], ['top_rated', 'Top rated'], ['trending', 'Trending']];
const LABELS = { since: 'Published', min_rating: 'Rating', tags: 'Tags', trigger: 'Trigger', method: 'Method', runtime: 'Runtime', nodes: 'Nodes', author: 'Author', has_branches: 'Branches', dialect: 'Dialect', requirements: 'Requirements' };
const PER_PAGE = 20;

function stateFrom(params) {
  const state = { q: params.get('q') || '', sort: params.get('sort') || 'relevance', page: Number(params.get('page')) || 1, semantic: Number(params.get('semantic') || 0) };
  for (const key of FILTERS) if (params.get(key)) state[key] = params.get(key);
  return state;
}

function toParams(state) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const key of FILTERS) if (state[key]) params.set(key, state[key]);
  if (state.sort !== 'relevance') params.set('sort', state.sort);
  if (state.semantic) params.set('semantic', String(state.semantic));
  if (state.page > 1) params.set('page', String(state.page));
  return params;
}

function values(state, key) {
  return state[key] ? state[key].split(',').filter(Boolean) : [];
}

// A picked suggestion narrows the search by what it names (a workflow suggestion opens that workflow).
const SUGGESTED = { tag: 'tags', node: 'nodes', user: 'author' };

export async function search(view, _match, params, { navigate }) {
  const state = stateFrom(params);
  setTitle(state.q ? `“${state.q}”` : 'Search');
  let controller = null;
  let sequence = 0;

  const input = h('input', { type: 'search', name: 'q', value: state.q, placeholder: 'Slack alerts, Stripe webhooks, cron…', autocomplete: 'off', spellcheck: 'false' });
  const slider = h('input', { type: 'range', min: 0, max: 1, step: 0.1, value: state.semantic, 'aria-valuetext': '' });
  const sort = h('select', {}, SORTS.map(([v, label]) => h('option', { value: v, selected: v === state.sort }, label)));
  const summary = h('p', { class: 'summary', id: 'summary', 'aria-live': 'polite' });
  const results = h('div', { id: 'results', class: 'cards', 'aria-describedby': 'summary' });
  const facets = h('aside', { class: 'facets', 'aria-label': 'Filters' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Result pages' });
  const saveButton = currentUser() ? h('button', { type: 'button', class: 'secondary', onclick: saveSearch }, 'Save this search') : null;

  input.addEventListener('input', typed); // before the suggestions' listener: results are asked for first
  const suggest = suggestions(input, (s) => picked(s));
  const describeSlider = () => {
    const v = Number(slider.value);
    slider.setAttribute('aria-valuetext', v === 0 ? 'keywords only' : v === 1 ? 'meaning only' : `${Math.round(v * 100)}% meaning`);
  };
  describeSlider();

  clear(view,
    h('h1', { class: 'sr-only' }, 'Search workflows'),
    h('form', { class: 'searchbar', role: 'search', onsubmit: (e) => { e.preventDefault(); suggest.close(); go({ q: input.value, page: 1 }); } },
      Object.assign(field('Search workflows', input, null, suggest.list), { className: 'field combo' }),
      h('div', { class: 'controls' },
        field('Sort by', sort),
        h('div', { class: 'field slider' }, h('label', { for: 'ratio' }, 'Keyword ↔ Meaning'), Object.assign(slider, { id: 'ratio' }),
          h('div', { class: 'ends', 'aria-hidden': 'true' }, h('span', {}, 'keyword'), h('span', {}, 'meaning'))),
        saveButton)),
    h('div', { class: 'layout' }, facets, h('section', { class: 'hits', 'aria-label': 'Results' }, summary, results, pager)));

  function picked(s) {
    if (s.kind === 'title' && s.id) return navigate(`/w/${s.id}`);
    const key = SUGGESTED[s.kind];
    if (!key || !FILTERS.includes(key)) {
      input.value = s.text;
      return go({ q: s.text, page: 1 }, { push: true });
    }
    const chosen = values(state, key);
    const next = MULTI.has(key) ? [...new Set([...chosen, s.text])] : [s.text];
    input.value = '';
    go({ q: '', [key]: next.join(','), page: 1 }, { push: true });
  }

  function go(change, { push = false } = {}) {
    Object.assign(state, change);
    const query = toParams(state).toString();
    const to = `/${query ? `?${query}` : ''}`;
    if (push) history.pushState(null, '', to);
    else history.replaceState(null, '', to);
    setTitle(state.q ? `“${state.q}”` : 'Search');
    fetchResults();
  }

  // Every keystroke asks at once (no debounce: the last one must not wait for a timer) and cancels the question
  // before it, whose answer, should it still arrive, is dropped; so does every other change (filters, sort, page).
  function typed() {
    if (input.value !== state.q) go({ q: input.value, page: 1 });
  }

  function fetchResults() {
    const mine = ++sequence;
    if (controller) controller.abort();
    controller = new AbortController();
    return load(mine, controller.signal);
  }

  async function load(mine, signal) {
    results.setAttribute('aria-busy', 'true');
    const query = { q: state.q, sort: state.sort, page: state.page, per_page: PER_PAGE, facets: FACETS.join(','), semantic_ratio: state.semantic || undefined };
    for (const key of FILTERS) if (state[key] && key !== 'since') query[key] = state[key];
    if (SINCE[state.since]) query.created_after = new Date(Date.now() - SINCE[state.since] * 86_400_000).toISOString();
    let body;
    try {
      body = await api.get('/search/workflows', query, { signal });
    } catch (error) {
      if (error.name === 'AbortError' || mine !== sequence) return;
      results.removeAttribute('aria-busy');
      clear(results, errorBox(error));
      return;
    }
    if (mine !== sequence) return; // a newer keystroke already asked: drop this stale answer
    paint(body);
  }

  // Cards painted last time, by what they show: typing often keeps most hits, which are then moved, not rebuilt.
  let painted = new Map();
  function cards(hits) {
    const next = new Map();
    const nodes = hits.map((hit) => {
      const key = JSON.stringify([hit.workflow, hit.highlights]);
      const card = painted.get(key) || workflowCard(hit.workflow, { highlights: hit.highlights });
      next.set(key, card);
      return card;
    });
    painted = next;
    return nodes;
  }

  function paint(body) {
    const started = performance.now();
    results.removeAttribute('aria-busy');
    results.dataset.q = state.q;
    const took = `${Math.round(body.took_ms)} ms`;
    summary.textContent = body.total
      ? `${body.total.toLocaleString()} workflow${body.total === 1 ? '' : 's'} · ${took}`
      : '';
    if (!body.hits.length) {
      painted = new Map();
      const prompt = (body.suggestion && body.suggestion.prompt) || state.q;
      clear(results, h('div', { class: 'empty' },
        h('p', {}, state.q ? `No workflow matches “${state.q}” yet.` : 'No workflows yet.'),
        state.q ? h('p', {}, h('a', { class: 'button', href: `/generate?prompt=${encodeURIComponent(prompt)}` }, 'Generate this workflow')) : null));
    } else {
      results.replaceChildren(...cards(body.hits)); // one mutation of the live tree
    }
    paintFacets(body.facets || {});
    paintPager(body.total);
    // What the DOM work cost (bench/web.py reads it; the browser's own frame follows).
    performance.measure('blokhub:paint', { start: started });
  }

  // The facet panel is rebuilt only when its shape changes (other values, other filters); while typing, usually
  // only counts move, and those are updated in place.
  let shape = '';
  let countCells = new Map();
  function paintFacets(counts) {
    const shown = Object.entries(counts).map(([key, table]) => [key, Object.entries(table).slice(0, 12)]);
    const nextShape = JSON.stringify([shown.map(([key, entries]) => [key, entries.map(([v]) => v)]), FILTERS.map((k) => state[k] || '')]);
    if (nextShape === shape) {
      for (const [key, entries] of shown) {
        for (const [value, count] of entries) {
          const cell = countCells.get(`${key}\u0000${value}`);
          const text = count.toLocaleString();
          if (cell && cell.textContent !== text) cell.textContent = text;
        }
      }
      return;
    }
    shape = nextShape;
    countCells = new Map();
    const groups = [];
    const active = FILTERS.filter((k) => state[k]);
    if (active.length) {
      groups.push(h('div', { class: 'active-filters' }, h('h2', {}, 'Active filters'),
        h('ul', {}, active.flatMap((key) => values(state, key).map((v) => h('li', {},
          h('button', { type: 'button', class: 'chip', 'aria-label': `Remove filter ${LABELS[key] || key} ${v}`, onclick: () => toggle(key, v) }, `${LABELS[key] || key}: ${v} ✕`))))),
        h('button', { type: 'button', class: 'link', onclick: () => go(Object.fromEntries(FILTERS.map((k) => [k, undefined]).concat([['page', 1]]))) }, 'Clear all')));
    }
    for (const [key, entries] of shown) {
      if (!entries.length) continue;
      const chosen = values(state, key);
      groups.push(h('fieldset', { class: 'facet' }, h('legend', {}, LABELS[key] || key),
        entries.map(([value, count]) => {
          const id = `facet-${key}-${value}`.replace(/[^\w-]/g, '_');
          const cell = h('span', { class: 'count' }, count.toLocaleString());
          countCells.set(`${key}\u0000${value}`, cell);
          return h('div', { class: 'check' },
            h('input', { type: 'checkbox', id, checked: chosen.includes(value), onchange: () => toggle(key, value) }),
            h('label', { for: id }, key === 'has_branches' ? (value === 'true' ? 'with branches' : 'straight line') : value, ' ', cell));
        })));
    }
    const rating = h('select', { id: 'min-rating', onchange: (e) => go({ min_rating: e.target.value || undefined, page: 1 }) },
      [['', 'Any rating'], ['4', '★ 4 and up'], ['3', '★ 3 and up'], ['2', '★ 2 and up']].map(([v, label]) => h('option', { value: v, selected: String(state.min_rating || '') === v }, label)));
    groups.push(h('div', { class: 'field' }, h('label', { for: 'min-rating' }, 'Rating'), rating));
    const since = h('select', { id: 'since', onchange: (e) => go({ since: e.target.value || undefined, page: 1 }) },
      [['', 'Any time'], ['week', 'Past week'], ['month', 'Past month'], ['year', 'Past year']].map(([v, label]) => h('option', { value: v, selected: (state.since || '') === v }, label)));
    groups.push(h('div', { class: 'field' }, h('label', { for: 'since' }, 'Published'), since));
    clear(facets, groups);
  }

  function toggle(key, value) {
    const chosen = values(state, key);
    let next;
    if (chosen.includes(value)) next = chosen.filter((v) => v !== value);
    else next = MULTI.has(key) ? [...chosen, value] : [value];
    go({ [key]: next.join(',') || undefined, page: 1 }, { push: true });
  }

  let pagerShown = '';
  function paintPager(total) {
    const pages = Math.min(Math.ceil(total / PER_PAGE), 1000);
    if (`${pages}/${state.page}` === pagerShown) return;
    pagerShown = `${pages}/${state.page}`;
    if (pages <= 1) return clear(pager);
    const button = (n, label, current = false) => h('button', { type: 'button', class: current ? 'current' : 'secondary', 'aria-current': current ? 'page' : null,
      'aria-label': `Page ${n}`, onclick: () => { go({ page: n }, { push: true }); window.scrollTo(0, 0); } }, label);
    const items = [];
    if (state.page > 1) items.push(button(state.page - 1, '‹ Previous'));
    const lo = Math.max(1, state.page - 2);
    const hi = Math.min(pages, state.page + 2);
    for (let n = lo; n <= hi; n++) items.push(button(n, String(n), n === state.page));
    if (state.page < pages) items.push(button(state.page + 1, 'Next ›'));
    clear(pager, items);
  }

  async function saveSearch() {
    const name = state.q || 'My search';
    // Saved searches take typed filters (lists, a boolean, a number); a relative date is not saved.
    const typed = { tags: (v) => v.split(','), nodes: (v) => v.split(','), has_branches: (v) => v === 'true', min_rating: Number, trigger: String, method: String, runtime: String, author: String };
    const filters = Object.fromEntries(Object.keys(typed).filter((k) => state[k]).map((k) => [k, typed[k](state[k])]));
    try {
      await api.post('/me/saved-searches', { name, q: state.q, filters });
      toast(`Saved “${name}”: you will be notified of new matches.`);
    } catch (error) {
      toast(error.message, 'bad');
    }
  }

  slider.addEventListener('input', describeSlider);
  slider.addEventListener('change', () => go({ semantic: Number(slider.value), page: 1 }));
  sort.addEventListener('change', () => go({ sort: sort.value, page: 1 }));
  fetchResults();
  if (!state.q) input.focus();
  return () => {
    if (controller) controller.abort();
  };
}
