// Suggestions under the search box as the user types, from /search/suggest, in the ARIA 1.2 combobox pattern: the
// input keeps focus and points at the highlighted option (aria-activedescendant); ↓/↑ move, Enter picks, Escape
// closes. Each keystroke asks at once (no debounce: the list should keep up with typing) and cancels the previous
// question; an answer to an older prefix is dropped.
import { api } from './api.js';
import { h } from './dom.js';

const KINDS = { title: 'workflow', tag: 'tag', node: 'node', user: 'author' };
const LIMIT = 8;

export function suggestions(input, choose) {
  const list = h('ul', { id: 'suggestions', class: 'suggestions', role: 'listbox', 'aria-label': 'Suggestions', hidden: true });
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', 'suggestions');
  let items = [];
  let active = -1;
  let asked = 0;
  let controller = null;

  function highlight(index) {
    active = index;
    const options = list.children;
    for (let i = 0; i < options.length; i++) options[i].setAttribute('aria-selected', String(i === index));
    if (index < 0) {
      input.removeAttribute('aria-activedescendant');
      return;
    }
    input.setAttribute('aria-activedescendant', options[index].id);
    options[index].scrollIntoView({ block: 'nearest' });
  }

  function show(open) {
    list.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
    if (!open) highlight(-1);
  }

  function paint(found) {
    items = found;
    highlight(-1);
    list.replaceChildren(...found.map((s, i) => h('li', {
      id: `suggestion-${i}`, role: 'option', 'aria-selected': 'false',
      onmousedown: (event) => event.preventDefault(), // keep focus (and the list) in the box until the click lands
      onclick: () => pick(i),
    }, h('span', { class: 'text' }, s.text), ' ', h('span', { class: 'kind' }, KINDS[s.kind] || s.kind))));
    show(found.length > 0 && document.activeElement === input);
  }

  async function ask() {
    const mine = ++asked;
    if (controller) controller.abort();
    controller = null;
    const q = input.value.trim();
    if (!q) return paint([]);
    controller = new AbortController();
    let body;
    try {
      body = await api.get('/search/suggest', { q, limit: LIMIT }, { signal: controller.signal });
    } catch {
      body = { items: [] }; // suggestions only help: when they fail, there are none
    }
    if (mine === asked) paint(body.items); // else a newer keystroke asked already: this answer is stale
  }

  function close() {
    asked++; // an answer still on its way is now stale too
    if (controller) controller.abort();
    show(false);
  }

  function pick(index) {
    const chosen = items[index];
    close();
    choose(chosen);
  }

  input.addEventListener('input', ask);
  input.addEventListener('blur', () => show(false));
  input.addEventListener('keydown', (event) => {
    if (event.isComposing) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!items.length) return;
      event.preventDefault();
      const down = event.key === 'ArrowDown';
      if (list.hidden) show(true);
      const n = items.length;
      highlight(down ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1));
    } else if (event.key === 'Enter' && !list.hidden && active >= 0) {
      event.preventDefault();
      pick(active);
    } else if (event.key === 'Escape' && !list.hidden) {
      event.preventDefault(); // the first Escape closes the list and keeps the text (a second one clears the box)
      show(false);
    }
  });
  return { list, close };
}
