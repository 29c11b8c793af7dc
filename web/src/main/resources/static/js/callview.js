// The in-call screen shared by nurse and specialist: videos, controls, network quality of each direction, and what
// happens to the link (interrupted, reconnecting, audio only, video back, a network that blocks the call).
import { h, setText, announce, actionButton } from './dom.js';
import { number } from './i18n.js';
import { CallSession } from './call.js';

const MEDIA_NOTE = {
  'poor-network': 'call.audioOnlyPoorNetwork',
  'network-recovered': 'call.videoBackNetwork',
  user: 'call.audioOnlyOn',
};

/**
 * Builds the in-call screen for an accepted call and starts the WebRTC session.
 * side: optional element shown beside the videos (the specialist's patient summary and note editor).
 * onEnd(reason) is called once the call is over.
 * onSendCase: optional; offered when the network blocks the call, to send the patient's case in writing instead.
 */
export async function startCallView({ accepted, signal, localStream, side, onEnd, onSendCase }) {
  const remote = h('video', { class: 'remote-video', autoplay: true, playsinline: true, i18nAttr: { 'aria-label': 'call.remoteVideo' } });
  const local = h('video', { class: 'local-video', autoplay: true, playsinline: true, muted: true, i18nAttr: { 'aria-label': 'call.localVideo' } });
  local.muted = true;
  const peerName = h('span', { class: 'peer-name', text: accepted.peer?.name || '' });
  const peerStatus = h('div', { class: 'banner warn', id: 'peer-reconnecting', hidden: true, role: 'status', i18n: 'call.peerReconnecting' });
  const interruption = h('div', { class: 'banner alert', id: 'link-interrupted', hidden: true, role: 'alert' },
    h('span', { class: 'icon', 'aria-hidden': 'true', text: '⚠' }), ' ',
    h('span', { class: 'interruption-text', i18n: 'call.interrupted' }));
  const linkStatus = h('div', { class: 'banner warn', hidden: true, role: 'status', i18n: 'call.linkReconnecting' });
  const mediaNote = h('div', { class: 'banner info', id: 'media-note', hidden: true, role: 'status' });
  const retryAudioBtn = h('button', { type: 'button', id: 'retry-audio-only', class: 'primary', i18n: 'call.retryAudioOnly' });
  const blockedHangupBtn = h('button', { type: 'button', class: 'danger', i18n: 'call.hangup' });
  const blockedText = h('p', { class: 'blocked-text', i18n: 'call.blocked' });
  const blocked = h('div', { class: 'banner alert blocked', id: 'call-blocked', hidden: true, role: 'alert' },
    h('p', {}, h('span', { class: 'icon', 'aria-hidden': 'true', text: '⛔' }), ' ', h('strong', { i18n: 'call.blockedTitle' })),
    blockedText,
    h('div', { class: 'row' }, retryAudioBtn, blockedHangupBtn,
      onSendCase ? actionButton('📨', 'nurse.sendCaseInstead', { id: 'blocked-send-case', class: 'secondary', onclick: onSendCase }) : null));
  const quality = h('div', { class: 'quality', id: 'quality', 'data-level': 'connecting', 'data-state': 'new', role: 'status' },
    h('span', { class: 'bars', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
    h('span', { class: 'quality-label', i18n: 'quality.connecting' }),
    h('span', { class: 'direction', 'data-direction': 'outbound' },
      h('span', { 'aria-hidden': 'true', text: '↑ ' }), h('span', { class: 'direction-grade', i18n: 'quality.direction.outbound.unknown' })),
    h('span', { class: 'direction', 'data-direction': 'inbound' },
      h('span', { 'aria-hidden': 'true', text: '↓ ' }), h('span', { class: 'direction-grade', i18n: 'quality.direction.inbound.unknown' })),
    h('span', { class: 'quality-detail', dir: 'ltr' }));

  const muteBtn = h('button', { type: 'button', id: 'mute', class: 'ctl', 'aria-pressed': 'false', i18n: 'call.mute' });
  const cameraBtn = h('button', { type: 'button', id: 'camera', class: 'ctl', 'aria-pressed': 'false', i18n: 'call.cameraOff' });
  const audioOnlyBtn = h('button', { type: 'button', id: 'audio-only', class: 'ctl', 'aria-pressed': 'false', i18n: 'call.audioOnly' });
  const hangupBtn = h('button', { type: 'button', id: 'hangup', class: 'ctl danger', i18n: 'call.hangup' });

  const screen = h('section', { id: 'call', class: `call-screen${side ? ' with-side' : ''}`, 'data-call-id': accepted.callId, 'aria-labelledby': 'call-title' },
    h('div', { class: 'call-main' },
      h('h2', { id: 'call-title', class: 'call-title' }, h('span', { i18n: 'call.with' }), ' ', peerName),
      blocked, interruption, peerStatus, linkStatus, mediaNote,
      h('div', { class: 'videos' }, remote, local),
      quality,
      h('div', { class: 'controls', role: 'toolbar' }, muteBtn, cameraBtn, audioOnlyBtn, hangupBtn)),
    side || null);

  let finished = false;
  let level = 'connecting';
  let signalStatus = signal.status;
  const showInterruption = () => {
    interruption.hidden = level !== 'interrupted';
    const state = quality.dataset.state;
    const recovering = signalStatus !== 'open' || state === 'failed' || state === 'disconnected';
    setText(interruption.querySelector('.interruption-text'), recovering ? 'call.interruptedReconnecting' : 'call.interrupted');
  };
  const session = new CallSession({
    accepted,
    signal,
    view: { local, remote },
    listener: (event, detail) => {
      if (event === 'state') {
        quality.dataset.state = detail;
        showInterruption();
      } else if (event === 'quality') {
        level = detail.level;
        showQuality(quality, detail);
        showInterruption();
      } else if (event === 'peer') {
        peerStatus.hidden = detail !== 'reconnecting';
        if (detail === 'back') announce('call.peerBack');
      } else if (event === 'media') {
        const note = detail.audioOnly ? MEDIA_NOTE[detail.reason] || 'call.audioOnlyOn' : detail.reason === 'network-recovered' ? MEDIA_NOTE[detail.reason] : null;
        mediaNote.hidden = !note;
        mediaNote.dataset.reason = detail.reason || '';
        if (note) setText(mediaNote, note);
        audioOnlyBtn.setAttribute('aria-pressed', String(detail.audioOnly));
        setText(audioOnlyBtn, detail.audioOnly ? 'call.videoBack' : 'call.audioOnly');
        screen.classList.toggle('audio-only', detail.audioOnly);
      } else if (event === 'blocked') {
        blocked.hidden = !detail;
        if (detail) setText(blockedText, detail.turn ? 'call.blockedEvenRelay' : 'call.blocked');
      } else if (event === 'path') {
        screen.dataset.path = detail;
      } else if (event === 'ended' && !finished) {
        finished = true;
        offStatus();
        onEnd(detail);
      }
    },
  });
  const offStatus = signal.on('status', (status) => {
    signalStatus = status;
    linkStatus.hidden = status === 'open' || level === 'interrupted';
    showInterruption();
  });

  muteBtn.addEventListener('click', () => {
    session.setMuted(!session.muted);
    muteBtn.setAttribute('aria-pressed', String(session.muted));
    setText(muteBtn, session.muted ? 'call.unmute' : 'call.mute');
  });
  cameraBtn.addEventListener('click', () => {
    session.setCameraOff(!session.cameraOff);
    cameraBtn.setAttribute('aria-pressed', String(session.cameraOff));
    setText(cameraBtn, session.cameraOff ? 'call.cameraOn' : 'call.cameraOff');
  });
  audioOnlyBtn.addEventListener('click', () => session.setAudioOnly(!session.audioOnly, 'user'));
  hangupBtn.addEventListener('click', () => session.hangup());
  retryAudioBtn.addEventListener('click', () => session.retryAudioOnly());
  blockedHangupBtn.addEventListener('click', () => session.hangup());

  await session.start(localStream);
  return { screen, session };
}

function showQuality(el, q) {
  el.dataset.level = q.level;
  el.dataset.state = q.state;
  el.dataset.videoFps = q.inbound.videoFps === null ? '' : String(Math.round(q.inbound.videoFps));
  el.dataset.rttMs = q.rttMs === null ? '' : String(Math.round(q.rttMs));
  el.dataset.mos = q.inbound.mos === null ? '' : q.inbound.mos.toFixed(2);
  setText(el.querySelector('.quality-label'), `quality.${q.level}`);
  for (const direction of ['outbound', 'inbound']) {
    const grade = q.level === 'interrupted' || q.level === 'connecting' ? 'unknown' : q[direction].grade;
    const chip = el.querySelector(`[data-direction="${direction}"]`);
    chip.dataset.grade = grade;
    setText(chip.querySelector('.direction-grade'), `quality.direction.${direction}.${grade}`);
  }
  const parts = [];
  if (q.rttMs !== null) parts.push(`RTT ${number(Math.round(q.rttMs))} ms`);
  if (q.inbound.lossPercent !== null) parts.push(`${number(q.inbound.lossPercent, { maximumFractionDigits: 1 })} %`);
  if (q.inbound.mos !== null) parts.push(`MOS ${number(q.inbound.mos, { maximumFractionDigits: 1 })}`);
  if (q.inbound.kbps !== null) parts.push(`↓ ${number(Math.round(q.inbound.kbps))} kb/s`);
  if (q.outbound.kbps !== null) parts.push(`↑ ${number(Math.round(q.outbound.kbps))} kb/s`);
  el.querySelector('.quality-detail').textContent = parts.join(' · ');
}
