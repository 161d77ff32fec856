// Loads the game: checks for WebGL2, downloads the wasm with a progress bar,
// starts it, and exposes a few entry points for tests and for the page.
import init, { bench_training, reference_checksums, subnormals, verify_replay } from './app.js';

const cover = document.getElementById('cover');
const fill = document.getElementById('fill');
const status = document.getElementById('status');

function fail(message) {
  status.textContent = message;
  status.className = 'bad';
  fill.parentElement.style.display = 'none';
}

// Files the player picks are queued, by kind, for the game to take.
document.getElementById('pick-file').addEventListener('change', async (event) => {
  const input = event.target;
  const file = input.files[0];
  if (!file) return;
  const kind = input.dataset.kind || 'replay';
  const queues = (window.__rwOpened = window.__rwOpened || {});
  (queues[kind] = queues[kind] || []).push({ name: file.name, text: await file.text() });
  input.value = '';
});

// Files dropped onto the page are queued as "dropped": the game opens a
// replay (.replay.ron) or trains the sandbox on a text (.txt) by its name.
window.addEventListener('dragover', (event) => event.preventDefault());
window.addEventListener('drop', async (event) => {
  event.preventDefault();
  const queues = (window.__rwOpened = window.__rwOpened || {});
  for (const file of event.dataTransfer ? event.dataTransfer.files : []) {
    (queues.dropped = queues.dropped || []).push({ name: file.name, text: await file.text() });
  }
});

async function fetchWithProgress(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  const total = Number(response.headers.get('content-length')) || 0;
  if (!response.body || !total) return response;
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    fill.style.width = `${Math.min(100, (100 * received) / total).toFixed(1)}%`;
    status.textContent = `Loading the robot student… ${(received / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB`;
  }
  return new Response(new Blob(chunks), { headers: { 'content-type': 'application/wasm' } });
}

// The smallest module that uses WebAssembly SIMD (a function returning
// i32x4.splat(0)): the brain is compiled with it, so a browser that cannot
// validate this cannot run the game.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, // "\0asm", version 1
  1, 5, 1, 96, 0, 1, 123, // types: () -> v128
  3, 2, 1, 0, // one function of that type
  10, 8, 1, 6, 0, 65, 0, 253, 17, 11, // its body: i32.const 0, i32x4.splat, end
]);

async function start() {
  const probe = document.createElement('canvas');
  if (!probe.getContext('webgl2')) {
    fail('This browser cannot draw WebGL2, which the game needs. Try a recent Chrome, Edge, Firefox or Safari, or turn on hardware acceleration.');
    return;
  }
  if (!WebAssembly.validate(SIMD_PROBE)) {
    fail('This browser cannot run WebAssembly SIMD, which the robot student\'s brain is built with. Chrome and Edge 91, Firefox 89 and Safari 16.4 or newer have it: please update the browser.');
    return;
  }
  try {
    const wasm = await fetchWithProgress('./app_bg.wasm');
    status.textContent = 'Starting…';
    window.__rwOpenedAt = performance.now();
    await init({ module_or_path: wasm });
  } catch (error) {
    // Bevy's loop leaves wasm by throwing once; anything else is a real failure.
    if (!String(error).includes('Using exceptions for control flow')) {
      fail(`The game could not start: ${error}`);
      console.error(error);
      return;
    }
  }
  // For tests and the curious: the brain's reference checksums, the replay
  // check of `raw-weights replay FILE --verify`, and a stretch of training to
  // time (the run `raw-weights bench` times), and how the brain treats
  // subnormal numbers on this processor (timed at start).
  window.rawWeights = {
    referenceChecksums: reference_checksums,
    verifyReplay: verify_replay,
    benchTraining: bench_training,
    subnormals,
  };
  // The game lifts the cover when its first screen is drawn (bridge.js).
  status.textContent = 'Starting… the first frame can take a few seconds.';
}

start();
