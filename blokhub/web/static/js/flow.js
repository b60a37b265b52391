// An SVG drawing of a Blok flow: trigger → steps, with if/else branches (v1 `@…/if-else` nodes) drawn side by side.
// v2 documents (`id`/`use`, `forEach`, `parallel`, `tryCatch`) are drawn with the same boxes.
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 176; // box width
const BH = 40; // box height
const GAP = 22; // vertical gap
const COL = 196; // column width

const s = (tag, attrs, ...children) => h(tag, { ns: NS, ...attrs }, ...children);

function stepName(step) {
  return step.name || step.id || '(step)';
}

function stepNode(step) {
  return step.node || step.use || step.type || '';
}

function triggerLabel(doc) {
  const trigger = doc.trigger || {};
  const kind = Object.keys(trigger)[0] || 'trigger';
  const conf = trigger[kind] || {};
  return [kind, [conf.method, conf.path || conf.schedule || conf.cron || conf.queue || conf.topic].filter(Boolean).join(' ')];
}

// The branches of a step: v1 if-else conditions in doc.nodes[name].conditions, or v2 inline constructs.
function branchesOf(step, doc) {
  const conf = (doc.nodes || {})[step.name] || {};
  const conditions = conf.conditions || step.conditions || (step.inputs && step.inputs.conditions);
  if (Array.isArray(conditions) && conditions.length) {
    return conditions.map((c) => ({ label: c.type === 'else' ? 'else' : `if ${c.condition || ''}`, steps: c.steps || [] }));
  }
  const out = [];
  for (const key of ['try', 'catch', 'finally', 'do', 'steps', 'branches', 'parallel']) {
    const value = step[key];
    if (Array.isArray(value) && value.length && typeof value[0] === 'object') {
      if (key === 'branches' || key === 'parallel') {
        value.forEach((b, i) => out.push({ label: `${key} ${i + 1}`, steps: Array.isArray(b) ? b : b.steps || [b] }));
      } else out.push({ label: key, steps: value });
    }
  }
  return out;
}

// Lay out a list of steps in column `col` from `y`. `from` are the boxes that lead into the first step (the trigger,
// or the ends of the branches before it). Returns the bottom, the width in columns and the boxes the list ends on.
function layout(steps, doc, col, y, parts, depth, from) {
  let bottom = y;
  let width = 1;
  let tails = from;
  for (const step of steps || []) {
    const box = { col, y: bottom, title: stepName(step), sub: stepNode(step), kind: 'step' };
    parts.boxes.push(box);
    for (const tail of tails) parts.edges.push([tail, box]);
    tails = [box];
    bottom += BH + GAP;
    const branches = depth < 4 ? branchesOf(step, doc) : [];
    if (branches.length) {
      let c = col;
      let lowest = bottom;
      const ends = [];
      for (const branch of branches) {
        const head = { col: c, y: bottom, title: branch.label, kind: 'cond' };
        parts.boxes.push(head);
        parts.edges.push([box, head]);
        const inner = layout(branch.steps, doc, c, bottom + BH + GAP, parts, depth + 1, [head]);
        ends.push(...inner.tails);
        lowest = Math.max(lowest, inner.bottom);
        c += inner.width;
      }
      width = Math.max(width, c - col);
      bottom = lowest;
      tails = ends; // the step after an if/else follows whichever branch ran
    }
  }
  return { bottom: Math.max(bottom, y), width, tails };
}

function clip(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

export function drawFlow(doc) {
  if (!doc || typeof doc !== 'object') return h('p', { class: 'muted' }, 'No definition.');
  const parts = { boxes: [], edges: [] };
  const [kind, detail] = triggerLabel(doc);
  const trigger = { col: 0, y: 0, title: `${kind} trigger`, sub: detail, kind: 'trigger' };
  parts.boxes.push(trigger);
  layout(doc.steps || [], doc, 0, BH + GAP, parts, 0, [trigger]);
  const width = Math.max(...parts.boxes.map((b) => b.col)) + 1;
  const height = Math.max(...parts.boxes.map((b) => b.y)) + BH + 4;
  const x = (b) => b.col * COL + 2;
  const svg = s('svg', { viewBox: `0 0 ${width * COL} ${height}`, width: width * COL, height, role: 'img', class: 'flow',
    'aria-label': `Flow: ${kind} trigger then ${parts.boxes.filter((b) => b.kind === 'step').map((b) => b.title).join(', ')}` });
  svg.append(s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 8, markerHeight: 8, orient: 'auto' },
    s('path', { d: 'M0,0 L8,4 L0,8 z', class: 'arrowhead' }))));
  for (const [a, b] of parts.edges) {
    const x1 = x(a) + W / 2;
    const y1 = a.y + BH;
    const x2 = x(b) + W / 2;
    const y2 = b.y;
    // Orthogonal edges: down, across just above the target, down into it.
    const turn = y2 - GAP / 2;
    const d = x1 === x2 ? `M${x1},${y1} V${y2 - 2}` : `M${x1},${y1} V${turn} H${x2} V${y2 - 2}`;
    svg.append(s('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' }));
  }
  for (const b of parts.boxes) {
    const g = s('g', { class: `box ${b.kind}`, transform: `translate(${x(b)},${b.y})` });
    g.append(s('title', {}, [b.title, b.sub].filter(Boolean).join(' — ')));
    g.append(s('rect', { width: W, height: BH, rx: b.kind === 'cond' ? 18 : 6 }));
    g.append(s('text', { x: 10, y: b.sub ? 17 : 25, class: 't1' }, clip(b.title, 22)));
    if (b.sub) g.append(s('text', { x: 10, y: 32, class: 't2' }, clip(b.sub, 26)));
    svg.append(g);
  }
  return h('div', { class: 'flow-wrap' }, svg);
}
