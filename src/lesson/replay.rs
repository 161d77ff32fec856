//! Recording a session as it is played, and playing a recorded one back
//! into a [`Play`] bit for bit: the file format is `level::replay`'s.

use crate::brain::BrainError;
use crate::level::command::Command;
use crate::level::replay::{CHECKPOINT_EVERY, Event, REPLAY_VERSION, ReplayError, ReplayFile};
use crate::level::{Level, LevelFile};

use super::play::Play;

/// Records a session as it is played.
#[derive(Clone, Debug)]
pub struct Recorder {
    file: ReplayFile,
    run: u32,
    checked: usize,
}

impl Recorder {
    /// Starts recording a level.
    pub fn new(level: &LevelFile, events: Vec<Event>) -> Self {
        let run = events.last().map_or(0, |e| e.at().0);
        Self::resume(level, events, run)
    }

    /// Records on from the events of an earlier session (a replay taken
    /// over), in `run`: the run the replay is in, which is one past the last
    /// event's when that event restarted it.
    pub fn resume(level: &LevelFile, events: Vec<Event>, run: u32) -> Self {
        let checked = events
            .iter()
            .rev()
            .find(|e| matches!(e, Event::Check { .. }) && e.at().0 == run)
            .map_or(0, |e| e.at().1);
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
        if step.is_multiple_of(self.file.checkpoint_every) && step > self.checked {
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
                if self.position.is_multiple_of(SNAPSHOT_EVERY) {
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
