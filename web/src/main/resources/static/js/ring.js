// Ring tone synthesised with Web Audio (no sound file to download). The context must be
// created from a user gesture, so the screen calls unlock() from the availability toggle.
let context = null;
let timer = null;

export function unlock() {
  if (!context) context = new AudioContext();
  if (context.state === 'suspended') context.resume();
}

function beep() {
  if (!context) return;
  const now = context.currentTime;
  [0, 0.35].forEach((offset) => {
    const osc = context.createOscillator();
    const gain = context.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, now + offset);
    gain.gain.exponentialRampToValueAtTime(0.3, now + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.3);
    osc.connect(gain).connect(context.destination);
    osc.start(now + offset);
    osc.stop(now + offset + 0.32);
  });
}

export function startRinging() {
  stopRinging();
  beep();
  timer = setInterval(beep, 2000);
}

export function stopRinging() {
  clearInterval(timer);
  timer = null;
}
