// Tiny DOM helpers: elements from data, never from HTML strings (the one exception is sanitised <mark> highlights).

export function h(tag, attrs = {}, ...children) {
  const ns = attrs && attrs.ns;
  const el = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false || key === 'ns') continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value' && 'value' in el) el.value = value;
    else if (key === 'checked' || key === 'selected' || key === 'disabled') el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

export function clear(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

const decoder = document.createElement('textarea');

function decode(text) {
  if (!text.includes('&')) return text;
  // A detached <textarea> parses its content as plain text: entities are decoded, no element is ever created.
  decoder.innerHTML = text;
  return decoder.value;
}

// The API sends HTML-escaped highlights with <mark> tags. Build nodes instead of trusting the string.
export function marked(html) {
  const frag = document.createDocumentFragment();
  let inside = false;
  for (const part of String(html || '').split(/(<mark>|<\/mark>)/)) {
    if (part === '<mark>') inside = true;
    else if (part === '</mark>') inside = false;
    else if (part) frag.append(inside ? h('mark', {}, decode(part)) : document.createTextNode(decode(part)));
  }
  return frag;
}

const units = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60]];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

export function ago(iso) {
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

// One formatter for every timestamp: Date#toLocaleString builds a new one per call, which shows when 20 cards paint.
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function time(iso) {
  return h('time', { datetime: iso, title: full.format(new Date(iso)) }, ago(iso));
}

// A toast leaves after `ttl` ms, but not while the pointer or focus is on it (time to read it is the reader's).
export function toast(message, kind = 'info', ttl = 5000) {
  const box = document.getElementById('toasts');
  const item = h('div', { class: ['toast', kind] }, message);
  let timer = 0;
  const hold = () => clearTimeout(timer);
  const leave = () => {
    hold();
    timer = setTimeout(() => item.remove(), ttl);
  };
  item.addEventListener('pointerenter', hold);
  item.addEventListener('pointerleave', leave);
  item.addEventListener('focusin', hold);
  item.addEventListener('focusout', leave);
  box.append(item);
  leave();
}

export function field(label, input, hint, ...after) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('small', {}, hint) : null, after);
}

export function errorBox(error) {
  const details = (error && error.details) || [];
  return h('div', { class: 'error', role: 'alert' },
    h('p', {}, (error && error.message) || String(error)),
    details.length ? h('ul', {}, details.map((d) => h('li', {}, [d.pointer, d.message].filter(Boolean).join(': ')))) : null);
}

export function setTitle(text) {
  document.title = text ? `${text} · Blok Hub` : 'Blok Hub';
}
