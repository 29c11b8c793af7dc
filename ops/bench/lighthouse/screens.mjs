// Lighthouse (mobile preset: simulated slow 4G and a 4x slower CPU) on the sign-in screen and on the nurse's screen,
// signed in as nurse1, in Debian's Chromium. Prints one JSON line per screen and run with the four category scores,
// the cumulative layout shift, the largest contentful paint and the total blocking time, then one line of medians per
// screen.
//
//   node screens.mjs <base-url> <runs>
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const [base = 'http://127.0.0.1:8080', runsArg = '5'] = process.argv.slice(2);
const runs = Number(runsArg);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

async function withBrowser(work) {
  const profile = mkdtempSync(join(tmpdir(), 'tabib-lighthouse-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`],
  });
  try {
    return await work(browser);
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function signIn(page, username) {
  await page.goto(`${base}/`, { waitUntil: 'networkidle0' });
  await page.type('#login-form input[name=username]', username);
  await page.type('#login-form input[name=password]', 'demo1234');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#urgent button.specialty', { timeout: 30000 });
}

function summary(screen, lhr) {
  const score = (id) => Math.round(lhr.categories[id].score * 100);
  return {
    screen,
    performance: score('performance'),
    accessibility: score('accessibility'),
    bestPractices: score('best-practices'),
    seo: score('seo'),
    cumulativeLayoutShift: Number(lhr.audits['cumulative-layout-shift'].numericValue.toFixed(3)),
    largestContentfulPaintMs: Math.round(lhr.audits['largest-contentful-paint'].numericValue),
    totalBlockingTimeMs: Math.round(lhr.audits['total-blocking-time'].numericValue),
    failing: Object.values(lhr.categories).flatMap((c) => c.auditRefs)
      .map((ref) => lhr.audits[ref.id])
      .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative'
        && a.scoreDisplayMode !== 'manual' && a.scoreDisplayMode !== 'notApplicable')
      .map((a) => a.id),
  };
}

const results = { 'sign-in': [], nurse: [] };

for (let run = 1; run <= runs; run++) {
  const signInScreen = await withBrowser(async (browser) => {
    const page = await browser.newPage();
    const { lhr } = await lighthouse(`${base}/`, { logLevel: 'error', output: 'json' }, undefined, page);
    return summary('sign-in', lhr);
  });
  results['sign-in'].push(signInScreen);
  console.log(JSON.stringify({ run, ...signInScreen }));

  const nurseScreen = await withBrowser(async (browser) => {
    const page = await browser.newPage();
    await signIn(page, 'nurse1');
    // The session stays: the audit reloads the signed-in nurse's screen (its files then come from the HTTP cache and
    // the service worker, as on the tablet every day after the first).
    const { lhr } = await lighthouse(`${base}/`, { logLevel: 'error', output: 'json', disableStorageReset: true },
      undefined, page);
    return summary('nurse', lhr);
  });
  results.nurse.push(nurseScreen);
  console.log(JSON.stringify({ run, ...nurseScreen }));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

for (const [screen, list] of Object.entries(results)) {
  const medians = { screen, runs: list.length };
  for (const key of ['performance', 'accessibility', 'bestPractices', 'seo', 'cumulativeLayoutShift',
    'largestContentfulPaintMs', 'totalBlockingTimeMs']) {
    medians[key] = median(list.map((r) => r[key]));
  }
  medians.failingInAnyRun = [...new Set(list.flatMap((r) => r.failing))].sort();
  console.log(JSON.stringify({ median: medians }));
}
