// The moderators' queue: open reports with hide / ban / dismiss, and resolved ones for the record.
import { api, currentUser } from '../api.js';
import { userLink } from '../cards.js';
import { clear, h, setTitle, time, toast } from '../dom.js';

function target(report) {
  if (report.target_type === 'workflow') return h('a', { href: `/w/${report.target_id}` }, `workflow #${report.target_id}`);
  if (report.target_type === 'comment') return h('span', {}, `comment #${report.target_id}`);
  return h('span', {}, `user #${report.target_id}`);
}

export async function queue(view, _m, params) {
  setTitle('Moderation');
  const user = currentUser();
  if (!user || !['moderator', 'admin'].includes(user.role)) {
    clear(view, h('h1', {}, 'Moderation'), h('p', {}, 'This page is for moderators.'));
    return;
  }
  const status = params.get('status') === 'resolved' ? 'resolved' : 'open';
  const list = h('ol', { class: 'reports' });
  const page = await api.get('/admin/reports', { status, limit: 100 });

  function resolveButtons(report, li) {
    const note = h('input', { 'aria-label': `Resolution note for report ${report.id}`, placeholder: 'Resolution note', value: '' });
    const act = (action, label) => h('button', { type: 'button', class: action === 'none' ? 'secondary' : 'danger', onclick: async () => {
      try {
        await api.post(`/admin/reports/${report.id}/resolve`, { resolution: note.value.trim() || label, action });
        toast(`Report #${report.id}: ${label}.`);
        li.remove();
      } catch (error) {
        toast(error.message, 'bad');
      }
    } }, label);
    return h('div', { class: 'row' }, note, act('hide', 'Hide content'), act('ban', 'Ban author'), act('none', 'Dismiss'));
  }

  clear(list, page.items.map((r) => {
    const li = h('li', { class: 'report' },
      h('p', { class: 'meta' }, h('strong', {}, `#${r.id}`), ' ', target(r), ' · reported by ', userLink(r.reporter), ' · ', time(r.created_at)),
      h('blockquote', {}, r.reason),
      r.resolution ? h('p', { class: 'muted' }, `Resolution: ${r.resolution}`) : null);
    if (status === 'open') li.append(resolveButtons(r, li));
    return li;
  }));
  clear(view, h('h1', {}, 'Moderation queue'),
    h('nav', { class: 'tabs', 'aria-label': 'Report status' },
      h('a', { href: '/moderation', 'aria-current': status === 'open' ? 'page' : null }, 'Open'),
      h('a', { href: '/moderation?status=resolved', 'aria-current': status === 'resolved' ? 'page' : null }, 'Resolved')),
    page.items.length ? list : h('p', { class: 'empty' }, status === 'open' ? 'The queue is empty.' : 'Nothing resolved yet.'));
}
