// Pre-call check: camera, microphone, signalling server, rough latency and bandwidth, and which network paths a
// call can take (direct UDP, the TURN relay over UDP, over TLS on port 443), with plain advice.
import { h, clear, setText } from './dom.js';
import { number } from './i18n.js';
import { api } from './session.js';

const PROBE_PATH = '/js/call.js';
const PATH_CHECK_TIMEOUT_MS = 6000;

async function checkDevices() {
  const result = { camera: false, microphone: false, stream: null, denied: false };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    result.camera = stream.getVideoTracks().some((t) => t.readyState === 'live');
    result.microphone = stream.getAudioTracks().some((t) => t.readyState === 'live');
    result.stream = stream;
  } catch (error) {
    result.denied = error.name === 'NotAllowedError';
    try {
      const audio = await navigator.mediaDevices.getUserMedia({ audio: true });
      result.microphone = true;
      result.stream = audio;
    } catch {
      result.microphone = false;
    }
  }
  return result;
}

async function measureLatency() {
  const samples = [];
  for (let i = 0; i < 3; i += 1) {
    const start = performance.now();
    const response = await fetch(`/actuator/health?probe=${Date.now()}-${i}`, { cache: 'no-store' });
    await response.text();
    samples.push(performance.now() - start);
  }
  return Math.min(...samples);
}

async function measureBandwidthKbps(latencyMs) {
  const start = performance.now();
  const response = await fetch(`${PROBE_PATH}?probe=${Date.now()}`, { cache: 'no-store' });
  const bytes = (await response.arrayBuffer()).byteLength;
  const seconds = Math.max(0.001, (performance.now() - start - latencyMs) / 1000);
  return (bytes * 8) / 1000 / seconds;
}

/** The ICE server URLs of each kind: STUN (or TURN over UDP, which answers STUN too), TURN/UDP, TURN/TCP, TURN/TLS. */
function pathsToTry(config) {
  const paths = { udp: null, turnUdp: null, turnTcp: null, turnTls: null };
  for (const server of config.iceServers || []) {
    for (const url of [].concat(server.urls)) {
      const credentials = { username: server.username, credential: server.credential };
      if (url.startsWith('stun:')) paths.udp ??= { urls: url };
      else if (url.startsWith('turns:')) paths.turnTls ??= { urls: url, ...credentials };
      else if (url.startsWith('turn:') && /transport=tcp/.test(url)) paths.turnTcp ??= { urls: url, ...credentials };
      else if (url.startsWith('turn:')) {
        paths.turnUdp ??= { urls: url, ...credentials };
        paths.udp ??= { urls: url.replace(/^turn:/, 'stun:').replace(/\?.*$/, '') };
      }
    }
  }
  return paths;
}

/**
 * Gathers candidates through one ICE server. For TURN, a relay candidate over the expected transport proves the path.
 * For STUN, an answer proves UDP gets out: a reflexive candidate, or (on a network without address translation, where
 * that candidate would repeat a local one) gathering that ends without the server being unreachable.
 */
function probePath(server, relayProtocol) {
  return new Promise((resolve) => {
    const pc = new RTCPeerConnection({ iceServers: [server], iceTransportPolicy: relayProtocol ? 'relay' : 'all' });
    let unreachable = false;
    const done = (ok) => {
      clearTimeout(timer);
      pc.onicecandidate = null;
      pc.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), PATH_CHECK_TIMEOUT_MS);
    pc.onicecandidateerror = () => { unreachable = true; };
    pc.onicecandidate = (event) => {
      const c = event.candidate;
      if (!c) { done(!relayProtocol && !unreachable); return; }
      if (relayProtocol ? c.type === 'relay' && (c.relayProtocol || relayProtocol) === relayProtocol : c.type === 'srflx') done(true);
    };
    pc.createDataChannel('probe');
    pc.createOffer().then((offer) => pc.setLocalDescription(offer)).catch(() => done(false));
  });
}

async function checkPaths() {
  let config;
  try {
    config = await api('GET', '/api/v1/video/ice-servers');
  } catch {
    return null;
  }
  const paths = pathsToTry(config);
  const [udp, turnUdp, turnTcp, turnTls] = await Promise.all([
    paths.udp ? probePath(paths.udp, null) : null,
    paths.turnUdp ? probePath(paths.turnUdp, 'udp') : null,
    paths.turnTcp ? probePath(paths.turnTcp, 'tcp') : null,
    paths.turnTls ? probePath(paths.turnTls, 'tls') : null,
  ]);
  return { udp, turnUdp, turnTcp, turnTls };
}

async function checkSignal(signal) {
  if (!signal || signal.status !== 'open') return null;
  const start = performance.now();
  await signal.request({ type: 'ping' });
  return performance.now() - start;
}

/** Runs the checks and renders the outcome into target; resolves with the verdict. */
export async function runPrecheck(target, signal) {
  const rows = {
    camera: row('precheck.camera'),
    microphone: row('precheck.microphone'),
    server: row('precheck.server'),
    network: row('precheck.network'),
    udp: row('precheck.udp'),
    turnUdp: row('precheck.turnUdp'),
    turnTls: row('precheck.turnTls'),
  };
  const preview = h('video', { class: 'precheck-preview', autoplay: true, playsinline: true, muted: true });
  preview.muted = true;
  const advice = h('ul', { class: 'advice', 'aria-live': 'polite' });
  clear(target, h('div', { class: 'precheck' }, preview, h('ul', { class: 'checks' }, Object.values(rows).map((r) => r.el)), advice));

  const devices = await checkDevices();
  if (devices.stream) preview.srcObject = devices.stream;
  mark(rows.camera, devices.camera);
  mark(rows.microphone, devices.microphone);

  let latencyMs = null;
  let signalMs = null;
  let kbps = null;
  try {
    latencyMs = await measureLatency();
    signalMs = await checkSignal(signal);
    kbps = await measureBandwidthKbps(latencyMs);
  } catch {
    // Reported below as "server unreachable".
  }
  const serverOk = latencyMs !== null && signalMs !== null;
  mark(rows.server, serverOk, signalMs !== null ? `${number(Math.round(signalMs))} ms` : '');
  const networkOk = kbps !== null && kbps >= 300 && latencyMs < 600;
  mark(rows.network, kbps === null ? false : networkOk ? true : 'warn',
    kbps === null ? '' : `${number(Math.round(latencyMs))} ms · ${number(Math.round(kbps))} kb/s`);

  const paths = await checkPaths();
  for (const key of ['udp', 'turnUdp', 'turnTls']) {
    const result = paths?.[key] ?? null;
    if (result === null) mark(rows[key], 'none');
    else mark(rows[key], result);
  }
  const relayWorks = Boolean(paths?.turnUdp || paths?.turnTcp || paths?.turnTls);
  const directWorks = paths?.udp === true;

  const tips = [];
  if (devices.denied) tips.push('advice.permission');
  else if (!devices.camera) tips.push('advice.noCamera');
  if (!devices.microphone) tips.push('advice.noMicrophone');
  if (!serverOk) tips.push('advice.noServer');
  else if (kbps < 100 || latencyMs > 1000) tips.push('advice.audioOnly');
  else if (!networkOk) tips.push('advice.weakNetwork');
  if (paths && paths.udp === false) tips.push(relayWorks ? 'advice.udpBlockedRelayWorks' : 'advice.callsBlocked');
  if (!tips.length) tips.push('advice.ready');
  tips.forEach((key) => advice.append(h('li', { i18n: key })));
  const verdict = {
    ok: devices.microphone && serverOk && (paths === null || directWorks || relayWorks || paths.udp === null),
    suggestAudioOnly: !devices.camera || (kbps !== null && kbps < 100),
    latencyMs,
    kbps,
    paths,
  };
  target.dataset.result = verdict.ok ? 'ok' : 'problem';
  devices.stream?.getTracks().forEach((track) => setTimeout(() => track.stop(), 4000));
  return verdict;
}

function row(key) {
  const status = h('span', { class: 'check-status', i18n: 'precheck.pending' });
  const detail = h('span', { class: 'check-detail', dir: 'ltr' });
  return { el: h('li', { class: 'check', 'data-check': key.replace('precheck.', ''), 'data-ok': 'pending' }, h('span', { i18n: key }), status, detail), status, detail };
}

function mark(r, ok, detail = '') {
  const value = ok === 'warn' || ok === 'none' ? ok : ok ? 'ok' : 'fail';
  r.el.dataset.ok = value;
  setText(r.status, `precheck.${value}`);
  r.detail.textContent = detail;
}
