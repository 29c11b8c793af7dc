// The nurse's third step, before an urgent call goes: she sees herself, sees the microphone hears her, knows what the
// pre-call check said, writes the reason, and only then calls. The camera opened here is the one the call uses.
import { h, clear, field, setText, actionButton } from './dom.js';
import { openLocalMedia } from './call.js';
import { logFailure } from './failure.js';

/** How often the microphone meter is redrawn: often enough to follow a voice, rarely enough to cost nothing. */
const METER_INTERVAL_MS = 100;

/**
 * Shows the pre-join screen for one specialty and returns { panel, update(entry), close() }.
 * availability: the specialty's entry from /api/v1/specialties/availability, or null when unknown.
 * check: { verdict, run(target) } — the last pre-call verdict of this visit (null if none) and how to run one.
 * onCall(reason, media): the nurse called; media is the promise of the stream opened here (the call keeps it).
 */
export function showPrejoin({ specialty, patientLine, availability, audioOnly, check, onCall, onBack, onSendCase }) {
  let media = openLocalMedia(audioOnly);
  let handedOver = false;
  let closed = false;
  let stopMeter = () => {};

  const preview = h('video', { class: 'prejoin-preview', id: 'prejoin-preview', autoplay: true, playsinline: true,
    muted: true, i18nAttr: { 'aria-label': 'prejoin.selfView' } });
  preview.muted = true;
  const meter = h('meter', { id: 'mic-level', min: 0, max: 1, value: 0, i18nAttr: { 'aria-label': 'prejoin.micLevel' } });
  const mediaState = h('p', { class: 'prejoin-media', id: 'prejoin-media', role: 'status' });
  const retryMedia = actionButton('↻', 'nurse.retry', { class: 'secondary', id: 'prejoin-retry-media', hidden: true });
  const cover = h('p', { class: 'prejoin-cover', id: 'prejoin-cover' });
  const chip = h('span', { class: 'chip check-chip', id: 'precheck-chip' });
  const runCheck = actionButton('🩺', 'precheck.run', { class: 'secondary', id: 'prejoin-run-check' });
  const checkResult = h('div', { id: 'prejoin-check-result' });
  const reason = h('textarea', { id: 'call-reason', name: 'reason', rows: 2, maxlength: 500 });
  const callNow = actionButton('📞', 'prejoin.callNow', { class: 'primary big', id: 'start-call' });
  const back = actionButton('←', 'prejoin.back', { class: 'secondary big', id: 'prejoin-back' });
  const sendCase = actionButton('📨', 'nurse.sendCaseInstead', { class: 'secondary big', id: 'prejoin-send-case', hidden: true });

  const panel = h('section', { class: 'card prejoin', id: 'prejoin', 'data-specialty': specialty, 'aria-labelledby': 'prejoin-title' },
    h('h2', { id: 'prejoin-title' }, h('span', { class: 'step-no', 'aria-hidden': 'true', text: '3' }),
      h('span', { i18n: 'prejoin.title' }), ' · ', h('span', { i18n: `specialty.${specialty}` })),
    patientLine,
    cover,
    // The call button comes before the camera in the page: it stays above the fold on a tablet in either orientation.
    field('nurse.reason', reason),
    h('div', { class: 'row prejoin-actions' }, callNow, sendCase, back),
    h('div', { class: 'prejoin-media-row' },
      h('div', { class: 'prejoin-self' }, preview, h('label', { for: 'mic-level', class: 'meter-label', i18n: 'prejoin.micLevel' }), meter),
      h('div', { class: 'prejoin-status' }, mediaState, retryMedia, h('p', {}, chip, runCheck), checkResult)));

  function showCheck(verdict) {
    chip.dataset.state = verdict ? (verdict.ok ? 'ok' : 'problem') : 'none';
    setText(chip, verdict ? (verdict.ok ? 'precheck.chipOk' : 'precheck.chipProblem') : 'precheck.chipNone');
  }

  function update(entry) {
    panel.dataset.uncovered = entry?.uncovered || '';
    sendCase.hidden = !entry?.uncovered;
    if (!entry) clear(cover, h('span', { i18n: 'avail.unknown' }));
    else if (entry.uncovered) clear(cover, h('strong', { i18n: `avail.${entry.uncovered}` }), ' — ', h('span', { i18n: 'prejoin.uncovered' }));
    else clear(cover, h('span', { i18n: 'prejoin.covered', args: { available: entry.available, waiting: entry.waiting } }));
    cover.className = `prejoin-cover ${entry?.uncovered ? 'banner warn' : 'muted'}`;
  }

  function attach() {
    setText(mediaState, 'prejoin.mediaOpening');
    retryMedia.hidden = true;
    media.then((stream) => {
      if (closed) return;
      preview.srcObject = stream;
      panel.dataset.media = stream.getVideoTracks().length ? 'video' : 'audio';
      setText(mediaState, stream.getVideoTracks().length ? 'prejoin.mediaReady' : 'prejoin.audioOnly');
      stopMeter = followMicrophone(stream, meter);
    }, (error) => {
      panel.dataset.media = 'failed';
      // Stays on screen with a retry: a denied camera is the one thing that stops the call.
      setText(mediaState, error?.name === 'NotAllowedError' ? 'advice.permission' : 'prejoin.mediaFailed');
      mediaState.className = 'prejoin-media banner warn';
      retryMedia.hidden = false;
    });
  }

  retryMedia.addEventListener('click', () => {
    media = openLocalMedia(audioOnly);
    mediaState.className = 'prejoin-media';
    attach();
  });
  runCheck.addEventListener('click', async () => {
    runCheck.disabled = true;
    chip.dataset.state = 'running';
    setText(chip, 'precheck.chipRunning');
    try {
      showCheck(await check.run(checkResult));
    } catch (error) {
      logFailure('running the pre-call check')(error);
      showCheck({ ok: false });
    } finally {
      runCheck.disabled = false;
    }
  });
  callNow.addEventListener('click', () => {
    handedOver = true;
    stopMeter();
    onCall(reason.value.trim(), media);
  });
  back.addEventListener('click', () => onBack());
  sendCase.addEventListener('click', () => onSendCase(reason.value.trim()));

  showCheck(check.verdict);
  update(availability);
  attach();

  return {
    panel,
    focus: () => callNow.focus({ preventScroll: true }),
    update,
    /** Leaves the screen; the camera stops unless the call took it. */
    close() {
      closed = true;
      stopMeter();
      panel.remove();
      if (!handedOver) media.then((stream) => stream.getTracks().forEach((track) => track.stop()), () => {});
    },
  };
}

/** Draws the microphone's loudness into the meter until stopped; nothing when the browser has no Web Audio. */
function followMicrophone(stream, meter) {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context || !stream.getAudioTracks().length) return () => {};
  const context = new Context();
  const analyser = context.createAnalyser();
  analyser.fftSize = 256;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Uint8Array(analyser.fftSize);
  const timer = setInterval(() => {
    analyser.getByteTimeDomainData(samples);
    let peak = 0;
    for (const s of samples) peak = Math.max(peak, Math.abs(s - 128));
    meter.value = Math.min(1, peak / 64);
  }, METER_INTERVAL_MS);
  return () => {
    clearInterval(timer);
    context.close().catch(() => {});
  };
}
