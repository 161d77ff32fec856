// The browser build in a real browser: Debian's Chromium, headless, WebGL2
// through SwiftShader, driven with playwright-core.
//
//   node web/tools/browser-test.mjs --dist dist --native PATH/raw-weights --out SHOTS_DIR [--golden FILE]
//     [--native-bench FILE]
//
// Serves dist/, opens the page and checks that:
// - the game reports ready (a console line) and the screenshot is not blank;
// - no panic reaches the console;
// - a damaged progress entry in localStorage is set aside, not lost;
// - the brain's reference runs give the native `raw-weights train` checksums
//   (a run `train` cannot express, a climber switched halfway, against the
//   native `golden` example's lines in --golden);
// - the shipped replays (recorded natively) verify in the browser, with the
//   same summary line as `raw-weights replay --verify`;
// - a link opens a level with its settings; F7 puts the link in the address;
// - a replay recorded in the browser (F6, a download) verifies natively;
// - the canvas follows a resized window.
// It prints the time from page open to the first frame, the frame time
// while the climbing level trains, and the brain's training steps per second
// in the page (median and best of five rounds) beside native `raw-weights
// bench`'s median and best of five (in --native-bench, as .ci/run writes it).

import { chromium } from 'playwright-core';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const dist = path.resolve(arg('dist', 'dist'));
const native = path.resolve(arg('native', ''));
const out = path.resolve(arg('out', 'web-shots'));
const golden = arg('golden', '');
// `raw-weights bench` output from the same commit (its training line and checksum),
// and optionally a `best of N: R steps/s` line.
const nativeBench = arg('native-bench', '');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const chromiumPath = arg('chromium', '/usr/bin/chromium');
// SwiftShader draws on the CPU: the first frames take a while.
const READY_MS = Number(arg('timeout', '600')) * 1000;
mkdirSync(out, { recursive: true });

const failures = [];
const began = Date.now();
const elapsed = () => `${((Date.now() - began) / 1000).toFixed(0).padStart(4)}s`;
function check(ok, message) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${elapsed()} ${message}`);
  if (!ok) failures.push(message);
}

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function serve() {
  const port = await freePort();
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dist], {
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/index.html`)).ok) return { server, base };
    } catch (_) {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the file server did not start');
}

// Console lines, and a way to wait for one.
function watch(page, label) {
  const lines = [];
  const waiters = [];
  const take = (text) => {
    lines.push(text);
    if (/panicked|RuntimeError|unreachable/.test(text)) console.log(`[${label}] ${text}`);
    for (const w of waiters.slice()) {
      if (text.includes(w.needle)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(text);
      }
    }
  };
  page.on('console', (msg) => take(msg.text()));
  page.on('pageerror', (error) => take(`pageerror: ${error.message}`));
  return {
    lines,
    waitFor(needle, ms = READY_MS) {
      const seen = lines.find((l) => l.includes(needle));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        // The timer goes with the wait: a pending one would keep node running after the test.
        const timer = setTimeout(() => reject(new Error(`[${label}] no "${needle}" after ${ms / 1000}s`)), ms);
        const w = { needle, resolve: (text) => { clearTimeout(timer); resolve(text); } };
        waiters.push(w);
      });
    },
    panics() {
      return lines.filter((l) => /panicked|RuntimeError: unreachable/.test(l));
    },
  };
}

// Standard deviation of the grey levels: about 0 for a blank or uniform picture.
function spread(file) {
  return Number(execFileSync('convert', [file, '-colorspace', 'Gray', '-format', '%[fx:standard_deviation]', 'info:']).toString());
}

function nativeOut(args) {
  return execFileSync(native, args, { cwd: root }).toString();
}

// Frame times over `count` animation frames (the game draws in them).
function frameTimes(page, count) {
  return page.evaluate(
    (count) =>
      new Promise((resolve) => {
        const times = [];
        let last = performance.now();
        const tick = (now) => {
          times.push(now - last);
          last = now;
          if (times.length < count) requestAnimationFrame(tick);
          else resolve(times);
        };
        requestAnimationFrame(tick);
      }),
    count,
  );
}

const stats = (xs) => {
  const sorted = xs.slice().sort((a, b) => a - b);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
};

const { server, base } = await serve();
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: [
    '--no-sandbox',
    '--use-angle=swiftshader',
    '--enable-unsafe-swiftshader',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
});

try {
  // 1. The title, with damaged saved progress waiting in localStorage.
  const first = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await first.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      localStorage.setItem('raw-weights/progress', 'this is not progress (');
      sessionStorage.setItem('seeded', 'yes');
    }
  });
  const page = await first.newPage();
  const log = watch(page, 'title');
  const opened = Date.now();
  await page.goto(`${base}/`);
  await log.waitFor('ready: Title');
  const firstFrame = await page.evaluate(() => window.__rwFirstFrame);
  console.log(`browser: page open to first frame ${(firstFrame / 1000).toFixed(1)} s; to "ready: Title" ${((Date.now() - opened) / 1000).toFixed(1)} s`);
  const titleShot = path.join(out, 'web-title.png');
  await page.screenshot({ path: titleShot });
  const titleSpread = spread(titleShot);
  check(titleSpread > 0.03, `the title screen is drawn (grey spread ${titleSpread.toFixed(3)}): ${titleShot}`);
  const storage = await page.evaluate(() => ({
    aside: localStorage.getItem('raw-weights/progress.corrupt'),
    kept: localStorage.getItem('raw-weights/progress'),
  }));
  check(storage.aside === 'this is not progress (' && storage.kept === null, `damaged progress is set aside: ${JSON.stringify(storage)}`);

  // 2. The same bits as native: the reference runs.
  const browserSums = (await page.evaluate(() => window.rawWeights.referenceChecksums())).trim().split('\n');
  const names = ['--corpus', 'assets/corpora/names.txt'];
  const flags = {
    'gpt adam': names,
    'gpt sgd': [...names, '--optimizer', 'sgd'],
    'bigram adam': [...names, '--model', 'bigram'],
    'gpt momentum': [...names, '--optimizer', 'momentum'],
    'gpt rmsprop': [...names, '--optimizer', 'rmsprop'],
    'gpt adamw': [...names, '--optimizer', 'adamw'],
    'gpt 2 layers': [...names, '--n-layer', '2'],
    'gpt long documents': ['--corpus', 'assets/corpora/sentences.txt'],
  };
  const goldenLines = golden ? readFileSync(golden, 'utf8').trim().split('\n') : [];
  for (const line of browserSums) {
    const [label, sum] = line.split(': ');
    if (flags[label]) {
      const train = nativeOut(['train', ...flags[label], '--steps', '200']);
      const nativeSum = (train.match(/^checksum (\S+)/m) || [])[1];
      check(sum === nativeSum, `${label}: browser ${sum}, native raw-weights train ${nativeSum}`);
    } else {
      const nativeLine = goldenLines.find((l) => l.startsWith(`${label}: `));
      check(nativeLine === line, `${label}: browser ${sum}, native golden example ${nativeLine}`);
    }
  }
  check(browserSums.length === 9, `nine reference runs (${browserSums.length})`);

  // The brain's speed in the page: the run `raw-weights bench` times (1,000
  // steps of warm-up, then 20,000), timed as the difference of two runs,
  // ROUNDS times back to back in one call, so that no frame of the game (and
  // none of SwiftShader's drawing) falls between the two halves of a round.
  // Figures beside native's median and best, never a failure; the
  // bits must match. SwiftShader draws on the same two cores as the brain,
  // so the window is made small while it is timed (as a GPU would take the
  // drawing off the CPU), and its size given back after.
  const ROUNDS = 5;
  await page.setViewportSize({ width: 320, height: 180 });
  await frameTimes(page, 3);
  const timed = await page.evaluate((rounds) => {
    const time = (steps) => {
      const started = performance.now();
      const sum = window.rawWeights.benchTraining(21000, steps);
      return [performance.now() - started, sum];
    };
    time(1000);
    const rates = [];
    let sum = '';
    for (let round = 0; round < rounds; round++) {
      const [whole, wholeSum] = time(21000);
      const [warm] = time(1000);
      rates.push(20000 / ((whole - warm) / 1000));
      sum = wholeSum;
    }
    return { rates, sum };
  }, ROUNDS);
  await page.setViewportSize({ width: 1280, height: 720 });
  const sorted = timed.rates.slice().sort((a, b) => a - b);
  const [pageRate, pageBest] = [sorted[(ROUNDS - 1) >> 1], sorted[ROUNDS - 1]];
  const benchLines = nativeBench ? readFileSync(nativeBench, 'utf8') : '';
  const nativeRate = Number((benchLines.match(/^training\s+(\d+) steps\/s/m) || [])[1]);
  const nativeBest = Number((benchLines.match(/^best of \d+: (\d+) steps\/s/m) || [])[1]) || nativeRate;
  const nativeBenchSum = (benchLines.match(/^checksum\s+(\S+)/m) || [])[1];
  // where native computes subnormals at speed, its bench also times the
  // careful way, which the page takes where its timing finds them slow
  const nativeKeptOut = Number((benchLines.match(/^kept out, median of \d+: (\d+) steps\/s/m) || [])[1]);
  const pageWay = await page.evaluate(() => window.rawWeights.subnormals());
  const share = (page, native) => (native ? `, ${((100 * page) / native).toFixed(0)}% of native ${native}` : '');
  console.log(`browser: the page's climbers: ${pageWay}`);
  console.log(`browser: training in the page, ${ROUNDS} rounds: ${timed.rates.map((r) => r.toFixed(0)).join(', ')} steps/s`);
  console.log(
    `browser: median ${pageRate.toFixed(0)} steps/s${share(pageRate, nativeRate)} (raw-weights bench, median of its rounds); ` +
      `best ${pageBest.toFixed(0)}${share(pageBest, nativeBest)} (best of its rounds)`,
  );
  if (nativeKeptOut && pageWay.includes('kept out')) {
    console.log(`browser: median ${pageRate.toFixed(0)} steps/s${share(pageRate, nativeKeptOut)} with subnormals kept out of the arithmetic there too`);
  }
  if (nativeBenchSum) check(timed.sum === nativeBenchSum, `the timed run ends on native bench's checksum (${timed.sum}, native ${nativeBenchSum})`);

  // 3. Replays recorded natively verify in the browser, line for line.
  for (const file of readdirSync(path.join(dist, 'replays')).filter((f) => f.endsWith('.replay.ron')).sort()) {
    const name = `replays/${file}`;
    const text = readFileSync(path.join(dist, name), 'utf8');
    const started = Date.now();
    const inBrowser = await page.evaluate(([n, t]) => window.rawWeights.verifyReplay(n, t), [name, text]);
    const took = Date.now() - started;
    const natively = nativeOut(['replay', name, '--verify']).trim();
    check(inBrowser === natively, `${name} verifies in the browser as natively (${took} ms): ${inBrowser}`);
  }
  check(log.panics().length === 0, `no panic on the title page ${JSON.stringify(log.panics())}`);
  await first.close();

  // 4. A teacher's link: climbing with momentum at lr 0.02 (it does not reach the goal, so the lesson stays open), past the story card.
  const second = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  const game = await second.newPage();
  const glog = watch(game, 'climbing');
  await game.goto(`${base}/#level=climbing&lr=0.02&optimizer=momentum&card=off`);
  await glog.waitFor('ready: Playing');
  const climbShot = path.join(out, 'web-climbing.png');
  await game.screenshot({ path: climbShot });
  const climbSpread = spread(climbShot);
  check(climbSpread > 0.03, `the climbing level is drawn (grey spread ${climbSpread.toFixed(3)}): ${climbShot}`);
  const frames = stats(await frameTimes(game, 40));
  console.log(`browser: climbing frame time mean ${frames.mean.toFixed(0)} ms, median ${frames.median.toFixed(0)} ms, max ${frames.max.toFixed(0)} ms (SwiftShader, no GPU)`);
  // The brain's work in those frames and its time, as the game measured it:
  // per game second, and CPU milliseconds per 1/60 s.
  const costs = await game.evaluate(() => (window.__rwCosts || []).slice(-40));
  check(costs.length > 0, `the game reports its frame costs (${costs.length} frames)`);
  if (costs.length > 0) {
    const total = (key) => costs.reduce((sum, c) => sum + c[key], 0);
    const seconds = total('seconds');
    const rate = (key) => (seconds > 0 ? total(key) / seconds : 0);
    const cpu = total('training_ms') + total('landscape_ms');
    const brain = stats(costs.map((c) => c.training_ms + c.landscape_ms));
    console.log(
      `browser: climbing, per game second: ${rate('steps').toFixed(0)} student steps, ${rate('ghost_steps').toFixed(0)} ghost steps, ` +
        `${rate('cells').toFixed(0)} landscape cells, ${rate('heights').toFixed(0)} heights, ${rate('slices').toFixed(2)} full re-slices ` +
        `(over ${seconds.toFixed(1)} game seconds, ${costs.length} frames)`,
    );
    console.log(
      `browser: climbing brain CPU ${(cpu / (seconds * 60)).toFixed(2)} ms per 1/60 s ` +
        `(training ${(total('training_ms') / (seconds * 60)).toFixed(2)}, landscape ${(total('landscape_ms') / (seconds * 60)).toFixed(2)}); ` +
        `per frame mean ${brain.mean.toFixed(1)} ms, max ${brain.max.toFixed(1)} ms`,
    );
  }

  // F7 puts the link to the level as it is set now in the address bar.
  // The page opened with the same settings in another order: wait for the game's own.
  const want = '#level=climbing&optimizer=momentum&lr=0.02';
  // A press can fall between two slow SwiftShader frames: press again until the game answers.
  for (let attempt = 0; attempt < 4; attempt++) {
    await game.evaluate(() => document.getElementById('bevy').focus());
    await game.keyboard.press('F7');
    const answered = await game
      .waitForFunction((w) => location.hash === w, want, { timeout: 30000 })
      .then(() => true)
      .catch(() => false);
    if (answered) break;
  }
  const hash = await game.evaluate(() => location.hash);
  check(hash === want, `F7 shares the level's link: ${hash}`);

  // 5. A replay recorded in the browser verifies natively.
  const [download] = await Promise.all([game.waitForEvent('download', { timeout: 120000 }), game.keyboard.press('F6')]);
  const recorded = path.join(out, download.suggestedFilename());
  await download.saveAs(recorded);
  const text = readFileSync(recorded, 'utf8');
  check(/learning_rate\(0\.02\)/.test(text) && /optimizer\(momentum\)/.test(text), `the browser's replay holds the link's settings: ${recorded}`);
  let verified;
  try {
    verified = nativeOut(['replay', recorded, '--verify']).trim();
  } catch (e) {
    verified = `${e.stdout || ''}${e.stderr || ''}`.trim() || String(e);
  }
  check(/: ok, /.test(verified), `the browser's replay verifies natively: ${verified}`);
  // 6. A replay dropped onto the page plays back: on a fresh page, from the title.
  // (Dropped while a climb sits missed, out of steps, it opens too, a minute
  // later under SwiftShader; the native test a_replay_opened_while_a_lesson_plays_takes_over_the_screen holds it.)
  const dlog = watch(game, 'dropped');
  await game.goto(`${base}/`);
  await dlog.waitFor('ready: Title');
  const dropped = readFileSync(path.join(dist, 'replays', '2-voting.replay.ron'), 'utf8');
  await game.evaluate((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], '2-voting.replay.ron', { type: 'text/plain' }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, dropped);
  await dlog.waitFor('ready: Playing voting');
  check(true, 'a replay dropped onto the page plays back');
  // The canvas follows the window.
  await game.setViewportSize({ width: 1000, height: 640 });
  await game
    .waitForFunction(() => document.getElementById('bevy').width === Math.round(1000 * devicePixelRatio), null, { timeout: 60000 })
    .catch(() => {});
  const canvas = await game.evaluate(() => {
    const c = document.getElementById('bevy');
    return { width: c.width, height: c.height, ratio: devicePixelRatio };
  });
  check(
    canvas.width === Math.round(1000 * canvas.ratio) && canvas.height === Math.round(640 * canvas.ratio),
    `the canvas follows the window to 1000×640: ${JSON.stringify(canvas)}`,
  );
  check(glog.panics().length === 0, `no panic while climbing ${JSON.stringify(glog.panics())}`);
  await second.close();
} catch (error) {
  failures.push(String(error));
  console.log(`FAIL ${error.stack || error}`);
} finally {
  await browser.close();
  server.kill();
}

if (failures.length) {
  console.log(`browser test: ${failures.length} failure(s)`);
  process.exit(1);
}
console.log(`browser test: all passed (${elapsed().trim()})`);
process.exit(0);
