// What the game asks of the page: storage, downloads, the file dialog, the clipboard
// and the address's hash. Imported by the wasm module (wasm-bindgen snippet).

export function rw_storage_get(key) {
  try { return window.localStorage.getItem(key); } catch (_) { return null; }
}

export function rw_storage_set(key, value) {
  try { window.localStorage.setItem(key, value); return true; } catch (_) { return false; }
}

export function rw_storage_remove(key) {
  try { window.localStorage.removeItem(key); } catch (_) { /* nothing to remove */ }
}

export function rw_download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

// Opens the page's file dialog; `kind` is "replay" or "text".
export function rw_pick(kind) {
  const input = document.getElementById('pick-file');
  if (!input) return;
  input.dataset.kind = kind;
  input.accept = kind === 'replay' ? '.ron' : '.txt,text/plain';
  input.click();
}

// Files of `kind` the player picked, as JSON [{name, text}], or null.
export function rw_take_opened(kind) {
  const queues = window.__rwOpened || {};
  const opened = queues[kind] || [];
  queues[kind] = [];
  return opened.length ? JSON.stringify(opened) : null;
}

export function rw_hash() {
  return window.location.hash || '';
}

export function rw_set_hash(hash) {
  history.replaceState(null, '', hash);
  return window.location.href;
}

export function rw_copy(text) {
  try {
    if (!navigator.clipboard) return false;
    navigator.clipboard.writeText(text).catch(() => {});
    return true;
  } catch (_) { return false; }
}

// The first screen drawn lifts the loading cover; tests read the times.
export function rw_shown(screen) {
  if (window.__rwFirstFrame === undefined) {
    window.__rwFirstFrame = performance.now();
    const cover = document.getElementById('cover');
    if (cover) cover.style.display = 'none';
    const canvas = document.getElementById('bevy');
    if (canvas) canvas.focus();
  }
  window.__rwShown = screen;
}

// What the brain did and cost each frame (game seconds, training and
// landscape ms, steps, ghost steps, cells, heights, slices), the latest 600
// frames, for the browser test's report.
export function rw_frame_cost(frame) {
  const costs = (window.__rwCosts = window.__rwCosts || []);
  costs.push(JSON.parse(frame));
  if (costs.length > 600) costs.shift();
}
