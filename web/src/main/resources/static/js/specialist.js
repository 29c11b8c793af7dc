// Specialist screen (desktop): availability, incoming calls, today's schedule, the call with
// the patient summary and note editor side by side, signing, previous notes, Jitsi third participant.
import { h, clear, setText, announce } from './dom.js';
import { ageText, dateIn, formatInstant } from './i18n.js';
import { api } from './session.js';
import { openLocalMedia } from './call.js';
import { startCallView } from './callview.js';
import { renderPatientSummary, renderNotes, findConsultation } from './patient.js';
import { unlock, startRinging, stopRinging } from './ring.js';
import { jitsiPanel } from './jitsi.js';
import { noteEditor } from './noteeditor.js';
import { mountInbox } from './inbox.js';
import { calendarFeedCard } from './calendarfeed.js';
import { logFailure } from './failure.js';
import { exposeCall } from './diagnostics.js';


export function mount(root, { user, config, signal, setCallActive }) {
  let available = false;
  let call = null;
  let ringing = null;
  setCallActive(() => Boolean(call));

  const home = h('div', { class: 'specialist-home' });
  const toggle = h('button', { type: 'button', id: 'availability', class: 'toggle big', 'aria-pressed': 'false', i18n: 'specialist.goAvailable' });
  const presenceText = h('p', { class: 'presence', id: 'presence', 'data-status': 'away', role: 'status', i18n: 'presence.away' });
  const schedule = h('ul', { class: 'pick-list', id: 'schedule' });
  home.append(
    h('section', { class: 'card', 'aria-labelledby': 'avail-title' },
      h('h2', { id: 'avail-title', i18n: 'specialist.availability' }),
      presenceText, toggle,
      h('p', {}, h('span', { i18n: 'specialist.mySpecialties' }), ' ',
        (user.specialties || []).map((code) => h('span', { class: 'chip', i18n: `specialty.${code}` })))),
    h('section', { class: 'card', 'aria-labelledby': 'schedule-title' },
      h('h2', { id: 'schedule-title', i18n: 'specialist.todaySchedule' }), schedule),
    calendarFeedCard());
  clear(root, home);
  const inbox = mountInbox({ root, home, user });
  // A case of one of her specialties moved (sent, claimed by a colleague, handed back): the inbox follows at once.
  let inboxRefresh = null;
  signal.on('case.update', () => {
    clearTimeout(inboxRefresh);
    inboxRefresh = setTimeout(() => inbox.refresh(), 300);
  });

  const showPresence = (status) => {
    presenceText.dataset.status = status;
    setText(presenceText, `presence.${status}`);
    available = status === 'available';
    toggle.setAttribute('aria-pressed', String(available));
    setText(toggle, available ? 'specialist.goAway' : 'specialist.goAvailable');
  };
  toggle.addEventListener('click', async () => {
    unlock();
    try {
      const reply = await signal.request({ type: 'presence.set', status: available ? 'away' : 'available' });
      showPresence(reply.status);
    } catch (error) {
      announce(`error.${error.code || 'generic'}`, null, 'error');
    }
  });
  signal.on('presence', (msg) => { if (!msg.re) showPresence(msg.status); });
  signal.on('session.lost', () => showPresence('away'));

  async function loadSchedule() {
    const bookings = (await api('GET', `/api/v1/appointments?date=${dateIn(config.zone)}`).catch(() => []) || [])
      .filter((b) => b.status !== 'cancelled' && b.status !== 'entered-in-error');
    clear(schedule);
    if (!bookings.length) {
      schedule.append(h('li', { class: 'muted', i18n: 'specialist.noSchedule' }));
      return;
    }
    bookings.forEach((b) => schedule.append(h('li', { class: 'booking', 'data-appointment-id': b.id },
      h('span', { class: 'when', 'data-datetime': b.start, 'data-style': 'time', text: formatInstant(b.start, 'time') }),
      h('span', { dir: 'ltr', text: b.patientRef || '' }),
      h('span', { text: b.dispensaryId || '' }),
      h('span', { i18n: `status.${b.status}` }),
      b.status === 'booked' || b.status === 'arrived'
        ? h('button', { type: 'button', class: 'primary', i18n: 'nurse.join', onclick: () => join(b) }) : null)));
  }

  async function join(booking) {
    try {
      const stream = await openLocalMedia();
      const reply = await signal.request({ type: 'call.join', appointmentId: booking.id });
      if (reply.type === 'call.accepted') {
        enterCall(reply, stream, booking.id);
        return;
      }
      announce('specialist.waitingNurse');
      const off = signal.on('call.accepted', (msg) => {
        if (msg.callId === reply.callId) { off(); enterCall(msg, stream, booking.id); }
      });
    } catch (error) {
      announce(`error.${error.code || 'generic'}`, { message: error.message }, 'error');
    }
  }

  /** Sex and age of the patient a call is about, as the server tells a rung specialist; the record id without them. */
  function aboutPatient(msg) {
    const p = msg.patient;
    if (!p || (p.age == null && !p.sex)) return h('strong', { dir: 'ltr', text: msg.patientRef || '' });
    return h('strong', { class: 'patient-summary' },
      p.sex ? h('span', { i18n: `sex.${p.sex}` }) : '',
      p.sex && p.age != null ? ', ' : '',
      p.age != null ? h('span', { class: 'age', dataset: { age: String(p.age) }, text: ageText(p.age) }) : '');
  }

  // Incoming urgent call: sound + visual, who is calling about which patient, accept/decline.
  signal.on('call.incoming', (msg) => {
    if (call) return;
    dismissRing();
    const seconds = h('span', { class: 'countdown', text: String(msg.ringTimeoutSeconds || 30) });
    const accept = h('button', { type: 'button', class: 'primary big', id: 'accept-call', i18n: 'specialist.accept' });
    const decline = h('button', { type: 'button', class: 'danger big', id: 'decline-call', i18n: 'specialist.decline' });
    const dialog = h('div', { class: 'incoming', id: 'incoming', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'incoming-title', 'data-call-id': msg.callId },
      h('div', { class: 'incoming-box' },
        h('h2', { id: 'incoming-title', i18n: 'specialist.incoming' }),
        h('p', { class: 'caller' }, h('strong', { text: msg.from?.name || '' }), ' · ',
          msg.patient?.dispensaryName || msg.from?.dispensaryId || '', msg.from?.province ? ` · ${msg.from.province}` : ''),
        h('p', { class: 'about' }, h('span', { i18n: 'specialist.about' }), ' ', aboutPatient(msg), ' · ', h('span', { i18n: `specialty.${msg.specialty}` })),
        msg.reason ? h('p', { class: 'reason', text: msg.reason }) : null,
        h('p', { class: 'muted' }, h('span', { i18n: 'specialist.ringsFor' }), ' ', seconds),
        h('div', { class: 'row' }, accept, decline)));
    let left = msg.ringTimeoutSeconds || 30;
    const countdown = setInterval(() => { left = Math.max(0, left - 1); seconds.textContent = String(left); }, 1000);
    ringing = { callId: msg.callId, dialog, countdown };
    document.body.append(dialog);
    startRinging();
    accept.focus();
    accept.addEventListener('click', async () => {
      accept.disabled = true;
      decline.disabled = true;
      let stream;
      try {
        stream = await openLocalMedia();
      } catch {
        announce('advice.permission', null, 'error');
      }
      const off = signal.on('call.accepted', (accepted) => {
        if (accepted.callId === msg.callId) { off(); enterCall(accepted, stream); }
      });
      signal.request({ type: 'call.accept', callId: msg.callId }).catch((error) => {
        off();
        stream?.getTracks().forEach((track) => track.stop());
        announce(`error.${error.code || 'generic'}`, null, 'error');
      });
      dismissRing();
    });
    decline.addEventListener('click', () => {
      signal.request({ type: 'call.decline', callId: msg.callId }).catch(logFailure('declining a call'));
      dismissRing();
    });
  });
  signal.on('call.ringCancelled', (msg) => { if (ringing?.callId === msg.callId) dismissRing(); });
  signal.on('call.ended', (msg) => { if (ringing?.callId === msg.callId) dismissRing(); });

  function dismissRing() {
    stopRinging();
    if (!ringing) return;
    clearInterval(ringing.countdown);
    ringing.dialog.remove();
    ringing = null;
  }

  // The call: videos on one side, patient summary, note editor and previous notes on the other.
  async function enterCall(accepted, stream, originRef = accepted.callId) {
    const patientId = accepted.patientRef;
    const summary = h('div', { class: 'patient-summary' });
    const previous = h('div', { class: 'notes' });
    // The nurse's side opens the consultation, which grants access to the record; wait for it before reading.
    let found = null;
    const consultation = async () => {
      if (!found && patientId) found = await findConsultation(patientId, originRef);
      return found;
    };
    const editor = noteEditor(consultation);
    const jitsi = config.jitsiEnabled ? jitsiPanel({ signal, callId: accepted.callId, baseUrl: config.jitsiUrl }) : null;
    const side = h('div', { class: 'call-side' },
      h('section', {}, h('h3', { i18n: 'specialist.patientSummary' }), summary),
      editor,
      jitsi?.panel,
      h('section', {}, h('h3', { i18n: 'specialist.previousNotes' }), previous));
    home.hidden = true;
    const view = await startCallView({
      accepted, signal, localStream: stream, side,
      onEnd: (detail) => {
        call = null;
        exposeCall(null);
        jitsi?.dispose();
        announce(`ended.${detail.reason}`, null, 'info');
        // The note can still be finished and signed after the video ends.
        view.screen.querySelector('.call-main').replaceWith(h('div', { class: 'call-main ended' },
          h('p', { i18n: 'specialist.callEnded' }),
          h('button', { type: 'button', class: 'secondary', i18n: 'specialist.backHome', onclick: () => { view.screen.remove(); home.hidden = false; loadSchedule(); } })));
      },
    });
    call = view.session;
    exposeCall(call);
    root.append(view.screen);
    consultation().then(() => {
      if (!patientId) return;
      renderPatientSummary(summary, patientId);
      renderNotes(previous, patientId);
    });
  }

  loadSchedule();
}
