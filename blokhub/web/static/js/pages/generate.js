// Generate: a chat whose answer streams in over SSE, the draft drawn as it arrives, follow-up edits, publish.
import { api, currentUser, request } from '../api.js';
import { healthBadge } from '../cards.js';
import { clear, errorBox, field, h, setTitle, time, toast } from '../dom.js';
import { drawFlow } from '../flow.js';

// Reads `text/event-stream` from a fetch body (EventSource cannot POST or send a Bearer header).
async function* events(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const chunk = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = 'message';
      const data = [];
      for (const line of chunk.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) {
        try {
          yield { event, data: JSON.parse(data.join('\n')) };
        } catch {
          yield { event, data: data.join('\n') };
        }
      }
    }
  }
}

function bubble(role, ...content) {
  return h('li', { class: `msg ${role}` }, h('span', { class: 'sr-only' }, role === 'user' ? 'You: ' : 'Blok Hub: '), ...content);
}

export async function generate(view, [conversationId], params, { navigate }) {
  setTitle('Generate');
  if (!currentUser()) {
    clear(view, h('h1', {}, 'Generate a workflow'), h('p', {}, h('a', { href: `/login?next=${encodeURIComponent(location.pathname + location.search)}` }, 'Log in'), ' to describe a workflow and get a validated draft.'));
    return;
  }
  let conversation = conversationId ? Number(conversationId) : null;
  let draft = null;
  let controller = null;
  const log = h('ol', { class: 'chat', 'aria-live': 'polite', 'aria-label': 'Conversation' });
  const prompt = h('textarea', { rows: 3, required: true, maxlength: 4000, placeholder: 'When a Stripe payment fails, post the customer and amount to Slack…' }, params.get('prompt') || '');
  const send = h('button', { type: 'submit' }, 'Send');
  const state = h('div', { class: 'draft-state', 'aria-live': 'polite' });
  const drawing = h('div', { class: 'draft-flow' }, h('p', { class: 'muted' }, 'The draft appears here as it is generated.'));
  const publishBox = h('div', {});
  const history = h('ul', { class: 'convos' });

  function showDraft(doc, check) {
    draft = doc;
    clear(drawing, drawFlow(doc), h('details', {}, h('summary', {}, 'Draft source (JSON)'), h('pre', { class: 'source', tabindex: '0' }, h('code', {}, JSON.stringify(doc, null, 2)))));
    const health = check || { valid: true, errors: [], warnings: [] };
    clear(state, h('p', {}, 'Validation: ', healthBadge(health)),
      health.errors && health.errors.length ? h('ul', { class: 'issues' }, health.errors.map((e) => h('li', { class: 'error' }, e.message, ' ', h('code', {}, e.pointer)))) : null);
    renderPublish(doc);
  }

  function renderPublish(doc) {
    const title = h('input', { name: 'title', value: doc.name || '', maxlength: 200, required: true });
    const tags = h('input', { name: 'tags', placeholder: 'slack, stripe' });
    const visibility = h('select', { name: 'visibility' }, ['public', 'unlisted', 'private', 'draft'].map((v) => h('option', { value: v }, v)));
    clear(publishBox, h('form', { class: 'stack publish', onsubmit: async (e) => {
      e.preventDefault();
      try {
        const body = { title: title.value.trim(), visibility: visibility.value };
        const list = tags.value.split(',').map((t) => t.trim()).filter(Boolean);
        if (list.length) body.tags = list;
        const wf = await api.post(`/ai/conversations/${conversation}/publish`, body);
        toast('Published.');
        navigate(`/w/${wf.id}`);
      } catch (error) {
        toast(error.message, 'bad');
      }
    } }, h('h2', {}, 'Publish'), field('Title', title), field('Tags (comma separated)', tags), field('Visibility', visibility), h('button', { type: 'submit' }, 'Publish workflow')));
  }

  async function ask(message) {
    log.append(bubble('user', message));
    const answer = h('span', { class: 'streaming' });
    const item = bubble('assistant', answer);
    item.setAttribute('aria-busy', 'true');
    log.append(item);
    send.disabled = true;
    controller = new AbortController();
    try {
      const res = await request('/ai/chat', { method: 'POST', body: { message, conversation_id: conversation ?? undefined }, raw: true, accept: 'text/event-stream', signal: controller.signal });
      for await (const { event, data } of events(res)) {
        if (event === 'delta') {
          const before = answer.textContent;
          answer.append(`${!before ? '' : /[.!?:…]$/.test(before) ? ' ' : '… '}${data.text}`);
        }
        else if (event === 'workflow') {
          conversation = data.conversation_id;
          showDraft(data.workflow, data.valid ? null : { valid: false, errors: data.errors || [], warnings: [] });
          if (location.pathname !== `/generate/${conversation}`) window.history.replaceState(null, '', `/generate/${conversation}`);
        } else if (event === 'error') item.append(errorBox(data));
        else if (event === 'done') {
          if (data.conversation_id) conversation = data.conversation_id;
          listConversations();
        }
      }
    } catch (error) {
      if (error.name !== 'AbortError') item.append(errorBox(error));
    } finally {
      item.removeAttribute('aria-busy');
      send.disabled = false;
      controller = null;
      prompt.placeholder = draft ? 'Ask for a change: “also email the customer”, “use a cron trigger”…' : prompt.placeholder;
    }
  }

  clear(view,
    h('h1', {}, 'Generate a workflow'),
    h('div', { class: 'generate' },
      h('section', { class: 'chat-col', 'aria-label': 'Chat' }, log,
        h('form', { class: 'stack', onsubmit: (e) => {
          e.preventDefault();
          const text = prompt.value.trim();
          if (!text) return;
          prompt.value = '';
          ask(text);
        } }, field(conversation ? 'Ask for a change' : 'Describe the workflow you need', prompt), send),
        h('h2', {}, 'Your conversations'), history),
      h('section', { class: 'draft-col', 'aria-label': 'Draft' }, h('h2', {}, 'Draft'), state, drawing, publishBox)));

  function listConversations() {
    api.get('/ai/conversations').then((page) => clear(history, page.items.slice(0, 10).map((c) => h('li', {},
      h('a', { href: `/generate/${c.id}` }, c.title || `Conversation ${c.id}`), ' · ', time(c.updated_at),
      c.published_workflow_id ? [' · ', h('a', { href: `/w/${c.published_workflow_id}` }, 'published')] : null)))).catch(() => {});
  }
  listConversations();

  if (conversation) {
    try {
      const convo = await api.get(`/ai/conversations/${conversation}`);
      for (const m of convo.messages) log.append(bubble(m.role === 'user' ? 'user' : 'assistant', m.content));
      if (convo.draft) showDraft(convo.draft, { valid: convo.valid, errors: convo.errors, warnings: convo.warnings });
    } catch (error) {
      log.append(h('li', {}, errorBox(error)));
    }
  }
  prompt.focus();
  return () => controller && controller.abort();
}
