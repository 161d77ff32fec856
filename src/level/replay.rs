//! Replays: a session as a small RON file (`*.replay.ron`): the level as it
//! was played, then every command the player gave, stamped with the run and
//! training step at which it took effect, and the weights' checksum every
//! few steps. Playing it back recomputes the run and compares each checksum.
//!
//! ```ron
//! (
//!     version: 1,
//!     level: ( id: "climbing", … ),
//!     checkpoint_every: 50,
//!     events: [
//!         check(run: 0, step: 50, checksum: "3f2a…"),
//!         do(run: 0, step: 212, command: set(learning_rate(0.02))),
//!         do(run: 0, step: 300, command: restart),
//!         end(run: 1, step: 120),
//!     ],
//! )
//! ```
//! This module is the file format; recording and playing back a session are
//! the lesson's (`lesson::replay`). No Bevy: `raw-weights replay FILE
//! --verify` runs it without a window.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::command::Command;
use super::format::{LevelFile, validate_level};
use super::{Level, LevelError};

/// The format's version; a replay of another version is refused.
pub const REPLAY_VERSION: u32 = 1;
/// Steps between two checksums.
pub const CHECKPOINT_EVERY: usize = 50;
/// The largest replay file read (a session is a few kilobytes).
pub const MAX_REPLAY_BYTES: usize = 8 << 20;
/// Most events in one replay.
const MAX_EVENTS: usize = 1_000_000;
/// Most runs (restarts) in one replay.
const MAX_RUNS: u32 = 10_000;

/// A recorded session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplayFile {
    pub version: u32,
    /// The level as it was played.
    pub level: LevelFile,
    pub checkpoint_every: usize,
    pub events: Vec<Event>,
}

/// Something that happened, at a training step of a run (runs count the
/// restarts of the session, from 0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The player's command, executed after `step` training steps.
    Do { run: u32, step: usize, command: Command },
    /// The checksum of the weights after `step` training steps.
    Check { run: u32, step: usize, checksum: String },
    /// The session ended here.
    End { run: u32, step: usize },
}

impl Event {
    pub fn at(&self) -> (u32, usize) {
        match self {
            Event::Do { run, step, .. } | Event::Check { run, step, .. } | Event::End { run, step } => {
                (*run, *step)
            }
        }
    }
}

/// Why a replay cannot be read or does not replay.
#[derive(Clone, Debug, PartialEq)]
pub enum ReplayError {
    /// The file cannot be read, parsed or is not a valid replay.
    Invalid(LevelError),
    /// The recomputed run differs from the recorded one.
    Mismatch { path: String, run: u32, step: usize, recorded: String, computed: String },
    /// Replaying hit something the recording cannot have held.
    Broken { path: String, event: usize, message: String },
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Invalid(e) => write!(f, "{e}"),
            ReplayError::Mismatch { path, run, step, recorded, computed } => write!(
                f,
                "{path}: the run diverges from the recording at step {step} of run {run}: checksum {computed}, recorded {recorded}"
            ),
            ReplayError::Broken { path, event, message } => write!(f, "{path}: event {event}: {message}"),
        }
    }
}

impl std::error::Error for ReplayError {}

impl ReplayFile {
    /// The replay as RON: the level laid out like a level file, then one event per line.
    pub fn to_ron(&self) -> String {
        let pretty = ron::ser::PrettyConfig::default().struct_names(false);
        let level = ron::ser::to_string_pretty(&self.level, pretty).expect("a level is plain data");
        let level = level.replace('\n', "\n    ");
        let events: Vec<String> = self
            .events
            .iter()
            .map(|e| format!("        {},", ron::ser::to_string(e).expect("an event is plain data")))
            .collect();
        format!(
            "(\n    version: {},\n    level: {level},\n    checkpoint_every: {},\n    events: [\n{}\n    ],\n)\n",
            self.version,
            self.checkpoint_every,
            events.join("\n")
        )
    }

    /// Reads and checks a replay: its version, its level, and that its
    /// events could have happened (runs and steps never go back, steps stay
    /// within the level's budget, checksums are checksums).
    pub fn parse(path: &str, text: &str) -> Result<(Self, Level), ReplayError> {
        let invalid = |line, col, message: String| {
            ReplayError::Invalid(LevelError { path: path.to_string(), line, col, message })
        };
        if text.len() > MAX_REPLAY_BYTES {
            return Err(invalid(
                1,
                1,
                format!("{} bytes is too large for a replay (at most {MAX_REPLAY_BYTES})", text.len()),
            ));
        }
        let file: ReplayFile = ron::from_str(text)
            .map_err(|e| invalid(e.span.start.line, e.span.start.col, e.code.to_string()))?;
        if file.version != REPLAY_VERSION {
            return Err(invalid(1, 1, format!("replay version {} is not {REPLAY_VERSION}", file.version)));
        }
        let level = validate_level(file.level.clone(), path, text, None).map_err(ReplayError::Invalid)?;
        if file.checkpoint_every == 0 {
            return Err(invalid(1, 1, "checkpoint_every must be at least 1".into()));
        }
        if file.events.len() > MAX_EVENTS {
            return Err(invalid(
                1,
                1,
                format!("{} events is more than a replay holds ({MAX_EVENTS})", file.events.len()),
            ));
        }
        let broken =
            |event: usize, message: String| ReplayError::Broken { path: path.to_string(), event, message };
        let mut at = (0u32, 0usize);
        for (i, event) in file.events.iter().enumerate() {
            let (run, step) = event.at();
            if run > MAX_RUNS {
                return Err(broken(i, format!("run {run} is more than a session holds")));
            }
            if step > level.file.steps {
                return Err(broken(
                    i,
                    format!("step {step} is beyond the level's {} steps", level.file.steps),
                ));
            }
            if run < at.0 || (run == at.0 && step < at.1) {
                return Err(broken(
                    i,
                    format!("run {run} step {step} comes before run {} step {}", at.0, at.1),
                ));
            }
            if run > at.0 + 1 || (run == at.0 + 1 && !starts_a_run(&file.events, i)) {
                return Err(broken(i, format!("run {run} begins without a restart")));
            }
            at = (run, step);
            if let Event::Check { checksum, .. } = event
                && !(checksum.len() == 16 && checksum.chars().all(|c| c.is_ascii_hexdigit()))
            {
                return Err(broken(i, format!("checksum {checksum:?} is not 16 hex digits")));
            }
        }
        Ok((file, level))
    }

    /// Reads a replay file from disk.
    pub fn load(path: &Path) -> Result<(Self, Level), ReplayError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            ReplayError::Invalid(LevelError {
                path: name.clone(),
                line: 1,
                col: 1,
                message: format!("cannot read: {e}"),
            })
        })?;
        Self::parse(&name, &text)
    }

    /// Training steps the whole session took, over all its runs.
    pub fn total_steps(&self) -> usize {
        let mut total = 0;
        let mut current = (0u32, 0usize);
        for event in &self.events {
            let (run, step) = event.at();
            if run != current.0 {
                total += current.1;
                current = (run, 0);
            }
            current.1 = current.1.max(step);
        }
        total + current.1
    }
}

/// True if the event before `i` restarted the run (so event `i` may be in the next run).
fn starts_a_run(events: &[Event], i: usize) -> bool {
    i > 0 && matches!(&events[i - 1], Event::Do { command: Command::Restart | Command::Retrain(_), .. })
}

/// The sessions shipped with the game (`replays/`), one per level: the
/// level map offers them, in the browser too.
pub const SHIPPED: [(&str, &str); 7] = [
    ("replays/1-prediction.replay.ron", include_str!("../../replays/1-prediction.replay.ron")),
    ("replays/2-voting.replay.ron", include_str!("../../replays/2-voting.replay.ron")),
    ("replays/3-scoring.replay.ron", include_str!("../../replays/3-scoring.replay.ron")),
    ("replays/4-climbing.replay.ron", include_str!("../../replays/4-climbing.replay.ron")),
    ("replays/5-performing.replay.ron", include_str!("../../replays/5-performing.replay.ron")),
    ("replays/6-looking.replay.ron", include_str!("../../replays/6-looking.replay.ron")),
    ("replays/7-sandbox.replay.ron", include_str!("../../replays/7-sandbox.replay.ron")),
];

/// Shipped sessions renamed since links were shared: the old name and the new.
/// (The sandbox was lesson 6 before looking back came before it.)
const RENAMED: [(&str, &str); 1] = [("6-sandbox", "7-sandbox")];

/// A shipped session by its short name (`4-climbing`), as links name them;
/// an old name still finds its session.
pub fn shipped(name: &str) -> Option<(&'static str, &'static str)> {
    let name = RENAMED.iter().find(|(old, _)| *old == name).map_or(name, |(_, new)| new);
    SHIPPED.into_iter().find(|(path, _)| shipped_name(path) == name)
}

/// The short name of a shipped session's path.
pub fn shipped_name(path: &str) -> &str {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.strip_suffix(".replay.ron").unwrap_or(file)
}

impl ReplayFile {
    /// Saves the replay in `dir` as `<level>-<n>.replay.ron`, `n` the first
    /// free number, written to a temporary file and renamed into place (an
    /// existing file is never overwritten). Returns the path.
    pub fn save_new(&self, dir: &Path, level_id: &str) -> Result<std::path::PathBuf, String> {
        let fail = |e: std::io::Error| format!("cannot save the replay in {}: {e}", dir.display());
        std::fs::create_dir_all(dir).map_err(fail)?;
        let path = (1..)
            .map(|n| dir.join(format!("{level_id}-{n}.replay.ron")))
            .find(|p| !p.exists())
            .expect("some number is free");
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, self.to_ron()).map_err(fail)?;
        std::fs::rename(&tmp, &path).map_err(fail)?;
        Ok(path)
    }
}
