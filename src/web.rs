//! The page the browser build runs in (`web/bridge.js`): storage, downloads,
//! the file picker and dropped files, the address's hash. Only in the wasm
//! build. A leaf: it knows the page, nothing of the game (the page's entry
//! points into the game are in `game::page`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/web/bridge.js")]
extern "C" {
    fn rw_storage_get(key: &str) -> Option<String>;
    fn rw_storage_set(key: &str, value: &str) -> bool;
    fn rw_storage_remove(key: &str);
    fn rw_download(name: &str, text: &str);
    fn rw_pick(kind: &str);
    fn rw_take_opened(kind: &str) -> Option<String>;
    fn rw_hash() -> String;
    fn rw_set_hash(hash: &str) -> String;
    fn rw_copy(text: &str) -> bool;
    fn rw_shown(screen: &str);
    fn rw_frame_cost(frame: &str);
}

/// A value kept in the browser's localStorage.
pub fn storage_get(key: &str) -> Option<String> {
    rw_storage_get(key)
}

/// Keeps a value in localStorage; false if the browser refused (full, or private mode).
pub fn storage_set(key: &str, value: &str) -> bool {
    rw_storage_set(key, value)
}

pub fn storage_remove(key: &str) {
    rw_storage_remove(key)
}

/// Offers a text file for download.
pub fn download(name: &str, text: &str) {
    rw_download(name, text)
}

/// What a file the player picks is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// A replay to play back.
    Replay,
    /// A training text for the sandbox.
    Text,
    /// A file dropped onto the page (a replay or a text, by its name).
    Dropped,
}

impl Pick {
    fn kind(self) -> &'static str {
        match self {
            Pick::Replay => "replay",
            Pick::Text => "text",
            Pick::Dropped => "dropped",
        }
    }
}

/// Opens the page's file dialog.
pub fn pick(what: Pick) {
    rw_pick(what.kind())
}

/// Files picked for `what` since the last call: `(name, text)`.
pub fn take_opened(what: Pick) -> Vec<(String, String)> {
    #[derive(serde::Deserialize)]
    struct Opened {
        name: String,
        text: String,
    }
    rw_take_opened(what.kind())
        .and_then(|json| serde_json::from_str::<Vec<Opened>>(&json).ok())
        .map(|files| files.into_iter().map(|f| (f.name, f.text)).collect())
        .unwrap_or_default()
}

/// The address's hash (`#level=…`), or an empty string.
pub fn hash() -> String {
    rw_hash()
}

/// Puts a hash in the address bar and returns the whole address.
pub fn set_hash(hash: &str) -> String {
    rw_set_hash(hash)
}

/// Puts text on the clipboard; false if the browser did not allow it.
pub fn copy(text: &str) -> bool {
    rw_copy(text)
}

/// Tells the page a screen is drawn: the first one lifts the loading cover.
pub fn shown(screen: &str) {
    rw_shown(screen)
}

/// Tells the page what the brain did and cost this frame, as a JSON object
/// (the browser test reports it per game second).
pub fn frame_cost(frame: &str) {
    rw_frame_cost(frame)
}
