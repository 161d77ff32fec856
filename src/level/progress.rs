//! The player's progress: completed levels and best scores. Saved atomically
//! (write to a temporary file, then rename); a save that cannot be read is
//! set aside under another name, never overwritten.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::LevelSet;

/// Completed levels with their best (lowest) score. Which levels are
/// unlocked follows from these: the first level, and each one after a completed level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Progress {
    /// The save's format: 1 before the looking-back lesson came between
    /// performing and the sandbox, 2 since.
    #[serde(default = "first_version")]
    pub version: u32,
    /// Best score by level id (what it measures depends on the level's goal).
    pub best: BTreeMap<String, f32>,
    /// Levels an earlier version of the game had opened, which stay open.
    #[serde(skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub opened: std::collections::BTreeSet<String>,
}

/// The save format this game writes.
pub const PROGRESS_VERSION: u32 = 2;

fn first_version() -> u32 {
    1
}

impl Default for Progress {
    fn default() -> Self {
        Self { version: PROGRESS_VERSION, best: BTreeMap::new(), opened: Default::default() }
    }
}

impl Progress {
    pub fn is_completed(&self, id: &str) -> bool {
        self.best.contains_key(id)
    }

    /// True for the first level, for every level whose predecessor is
    /// completed, and for levels an earlier version had opened.
    pub fn is_unlocked(&self, levels: &LevelSet, id: &str) -> bool {
        if self.opened.contains(id) {
            return levels.get(id).is_some();
        }
        match levels.levels.iter().position(|l| l.id() == id) {
            Some(0) => true,
            Some(i) => self.is_completed(levels.levels[i - 1].id()),
            None => false,
        }
    }

    /// Records a completion; returns true if the score is a new best (the
    /// lowest, or the highest when `lower_is_better` is false).
    pub fn record(&mut self, id: &str, score: f32, lower_is_better: bool) -> bool {
        let better = |best: f32| if lower_is_better { score < best } else { score > best };
        match self.best.get(id) {
            Some(&best) if !better(best) => false,
            _ => {
                self.best.insert(id.to_string(), score);
                true
            }
        }
    }

    pub fn to_ron(&self) -> String {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()).expect("progress is plain data")
    }

    /// Reads a save; one written before the looking-back lesson keeps the
    /// sandbox open if it had opened it (performing completed).
    pub fn from_ron(text: &str) -> Result<Self, String> {
        let mut progress: Progress = ron::from_str(text).map_err(|e| e.to_string())?;
        if progress.version < 2 && progress.is_completed("performing") {
            progress.opened.insert("sandbox".to_string());
        }
        progress.version = progress.version.max(PROGRESS_VERSION);
        Ok(progress)
    }
}

/// Where progress is kept on this machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgressStore {
    pub path: PathBuf,
}

/// Overrides the folder progress is saved in (tests, portable installs).
pub const DATA_DIR_VAR: &str = "RAW_WEIGHTS_DATA_DIR";

impl ProgressStore {
    /// `$RAW_WEIGHTS_DATA_DIR/progress.ron`, else the user's data folder.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_env() -> Option<Self> {
        let dir = match std::env::var_os(DATA_DIR_VAR) {
            Some(dir) => PathBuf::from(dir),
            None => directories::ProjectDirs::from("", "", "raw-weights")?.data_dir().to_path_buf(),
        };
        Some(Self::in_dir(&dir))
    }

    pub fn in_dir(dir: &Path) -> Self {
        Self { path: dir.join("progress.ron") }
    }

    /// Loads progress. A missing file is a fresh start; an unreadable one is
    /// renamed aside and reported in the returned warning.
    pub fn load(&self) -> (Progress, Option<String>) {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (Progress::default(), None);
            }
            Err(e) => {
                return (
                    Progress::default(),
                    Some(format!(
                        "cannot read progress {}: {e}; playing without saved progress",
                        self.path.display()
                    )),
                );
            }
        };
        match Progress::from_ron(&text) {
            Ok(progress) => (progress, None),
            Err(reason) => {
                let aside = self.aside_path();
                let kept = match std::fs::rename(&self.path, &aside) {
                    Ok(()) => format!("it was kept as {}", aside.display()),
                    Err(e) => format!("it could not be moved aside ({e}) and is left as it was"),
                };
                (
                    Progress::default(),
                    Some(format!(
                        "progress file {} is damaged ({reason}); {kept}; starting fresh",
                        self.path.display()
                    )),
                )
            }
        }
    }

    /// A free name next to the save: `progress.ron.corrupt`, `progress.ron.corrupt-2`, …
    fn aside_path(&self) -> PathBuf {
        let base = self.path.with_extension("ron.corrupt");
        let mut candidate = base.clone();
        let mut n = 2;
        while candidate.exists() {
            candidate = PathBuf::from(format!("{}-{n}", base.display()));
            n += 1;
        }
        candidate
    }

    /// Writes the progress to a temporary file beside the save, then renames
    /// it over the save, so a crash leaves either the old or the new file.
    pub fn save(&self, progress: &Progress) -> Result<(), String> {
        let fail = |e: std::io::Error| format!("cannot save progress to {}: {e}", self.path.display());
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let tmp = self.path.with_extension("ron.tmp");
        {
            use std::io::Write;
            let mut file = std::fs::File::create(&tmp).map_err(fail)?;
            file.write_all(progress.to_ron().as_bytes()).map_err(fail)?;
            file.sync_all().map_err(fail)?;
        }
        std::fs::rename(&tmp, &self.path).map_err(fail)
    }
}

/// Progress in the browser: a localStorage entry. A damaged entry is set
/// aside under another key, never overwritten.
#[cfg(target_arch = "wasm32")]
pub mod browser {
    use super::Progress;
    use crate::web;

    const KEY: &str = "raw-weights/progress";

    pub fn load() -> (Progress, Option<String>) {
        let Some(text) = web::storage_get(KEY) else { return (Progress::default(), None) };
        match Progress::from_ron(&text) {
            Ok(progress) => (progress, None),
            Err(reason) => {
                let aside = (1..)
                    .map(|n| if n == 1 { format!("{KEY}.corrupt") } else { format!("{KEY}.corrupt-{n}") })
                    .find(|k| web::storage_get(k).is_none())
                    .expect("some key is free");
                let kept = if web::storage_set(&aside, &text) {
                    web::storage_remove(KEY);
                    format!("it was kept in the browser's storage as {aside}")
                } else {
                    "it could not be set aside and is left as it was".to_string()
                };
                (
                    Progress::default(),
                    Some(format!("saved progress is damaged ({reason}); {kept}; starting fresh")),
                )
            }
        }
    }

    pub fn save(progress: &Progress) -> Result<(), String> {
        if web::storage_set(KEY, &progress.to_ron()) {
            Ok(())
        } else {
            Err("the browser refused to keep the progress (storage full or private mode)".into())
        }
    }
}
