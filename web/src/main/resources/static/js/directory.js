// Names for the ids that bookings, slots and the live board carry (staff such as "dr.cardio", dispensaries such as
// "disp-tinghir"): loaded once per page from the directories coordinators and administrators may read. Until they
// arrive, or for an id they do not know (an account made since, a reader without access), the id itself is shown.
import { h } from './dom.js';
import { api } from './session.js';

const people = new Map();
const places = new Map();
let loading = null;
let dispensaryList = null;

/** The dispensaries ({id, name, province}), asked once; [] while the server cannot be reached. */
export function loadDispensaries() {
  if (!dispensaryList) {
    dispensaryList = api('GET', '/api/v1/dispensaries').then((list) => list || []).catch(() => {
      dispensaryList = null; // asked again next time
      return [];
    });
  }
  return dispensaryList;
}

/** Loads the staff and dispensary names once, then writes them into every element already shown. */
export function loadDirectory() {
  if (!loading) {
    loading = Promise.all([
      api('GET', '/api/v1/staff').then((list) => (list || []).forEach((u) => u.displayName && people.set(u.id, u.displayName)))
        .catch(() => { loading = null; }),
      loadDispensaries().then((list) => list.forEach((d) => d.name && places.set(d.id, d.name))),
    ]).then(() => relabel(document));
  }
  return loading;
}

export function personName(id) {
  return people.get(id) || id || '';
}

export function dispensaryName(id) {
  return places.get(id) || id || '';
}

/** A span with a staff member's name (the id while names load), its id kept in data-person and the tooltip. */
export function person(id) {
  return id ? h('span', { class: 'name', 'data-person': id, title: id, text: personName(id) }) : '';
}

/** A span with a dispensary's name (the id while names load), its id kept in data-place and the tooltip. */
export function place(id) {
  return id ? h('span', { class: 'name', 'data-place': id, title: id, text: dispensaryName(id) }) : '';
}

function relabel(root) {
  root.querySelectorAll('[data-person]').forEach((el) => { el.textContent = personName(el.dataset.person); });
  root.querySelectorAll('[data-place]').forEach((el) => { el.textContent = dispensaryName(el.dataset.place); });
}
