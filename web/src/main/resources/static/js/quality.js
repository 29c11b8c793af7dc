// Network quality of a call, from WebRTC's getStats(): what this side receives (inbound) and what the peer receives
// from it (outbound, as the peer's RTCP reports it), each graded with an E-model estimate of the mean opinion score,
// plus whether media flows at all and the bandwidth the sender may use. Pure logic: call.js feeds it reports.

export const SAMPLE_PERIOD_MS = 500;
/**
 * Rates and loss are measured over this much recent time: a second (50 audio packets) follows a changing link closely;
 * decisions that need steadier figures average them over time (MediaPolicy).
 */
const WINDOW_MS = 1000;
/** No packet at all for this long, after media flowed: the call is interrupted. */
export const INTERRUPTED_AFTER_MS = 2000;
/**
 * The peer's reports on what it receives from us come with RTCP, for audio only every few seconds: past this age
 * they describe a link that may no longer exist (an EDGE link that has since turned into 4G), and are left out.
 */
const REMOTE_REPORT_STALE_MS = 2500;
/** The peer tells how it receives us every couple of seconds (call.quality); older than this, its word is stale. */
export const PEER_REPORT_PERIOD_MS = 2000;
const PEER_REPORT_FRESH_MS = 3500;
// ITU-T G.107's bands: from 3.8 most users are satisfied; below 3.1 nearly all are dissatisfied.
const GOOD_MOS = 3.8;
const FAIR_MOS = 3.1;

/**
 * Mean opinion score (1-5) of the E-model's simplified form, as Twilio and LiveKit use it: latency counts half the
 * round trip plus twice the jitter, each percent of loss costs 2.5 points of the R factor.
 */
export function mosEstimate({ rttMs, jitterMs, lossPercent }) {
  if (rttMs === null && jitterMs === null && lossPercent === null) return null;
  const latency = (rttMs ?? 0) / 2 + 2 * (jitterMs ?? 0) + 10;
  let r = latency < 160 ? 93.2 - latency / 40 : 93.2 - (latency - 120) / 10;
  r -= 2.5 * (lossPercent ?? 0);
  r = Math.min(100, Math.max(0, r));
  return 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r);
}

export function gradeMos(mos) {
  if (mos === null || mos === undefined) return 'unknown';
  if (mos >= GOOD_MOS) return 'good';
  if (mos >= FAIR_MOS) return 'fair';
  return 'poor';
}

const RANK = { unknown: 0, good: 1, fair: 2, poor: 3 };
function worse(a, b) {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The figures we use from one getStats() report, summed over streams of a kind. */
export function readReport(report, time = performance.now()) {
  const s = {
    time,
    rttMs: null,
    availableOutgoingKbps: null,
    path: null,
    in: { audioPackets: 0, audioLost: 0, audioJitterMs: null, concealed: 0, samples: 0, videoPackets: 0, framesDecoded: 0, bytes: 0, lastPacketAgeMs: null },
    out: { audioPackets: 0, videoPackets: 0, videoBytes: 0, videoFrames: 0, bytes: 0, limitation: null, remoteLossPercent: null, remoteJitterMs: null, remoteRttMs: null },
  };
  const byId = new Map();
  let selectedPairId = null;
  report.forEach((stat) => {
    byId.set(stat.id, stat);
    if (stat.type === 'transport' && stat.selectedCandidatePairId) selectedPairId = stat.selectedCandidatePairId;
  });
  let pair = selectedPairId ? byId.get(selectedPairId) : null;
  if (!pair) {
    report.forEach((stat) => { if (stat.type === 'candidate-pair' && stat.nominated && stat.state === 'succeeded') pair = stat; });
  }
  if (pair) {
    if (pair.currentRoundTripTime !== undefined) s.rttMs = pair.currentRoundTripTime * 1000;
    if (pair.availableOutgoingBitrate !== undefined) s.availableOutgoingKbps = pair.availableOutgoingBitrate / 1000;
    const local = byId.get(pair.localCandidateId);
    const remote = byId.get(pair.remoteCandidateId);
    s.path = {
      local: local?.candidateType ?? null,
      remote: remote?.candidateType ?? null,
      protocol: local?.protocol ?? null,
      relayProtocol: local?.relayProtocol ?? null,
    };
  }
  report.forEach((stat) => {
    if (stat.type === 'inbound-rtp') {
      s.in.bytes += stat.bytesReceived || 0;
      if (stat.lastPacketReceivedTimestamp) {
        const age = Math.max(0, stat.timestamp - stat.lastPacketReceivedTimestamp);
        s.in.lastPacketAgeMs = Math.min(s.in.lastPacketAgeMs ?? age, age);
      }
      if (stat.kind === 'audio') {
        s.in.audioPackets += stat.packetsReceived || 0;
        s.in.audioLost += stat.packetsLost || 0;
        s.in.concealed += stat.concealedSamples || 0;
        s.in.samples += stat.totalSamplesReceived || 0;
        if (stat.jitter !== undefined) s.in.audioJitterMs = Math.max(s.in.audioJitterMs ?? 0, stat.jitter * 1000);
      } else if (stat.kind === 'video') {
        s.in.videoPackets += stat.packetsReceived || 0;
        s.in.framesDecoded += stat.framesDecoded || 0;
      }
    } else if (stat.type === 'outbound-rtp') {
      s.out.bytes += stat.bytesSent || 0;
      if (stat.kind === 'audio') {
        s.out.audioPackets += stat.packetsSent || 0;
      } else if (stat.kind === 'video') {
        s.out.videoPackets += stat.packetsSent || 0;
        s.out.videoBytes += stat.bytesSent || 0;
        s.out.videoFrames += stat.framesEncoded || 0;
        if (stat.qualityLimitationReason) s.out.limitation = stat.qualityLimitationReason;
      }
    } else if (stat.type === 'remote-inbound-rtp' && stat.kind === 'audio') {
      if (stat.fractionLost !== undefined) s.out.remoteLossPercent = Math.max(0, stat.fractionLost * 100);
      if (stat.jitter !== undefined) s.out.remoteJitterMs = stat.jitter * 1000;
      if (stat.roundTripTime !== undefined) s.out.remoteRttMs = stat.roundTripTime * 1000;
    }
  });
  return s;
}

/**
 * Turns successive snapshots into what the users see: a level (connecting, good, fair, poor, interrupted) and the
 * figures of each direction, over the last couple of seconds.
 */
export class QualityMeter {
  constructor() {
    this.history = [];
    this.lastInboundAt = null;
    this.everConnected = false;
    this.remoteReport = null;
    this.remoteReportAt = null;
    this.peerReport = null;
  }

  /** What the peer says of its reception (a call.quality message): fresher than RTCP, it grades our sending. */
  heardFromPeer(report, time = performance.now()) {
    this.peerReport = { ...report, time };
  }

  add(snapshot, connectionState) {
    if (connectionState === 'connected') this.everConnected = true;
    const previous = this.history[this.history.length - 1];
    const packets = snapshot.in.audioPackets + snapshot.in.videoPackets;
    if (previous && packets > previous.in.audioPackets + previous.in.videoPackets) this.lastInboundAt = snapshot.time;
    else if (!previous && packets > 0) this.lastInboundAt = snapshot.time;
    const report = `${snapshot.out.remoteLossPercent}|${snapshot.out.remoteJitterMs}|${snapshot.out.remoteRttMs}`;
    if (report !== this.remoteReport) {
      this.remoteReport = report;
      this.remoteReportAt = snapshot.time;
    }
    this.history.push(snapshot);
    while (this.history.length > 2 && snapshot.time - this.history[1].time >= WINDOW_MS) this.history.shift();
    return this.measure(snapshot, connectionState);
  }

  measure(now, connectionState) {
    const first = this.history[0];
    const seconds = (now.time - first.time) / 1000;
    const rttMs = now.rttMs ?? now.out.remoteRttMs;
    // The stream's own record of its last packet is exact; counting packets between samples is the fallback.
    const silentMs = this.lastInboundAt === null ? null : now.in.lastPacketAgeMs ?? now.time - this.lastInboundAt;
    const inbound = { grade: 'unknown', mos: null, lossPercent: null, jitterMs: now.in.audioJitterMs, audioPacketsPerSecond: null, concealmentPercent: null, videoFps: null, kbps: null };
    const fresh = this.remoteReportAt !== null && now.time - this.remoteReportAt <= REMOTE_REPORT_STALE_MS;
    const outbound = {
      grade: 'unknown',
      mos: null,
      lossPercent: fresh ? now.out.remoteLossPercent : null,
      jitterMs: fresh ? now.out.remoteJitterMs : null,
      availableKbps: now.availableOutgoingKbps,
      limitation: now.out.limitation,
      kbps: null,
      videoKbps: null,
    };
    if (seconds > 0) {
      const received = Math.max(0, now.in.audioPackets - first.in.audioPackets);
      const lost = Math.max(0, now.in.audioLost - first.in.audioLost);
      inbound.lossPercent = received + lost > 0 ? (100 * lost) / (received + lost) : null;
      inbound.audioPacketsPerSecond = received / seconds;
      const samples = now.in.samples - first.in.samples;
      inbound.concealmentPercent = samples > 0 ? (100 * Math.max(0, now.in.concealed - first.in.concealed)) / samples : null;
      inbound.videoFps = Math.max(0, now.in.framesDecoded - first.in.framesDecoded) / seconds;
      inbound.kbps = (Math.max(0, now.in.bytes - first.in.bytes) * 8) / 1000 / seconds;
      outbound.kbps = (Math.max(0, now.out.bytes - first.out.bytes) * 8) / 1000 / seconds;
      outbound.videoKbps = (Math.max(0, now.out.videoBytes - first.out.videoBytes) * 8) / 1000 / seconds;
    }
    inbound.mos = this.everConnected ? mosEstimate({ rttMs, jitterMs: inbound.jitterMs, lossPercent: inbound.lossPercent }) : null;
    outbound.mos = this.everConnected && (outbound.lossPercent !== null || outbound.jitterMs !== null)
      ? mosEstimate({ rttMs, jitterMs: outbound.jitterMs, lossPercent: outbound.lossPercent }) : null;
    inbound.grade = gradeMos(inbound.mos);
    outbound.grade = gradeMos(outbound.mos);
    const peer = this.peerReport && now.time - this.peerReport.time <= PEER_REPORT_FRESH_MS ? this.peerReport : null;
    if (peer && this.everConnected) {
      outbound.lossPercent = peer.lossPercent ?? null;
      outbound.jitterMs = peer.jitterMs ?? null;
      outbound.mos = peer.mos ?? null;
      outbound.grade = peer.grade === 'interrupted' ? 'poor' : peer.grade;
      outbound.fromPeer = true;
    }

    let level;
    const dropped = connectionState === 'disconnected' || connectionState === 'failed';
    if (!this.everConnected) level = 'connecting';
    else if (dropped || (silentMs !== null && silentMs >= INTERRUPTED_AFTER_MS) || (silentMs === null && connectionState !== 'connected')) level = 'interrupted';
    else level = worse(inbound.grade, outbound.grade) === 'unknown' ? 'good' : worse(inbound.grade, outbound.grade);
    return { level, state: connectionState, rttMs, silentMs, inbound, outbound, path: now.path };
  }
}

/** Below this estimated sending bandwidth video is not worth it: audio keeps the call going. */
export const MIN_VIDEO_KBPS = 120;
const BANDWIDTH_SHORT_FOR_MS = 1000;
const POOR_FOR_MS = 1500;
/** A link this bad (a saturated bottleneck losing a large share of packets) is not worth waiting on. */
const VERY_POOR_MOS = 2.6;
const VERY_POOR_FOR_MS = 1000;
/** Right after video comes back the estimate needs a moment to climb from what audio alone used. */
const BANDWIDTH_SHORT_ON_PROBATION_FOR_MS = 3000;
/**
 * Video comes back once the loss, averaged over the clean stretch, is under this (rural 3G loses about 2 %, EDGE 5 %);
 * a second losing more than SPIKE_LOSS_PERCENT, or a poor one, starts the stretch again.
 */
const CLEAN_LOSS_PERCENT = 3;
const SPIKE_LOSS_PERCENT = 10;
const MIN_SAMPLES_FOR_AVERAGE = 4;
const FIRST_RECOVERY_WAIT_MS = 12000;
const MAX_RECOVERY_WAIT_MS = 120000;
const PROBATION_MS = 10000;
/**
 * This long before video may come back, the video streams are negotiated back onto the connection (still paused), so
 * that at the moment itself resuming them is a local switch, not a round trip over the network.
 */
const PREPARE_AHEAD_MS = 3000;
const TIER_DOWN_AFTER_MS = 1000;
const TIER_UP_AFTER_MS = 4000;

/** How video is sent for the bandwidth at hand: full, halved resolution at 15 fps, or a quarter of it at 10 fps. */
export const VIDEO_TIERS = {
  high: { scaleResolutionDownBy: 1, maxFramerate: 24, maxBitrate: 800000 },
  medium: { scaleResolutionDownBy: 2, maxFramerate: 15, maxBitrate: 300000 },
  low: { scaleResolutionDownBy: 2, maxFramerate: 10, maxBitrate: 150000 },
};

function tierFor(availableKbps) {
  if (availableKbps === null || availableKbps >= 600) return 'high';
  if (availableKbps >= 300) return 'medium';
  return 'low';
}

/**
 * A satellite hop's 600 ms are there with or without video: whether video is what hurts the link is judged on its
 * loss and jitter, with the round trip counted up to this much.
 */
const DELAY_VIDEO_DOES_NOT_ADD_MS = 300;

/** The worse of the two directions' MOS with the round trip capped: what the link does, not how far it reaches. */
function linkMos(quality) {
  const rttMs = Math.min(quality.rttMs ?? 0, DELAY_VIDEO_DOES_NOT_ADD_MS);
  const scores = [quality.inbound, quality.outbound]
    .map((d) => mosEstimate({ rttMs, jitterMs: d.jitterMs ?? null, lossPercent: d.lossPercent ?? null }))
    .filter((mos) => mos !== null);
  return scores.length ? Math.min(...scores) : null;
}

/**
 * When to drop to audio only, when to bring video back, and how to send video meanwhile. Audio only when the
 * bandwidth estimate cannot carry video for a second, or the link is poor (by its loss and jitter) for a second and a
 * half (very poor for one); video back after the link has been clean (under 3 % lost on average, no poor second) for
 * 12 s (then 24, 48… if it had to drop again within 10 s), never over a user's own choice.
 */
export class MediaPolicy {
  constructor() {
    this.shortSince = null;
    this.poorSince = null;
    this.veryPoorSince = null;
    this.goodSince = null;
    this.recoveryWaitMs = FIRST_RECOVERY_WAIT_MS;
    this.probationUntil = null;
    this.tier = 'high';
    this.tierCandidate = null;
    this.tierCandidateSince = null;
    this.prepared = false;
  }

  /** Video came back (the peer's decision or ours): watch it closely for a while, and restart it gently. */
  videoRestored(now = performance.now()) {
    this.prepared = false;
    this.goodSince = null;
    this.shortSince = null;
    this.poorSince = null;
    this.veryPoorSince = null;
    this.probationUntil = now + PROBATION_MS;
    this.tier = 'low';
    this.tierCandidate = null;
  }

  /**
   * quality: from QualityMeter; state: {audioOnly, automatic (audio only was the network's doing), videoSent}.
   * Returns {audioOnly?: boolean, tier?: string, prepareVideo?: boolean} for what should change now.
   */
  decide(quality, { audioOnly, automatic, videoSent }, now = performance.now()) {
    const decision = {};
    if (quality.level === 'connecting' || quality.level === 'interrupted') {
      this.shortSince = null;
      this.poorSince = null;
      this.veryPoorSince = null;
      this.goodSince = null;
      this.unprepare(decision);
      return decision;
    }
    const available = quality.outbound.availableKbps;
    const short = videoSent && available !== null && available < MIN_VIDEO_KBPS;
    this.shortSince = short ? this.shortSince ?? now : null;
    const mos = linkMos(quality);
    const poor = mos !== null && mos < FAIR_MOS;
    this.poorSince = poor ? this.poorSince ?? now : null;
    const veryPoor = mos !== null && mos < VERY_POOR_MOS;
    this.veryPoorSince = veryPoor ? this.veryPoorSince ?? now : null;
    // Long but clean links (satellite) are fair at best because of their delay, which video does not worsen: what
    // matters for bringing video back is that little is lost and the link is not poor.
    const loss = Math.max(quality.inbound.lossPercent ?? 0, quality.outbound.lossPercent ?? 0);
    if (!poor && loss < SPIKE_LOSS_PERCENT) {
      if (this.goodSince === null) {
        this.goodSince = now;
        this.cleanLossSum = 0;
        this.cleanSamples = 0;
      }
      this.cleanLossSum += loss;
      this.cleanSamples += 1;
      // A stretch that loses too much on average (a steady EDGE link) is no clean stretch: it starts again.
      if (this.cleanSamples >= MIN_SAMPLES_FOR_AVERAGE && this.cleanLossSum / this.cleanSamples >= CLEAN_LOSS_PERCENT) {
        this.goodSince = now;
        this.cleanLossSum = 0;
        this.cleanSamples = 0;
      }
    } else {
      this.goodSince = null;
    }
    const clean = this.goodSince !== null && this.cleanSamples > 0
      && this.cleanLossSum / this.cleanSamples < CLEAN_LOSS_PERCENT;

    if (!audioOnly) {
      const onProbation = this.probationUntil !== null && now < this.probationUntil;
      const shortFor = onProbation ? BANDWIDTH_SHORT_ON_PROBATION_FOR_MS : BANDWIDTH_SHORT_FOR_MS;
      const shortTooLong = this.shortSince !== null && now - this.shortSince >= shortFor;
      const poorTooLong = (this.poorSince !== null && now - this.poorSince >= POOR_FOR_MS)
        || (this.veryPoorSince !== null && now - this.veryPoorSince >= VERY_POOR_FOR_MS);
      if (shortTooLong || poorTooLong) {
        if (onProbation) {
          this.recoveryWaitMs = Math.min(MAX_RECOVERY_WAIT_MS, this.recoveryWaitMs * 2);
        }
        this.probationUntil = null;
        this.goodSince = null;
        decision.audioOnly = true;
        return decision;
      }
      if (this.probationUntil !== null && now >= this.probationUntil) {
        this.probationUntil = null;
        this.recoveryWaitMs = FIRST_RECOVERY_WAIT_MS;
      }
      const wanted = tierFor(available);
      if (wanted !== this.tier) {
        if (this.tierCandidate !== wanted) {
          this.tierCandidate = wanted;
          this.tierCandidateSince = now;
        }
        const down = RANK_TIER[wanted] > RANK_TIER[this.tier];
        if (now - this.tierCandidateSince >= (down ? TIER_DOWN_AFTER_MS : TIER_UP_AFTER_MS)) {
          this.tier = wanted;
          this.tierCandidate = null;
          decision.tier = wanted;
        }
      } else {
        this.tierCandidate = null;
      }
    } else if (automatic && clean && now - this.goodSince >= this.recoveryWaitMs) {
      // Video restarts gently; the bandwidth estimate then lifts it.
      this.videoRestored(now);
      decision.tier = 'low';
      decision.audioOnly = false;
    } else if (automatic && clean && now - this.goodSince >= this.recoveryWaitMs - PREPARE_AHEAD_MS) {
      if (!this.prepared) {
        this.prepared = true;
        decision.prepareVideo = true;
      }
    } else {
      this.unprepare(decision);
    }
    return decision;
  }

  unprepare(decision) {
    if (this.prepared) {
      this.prepared = false;
      decision.prepareVideo = false;
    }
  }
}

const RANK_TIER = { high: 0, medium: 1, low: 2 };
