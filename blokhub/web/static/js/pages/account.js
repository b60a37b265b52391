// Register and log in. Tokens live in localStorage; api.js refreshes them silently before they expire.
import { api, startSession } from '../api.js';
import { clear, errorBox, field, h, setTitle, toast } from '../dom.js';

function nextPath(params) {
  const next = params.get('next') || '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function form(view, { title, fields, submit, footer, onsubmit }) {
  const status = h('div', { 'aria-live': 'assertive' });
  const button = h('button', { type: 'submit' }, submit);
  clear(view, h('div', { class: 'narrow' }, h('h1', {}, title),
    h('form', { class: 'stack', onsubmit: async (e) => {
      e.preventDefault();
      button.disabled = true;
      clear(status);
      try {
        await onsubmit();
      } catch (error) {
        clear(status, errorBox(error));
      } finally {
        button.disabled = false;
      }
    } }, fields, status, button), footer));
}

export async function login(view, _m, params, { navigate }) {
  setTitle('Log in');
  const who = h('input', { name: 'login', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  form(view, {
    title: 'Log in',
    submit: 'Log in',
    fields: [field('Username or email', who), field('Password', password)],
    footer: h('p', {}, 'New here? ', h('a', { href: `/register?next=${encodeURIComponent(nextPath(params))}` }, 'Create an account')),
    onsubmit: async () => {
      startSession(await api.post('/auth/login', { login: who.value.trim(), password: password.value }));
      toast('Welcome back.');
      navigate(nextPath(params), { replace: true });
    },
  });
  who.focus();
}

export async function register(view, _m, params, { navigate }) {
  setTitle('Sign up');
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, minlength: 3, maxlength: 32, pattern: '[A-Za-z0-9_\\-]+' });
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true });
  const display = h('input', { name: 'display_name', autocomplete: 'name', maxlength: 80 });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  form(view, {
    title: 'Create your account',
    submit: 'Sign up',
    fields: [field('Username', username, 'Letters, digits, - and _.'), field('Email', email), field('Display name (optional)', display),
      field('Password', password, 'At least 10 characters; a passphrase is best.')],
    footer: h('p', {}, 'Already have an account? ', h('a', { href: `/login?next=${encodeURIComponent(nextPath(params))}` }, 'Log in')),
    onsubmit: async () => {
      const body = { username: username.value.trim(), email: email.value.trim(), password: password.value };
      if (display.value.trim()) body.display_name = display.value.trim();
      startSession(await api.post('/auth/register', body));
      toast(`Welcome, ${body.username}!`);
      navigate(nextPath(params), { replace: true });
    },
  });
  username.focus();
}
