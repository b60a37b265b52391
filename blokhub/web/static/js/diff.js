// A line diff (longest common subsequence) of two JSON documents, drawn as a unified view with +/− gutters.
import { h } from './dom.js';

function lines(doc) {
  return JSON.stringify(doc, null, 2).split('\n');
}

export function lineDiff(before, after) {
  const a = lines(before);
  const b = lines(after);
  if (a.length * b.length > 4_000_000) return [{ op: ' ', text: 'Too large to show line by line; see the structural changes above.' }];
  const n = a.length;
  const m = b.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) out.push({ op: ' ', text: a[i++], at: j++ });
    else if (j < m && (i >= n || table[i][j + 1] >= table[i + 1][j])) out.push({ op: '+', text: b[j++] });
    else out.push({ op: '-', text: a[i++] });
  }
  return out;
}

// Unchanged runs longer than 2×context collapse into one "…" line.
export function drawDiff(before, after, context = 3) {
  const rows = lineDiff(before, after);
  const keep = rows.map((r, k) => r.op !== ' ' || rows.slice(Math.max(0, k - context), k + context + 1).some((x) => x.op !== ' '));
  const out = [];
  let skipped = 0;
  rows.forEach((row, k) => {
    if (!keep[k]) {
      skipped++;
      return;
    }
    if (skipped) out.push(h('div', { class: 'd-skip' }, `… ${skipped} unchanged line${skipped > 1 ? 's' : ''}`));
    skipped = 0;
    const cls = row.op === '+' ? 'd-add' : row.op === '-' ? 'd-del' : 'd-same';
    const sr = row.op === '+' ? 'added: ' : row.op === '-' ? 'removed: ' : '';
    out.push(h('div', { class: cls }, h('span', { class: 'gutter', 'aria-hidden': 'true' }, row.op), sr ? h('span', { class: 'sr-only' }, sr) : null, row.text));
  });
  if (skipped) out.push(h('div', { class: 'd-skip' }, `… ${skipped} unchanged line${skipped > 1 ? 's' : ''}`));
  if (!rows.some((r) => r.op !== ' ')) return h('p', { class: 'muted' }, 'The two versions have the same definition.');
  return h('pre', { class: 'diff', tabindex: '0', 'aria-label': 'Line differences' }, out);
}
