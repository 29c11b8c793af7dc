// One peer-to-peer WebRTC call over the signalling relay: media, trickle ICE, ICE restart, network quality from
// getStats, and adaptation to the link: Opus with FEC and DTX, video scaled to the bandwidth, audio only when video
// does not fit (the video stream really stops) and video back once the link has been good for a while.
import { QualityMeter, MediaPolicy, readReport, SAMPLE_PERIOD_MS, PEER_REPORT_PERIOD_MS, VIDEO_TIERS } from './quality.js';
import { api } from './session.js';
import { logFailure } from './failure.js';

/** ICE that has not connected by then will not: try the TURN relay, or tell the users. */
export const CONNECT_TIMEOUT_MS = 10000;
/** Interrupted this long: check that the signalling link is still alive rather than wait for its heartbeat. */
const PROBE_SIGNAL_AFTER_MS = 3000;
const SIGNAL_PROBE_TIMEOUT_MS = 4000;
/**
 * Opus on a poor link: still clear wideband speech, and with the packets' own headers (about 25 kbit/s at 50
 * packets a second) it stays under 40 kbit/s, which EDGE carries with room to spare.
 */
const POOR_LINK_AUDIO_BITRATE = 12000;
/**
 * TURN credentials expire (an hour at most), and coturn checks them again whenever a relay allocation is refreshed:
 * this long before they do, a call fetches fresh ones (the answerer a minute before the offerer, so that both are
 * ready when the offerer restarts ICE through the relay with them).
 */
const CREDENTIAL_REFRESH_LEAD_MS = 5 * 60 * 1000;
const MIN_CREDENTIAL_REFRESH_DELAY_MS = 60 * 1000;

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

/**
 * Asks the peer to send us Opus with in-band forward error correction (a lost packet is rebuilt from the next) and
 * discontinuous transmission (silence costs almost nothing): our description's Opus format line says how we receive.
 */
export function withResilientOpus(sdp) {
  const rtpmap = /^a=rtpmap:(\d+) opus\/48000\/2\r?$/m.exec(sdp);
  if (!rtpmap) return sdp;
  const fmtp = new RegExp(`^(a=fmtp:${rtpmap[1]} )(.*?)(\\r?)$`, 'm');
  if (!fmtp.test(sdp)) return sdp;
  return sdp.replace(fmtp, (line, head, params, cr) => {
    const list = params.split(';').filter((p) => p && !/^(useinbandfec|usedtx)=/.test(p));
    return `${head}${[...list, 'useinbandfec=1', 'usedtx=1'].join(';')}${cr}`;
  });
}

export class CallSession {
  /**
   * accepted: the call.accepted message; signal: SignalClient; view: {local, remote} video elements;
   * listener(event, detail) gets 'state', 'quality', 'peer', 'media', 'path', 'blocked', 'ended'.
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
    /** Why we are audio only: 'user' (our user), 'peer-user' (theirs), 'poor-network' (either side's measurement). */
    this.audioOnlyReason = null;
    this.muted = false;
    this.cameraOff = false;
    this.meter = new QualityMeter();
    this.policy = new MediaPolicy();
    this.tier = 'high';
    this.quality = { level: 'connecting', inbound: {}, outbound: {}, rttMs: null };
    this.relayTried = false;
    this.blocked = false;
    this.interruptedSince = null;
    this.probed = false;
    this.parameterChain = Promise.resolve();
    /** Wall-clock times (ms) of what happened to the call, for the record and for tests. */
    this.timeline = { startedAt: Date.now(), connectedAt: null, audioOnlyAt: null, videoBackAt: null, interruptedAt: null, restoredAt: null };
    /** The last minutes of what the link looked like, one line a second: for support staff (tabibDiagnostics.call.recent). */
    this.recent = [];
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
    this.audioSender = this.pc.getSenders().find((s) => s.track?.kind === 'audio') || null;
    this.videoSender = this.pc.getSenders().find((s) => s.track?.kind === 'video') || null;
    if (!this.videoSender) this.pc.addTransceiver('video', { direction: 'recvonly' });
    this.videoTransceiver = this.pc.getTransceivers().find((t) => t.receiver.track.kind === 'video');
    this.pc.ontrack = (event) => {
      if (!this.remoteStream.getTracks().includes(event.track)) this.remoteStream.addTrack(event.track);
    };
    this.pc.onicecandidate = (event) => {
      this.relay('ice.candidate', { candidate: event.candidate ? event.candidate.toJSON() : null });
    };
    this.pc.onconnectionstatechange = () => this.onConnectionState(this.pc.connectionState);
    this.on('sdp.offer', (msg) => this.onOffer(msg));
    this.on('sdp.answer', (msg) => this.onAnswer(msg));
    this.on('ice.candidate', (msg) => this.onCandidate(msg));
    this.on('ice.restart', () => this.restartIce());
    this.on('call.media', (msg) => this.onPeerMedia(msg));
    this.on('call.quality', (msg) => this.meter.heardFromPeer(msg));
    this.on('peer.reconnecting', () => this.listener('peer', 'reconnecting'));
    this.on('peer.back', () => this.listener('peer', 'back'));
    this.on('call.ended', (msg) => this.finish(msg.reason, msg.by));
    this.unsubscribe.push(this.signal.on('session.lost', () => this.finish('peer-lost')));
    this.unsubscribe.push(this.signal.on('session.resumed', () => {
      if (this.pc.connectionState !== 'connected') this.restartIce();
    }));
    this.statsTimer = setInterval(() => this.sample().catch(logFailure('sampling call statistics')), SAMPLE_PERIOD_MS);
    this.signal.setInCall?.(true);
    this.armConnectTimer();
    this.scheduleCredentialRefresh();
    if (this.offerer) await this.makeOffer(false);
  }

  on(type, fn) {
    this.unsubscribe.push(this.signal.on(type, (msg) => { if (msg.callId === this.callId && !this.ended) fn(msg); }));
  }

  relay(type, body) {
    if (!this.ended) this.signal.send({ type, callId: this.callId, ...body });
  }

  onConnectionState(state) {
    this.listener('state', state);
    if (state === 'connected') {
      clearTimeout(this.connectTimer);
      if (this.timeline.connectedAt === null) {
        this.timeline.connectedAt = Date.now();
        this.applyVideoSending();
        this.applyAudioBitrate();
      }
      if (this.blocked) {
        this.blocked = false;
        this.listener('blocked', null);
      }
    } else if (state === 'failed') {
      this.restartIce();
    }
  }

  async makeOffer(iceRestart) {
    // An offer still waiting for its answer may have been lost with a dead connection: start over.
    if (this.pc.signalingState === 'have-local-offer') await this.pc.setLocalDescription({ type: 'rollback' });
    this.videoTransceiver.direction = this.wantedVideoDirection();
    const offer = await this.pc.createOffer({ iceRestart });
    await this.pc.setLocalDescription({ type: 'offer', sdp: withResilientOpus(offer.sdp) });
    this.relay('sdp.offer', { sdp: this.pc.localDescription.sdp });
  }

  /** Only the offerer (the nurse) negotiates, so that both sides never offer at once. */
  restartIce() {
    if (this.ended || !this.offerer || !this.pc) return;
    const state = this.pc.signalingState;
    if (state !== 'stable' && state !== 'have-local-offer') return;
    this.makeOffer(true).catch(logFailure('restarting ICE'));
  }

  /**
   * Audio only takes the video streams off the connection (direction inactive, renegotiated): merely pausing them
   * leaves each sender answering the other side's retransmission requests for half a minute, which on EDGE is more
   * than the audio can bear.
   */
  wantedVideoDirection() {
    if (this.audioOnly && !this.videoPrepared) return 'inactive';
    return this.videoSender ? 'sendrecv' : 'recvonly';
  }

  /** The offerer renegotiates when the video direction must change; the answerer follows in its answer. */
  syncVideoDirection() {
    if (!this.offerer || this.ended || !this.pc || this.videoTransceiver.direction === this.wantedVideoDirection()) return;
    if (this.pc.signalingState !== 'stable') {
      this.negotiateAfterAnswer = true;
      return;
    }
    this.makeOffer(false).catch(logFailure('renegotiating the video direction'));
  }

  async onOffer(msg) {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
    await this.flushCandidates();
    // The offer decides whether video is on the connection; whether we send on it is our encodings' business.
    this.videoTransceiver.direction = this.videoSender ? 'sendrecv' : 'recvonly';
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription({ type: 'answer', sdp: withResilientOpus(answer.sdp) });
    this.relay('sdp.answer', { sdp: this.pc.localDescription.sdp });
    this.applyVideoSending();
    this.applyAudioBitrate();
  }

  async onAnswer(msg) {
    if (this.pc.signalingState !== 'have-local-offer') return;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
    await this.flushCandidates();
    this.applyVideoSending();
    this.applyAudioBitrate();
    if (this.negotiateAfterAnswer) {
      this.negotiateAfterAnswer = false;
      this.syncVideoDirection();
    }
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

  hasTurn() {
    return (this.media.iceServers || []).some((s) => [].concat(s.urls).some((u) => /^turns?:/.test(u)));
  }

  armConnectTimer() {
    clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => this.onConnectTimeout(), CONNECT_TIMEOUT_MS);
  }

  /** ICE did not connect in time: through the TURN relay if there is one (a firewall blocking UDP), else say so. */
  onConnectTimeout() {
    if (this.ended || this.pc.connectionState === 'connected') return;
    const policy = this.pc.getConfiguration().iceTransportPolicy;
    if (this.hasTurn() && policy !== 'relay' && !this.relayTried) {
      this.relayTried = true;
      this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceTransportPolicy: 'relay' });
      this.listener('path', 'relay');
      this.restartIce();
      this.armConnectTimer();
      return;
    }
    this.blocked = true;
    this.listener('blocked', { turn: this.hasTurn() });
  }

  /** The users' way out of a blocked call: audio only, over a fresh ICE negotiation. */
  retryAudioOnly() {
    this.blocked = false;
    this.listener('blocked', null);
    this.setAudioOnly(true, 'user', { negotiate: false });
    this.restartIce();
    this.armConnectTimer();
  }

  /** The earliest expiry of our TURN credentials (coturn's REST scheme: "<expiry-unix-seconds>:<user>"), or null. */
  credentialsExpireAt() {
    const expiries = (this.media.iceServers || [])
      .map((server) => /^(\d+):/.exec(server.username || ''))
      .filter(Boolean)
      .map((m) => Number(m[1]) * 1000);
    return expiries.length ? Math.min(...expiries) : null;
  }

  scheduleCredentialRefresh() {
    clearTimeout(this.credentialTimer);
    const expiresAt = this.credentialsExpireAt();
    if (expiresAt === null) return;
    const at = expiresAt - CREDENTIAL_REFRESH_LEAD_MS - (this.offerer ? 0 : 60 * 1000);
    this.credentialTimer = setTimeout(() => this.refreshCredentials(), Math.max(MIN_CREDENTIAL_REFRESH_DELAY_MS, at - Date.now()));
  }

  async refreshCredentials() {
    if (this.ended) return;
    try {
      const fresh = await api('GET', '/api/v1/video/ice-servers');
      if (this.ended) return;
      this.media = { ...this.media, iceServers: fresh.iceServers };
      this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers: fresh.iceServers });
      const path = this.quality.path;
      // An allocation made with the old credentials would be refused at its next refresh: make new ones now.
      if (path?.local === 'relay' || path?.remote === 'relay') this.restartIce();
      this.timeline.credentialsRefreshedAt = Date.now();
      this.scheduleCredentialRefresh();
    } catch {
      if (!this.ended) this.credentialTimer = setTimeout(() => this.refreshCredentials(), MIN_CREDENTIAL_REFRESH_DELAY_MS);
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

  /** Audio only for both directions: stops our video stream and asks the peer to stop theirs. */
  setAudioOnly(audioOnly, reason = 'user', { negotiate = true } = {}) {
    if (this.audioOnly === audioOnly) {
      // Pressing "audio only" during an automatic fallback makes it the user's choice: it then stays.
      if (audioOnly && reason === 'user' && this.audioOnlyReason !== 'user') {
        this.audioOnlyReason = 'user';
        this.relay('call.media', { audioOnly, reason });
        this.listener('media', { audioOnly, reason, fromPeer: false });
      }
      return;
    }
    this.audioOnly = audioOnly;
    this.audioOnlyReason = audioOnly ? reason : null;
    this.videoPrepared = false;
    if (audioOnly) this.timeline.audioOnlyAt = Date.now();
    else this.timeline.videoBackAt = Date.now();
    this.applyVideoSending();
    this.applyAudioBitrate();
    if (negotiate) this.syncVideoDirection();
    this.relay('call.media', { audioOnly, reason });
    this.listener('media', { audioOnly, reason, fromPeer: false });
  }

  onPeerMedia(msg) {
    const reason = msg.reason || 'user';
    if (msg.audioOnly) {
      const pinned = reason === 'user' ? 'peer-user' : 'poor-network';
      if (!this.audioOnly) {
        this.audioOnly = true;
        this.audioOnlyReason = pinned;
        this.videoPrepared = false;
        this.timeline.audioOnlyAt = Date.now();
      } else if (this.audioOnlyReason === 'poor-network') {
        this.audioOnlyReason = pinned;
      }
    } else {
      if (this.audioOnly && this.audioOnlyReason === 'user' && reason !== 'user') {
        // Our user chose audio only: the peer's link getting better does not overrule that.
        this.relay('call.media', { audioOnly: true, reason: 'user' });
        return;
      }
      if (this.audioOnly) {
        this.audioOnly = false;
        this.audioOnlyReason = null;
        this.timeline.videoBackAt = Date.now();
        this.tier = 'low';
        this.policy.videoRestored();
      }
    }
    this.applyVideoSending();
    this.applyAudioBitrate();
    // A peer still trying to get through (audio-only retry of a blocked call) is answered with a new negotiation.
    if (this.timeline.connectedAt === null) {
      this.restartIce();
      this.armConnectTimer();
    } else {
      this.syncVideoDirection();
    }
    this.listener('media', { audioOnly: this.audioOnly, reason, fromPeer: true });
  }

  /** Whether our video stream is on the wire. */
  videoSent() {
    return Boolean(this.videoSender?.track) && !this.audioOnly && !this.cameraOff;
  }

  applyVideoSending() {
    const track = this.localStream?.getVideoTracks()[0];
    if (!track || !this.videoSender) return;
    track.enabled = !this.cameraOff;
    const active = this.videoSent();
    const tier = VIDEO_TIERS[this.tier];
    this.updateParameters(this.videoSender, (parameters) => {
      parameters.encodings.forEach((encoding) => {
        // Inactive, the stream sends nothing at all, retransmissions included: that is what relieves a thin link.
        encoding.active = active;
        encoding.maxBitrate = tier.maxBitrate;
        encoding.maxFramerate = tier.maxFramerate;
        encoding.scaleResolutionDownBy = tier.scaleResolutionDownBy;
      });
      parameters.degradationPreference = 'balanced';
    });
  }

  applyAudioBitrate() {
    if (!this.audioSender) return;
    const poor = (this.audioOnly && this.audioOnlyReason === 'poor-network') || this.quality.level === 'poor';
    const maxBitrate = poor ? POOR_LINK_AUDIO_BITRATE : undefined;
    if (this.appliedAudioBitrate === maxBitrate) return;
    this.appliedAudioBitrate = maxBitrate;
    this.updateParameters(this.audioSender, (parameters) => {
      parameters.encodings.forEach((encoding) => {
        if (maxBitrate) encoding.maxBitrate = maxBitrate;
        else delete encoding.maxBitrate;
      });
    });
  }

  /** setParameters calls one after the other: each must start from the parameters the previous one left. */
  updateParameters(sender, change) {
    this.parameterChain = this.parameterChain.then(async () => {
      const parameters = sender.getParameters();
      if (!parameters.encodings?.length) return;
      change(parameters);
      try {
        await sender.setParameters(parameters);
      } catch {
        if (!('degradationPreference' in parameters)) return;
        delete parameters.degradationPreference;
        await sender.setParameters(parameters).catch(logFailure('setting encoding parameters'));
      }
    });
  }

  async sample() {
    if (!this.pc || this.ended) return;
    const report = await this.pc.getStats();
    if (this.ended) return;
    const quality = this.meter.add(readReport(report), this.pc.connectionState);
    quality.audioOnly = this.audioOnly;
    quality.audioOnlyReason = this.audioOnlyReason;
    this.quality = quality;
    this.watchInterruption(quality);
    this.tellPeer(quality);
    this.remember(quality);
    this.listener('quality', quality);
    const decision = this.policy.decide(quality, {
      audioOnly: this.audioOnly,
      automatic: this.audioOnlyReason === 'poor-network',
      videoSent: this.videoSent(),
    });
    if (decision.tier && decision.tier !== this.tier) {
      this.tier = decision.tier;
      this.applyVideoSending();
    }
    if (decision.prepareVideo !== undefined) {
      this.videoPrepared = decision.prepareVideo;
      this.syncVideoDirection();
    }
    if (decision.audioOnly === true) this.setAudioOnly(true, 'poor-network');
    else if (decision.audioOnly === false) this.setAudioOnly(false, 'network-recovered');
    this.applyAudioBitrate();
  }

  /** Every couple of seconds, how we receive the peer: it grades its sending on that rather than on late RTCP. */
  tellPeer(quality) {
    const now = Date.now();
    if (quality.level === 'connecting' || !this.signal.ready) return;
    if (this.toldPeerAt && now - this.toldPeerAt < PEER_REPORT_PERIOD_MS) return;
    this.toldPeerAt = now;
    const round = (value, digits) => (value === null || value === undefined ? undefined : Number(value.toFixed(digits)));
    this.relay('call.quality', {
      grade: quality.level === 'interrupted' ? 'interrupted' : quality.inbound.grade,
      lossPercent: round(quality.inbound.lossPercent, 1),
      mos: round(quality.inbound.mos === null ? null : Math.min(5, Math.max(1, quality.inbound.mos)), 2),
      jitterMs: round(quality.inbound.jitterMs, 0),
    });
  }

  remember(quality) {
    const now = Date.now();
    if (this.recent.length && now - this.recent[this.recent.length - 1].at < 1000) return;
    const fixed = (value) => (value === null || value === undefined ? null : Number(value.toFixed(1)));
    this.recent.push({
      at: now, level: quality.level, rttMs: fixed(quality.rttMs), inLoss: fixed(quality.inbound.lossPercent),
      outLoss: fixed(quality.outbound.lossPercent), inMos: fixed(quality.inbound.mos), outMos: fixed(quality.outbound.mos),
      availableKbps: fixed(quality.outbound.availableKbps), audioOnly: this.audioOnly, cleanSince: this.policy.goodSince !== null, videoPrepared: this.policy.prepared,
    });
    if (this.recent.length > 180) this.recent.shift();
  }

  watchInterruption(quality) {
    const now = Date.now();
    if (quality.level === 'interrupted') {
      if (this.interruptedSince === null) {
        this.interruptedSince = now;
        this.timeline.interruptedAt = now;
        this.probed = false;
      }
      // The link that carries media may have taken the signalling connection with it: find out now, not in a minute.
      if (!this.probed && now - this.interruptedSince >= PROBE_SIGNAL_AFTER_MS) {
        this.probed = true;
        this.signal.probe?.(SIGNAL_PROBE_TIMEOUT_MS);
      }
    } else if (this.interruptedSince !== null && quality.level !== 'connecting') {
      this.interruptedSince = null;
      this.timeline.restoredAt = now;
    }
  }

  hangup() {
    if (this.ended) return;
    this.signal.request({ type: 'call.hangup', callId: this.callId, reason: 'completed' }).catch(logFailure('hanging up'));
    this.finish('completed', 'me');
  }

  finish(reason, by) {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.statsTimer);
    clearTimeout(this.connectTimer);
    clearTimeout(this.credentialTimer);
    this.unsubscribe.forEach((off) => off());
    this.signal.setInCall?.(false);
    this.pc?.close();
    this.localStream?.getTracks().forEach((track) => track.stop());
    this.listener('ended', { reason, by });
  }
}
