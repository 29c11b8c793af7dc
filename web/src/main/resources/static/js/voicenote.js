// A case's voice note: recorded on the nurse's tablet (Opus at a bitrate a weak link carries, at most a minute, the
// microphone released as soon as it stops) and played back to her and to the specialist.
import { h, clear, setText } from './dom.js';

export const VOICE_MAX_SECONDS = 60;
/** About 150 KB for a full minute: a few seconds of 3G, far under the server's 2 MB. */
const BITS_PER_SECOND = 20000;
/** What the server accepts (WebM or Ogg, checked on their first bytes), Opus first. */
const TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/ogg'];
const TICK_MS = 250;
/** The first chunk must hold the container's header for the server to recognise it. */
const MIN_BYTES = 12;
const MAX_BYTES = 2 * 1024 * 1024;

function recorderType() {
  if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) return null;
  return TYPES.find((type) => MediaRecorder.isTypeSupported(type)) ?? null;
}

/** 0:07, 1:00 */
export function clock(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/**
 * Chromium's recordings do not say how long they are (the recorder cannot know when it writes the header), so the
 * player shows no length: seeking far past the end once makes it read the whole file and learn it, then back to 0.
 */
export function learnDuration(audio) {
  audio.addEventListener('loadedmetadata', () => {
    if (Number.isFinite(audio.duration)) return;
    audio.addEventListener('timeupdate', function rewind() {
      if (!Number.isFinite(audio.duration)) return;
      audio.removeEventListener('timeupdate', rewind);
      audio.currentTime = 0;
    });
    audio.currentTime = 1e101;
  }, { once: true });
  return audio;
}

/** A player for a recording in an object URL (revoked by the caller), with its length beside it once known. */
export function voicePlayer(url, { id, seconds = null } = {}) {
  const audio = learnDuration(h('audio', { controls: true, preload: 'metadata', id, src: url }));
  const length = h('span', { class: 'muted duration', dir: 'ltr', text: seconds === null ? '' : clock(seconds) });
  audio.addEventListener('durationchange', () => {
    if (Number.isFinite(audio.duration)) length.textContent = clock(audio.duration);
  });
  return h('div', { class: 'row voice-player' }, audio, length);
}

/**
 * The recorder on the case form: { element, blob() (the recording, or null), release() (stops any recording and the
 * microphone, forgets the recording) }. A refused or missing microphone is said on screen; the form works without.
 */
export function voiceRecorder({ onBusy = () => {} } = {}) {
  const type = recorderType();
  const box = h('div', { class: 'field voice-note', id: 'case-voice', 'data-state': 'idle' });
  let stream = null;
  let recorder = null;
  let timer = null;
  let recording = null; // { blob, url, seconds }
  let released = false;

  function stopMicrophone() {
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    clearInterval(timer);
    timer = null;
  }

  function forget() {
    if (recording) URL.revokeObjectURL(recording.url);
    recording = null;
  }

  function show(state, ...content) {
    box.dataset.state = state;
    delete box.dataset.bytes;
    clear(box, h('span', { class: 'label', i18n: 'voice.title' }), ...content);
    onBusy(state === 'starting' || state === 'recording');
  }

  function idle(errorKey) {
    const button = h('button', { type: 'button', class: 'secondary', id: 'voice-record', disabled: !type, onclick: start },
      h('span', { class: 'icon record-icon', 'aria-hidden': 'true', text: '●' }), ' ', h('span', { i18n: 'voice.record' }));
    const reason = type ? errorKey : 'voice.unsupported';
    show('idle', button, reason ? h('p', { class: 'error', role: 'alert', id: 'voice-error', i18n: reason }) : null);
  }

  async function start() {
    forget();
    show('starting', h('p', { class: 'muted', role: 'status', i18n: 'voice.starting' }));
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
    } catch (error) {
      stream = null;
      if (!released) idle(error?.name === 'NotAllowedError' || error?.name === 'SecurityError' ? 'voice.denied'
        : error?.name === 'NotFoundError' || error?.name === 'OverconstrainedError' ? 'voice.noMicrophone' : 'voice.failed');
      return;
    }
    if (released) {
      stopMicrophone();
      return;
    }
    const chunks = [];
    try {
      recorder = new MediaRecorder(stream, { mimeType: type, audioBitsPerSecond: BITS_PER_SECOND });
    } catch {
      stopMicrophone();
      idle('voice.failed');
      return;
    }
    const elapsed = h('span', { class: 'elapsed', role: 'timer', id: 'voice-elapsed', dir: 'ltr' });
    const began = performance.now();
    let stoppedAt = null;
    const seconds = () => Math.min(VOICE_MAX_SECONDS, ((stoppedAt ?? performance.now()) - began) / 1000);
    const tick = () => {
      setText(elapsed, 'voice.elapsed', { elapsed: clock(seconds()), max: clock(VOICE_MAX_SECONDS) });
      if (seconds() >= VOICE_MAX_SECONDS) stop();
    };
    recorder.addEventListener('dataavailable', (event) => { if (event.data.size) chunks.push(event.data); });
    recorder.addEventListener('stop', () => {
      const length = seconds();
      stopMicrophone();
      recorder = null;
      if (released) return;
      const blob = new Blob(chunks, { type: type.split(';')[0] });
      if (blob.size < MIN_BYTES || blob.size > MAX_BYTES) {
        idle('voice.failed');
        return;
      }
      recording = { blob, url: URL.createObjectURL(blob), seconds: length };
      recorded();
    });
    const stop = () => {
      stoppedAt ??= performance.now();
      if (recorder?.state === 'recording') recorder.stop();
      // The microphone goes off now, not when the recorder has handed over its last bytes.
      stream?.getTracks().forEach((track) => track.stop());
      clearInterval(timer);
    };
    recorder.start(1000);
    timer = setInterval(tick, TICK_MS);
    show('recording',
      h('p', { class: 'recording' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), ' ', h('span', { i18n: 'voice.recording' }), ' ', elapsed),
      h('button', { type: 'button', class: 'primary', id: 'voice-stop', onclick: stop },
        h('span', { class: 'icon', 'aria-hidden': 'true', text: '■' }), ' ', h('span', { i18n: 'voice.stop' })));
    tick();
  }

  function recorded() {
    show('recorded',
      voicePlayer(recording.url, { id: 'voice-preview', seconds: recording.seconds }),
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'secondary', id: 'voice-delete', i18n: 'voice.delete', onclick: () => { forget(); idle(); } }),
        h('button', { type: 'button', class: 'secondary', id: 'voice-again', i18n: 'voice.again', onclick: start })));
    box.dataset.bytes = recording.blob.size;
  }

  idle();
  return {
    element: box,
    blob: () => recording?.blob ?? null,
    release() {
      released = true;
      if (recorder?.state === 'recording') recorder.stop();
      stopMicrophone();
      forget();
    },
  };
}
