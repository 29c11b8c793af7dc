// Tiny DOM builder. Text that must follow the language switch is given as {i18n: key, args}.
import { t, has } from './i18n.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'i18n') {
      el.dataset.i18n = value;
      el.textContent = t(value, attrs.args);
    } else if (name === 'args') {
      el.dataset.i18nArgs = JSON.stringify(value);
    } else if (name === 'i18nAttr') {
      // {placeholder: 'key', 'aria-label': 'key'}
      el.dataset.i18nAttr = JSON.stringify(value);
      for (const [attr, key] of Object.entries(value)) el.setAttribute(attr, t(key));
    } else if (name === 'class') {
      el.className = value;
    } else if (name === 'text') {
      el.textContent = value;
    } else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

/** Updates a translated element's key or arguments in place. */
export function setText(el, key, args) {
  el.dataset.i18n = key;
  if (args) el.dataset.i18nArgs = JSON.stringify(args); else delete el.dataset.i18nArgs;
  el.textContent = t(key, args);
}

/** The most errors kept on screen at once; an older one goes when a new one comes. */
const ERRORS_SHOWN = 3;

/**
 * Shows a message in the status region that screen readers announce. Information goes after 6 s; an error stays until
 * it is closed, or retried when the caller says how (retry: a function), so it cannot vanish before it is read.
 */
export function announce(key, args, kind = 'info', { retry } = {}) {
  const region = document.getElementById('toast');
  if (!region) return;
  const shown = has(key) || kind !== 'error' ? key : 'error.generic';
  const text = h('span', { i18n: shown, args });
  if (kind !== 'error') {
    const item = h('div', { class: `toast ${kind}`, role: 'status', 'data-i18n-key': shown }, text);
    region.append(item);
    setTimeout(() => item.remove(), 6000);
    return;
  }
  // The same error again replaces the one shown.
  region.querySelectorAll('.toast.error').forEach((old) => { if (old.dataset.i18nKey === shown) old.remove(); });
  const item = h('div', { class: 'toast error', role: 'alert', 'data-i18n-key': shown }, text);
  const again = retry ? actionButton('↻', 'nurse.retry', { class: 'toast-retry' }) : null;
  const close = h('button', { type: 'button', class: 'toast-close', i18nAttr: { 'aria-label': 'app.close' } },
    h('span', { 'aria-hidden': 'true', text: '✕' }));
  again?.addEventListener('click', () => {
    item.remove();
    retry();
  });
  close.addEventListener('click', () => item.remove());
  item.append(again || '', close);
  region.append(item);
  const errors = region.querySelectorAll('.toast.error');
  for (let i = 0; i < errors.length - ERRORS_SHOWN; i += 1) errors[i].remove();
}

/** A button that says what it does with an icon and a few words; the icon is hidden from screen readers. */
export function actionButton(icon, key, attrs = {}) {
  return h('button', { type: 'button', ...attrs }, h('span', { 'aria-hidden': 'true', text: `${icon} ` }), h('span', { i18n: key }));
}

export function field(labelKey, input) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id, i18n: labelKey }), input);
}
