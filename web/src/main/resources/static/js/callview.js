// The in-call screen shared by nurse and specialist: videos, controls, network quality, peer status.
import { h, setText, announce } from './dom.js';
import { number } from './i18n.js';
import { CallSession } from './call.js';

/**
 * Builds the in-call screen for an accepted call and starts the WebRTC session.
 * side: optional element shown beside the videos (the specialist's patient summary and note editor).
 * onEnd(reason) is called once the call is over.
 */
export async function startCallView({ accepted, signal, localStream, side, onEnd }) {
  const remote = h('video', { class: 'remote-video', autoplay: true, playsinline: true, i18nAttr: { 'aria-label': 'call.remoteVideo' } });
  const local = h('video', { class: 'local-video', autoplay: true, playsinline: true, muted: true, i18nAttr: { 'aria-label': 'call.localVideo' } });
  local.muted = true;
  const peerName = h('span', { class: 'peer-name', text: accepted.peer?.name || '' });
  const peerStatus = h('div', { class: 'banner warn', id: 'peer-reconnecting', hidden: true, role: 'status', i18n: 'call.peerReconnecting' });
  const linkStatus = h('div', { class: 'banner warn', hidden: true, role: 'status', i18n: 'call.linkReconnecting' });
  const mediaNote = h('div', { class: 'banner info', hidden: true, role: 'status' });
  const quality = h('div', { class: 'quality', id: 'quality', 'data-level': 'unknown', 'data-state': 'new', 'data-frames-decoded': '0', role: 'status' },
    h('span', { class: 'bars', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
    h('span', { class: 'quality-label', i18n: 'quality.unknown' }),
    h('span', { class: 'quality-detail', dir: 'ltr' }));

  const muteBtn = h('button', { type: 'button', id: 'mute', class: 'ctl', 'aria-pressed': 'false', i18n: 'call.mute' });
  const cameraBtn = h('button', { type: 'button', id: 'camera', class: 'ctl', 'aria-pressed': 'false', i18n: 'call.cameraOff' });
  const audioOnlyBtn = h('button', { type: 'button', id: 'audio-only', class: 'ctl', 'aria-pressed': 'false', i18n: 'call.audioOnly' });
  const hangupBtn = h('button', { type: 'button', id: 'hangup', class: 'ctl danger', i18n: 'call.hangup' });

  const screen = h('section', { id: 'call', class: `call-screen${side ? ' with-side' : ''}`, 'data-call-id': accepted.callId, 'aria-labelledby': 'call-title' },
    h('div', { class: 'call-main' },
      h('h2', { id: 'call-title', class: 'call-title' }, h('span', { i18n: 'call.with' }), ' ', peerName),
      peerStatus, linkStatus, mediaNote,
      h('div', { class: 'videos' }, remote, local),
      quality,
      h('div', { class: 'controls', role: 'toolbar' }, muteBtn, cameraBtn, audioOnlyBtn, hangupBtn)),
    side || null);

  let finished = false;
  const session = new CallSession({
    accepted,
    signal,
    view: { local, remote },
    listener: (event, detail) => {
      if (event === 'state') {
        quality.dataset.state = detail;
      } else if (event === 'quality') {
        showQuality(quality, detail);
      } else if (event === 'peer') {
        peerStatus.hidden = detail !== 'reconnecting';
        if (detail === 'back') announce('call.peerBack');
      } else if (event === 'media') {
        mediaNote.hidden = !detail.audioOnly;
        setText(mediaNote, detail.reason === 'poor-network' ? 'call.audioOnlyPoorNetwork' : 'call.audioOnlyOn');
        audioOnlyBtn.setAttribute('aria-pressed', String(detail.audioOnly));
        setText(audioOnlyBtn, detail.audioOnly ? 'call.videoBack' : 'call.audioOnly');
        screen.classList.toggle('audio-only', detail.audioOnly);
      } else if (event === 'ended' && !finished) {
        finished = true;
        offStatus();
        onEnd(detail);
      }
    },
  });
  const offStatus = signal.on('status', (status) => { linkStatus.hidden = status === 'open'; });

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

  await session.start(localStream);
  return { screen, session };
}

function showQuality(el, q) {
  el.dataset.level = q.level;
  el.dataset.state = q.state;
  el.dataset.framesDecoded = String(q.framesDecoded);
  el.dataset.rttMs = q.rttMs === null ? '' : String(Math.round(q.rttMs));
  setText(el.querySelector('.quality-label'), `quality.${q.level}`);
  const parts = [];
  if (q.rttMs !== null) parts.push(`RTT ${number(Math.round(q.rttMs))} ms`);
  if (q.lossPercent !== null) parts.push(`${number(q.lossPercent, { maximumFractionDigits: 1 })} %`);
  if (q.inboundKbps !== null) parts.push(`↓ ${number(Math.round(q.inboundKbps))} kb/s`);
  parts.push(`↑ ${number(Math.round(q.outboundKbps))} kb/s`);
  el.querySelector('.quality-detail').textContent = parts.join(' · ');
}
