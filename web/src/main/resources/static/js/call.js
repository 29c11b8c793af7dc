// One peer-to-peer WebRTC call over the signalling relay: media, trickle ICE, ICE restart,
// network quality from getStats and automatic fallback to audio only.
const STATS_PERIOD_MS = 2000;
const POOR_SAMPLES_BEFORE_AUDIO_ONLY = 3;
const VIDEO_BITRATE = { good: 800000, fair: 300000, poor: 150000 };

// Graded on round-trip time and packet loss only: a low bitrate alone may just be a muted peer or a camera turned off.
export function grade({ rttMs, lossPercent }) {
  if (rttMs === null && lossPercent === null) return 'unknown';
  if ((rttMs ?? 0) > 1000 || (lossPercent ?? 0) > 10) return 'poor';
  if ((rttMs ?? 0) > 400 || (lossPercent ?? 0) > 3) return 'fair';
  return 'good';
}

/** Opens camera and microphone; falls back to microphone only when no camera is usable. */
export async function openLocalMedia(audioOnly = false) {
  const audio = { echoCancellation: true, noiseSuppression: true };
  if (!audioOnly) {
    try {
      return await navigator.mediaDevices.getUserMedia({
        audio,
        video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24, max: 30 }, facingMode: 'user' },
      });
    } catch (error) {
      if (error.name === 'NotAllowedError') throw error;
    }
  }
  return navigator.mediaDevices.getUserMedia({ audio, video: false });
}

export class CallSession {
  /**
   * accepted: the call.accepted message; signal: SignalClient; view: {local, remote} video elements;
   * listener(event, detail) gets 'state', 'quality', 'peer', 'media', 'ended'.
   */
  constructor({ accepted, signal, view, listener }) {
    this.callId = accepted.callId;
    this.offerer = accepted.role === 'offerer';
    this.peer = accepted.peer;
    this.patientRef = accepted.patientRef;
    this.media = accepted.media || {};
    this.signal = signal;
    this.view = view;
    this.listener = listener;
    this.pendingCandidates = [];
    this.audioOnly = false;
    this.peerAudioOnly = false;
    this.muted = false;
    this.cameraOff = false;
    this.poorSamples = 0;
    this.previous = null;
    this.quality = { level: 'unknown', rttMs: null, lossPercent: null, inboundKbps: null, outboundKbps: null, framesDecoded: 0 };
    this.ended = false;
    this.unsubscribe = [];
  }

  async start(localStream) {
    this.localStream = localStream;
    this.view.local.srcObject = localStream;
    this.pc = new RTCPeerConnection({
      iceServers: this.media.iceServers || [],
      iceTransportPolicy: this.media.iceTransportPolicy || 'all',
    });
    this.remoteStream = new MediaStream();
    this.view.remote.srcObject = this.remoteStream;
    localStream.getTracks().forEach((track) => this.pc.addTrack(track, localStream));
    this.videoSender = this.pc.getSenders().find((s) => s.track?.kind === 'video') || null;
    if (!this.videoSender) this.pc.addTransceiver('video', { direction: 'recvonly' });
    this.pc.ontrack = (event) => {
      if (!this.remoteStream.getTracks().includes(event.track)) this.remoteStream.addTrack(event.track);
    };
    this.pc.onicecandidate = (event) => {
      this.relay('ice.candidate', { candidate: event.candidate ? event.candidate.toJSON() : null });
    };
    this.pc.onconnectionstatechange = () => {
      this.listener('state', this.pc.connectionState);
      if (this.pc.connectionState === 'failed' && this.offerer) this.restartIce();
    };
    this.on('sdp.offer', (msg) => this.onOffer(msg));
    this.on('sdp.answer', (msg) => this.onAnswer(msg));
    this.on('ice.candidate', (msg) => this.onCandidate(msg));
    this.on('ice.restart', () => { if (this.offerer) this.restartIce(); });
    this.on('call.media', (msg) => this.onPeerMedia(msg));
    this.on('peer.reconnecting', () => this.listener('peer', 'reconnecting'));
    this.on('peer.back', () => this.listener('peer', 'back'));
    this.on('call.ended', (msg) => this.finish(msg.reason, msg.by));
    this.unsubscribe.push(this.signal.on('session.lost', () => this.finish('peer-lost')));
    this.statsTimer = setInterval(() => this.sample(), STATS_PERIOD_MS);
    if (this.offerer) await this.makeOffer(false);
  }

  on(type, fn) {
    this.unsubscribe.push(this.signal.on(type, (msg) => { if (msg.callId === this.callId && !this.ended) fn(msg); }));
  }

  relay(type, body) {
    if (!this.ended) this.signal.send({ type, callId: this.callId, ...body });
  }

  async makeOffer(iceRestart) {
    const offer = await this.pc.createOffer({ iceRestart });
    await this.pc.setLocalDescription(offer);
    this.relay('sdp.offer', { sdp: this.pc.localDescription.sdp });
  }

  restartIce() {
    if (this.ended || this.pc.signalingState !== 'stable') return;
    this.makeOffer(true).catch(() => {});
  }

  async onOffer(msg) {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
    await this.flushCandidates();
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    this.relay('sdp.answer', { sdp: this.pc.localDescription.sdp });
  }

  async onAnswer(msg) {
    if (this.pc.signalingState !== 'have-local-offer') return;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
    await this.flushCandidates();
  }

  async onCandidate(msg) {
    if (!this.pc.remoteDescription) {
      this.pendingCandidates.push(msg.candidate);
      return;
    }
    await this.addCandidate(msg.candidate);
  }

  async flushCandidates() {
    const queued = this.pendingCandidates.splice(0);
    for (const candidate of queued) await this.addCandidate(candidate);
  }

  async addCandidate(candidate) {
    try {
      await this.pc.addIceCandidate(candidate || null);
    } catch {
      // A candidate from before an ICE restart no longer matches the session; it is safe to ignore.
    }
  }

  setMuted(muted) {
    this.muted = muted;
    this.localStream.getAudioTracks().forEach((track) => { track.enabled = !muted; });
  }

  setCameraOff(off) {
    this.cameraOff = off;
    this.applyVideoSending();
  }

  /** Audio only for both directions: stops our video and asks the peer to stop theirs. */
  setAudioOnly(audioOnly, reason = 'user') {
    if (this.audioOnly === audioOnly) return;
    this.audioOnly = audioOnly;
    this.applyVideoSending();
    this.relay('call.media', { audioOnly, reason });
    this.listener('media', { audioOnly, reason, fromPeer: false });
  }

  onPeerMedia(msg) {
    this.peerAudioOnly = Boolean(msg.audioOnly);
    if (this.audioOnly !== this.peerAudioOnly) {
      this.audioOnly = this.peerAudioOnly;
      this.applyVideoSending();
    }
    this.listener('media', { audioOnly: this.audioOnly, reason: msg.reason, fromPeer: true });
  }

  applyVideoSending() {
    const videoTrack = this.localStream.getVideoTracks()[0];
    if (!videoTrack || !this.videoSender) return;
    const send = !this.audioOnly && !this.cameraOff;
    videoTrack.enabled = send;
    // replaceTrack(null) stops sending video packets entirely, which is what relieves a weak link.
    this.videoSender.replaceTrack(send ? videoTrack : null).catch(() => {});
  }

  async sample() {
    if (!this.pc || this.ended) return;
    const report = await this.pc.getStats();
    const now = { time: performance.now(), bytesIn: 0, bytesOut: 0, lost: 0, received: 0 };
    let rttMs = null;
    let framesDecoded = 0;
    report.forEach((stat) => {
      if (stat.type === 'candidate-pair' && stat.nominated && stat.state === 'succeeded' && stat.currentRoundTripTime !== undefined) {
        rttMs = stat.currentRoundTripTime * 1000;
      } else if (stat.type === 'inbound-rtp') {
        now.bytesIn += stat.bytesReceived || 0;
        now.lost += Math.max(0, stat.packetsLost || 0);
        now.received += stat.packetsReceived || 0;
        if (stat.kind === 'video') framesDecoded += stat.framesDecoded || 0;
      } else if (stat.type === 'outbound-rtp') {
        now.bytesOut += stat.bytesSent || 0;
      } else if (stat.type === 'remote-inbound-rtp' && rttMs === null && stat.roundTripTime !== undefined) {
        rttMs = stat.roundTripTime * 1000;
      }
    });
    const before = this.previous;
    this.previous = now;
    if (!before) return;
    const seconds = (now.time - before.time) / 1000;
    const lostDelta = now.lost - before.lost;
    const receivedDelta = now.received - before.received;
    const lossPercent = lostDelta + receivedDelta > 0 ? (100 * lostDelta) / (lostDelta + receivedDelta) : null;
    const inboundKbps = this.pc.connectionState === 'connected' ? ((now.bytesIn - before.bytesIn) * 8) / 1000 / seconds : null;
    const outboundKbps = ((now.bytesOut - before.bytesOut) * 8) / 1000 / seconds;
    const level = grade({ rttMs, lossPercent });
    this.quality = { level, rttMs, lossPercent, inboundKbps, outboundKbps, framesDecoded, state: this.pc.connectionState };
    this.listener('quality', this.quality);
    this.adapt(level);
  }

  adapt(level) {
    if (level === 'poor') this.poorSamples += 1;
    else this.poorSamples = 0;
    if (this.poorSamples >= POOR_SAMPLES_BEFORE_AUDIO_ONLY && !this.audioOnly) {
      this.setAudioOnly(true, 'poor-network');
      return;
    }
    const maxBitrate = VIDEO_BITRATE[level];
    const sender = this.videoSender;
    if (!sender || !maxBitrate || this.appliedBitrate === maxBitrate) return;
    const parameters = sender.getParameters();
    if (!parameters.encodings?.length) return;
    parameters.encodings[0].maxBitrate = maxBitrate;
    this.appliedBitrate = maxBitrate;
    sender.setParameters(parameters).catch(() => { this.appliedBitrate = null; });
  }

  hangup() {
    if (this.ended) return;
    this.signal.request({ type: 'call.hangup', callId: this.callId, reason: 'completed' }).catch(() => {});
    this.finish('completed', 'me');
  }

  finish(reason, by) {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.statsTimer);
    this.unsubscribe.forEach((off) => off());
    this.pc?.close();
    this.localStream?.getTracks().forEach((track) => track.stop());
    this.listener('ended', { reason, by });
  }
}
