// Message bundles (one JSON per language), direction and Intl formats.
export const LANGUAGES = ['ar', 'fr', 'en'];
const LOCALES = { ar: 'ar-MA-u-nu-latn', fr: 'fr-MA', en: 'en-GB' };
const STORAGE_KEY = 'tabib.lang';

let lang = 'fr';
let messages = {};
const listeners = new Set();

export function currentLanguage() {
  return lang;
}

export function preferredLanguage() {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (LANGUAGES.includes(stored)) return stored;
  const browser = (navigator.language || 'fr').slice(0, 2);
  return LANGUAGES.includes(browser) ? browser : 'fr';
}

export async function setLanguage(next) {
  if (!LANGUAGES.includes(next)) next = 'fr';
  const response = await fetch(`/i18n/${next}.json`);
  messages = await response.json();
  lang = next;
  localStorage.setItem(STORAGE_KEY, next);
  const root = document.documentElement;
  root.lang = next;
  root.dir = next === 'ar' ? 'rtl' : 'ltr';
  applyTo(document);
  listeners.forEach((fn) => fn(next));
}

export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function has(key) {
  return key in messages;
}

export function t(key, args) {
  let text = messages[key];
  // A code added after the bundles were written (e.g. a new specialty) is shown as the code itself.
  if (text === undefined) return key.slice(key.indexOf('.') + 1);
  if (args) {
    text = text.replace(/\{(\w+)\}/g, (match, name) => (name in args ? format(args[name]) : match));
  }
  return text;
}

function format(value) {
  return typeof value === 'number' ? number(value) : String(value);
}

/** Re-translates every element carrying data-i18n / data-i18n-attr / data-datetime below root. */
export function applyTo(root) {
  root.querySelectorAll('[data-i18n]').forEach((el) => {
    const args = el.dataset.i18nArgs ? JSON.parse(el.dataset.i18nArgs) : undefined;
    el.textContent = t(el.dataset.i18n, args);
  });
  root.querySelectorAll('[data-i18n-attr]').forEach((el) => {
    for (const [attr, key] of Object.entries(JSON.parse(el.dataset.i18nAttr))) el.setAttribute(attr, t(key));
  });
  root.querySelectorAll('[data-datetime]').forEach((el) => {
    el.textContent = formatInstant(el.dataset.datetime, el.dataset.style || 'datetime');
  });
  root.querySelectorAll('[data-age]').forEach((el) => {
    el.textContent = ageText(Number(el.dataset.age));
  });
  document.title = t('app.title');
}

export function locale() {
  return LOCALES[lang];
}

export function userZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'Africa/Casablanca';
}

/**
 * YYYY-MM-DD of an instant in a zone (the server's dates are in the deployment's zone), put together from its parts:
 * no locale's date format is the same in every engine (WebKit writes en-CA's as 12/06/2026).
 */
export function dateIn(zone, instant = new Date()) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone || userZone(), year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(instant);
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

const STYLES = {
  datetime: { dateStyle: 'medium', timeStyle: 'short' },
  date: { weekday: 'long', day: 'numeric', month: 'long' },
  day: { weekday: 'short', day: 'numeric', month: 'short' },
  time: { hour: '2-digit', minute: '2-digit' },
};

/** A whole age in years in the current language and its plural form: "66 ans", "66 سنة", "3 سنوات", "under a year". */
export function ageText(years) {
  if (years < 1) return t('age.underOne');
  const form = `age.${new Intl.PluralRules(locale()).select(years)}`;
  return t(has(form) ? form : 'age.other', { n: years });
}

export function formatInstant(iso, style = 'datetime') {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(locale(), { ...STYLES[style], timeZone: userZone() }).format(date);
}

export function number(value, options) {
  return new Intl.NumberFormat(locale(), options).format(value);
}

/** "3 min" / "45 s" in the current language. */
export function duration(seconds) {
  const unit = seconds >= 90 ? 'minute' : 'second';
  const value = unit === 'minute' ? Math.round(seconds / 60) : Math.max(0, Math.round(seconds));
  return new Intl.NumberFormat(locale(), { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}
