// Threaded comments: post, reply, edit and delete one's own; report others'.
import { api } from '../api.js';
import { userLink } from '../cards.js';
import { clear, field, h, time, toast } from '../dom.js';

function composer(label, initial, submitLabel, onSubmit, onCancel) {
  const body = h('textarea', { rows: 3, required: true, maxlength: 10000 }, initial || '');
  const form = h('form', { class: 'comment-form', onsubmit: async (e) => {
    e.preventDefault();
    if (!body.value.trim()) return;
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await onSubmit(body.value.trim());
    } catch (error) {
      toast(error.message, 'bad');
    } finally {
      button.disabled = false;
    }
  } }, field(label, body), h('div', { class: 'row' }, h('button', { type: 'submit' }, submitLabel),
    onCancel ? h('button', { type: 'button', class: 'secondary', onclick: onCancel }, 'Cancel') : null));
  return form;
}

export async function comments(wf, user) {
  const root = h('div', { class: 'comments' });
  const list = h('ol', { class: 'thread' });

  async function reload() {
    const page = await api.get(`/workflows/${wf.id}/comments`, { limit: 100 });
    clear(list, page.items.map((c) => item(c, 0)));
    if (!page.items.length) list.append(h('li', { class: 'muted' }, 'No comments yet. Start the conversation.'));
  }

  function item(c, depth) {
    const li = h('li', { class: 'comment', id: `comment-${c.id}` });
    const body = h('div', { class: c.deleted ? 'body muted' : 'body' }, c.body);
    const tools = h('div', { class: 'tools' });
    const slot = h('div', {});
    const mine = user && c.author && c.author.username === user.username && !c.deleted;
    if (user && !c.deleted && depth < 6) {
      tools.append(h('button', { type: 'button', class: 'link', onclick: () => clear(slot, composer(`Reply to ${c.author ? c.author.username : 'comment'}`, '', 'Reply', async (text) => {
        await api.post(`/workflows/${wf.id}/comments`, { body: text, parent_id: c.id });
        await reload();
      }, () => clear(slot))) }, 'Reply'));
    }
    if (mine) {
      tools.append(h('button', { type: 'button', class: 'link', onclick: () => clear(slot, composer('Edit comment', c.body, 'Save', async (text) => {
        await api.patch(`/comments/${c.id}`, { body: text });
        await reload();
      }, () => clear(slot))) }, 'Edit'));
      tools.append(h('button', { type: 'button', class: 'link danger', onclick: async () => {
        if (!window.confirm('Delete this comment? Replies stay.')) return;
        try {
          await api.del(`/comments/${c.id}`);
          await reload();
        } catch (error) {
          toast(error.message, 'bad');
        }
      } }, 'Delete'));
    } else if (user && !c.deleted) {
      tools.append(h('button', { type: 'button', class: 'link', onclick: async () => {
        const reason = window.prompt('Why should a moderator look at this comment?');
        if (!reason) return;
        try {
          await api.post('/reports', { target_type: 'comment', target_id: c.id, reason });
          toast('Reported.');
        } catch (error) {
          toast(error.message, 'bad');
        }
      } }, 'Report'));
    }
    li.append(h('p', { class: 'meta' }, userLink(c.author), ' · ', time(c.created_at), c.edited_at ? ' · edited' : ''), body, tools, slot);
    if (c.replies && c.replies.length) li.append(h('ol', { class: 'thread' }, c.replies.map((r) => item(r, depth + 1))));
    return li;
  }

  await reload();
  clear(root, list, user
    ? composer('Add a comment', '', 'Post comment', async (text) => {
      await api.post(`/workflows/${wf.id}/comments`, { body: text });
      root.querySelector('.comment-form > .field textarea').value = '';
      await reload();
      toast('Comment posted.');
    })
    : h('p', {}, h('a', { href: `/login?next=${encodeURIComponent(location.pathname)}` }, 'Log in'), ' to comment.'));
  return root;
}
