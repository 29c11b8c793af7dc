// Nurse screen (tablet first). An urgent call in three steps: 1 the patient, 2 the specialty (each button says who can
// answer now), 3 the pre-join screen (self-view, microphone, pre-call check, reason) and the call. Beside them: today's
// booked consultations, cases, the pre-call check, and after a call the specialist's plan and prescription.
import { h, clear, setText, announce, actionButton } from './dom.js';
import { dateIn, duration, formatInstant } from './i18n.js';
import { api } from './session.js';
import { loadSpecialties } from './specialties.js';
import { openLocalMedia } from './call.js';
import { startCallView } from './callview.js';
import { patientIdentity, patientLabel, renderNotes, openConsultation } from './patient.js';
import { jitsiRoom } from './jitsi.js';
import { isOffline, onNetworkChange } from './network.js';
import { keepPatients, keepPatient } from './device.js';
import { mountCases } from './cases.js';
import { queueConsent, pendingPatients, registeredPatient, onOutboxChange, onItemSent } from './outbox.js';
import { patientPicker } from './patientpicker.js';
import { logFailure } from './failure.js';
import { exposeCall } from './diagnostics.js';

const JOINABLE = new Set(['booked', 'arrived']);
const LIST_TIMEOUT_MS = 20000;
/** The most the server lists at once: the dispensary's patients this tablet keeps for searching offline. */
const DEVICE_LIST_LIMIT = 500;
/** How often the specialty buttons ask who can answer; the server answers everyone from one snapshot. */
const AVAILABILITY_EVERY_MS = 10000;
const AVAILABILITY_TIMEOUT_MS = 8000;

/** A patient whose consent to teleconsultation is known not to be recorded (unknown: the server decides). */
function withoutConsent(p) {
  return Boolean(p?.consent) && !p.consent.teleconsultation;
}

export function mount(root, { user, config, signal, setCallActive }) {
  let patient = null;
  let queued = null;
  let call = null;
  let preferAudioOnly = false;
  /** The pre-call check's last verdict this visit, shown as a chip before a call. */
  let lastVerdict = null;
  let prejoin = null;
  /** Who can answer now, by specialty code (null: not known, e.g. offline). */
  let availability = null;
  setCallActive(() => Boolean(call) || Boolean(queued) || Boolean(prejoin));

  const home = h('div', { class: 'nurse-home' });
  const patientBox = h('section', { class: 'card', id: 'patient', 'aria-labelledby': 'patient-title' });
  const bookingsBox = h('section', { class: 'card', id: 'bookings', 'aria-labelledby': 'bookings-title' });
  const callBox = h('section', { class: 'card', id: 'urgent', 'aria-labelledby': 'urgent-title' });
  const checkBox = h('section', { class: 'card', id: 'precheck', 'aria-labelledby': 'precheck-title' });
  const afterBox = h('section', { class: 'card', id: 'after-call', hidden: true, 'aria-labelledby': 'after-title' });
  const caseBox = h('section', { class: 'card', id: 'case-new', 'aria-labelledby': 'case-title' });
  const outboxBox = h('section', { class: 'card', id: 'outbox', hidden: true, 'aria-labelledby': 'outbox-title' });
  const casesBox = h('section', { class: 'card', id: 'cases', 'aria-labelledby': 'cases-title' });
  home.append(afterBox, patientBox, callBox, bookingsBox, outboxBox, caseBox, casesBox, checkBox);
  clear(root, home);
  const cases = mountCases({ writeBox: caseBox, outboxBox, listBox: casesBox, user, onCallNow: callFromCase });
  signal.on('case.update', () => {
    announce('cases.updated');
    cases.refresh();
  });
  let searchPatients = () => {};

  // The dispensary's list, kept on the tablet for searching when the link is down (see device.js).
  async function keepDispensaryList() {
    if (isOffline()) return;
    try {
      const list = await api('GET', `/api/v1/patients?limit=${DEVICE_LIST_LIMIT}`, undefined, undefined, { timeoutMs: LIST_TIMEOUT_MS });
      await keepPatients(list || []);
    } catch {
      // The list kept from the last time stays; the next return of the network replaces it.
    }
  }

  function rememberPatient(p) {
    keepPatient(p).catch(logFailure('keeping a patient on the tablet'));
  }

  // Patient: search, pick or register.
  function renderPatient() {
    if (patient) {
      clear(patientBox,
        stepTitle('patient-title', 1, 'nurse.patient'),
        h('p', { class: 'patient-chosen', 'data-patient-id': patient.id }, h('strong', {}, patientIdentity(patient))),
        patient.pending ? h('p', { class: 'banner warn', id: 'pending-patient', i18n: 'nurse.pendingPatient' }) : null,
        withoutConsent(patient) ? consentBox() : null,
        actionButton('👤', 'nurse.changePatient', { class: 'secondary', onclick: () => { patient = null; cases.setPatient(null); renderPatient(); renderCall(); } }));
      searchPatients = () => {};
      return;
    }
    const picker = patientPicker({ user, choose, remember: rememberPatient });
    searchPatients = picker.search;
    clear(patientBox, stepTitle('patient-title', 1, 'nurse.patient'), ...picker.elements);
    picker.search();
  }

  // No call about a patient whose consent is not recorded: say so before the call, and let the nurse record it once
  // the patient has agreed (the server refuses the call with CONSENT_REQUIRED otherwise).
  function consentBox() {
    const record = actionButton('✍️', 'nurse.recordConsent', { class: 'primary big', id: 'record-consent' });
    // Offline (or the link failing now): the consent goes through the outbox, before any case written after it.
    const queueIt = async () => {
      await queueConsent(patient.id, { patient: patientLabel(patient) });
      patient = { ...patient, consent: { ...(patient.consent || {}), teleconsultation: true } };
      rememberPatient(patient);
      announce('nurse.consentQueued');
      renderPatient();
      renderCall();
    };
    record.addEventListener('click', async () => {
      record.disabled = true;
      try {
        if (isOffline()) {
          await queueIt();
          return;
        }
        patient = await api('PUT', `/api/v1/patients/${encodeURIComponent(patient.id)}/consent`, { teleconsultation: true }, undefined, { timeoutMs: LIST_TIMEOUT_MS });
        rememberPatient(patient);
        announce('nurse.consentRecorded');
        renderPatient();
        renderCall();
      } catch (error) {
        if (error.status === 0 && await queueIt().then(() => true, () => false)) return;
        record.disabled = false;
        announce(`error.${error.code || 'generic'}`, { message: error.message }, 'error',
          { retry: () => patientBox.querySelector('#record-consent')?.click() });
      }
    });
    return h('div', { class: 'banner warn consent-missing', id: 'consent-missing', role: 'alert', 'data-code': 'CONSENT_REQUIRED' },
      h('p', { i18n: 'nurse.noConsent' }), record);
  }

  /** The server refused a call for want of consent (recorded elsewhere meanwhile, or withdrawn): offer to record it. */
  function consentRequired() {
    if (patient) patient = { ...patient, consent: { ...(patient.consent || {}), teleconsultation: false } };
    renderPatient();
    renderCall();
    announce('error.CONSENT_REQUIRED', null, 'error');
    patientBox.querySelector('#record-consent')?.focus();
  }

  function choose(p) {
    patient = p;
    cases.setPatient(p);
    renderPatient();
    renderCall();
    showAfterCall(false);
  }

  // Today's booked consultations for the dispensary.
  async function renderBookings() {
    const list = h('ul', { class: 'pick-list', id: 'booking-list' });
    clear(bookingsBox, h('h2', { id: 'bookings-title', i18n: 'nurse.todayBookings' }), list);
    if (isOffline()) {
      list.append(h('li', { class: 'muted', id: 'bookings-offline', i18n: 'nurse.bookingsOffline' }));
      return;
    }
    let bookings;
    try {
      bookings = (await api('GET', `/api/v1/appointments?date=${dateIn(config.zone)}`, undefined, undefined, { timeoutMs: LIST_TIMEOUT_MS }) || [])
        .filter((b) => JOINABLE.has(b.status));
    } catch {
      list.append(h('li', { class: 'error', role: 'alert' }, h('span', { i18n: 'nurse.bookingsFailed' }), ' ',
        h('button', { type: 'button', class: 'secondary', i18n: 'nurse.retry', onclick: renderBookings })));
      return;
    }
    if (!bookings.length) {
      list.append(h('li', { class: 'muted', i18n: 'nurse.noBookings' }));
      return;
    }
    bookings.forEach((b) => list.append(h('li', { class: 'booking', 'data-appointment-id': b.id },
      h('span', { class: 'when', 'data-datetime': b.start, 'data-style': 'time', text: formatInstant(b.start, 'time') }),
      h('span', { i18n: `specialty.${b.specialty}` }),
      h('span', { text: b.specialistId || '' }),
      h('span', { dir: 'ltr', text: b.patientRef || '' }),
      b.status === 'booked' ? actionButton('✅', 'coordinator.checkIn', { class: 'secondary big', 'data-action': 'check-in',
        onclick: () => checkIn(b) }) : null,
      actionButton('📹', 'nurse.join', { class: 'primary big', onclick: () => join(b) }))));
  }

  function checkIn(booking) {
    api('POST', `/api/v1/appointments/${encodeURIComponent(booking.id)}/check-in`, {})
      .then(renderBookings)
      .catch((error) => announce(`error.${error.code || 'generic'}`, { message: error.message }, 'error', { retry: () => checkIn(booking) }));
  }

  async function join(booking) {
    if (booking.patientRef && patient?.id !== booking.patientRef) {
      patient = await api('GET', `/api/v1/patients/${encodeURIComponent(booking.patientRef)}`).catch(() => ({ id: booking.patientRef }));
    }
    renderPatient();
    renderCall();
    let stream;
    try {
      stream = await openLocalMedia(preferAudioOnly);
      const reply = await signal.request({ type: 'call.join', appointmentId: booking.id });
      // The second participant to join is answered with call.accepted straight away.
      const origin = { origin: 'APPOINTMENT', originRef: booking.id };
      if (reply.type === 'call.accepted') enterCall(reply, stream, origin);
      else showWaiting({ titleKey: 'nurse.waitingSpecialist', origin, media: Promise.resolve(stream) }).answered(reply);
    } catch (error) {
      stream?.getTracks().forEach((track) => track.stop());
      if (error.code === 'CONSENT_REQUIRED') consentRequired();
      else announce(`error.${error.code || 'generic'}`, { message: error.message }, 'error', { retry: () => join(booking) });
    }
  }

  // Step 2: the specialty. Each button says who can answer now; those nobody can answer are greyed with the reason,
  // yet still lead on (the call can wait, or go as a case). The order (available first) is set when the buttons are
  // drawn, never by a refresh: a button never moves under a finger.
  let specialties = [];
  function renderCall() {
    if (queued || prejoin) return;
    // A call needs the link and the server's id: not for a patient still waiting to be sent.
    const blocked = !patient || withoutConsent(patient) || Boolean(patient.pending);
    const buttons = ordered(specialties).map((code) => h('button', {
      type: 'button', class: 'specialty big', 'data-specialty': code, disabled: blocked,
      onclick: () => openPrejoin(code),
    }, h('span', { class: 'specialty-name', i18n: `specialty.${code}` }), h('span', { class: 'avail' })));
    clear(callBox,
      stepTitle('urgent-title', 2, 'nurse.callSpecialist'),
      patient ? null : h('p', { class: 'muted', i18n: 'nurse.pickPatientFirst' }),
      patient && withoutConsent(patient) ? h('p', { class: 'muted', i18n: 'nurse.consentFirst' }) : null,
      patient?.pending ? h('p', { class: 'muted', id: 'pending-no-call', i18n: 'nurse.pendingNoCall' }) : null,
      h('div', { class: 'specialty-grid' }, buttons));
    showAvailability();
  }

  function ordered(codes) {
    if (!availability) return codes;
    const rank = (code) => availability.get(code)?.rank ?? Number.MAX_SAFE_INTEGER;
    return [...codes].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }

  /** Updates the buttons in place: counts, and greyed when nobody can answer. */
  function showAvailability() {
    callBox.querySelectorAll('button.specialty').forEach((button) => {
      const entry = availability?.get(button.dataset.specialty);
      const line = button.querySelector('.avail');
      button.classList.toggle('uncovered', Boolean(entry?.uncovered));
      button.dataset.available = entry ? String(entry.available) : '';
      if (!entry) clear(line, h('span', { i18n: 'avail.unknown' }));
      else if (entry.uncovered) clear(line, h('span', { i18n: `avail.${entry.uncovered}` }));
      else {
        clear(line,
          h('span', { i18n: entry.available ? 'avail.available' : 'avail.allBusy', args: { n: entry.available } }),
          entry.waiting ? h('span', { i18n: 'avail.waiting', args: { n: entry.waiting } }) : null);
      }
    });
    if (prejoin) prejoin.update(availability?.get(prejoin.specialty) || null);
  }

  async function refreshAvailability() {
    if (isOffline() || document.hidden || call) return;
    try {
      const list = await api('GET', '/api/v1/specialties/availability', undefined, undefined, { timeoutMs: AVAILABILITY_TIMEOUT_MS });
      // The first answer may reorder the buttons only while they cannot be tapped (no patient chosen yet).
      const reorder = availability === null && !patient;
      availability = new Map((list || []).map((entry, rank) => [entry.specialty, { ...entry, rank }]));
      if (reorder) renderCall();
      else showAvailability();
    } catch {
      // The last counts stay until the next answer; offline they are dropped (below).
    }
  }

  // Step 3: the pre-join screen; the call goes from there. Its module loads at the first tap (the shell keeps it on
  // the tablet), which keeps the first screen light on 3G.
  let opening = false;
  async function openPrejoin(specialty) {
    const busy = () => queued || call || prejoin || opening || !patient;
    if (busy()) return;
    opening = true;
    let showPrejoin;
    try {
      ({ showPrejoin } = await import('./prejoin.js'));
    } catch (error) {
      announce('error.generic', { message: error.message }, 'error', { retry: () => openPrejoin(specialty) });
      return;
    } finally {
      opening = false;
    }
    if (busy()) return;
    const shown = showPrejoin({
      specialty,
      patientLine: h('p', { class: 'patient-chosen' }, h('strong', {}, patientIdentity(patient))),
      availability: availability?.get(specialty) || null,
      audioOnly: preferAudioOnly,
      check: {
        verdict: lastVerdict,
        run: runCheck,
      },
      onCall: (reason, media) => {
        leavePrejoin();
        requestCall(specialty, reason, media);
      },
      onBack: () => {
        leavePrejoin();
        renderCall();
        callBox.querySelector(`button.specialty[data-specialty="${specialty}"]`)?.focus();
      },
      onSendCase: (reason) => {
        leavePrejoin();
        renderCall();
        cases.startFor(specialty, reason);
      },
    });
    prejoin = { ...shown, specialty };
    home.hidden = true;
    root.append(shown.panel);
    // The step starts at the top, header in sight, whatever the list of specialties was scrolled to.
    window.scrollTo(0, 0);
    shown.focus();
  }

  function leavePrejoin() {
    prejoin?.close();
    prejoin = null;
    home.hidden = false;
  }

  /** Runs the pre-call check into target and keeps its verdict for the chip and the next call's media. */
  async function runCheck(target) {
    // Loaded when asked for: most visits never run it, and the first screen must stay light on 3G.
    const { runPrecheck } = await import('./precheck.js');
    const verdict = await runPrecheck(target, signal);
    lastVerdict = verdict;
    preferAudioOnly = verdict.suggestAudioOnly;
    return verdict;
  }

  /**
   * The tap answers at once ("connecting…"); the request waits through a dead or dropped link and goes when
   * signalling is back, queued once (signal.lastingRequest), while the camera opens.
   */
  function requestCall(specialty, reason, opened) {
    const request = signal.lastingRequest({ type: 'call.request', specialty, patientRef: patient.id, reason });
    const media = opened || openLocalMedia(preferAudioOnly);
    const waiting = showWaiting({
      titleKey: 'nurse.inQueue', specialty, reason, origin: { origin: 'URGENT_CALL' }, media, withdraw: request.withdraw,
    });
    media.catch(() => {
      if (waiting.giveUp()) announce('advice.permission', null, 'error');
    });
    request.reply.then((reply) => waiting.answered(reply), (error) => {
      if (!waiting.giveUp()) return;
      if (error.code === 'CONSENT_REQUIRED') consentRequired();
      else announce(`error.${error.code || 'generic'}`, { message: error.message }, 'error', { retry: () => callAgain(specialty, reason) });
    });
  }

  /** The same urgent call once more, when nothing else is under way (a retry the nurse taps on an error). */
  function callAgain(specialty, reason) {
    if (patient && !queued && !call && !prejoin) requestCall(specialty, reason);
  }

  /** The specialist of a case asked for a call now: the case's patient is chosen and the call goes as a tap would. */
  async function callFromCase(c) {
    if (queued || call) return;
    leavePrejoin();
    if (patient?.id !== c.patientId) {
      choose(await api('GET', `/api/v1/patients/${encodeURIComponent(c.patientId)}`).catch(() => ({ id: c.patientId })));
    }
    callBox.scrollIntoView({ block: 'start' });
    requestCall(c.specialty, '');
  }

  /** While signalling is down, or the tablet offline, nothing can reach the server: the screen says so. */
  const linkDown = () => isOffline() || signal.status !== 'open';

  /**
   * The waiting screen, shown at once: "connecting…" (or "waiting for the network") until the server answers, then
   * the place in the queue and the wait. Cancel at any time; "send a case instead" when the call cannot be made now
   * (no specialist free, no network). answered(reply) takes the server's answer; giveUp() leaves (false if already
   * left), cancelling the call on the server, or dropping the request if it has not gone, or cancelling it once answered.
   */
  function showWaiting({ titleKey, specialty, reason, origin, media, withdraw }) {
    let callId = null;
    let over = false;
    let noSpecialist = false;
    const position = h('strong', { class: 'queue-position' });
    const wait = h('strong', { class: 'queue-wait' });
    const positionLine = h('p', { class: 'queue-line', hidden: true }, h('span', { i18n: 'nurse.position' }), ' ', position);
    const waitLine = h('p', { class: 'queue-line', hidden: true }, h('span', { i18n: 'nurse.estimatedWait' }), ' ', wait);
    const status = h('p', { class: 'queue-status', id: 'call-status', role: 'status' });
    const cancel = h('button', { type: 'button', class: 'danger big', id: 'cancel-call', i18n: 'nurse.cancelCall' });
    const sendCase = specialty ? actionButton('📨', 'nurse.sendCaseInstead', { class: 'secondary big', id: 'send-case-instead', hidden: true }) : null;
    const panel = h('section', { class: 'card waiting', id: 'waiting', 'aria-live': 'polite' },
      h('h2', { i18n: titleKey }),
      specialty ? h('p', { class: 'waiting-specialty', 'data-specialty': specialty, i18n: `specialty.${specialty}` }) : null,
      positionLine, waitLine, status, h('div', { class: 'row' }, cancel, sendCase));
    const show = (state, key, args) => {
      status.dataset.state = state;
      setText(status, key, args);
      // A case instead, when the call cannot be made now.
      if (sendCase) sendCase.hidden = state !== 'waiting-network' && state !== 'no-specialist';
    };
    const showLink = () => {
      if (over) return;
      if (!callId) show(linkDown() ? 'waiting-network' : 'connecting', linkDown() ? 'nurse.waitingNetwork' : 'nurse.connecting');
      else if (noSpecialist) show('no-specialist', 'nurse.noSpecialist');
    };
    const update = (msg) => {
      if (msg.position !== undefined) {
        position.textContent = String(msg.position);
        position.dataset.position = msg.position;
        positionLine.hidden = false;
      }
      if (msg.estimatedWaitSeconds !== undefined) {
        wait.textContent = duration(msg.estimatedWaitSeconds);
        waitLine.hidden = false;
      }
    };
    const mine = (msg) => callId && msg.callId === callId;
    const offs = [
      signal.on('status', showLink),
      onNetworkChange(showLink),
      signal.on('queue.update', (msg) => { if (mine(msg)) update(msg); }),
      signal.on('call.ringing', (msg) => {
        if (!mine(msg)) return;
        noSpecialist = false;
        show('ringing', 'nurse.ringing', { name: msg.specialist?.name || '' });
      }),
      signal.on('call.noSpecialist', (msg) => {
        if (!mine(msg)) return;
        noSpecialist = true;
        show('no-specialist', 'nurse.noSpecialist');
      }),
      signal.on('call.ended', (msg) => { if (mine(msg)) finish(); }),
      signal.on('call.accepted', (msg) => {
        if (!mine(msg)) return;
        finish(true);
        media.then((stream) => enterCall(msg, stream, { ...origin, originRef: origin.originRef || callId }, specialty));
      }),
      // A call queued by a session that could not be resumed ended with it; a request not answered yet is sent again.
      signal.on('session.lost', () => {
        if (!callId) return;
        announce('nurse.queueLost', null, 'error', specialty ? { retry: () => callAgain(specialty, reason) } : {});
        finish();
      }),
    ];
    queued = { callId };
    const finish = (keepStream) => {
      over = true;
      offs.forEach((off) => off());
      queued = null;
      panel.remove();
      home.hidden = false;
      // Media that could not be opened were announced when they failed: nothing to stop then.
      if (!keepStream) media.then((stream) => stream.getTracks().forEach((track) => track.stop()), () => {});
      renderCall();
    };
    const giveUp = () => {
      if (over) return false;
      if (callId) signal.request({ type: 'call.cancel', callId }).catch(logFailure('cancelling a queued call'));
      else withdraw?.();
      finish();
      return true;
    };
    cancel.addEventListener('click', giveUp);
    sendCase?.addEventListener('click', () => {
      giveUp();
      cases.startFor(specialty, reason);
    });
    showLink();
    home.hidden = true;
    root.append(panel);
    cancel.focus();
    return {
      giveUp,
      answered(reply) {
        if (over) {
          // Given up before the answer came: the call it queued is cancelled at once.
          if (reply.callId) signal.request({ type: 'call.cancel', callId: reply.callId }).catch(logFailure('cancelling a queued call'));
          return;
        }
        callId = reply.callId;
        queued = { callId };
        panel.dataset.callId = callId;
        update(reply);
        show('queued', 'nurse.waiting');
      },
    };
  }

  /** specialty: known for urgent calls, it lets a call the network blocks turn into a case for the same specialty. */
  async function enterCall(accepted, stream, origin, specialty) {
    let caseAfterCall = null;
    home.hidden = true;
    const patientRef = accepted.patientRef || patient?.id;
    const open = () => openConsultation(patientRef, { ...origin, specialistId: accepted.peer?.id, audioOnly: !stream.getVideoTracks().length })
      .catch(() => announce('nurse.recordNotOpened', null, 'error', { retry: open }));
    if (patientRef) open();
    // When the specialist opens a group room (interpreter, second opinion), the nurse joins it below the call.
    const room = config.jitsiEnabled ? jitsiRoom({ signal, callId: accepted.callId, baseUrl: config.jitsiUrl }) : null;
    const view = await startCallView({
      accepted, signal, localStream: stream,
      onSendCase: specialty ? () => { caseAfterCall = specialty; view.session.hangup(); } : null,
      onEnd: (detail) => {
        room?.dispose();
        call = null;
        exposeCall(null);
        view.screen.remove();
        home.hidden = false;
        announce(`ended.${detail.reason}`, null, 'info');
        if (patientRef) {
          if (!patient || patient.id !== patientRef) patient = { id: patientRef };
          showAfterCall(true);
        }
        if (caseAfterCall) cases.startFor(caseAfterCall);
      },
    });
    call = view.session;
    exposeCall(call);
    if (room) view.screen.querySelector('.call-main').append(room.frame);
    root.append(view.screen);
  }

  // After the call: the specialist's plan and prescription once the note is signed.
  async function showAfterCall(visible) {
    afterBox.hidden = !visible;
    if (!visible) return;
    const body = h('div', { class: 'notes' });
    clear(afterBox,
      h('h2', { id: 'after-title', i18n: 'nurse.afterCall' }),
      body,
      actionButton('↻', 'nurse.refresh', { class: 'secondary', onclick: () => showAfterCall(true) }));
    await renderNotes(body, patient.id, { signedOnly: true });
  }

  clear(checkBox,
    h('h2', { id: 'precheck-title', i18n: 'precheck.title' }),
    h('p', { class: 'muted', i18n: 'precheck.intro' }),
    h('div', { id: 'precheck-result' }),
    actionButton('🩺', 'precheck.run', { class: 'secondary big', id: 'run-precheck',
      onclick: () => runCheck(checkBox.querySelector('#precheck-result')).catch(logFailure('running the pre-call check')) }));

  // The codes came with the configuration: the buttons are drawn at once, not one more request later.
  if (config.specialties?.length) {
    specialties = [...config.specialties].sort();
    cases.setSpecialties(specialties);
  }
  renderPatient();
  renderBookings();
  renderCall();
  // An answer lost to a dead link ([]) never replaces the codes a later one brought.
  const refreshSpecialties = () => loadSpecialties().then((codes) => {
    if (codes.length) {
      specialties = codes;
      cases.setSpecialties(codes);
      renderCall();
    }
  });
  // Without codes in the configuration (one kept from before they were in it), they are asked for on their own.
  if (!specialties.length) refreshSpecialties();
  refreshAvailability();
  setInterval(refreshAvailability, AVAILABILITY_EVERY_MS);
  document.addEventListener('visibilitychange', refreshAvailability);
  keepDispensaryList();
  // A patient registered offline reached the server (or the nurse chose the existing one): she is known by that id.
  onItemSent((item) => {
    if (item.kind === 'patient' || item.kind === 'consent') rememberPatient(item.patient);
  });
  let pendingShown = '';
  onOutboxChange(() => {
    const pending = pendingPatients().map((i) => i.localId);
    if (pending.join() === pendingShown) return;
    pendingShown = pending.join();
    if (!patient) searchPatients();
    if (!patient?.pending || pending.includes(patient.id)) return;
    const known = registeredPatient(patient.id);
    if (known) {
      patient = { ...known, consent: known.consent || patient.consent };
      cases.renamePatient(patient);
    } else {
      patient = null;
      cases.setPatient(null);
    }
    renderPatient();
    renderCall();
  });
  // Offline: the searches go to the kept list and say so. Back: the lists come from the server again.
  onNetworkChange((offline) => {
    if (!offline) {
      keepDispensaryList();
      if (!specialties.length) refreshSpecialties();
      refreshAvailability();
    } else {
      availability = null;
      showAvailability();
    }
    searchPatients();
    renderBookings();
  });
}

/** A step's title: its number, then its name ("2 · Specialty"). */
function stepTitle(id, number, key) {
  return h('h2', { id }, h('span', { class: 'step-no', 'aria-hidden': 'true', text: String(number) }), h('span', { i18n: key }));
}
