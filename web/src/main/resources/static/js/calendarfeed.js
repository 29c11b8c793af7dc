// The specialist's private calendar feed: a link a phone or desktop calendar subscribes to, made, replaced or
// stopped here. The server keeps only a hash of the link, so it is shown once, right after it is made.
import { h, clear, setText, announce } from './dom.js';
import { formatInstant } from './i18n.js';
import { api } from './session.js';

export function calendarFeedCard() {
  const state = h('p', { id: 'calendar-feed-state', role: 'status' });
  const made = h('div', { id: 'calendar-feed-link' });
  const create = h('button', { type: 'button', id: 'calendar-feed-create', class: 'secondary', i18n: 'calendarFeed.create' });
  const stop = h('button', { type: 'button', id: 'calendar-feed-stop', class: 'secondary', hidden: true, i18n: 'calendarFeed.stop' });
  const card = h('section', { class: 'card', 'aria-labelledby': 'calendar-feed-title' },
    h('h2', { id: 'calendar-feed-title', i18n: 'calendarFeed.title' }),
    h('p', { i18n: 'calendarFeed.explain' }), state, made, h('div', { class: 'actions' }, create, stop));

  const show = (active, createdAt) => {
    if (active) {
      const since = h('time', { datetime: createdAt, dataset: { datetime: createdAt } });
      since.textContent = formatInstant(createdAt);
      clear(state, h('span', { i18n: 'calendarFeed.active' }), ' ', since);
    } else {
      clear(state, h('span', { i18n: 'calendarFeed.inactive' }));
    }
    setText(create, active ? 'calendarFeed.replace' : 'calendarFeed.create');
    stop.hidden = !active;
  };
  const failed = (error) => announce(`error.${error.code || 'generic'}`, null, 'error');

  create.addEventListener('click', async () => {
    try {
      const feed = await api('POST', '/api/v1/me/calendar-feed');
      const url = new URL(feed.path, window.location.origin).href;
      const input = h('input', { type: 'text', id: 'calendar-feed-url', readonly: true, value: url, dir: 'ltr',
        i18nAttr: { 'aria-label': 'calendarFeed.url' } });
      const copy = h('button', { type: 'button', class: 'secondary', i18n: 'calendarFeed.copy' });
      copy.addEventListener('click', async () => {
        input.select();
        try {
          await navigator.clipboard.writeText(url);
          announce('calendarFeed.copied');
        } catch {
          announce('calendarFeed.copyByHand');
        }
      });
      clear(made, h('p', { i18n: 'calendarFeed.shownOnce' }), input, copy);
      show(true, feed.createdAt);
    } catch (error) {
      failed(error);
    }
  });
  stop.addEventListener('click', async () => {
    try {
      await api('DELETE', '/api/v1/me/calendar-feed');
      clear(made);
      show(false);
    } catch (error) {
      failed(error);
    }
  });
  api('GET', '/api/v1/me/calendar-feed').then((status) => show(status.active, status.createdAt), failed);
  return card;
}
