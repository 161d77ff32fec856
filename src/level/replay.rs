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
//! No Bevy: `raw-weights replay FILE --verify` runs it without a window.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::format::{LevelFile, validate_level};
use super::{Level, LevelError};
use crate::brain::BrainError;
use crate::lesson::play::{Command, Play};

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

/// Records a session as it is played.
#[derive(Clone, Debug)]
pub struct Recorder {
    file: ReplayFile,
    run: u32,
    checked: usize,
}

impl Recorder {
    /// Starts recording a level (with the events of an earlier session it
    /// continues, when a replay is taken over).
    pub fn new(level: &LevelFile, events: Vec<Event>) -> Self {
        let run = events.last().map_or(0, |e| e.at().0);
        let checked = events.iter().rev().find(|e| matches!(e, Event::Check { .. })).map_or(0, |e| e.at().1);
        Self {
            file: ReplayFile {
                version: REPLAY_VERSION,
                level: level.clone(),
                checkpoint_every: CHECKPOINT_EVERY,
                events,
            },
            run,
            checked,
        }
    }

    /// Records a command about to be executed at the play's current step.
    /// A command that starts a new run moves the recording to that run.
    pub fn command(&mut self, play: &Play, command: &Command) {
        self.file.events.push(Event::Do {
            run: self.run,
            step: play.run.step_count(),
            command: command.clone(),
        });
        if matches!(command, Command::Restart | Command::Retrain(_)) {
            self.run += 1;
            self.checked = 0;
        }
    }

    /// Takes back the last command (it failed and changed nothing).
    pub fn retract(&mut self) {
        if let Some(Event::Do { command, .. }) = self.file.events.pop()
            && matches!(command, Command::Restart | Command::Retrain(_))
        {
            self.run -= 1;
        }
    }

    /// After a training step: a checksum when one is due.
    pub fn stepped(&mut self, play: &Play) {
        let step = play.run.step_count();
        if step % self.file.checkpoint_every == 0 && step > self.checked {
            self.checked = step;
            self.file.events.push(Event::Check { run: self.run, step, checksum: play.run.checksum_hex() });
        }
    }

    /// The recording so far, ended at the play's current step.
    pub fn finish(&self, play: &Play) -> ReplayFile {
        let mut file = self.file.clone();
        let step = play.run.step_count();
        file.events.push(Event::Check { run: self.run, step, checksum: play.run.checksum_hex() });
        file.events.push(Event::End { run: self.run, step });
        file
    }

    pub fn events(&self) -> &[Event] {
        &self.file.events
    }
}

/// Plays a replay back into a [`Play`]: executes its commands at their
/// steps, trains in between, compares the checksums, and can go back to any
/// point by recomputing from a kept snapshot.
#[derive(Clone, Debug)]
pub struct Replayer {
    pub file: ReplayFile,
    pub path: String,
    /// The next event to happen.
    pub cursor: usize,
    /// The run the play is in.
    pub run: u32,
    /// Training steps taken since the session began, over all runs.
    pub position: usize,
    /// Checksums compared so far, and the first that differed.
    pub checked: usize,
    pub mismatch: Option<ReplayError>,
    snapshots: Vec<(usize, usize, u32, Play)>,
}

/// Session steps between two kept snapshots (going back recomputes at most this many).
pub const SNAPSHOT_EVERY: usize = 100;

impl Replayer {
    /// The play at the start of the replay and its player.
    pub fn start(file: ReplayFile, level: &Level, path: &str) -> Result<(Self, Play), BrainError> {
        let play = Play::new(level, 0)?;
        let replayer = Self {
            file,
            path: path.to_string(),
            cursor: 0,
            run: 0,
            position: 0,
            checked: 0,
            mismatch: None,
            snapshots: vec![(0, 0, 0, play.clone())],
        };
        Ok((replayer, play))
    }

    /// True once every event has happened.
    pub fn finished(&self) -> bool {
        self.cursor >= self.file.events.len()
    }

    /// Plays forward by at most `steps` training steps, executing every
    /// event that comes due on the way (and the events due right after the
    /// last step). Stops at a broken replay.
    pub fn forward(&mut self, play: &mut Play, steps: usize) -> Result<(), ReplayError> {
        let mut left = steps;
        while let Some(event) = self.file.events.get(self.cursor).cloned() {
            let (run, step) = event.at();
            if run != self.run {
                return Err(self.broken(format!("run {run} comes while the replay is in run {}", self.run)));
            }
            let now = play.run.step_count();
            if now < step {
                if left == 0 {
                    return Ok(());
                }
                if !play.level.file.train_while_playing || play.run.is_finished() {
                    return Err(
                        self.broken(format!("step {step} cannot be reached: training stops at {now}"))
                    );
                }
                play.step().map_err(|e| self.broken(format!("training failed before step {step}: {e}")))?;
                left -= 1;
                self.position += 1;
                if self.position % SNAPSHOT_EVERY == 0 {
                    self.snapshots.push((self.position, self.cursor, self.run, play.clone()));
                }
                continue;
            }
            if now > step {
                return Err(self.broken(format!("step {step} is already past (the run is at {now})")));
            }
            match &event {
                Event::Do { command, .. } => {
                    play.execute(command).map_err(|why| self.broken(format!("the command fails: {why}")))?;
                    if matches!(command, Command::Restart | Command::Retrain(_)) {
                        self.run += 1;
                    }
                }
                Event::Check { checksum, .. } => {
                    self.checked += 1;
                    let computed = play.run.checksum_hex();
                    if computed != *checksum && self.mismatch.is_none() {
                        self.mismatch = Some(ReplayError::Mismatch {
                            path: self.path.clone(),
                            run,
                            step,
                            recorded: checksum.clone(),
                            computed,
                        });
                    }
                }
                Event::End { .. } => {}
            }
            self.cursor += 1;
        }
        Ok(())
    }

    /// Goes to `position` (training steps since the session began): back by
    /// recomputing from the nearest kept snapshot, forward by playing on.
    pub fn seek(&mut self, play: &mut Play, position: usize) -> Result<(), ReplayError> {
        if position < self.position {
            let (pos, cursor, run, snapshot) =
                self.snapshots.iter().rev().find(|s| s.0 <= position).cloned().expect("the start is kept");
            *play = snapshot;
            (self.position, self.cursor, self.run) = (pos, cursor, run);
            self.snapshots.retain(|s| s.0 <= pos);
        }
        let ahead = position - self.position;
        self.forward(play, ahead)
    }

    /// The events so far, for a recording that takes over from here.
    pub fn history(&self) -> Vec<Event> {
        self.file.events[..self.cursor].iter().filter(|e| !matches!(e, Event::End { .. })).cloned().collect()
    }

    fn broken(&self, message: String) -> ReplayError {
        ReplayError::Broken { path: self.path.clone(), event: self.cursor, message }
    }
}

/// What a verified replay did.
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    pub steps: usize,
    pub checks: usize,
    pub runs: u32,
    pub checksum: String,
}

impl Verified {
    /// One line for the player: what was replayed and the final checksum.
    pub fn summary(&self, name: &str) -> String {
        format!(
            "{name}: ok, {} steps over {} run(s), {} checksums match, final checksum {}",
            self.steps, self.runs, self.checks, self.checksum
        )
    }
}

/// Replays a whole file and checks every checksum; the first difference is an error.
pub fn verify(file: ReplayFile, level: &Level, path: &str) -> Result<Verified, ReplayError> {
    let (mut replayer, mut play) = Replayer::start(file, level, path).map_err(|e| ReplayError::Broken {
        path: path.to_string(),
        event: 0,
        message: format!("the level cannot start: {e}"),
    })?;
    replayer.forward(&mut play, usize::MAX)?;
    if let Some(mismatch) = replayer.mismatch {
        return Err(mismatch);
    }
    Ok(Verified {
        steps: replayer.position,
        checks: replayer.checked,
        runs: replayer.run + 1,
        checksum: play.run.checksum_hex(),
    })
}

/// The sessions shipped with the game (`replays/`), one per level: the
/// level map offers them, in the browser too.
pub const SHIPPED: [(&str, &str); 6] = [
    ("replays/1-prediction.replay.ron", include_str!("../../replays/1-prediction.replay.ron")),
    ("replays/2-voting.replay.ron", include_str!("../../replays/2-voting.replay.ron")),
    ("replays/3-scoring.replay.ron", include_str!("../../replays/3-scoring.replay.ron")),
    ("replays/4-climbing.replay.ron", include_str!("../../replays/4-climbing.replay.ron")),
    ("replays/5-performing.replay.ron", include_str!("../../replays/5-performing.replay.ron")),
    ("replays/6-sandbox.replay.ron", include_str!("../../replays/6-sandbox.replay.ron")),
];

/// A shipped session by its short name (`4-climbing`), as links name them.
pub fn shipped(name: &str) -> Option<(&'static str, &'static str)> {
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
