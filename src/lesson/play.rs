//! A level in play, without Bevy: the run, the lesson's activity, what the
//! player has set, and the commands that change them. Everything a replay
//! records is a [`Command`]; executing the same commands at the same training
//! steps gives the same run, bit for bit.

use super::performing::Recital;
use super::voting::set_vote;
use super::{Activity, GoalState, goal_state};
use crate::brain::{BrainError, Corpus, Rand, Run, SampleSettings, Stream};
pub use crate::level::command::{Command, Guess, MAX_DRAW, Retrain, Setting};
use crate::level::format::MAX_SPEED;
use crate::level::{Control, CorpusSource, Lesson, Level};
use std::sync::atomic::{AtomicU64, Ordering};

/// A message for the player, and which saying it is: the same words said
/// again (Copy link pressed twice, the same bad file dropped twice) are
/// a new notice, and the banner shows them afresh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    /// Counts every notice said while the game runs, across runs and levels.
    /// It orders nothing in the run: a replay never sees it. Only
    /// [`Play::say`] makes a notice, so no two sayings share a number.
    pub(crate) said: u64,
}

impl Notice {
    fn new(text: String) -> Self {
        static SAID: AtomicU64 = AtomicU64::new(0);
        Self { text, said: SAID.fetch_add(1, Ordering::Relaxed) + 1 }
    }
}

/// A level in play.
#[derive(Clone, Debug)]
pub struct Play {
    pub level: Level,
    pub run: Run,
    /// Counts runs started, so views know when to start afresh.
    pub run_id: u64,
    /// Training steps per second.
    pub speed: u32,
    pub sampling: SampleSettings,
    pub prefix: String,
    /// The lesson's own state: the reading, the ballot, the word, the race.
    pub activity: Activity,
    /// The student's performances.
    pub recital: Recital,
    /// The letter column picked on the ballot (voting and scoring lessons).
    pub selected: usize,
    /// A message about the run for the player: why it restarted, why it could
    /// not. Set it with [`Play::say`].
    pub notice: Option<Notice>,
    /// Why the student could not write when last asked.
    pub write_error: Option<String>,
    /// Which of the level's hints is on show.
    pub hint: usize,
    /// Letters of performances, one stream.
    writing_rng: Rand,
    /// Letters drawn from the ballot, another stream (so draws and
    /// performances never take each other's numbers, whatever their order).
    ballot_rng: Rand,
}

impl Play {
    /// The level's run, trained for its `pretrain` steps, and its lesson's activity.
    pub fn new(level: &Level, run_id: u64) -> Result<Self, BrainError> {
        let mut run = Run::new(level.run_config(), &level.corpus)?;
        run.train(level.file.pretrain)?;
        let activity = Activity::start(level, &run)?;
        Ok(Self {
            activity,
            run,
            level: level.clone(),
            run_id,
            speed: level.file.speed,
            sampling: level.file.sampling,
            prefix: String::new(),
            recital: Recital::default(),
            selected: 0,
            notice: None,
            write_error: None,
            hint: 0,
            writing_rng: Rand::new(level.file.seed, Stream::Sampling),
            ballot_rng: Rand::new(level.file.seed, Stream::Ballot),
        })
    }

    /// Tells the player something about the run, as a new notice.
    pub fn say(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice::new(text.into()));
    }

    /// The words of the notice on show, if any.
    pub fn notice_text(&self) -> Option<&str> {
        self.notice.as_ref().map(|n| n.text.as_str())
    }

    /// Where the level's goal stands now.
    pub fn goal(&self) -> GoalState {
        goal_state(&self.level.file.goal, &self.run, &self.activity, &self.recital)
    }

    /// The level's score if its goal is met now.
    pub fn goal_reached(&self) -> Option<f32> {
        match self.goal() {
            GoalState::Reached(score) => Some(score),
            _ => None,
        }
    }

    /// True if the level trains while played and has steps left.
    pub fn trains(&self) -> bool {
        self.level.file.train_while_playing && !self.run.is_finished()
    }

    /// One training step of the student (and of the ghosts racing it).
    pub fn step(&mut self) -> Result<f32, BrainError> {
        let loss = self.run.step()?;
        let steps = self.run.step_count();
        match &mut self.activity {
            Activity::Climbing(race) => race.catch_up(steps),
            Activity::Looking(lens) => lens.after_step(&self.run),
            _ => {}
        }
        Ok(loss)
    }

    /// Training steps the ghost climbers have taken, all together (0 outside a race).
    pub fn ghost_steps(&self) -> usize {
        match &self.activity {
            Activity::Climbing(race) => race.ghosts.iter().map(|g| g.run.step_count()).sum(),
            _ => 0,
        }
    }

    /// Brings what the views read up to the weights, once a frame rather than
    /// every step (looking back's board).
    pub fn refresh_views(&mut self) {
        if let Activity::Looking(lens) = &mut self.activity {
            lens.refresh(&self.run);
        }
    }

    /// The next letter of the performance on stage, if one is on stage.
    pub fn next_letter(&mut self) {
        self.recital.next_letter(&self.run, &mut self.writing_rng);
    }

    /// Carries out a command. Returns an error (and changes nothing) when it
    /// cannot: a prefix the student cannot read, a text it cannot learn.
    /// Commands that do not apply to the lesson (a guess while climbing, a
    /// locked control) change nothing.
    pub fn execute(&mut self, command: &Command) -> Result<(), String> {
        match command {
            Command::Set(setting) => self.apply(setting),
            Command::Guess(guess) => self.guess(*guess),
            Command::Draw(n) => {
                if let Activity::Voting(ballot) = &mut self.activity {
                    let n = (*n).min(MAX_DRAW) as usize;
                    ballot.draw(&self.run, self.sampling.temperature, n, &mut self.ballot_rng);
                }
            }
            Command::Select(letter) => {
                if *letter < self.run.vocab.size() {
                    self.selected = *letter;
                }
            }
            Command::SelectPosition(i) => match &mut self.activity {
                Activity::Scoring(marking) if *i < marking.len() => marking.position = *i,
                Activity::Looking(lens) => lens.set_cursor(*i),
                _ => {}
            },
            Command::Write => {
                let result =
                    self.recital.begin(&self.run, self.sampling, &self.prefix, &mut self.writing_rng);
                self.write_error = result.as_ref().err().map(|e| e.to_string());
                result.map_err(|e| e.to_string())?;
            }
            Command::FinishWriting => self.recital.finish(&self.run, &mut self.writing_rng),
            Command::Restart => self.restart().map_err(|e| e.to_string())?,
            Command::Retrain(spec) => self.retrain(spec)?,
            Command::BoardText(i) => {
                if let Activity::Looking(lens) = &mut self.activity {
                    lens.set_text(*i, &self.run).map_err(|e| e.to_string())?;
                }
            }
            Command::PickHead { layer, head } => {
                if let Activity::Looking(lens) = &mut self.activity {
                    lens.pick(*layer, *head);
                }
            }
            Command::SwitchHead { layer, head, off } => {
                if let Activity::Looking(lens) = &mut self.activity {
                    lens.switch(*layer, *head, *off, &self.run).map_err(|e| e.to_string())?;
                }
            }
            Command::NameHead { layer, head } => {
                if let Activity::Looking(lens) = &mut self.activity {
                    lens.name(*layer, *head);
                }
            }
        }
        Ok(())
    }

    fn guess(&mut self, guess: Guess) {
        let Activity::Reading(reading) = &mut self.activity else { return };
        let player = match guess {
            Guess::Letter(c) => match self.run.vocab.id(c) {
                Some(t) => Some(t),
                None => return,
            },
            Guess::End => Some(self.run.vocab.bos()),
            Guess::Look => None,
        };
        reading.reveal(&self.run, player);
    }

    /// A fresh run of the same level with its starting settings (the notice stays).
    fn restart(&mut self) -> Result<(), BrainError> {
        let notice = self.notice.take();
        *self = Play::new(&self.level, self.run_id + 1)?;
        self.notice = notice;
        Ok(())
    }

    /// The sandbox trains on a new text with a new model, or says why it
    /// cannot and changes nothing.
    fn retrain(&mut self, spec: &Retrain) -> Result<(), String> {
        if self.level.file.lesson != Lesson::Sandbox || !self.level.file.controls.allows(Control::Model) {
            return Err("this level does not let you change the text or the model".into());
        }
        check_text_size(spec.text.len(), TEXT_LIMIT)?;
        let corpus = Corpus::from_text(&spec.text, "your text").map_err(|e| e.to_string())?;
        let mut level = self.level.clone();
        level.file.model = spec.model;
        level.file.gpt = spec.gpt;
        level.file.data = spec.data;
        level.file.corpus = CorpusSource::Inline(corpus.docs().map(String::from).collect());
        level.corpus = corpus;
        level.run_config().validate().map_err(|e| e.to_string())?;
        *self = Play::new(&level, self.run_id + 1).map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Applies a setting, if the level shows its control unlocked and the
    /// value is one the setting can take; otherwise nothing changes.
    fn apply(&mut self, setting: &Setting) {
        if !self.level.file.controls.allows(setting.control()) {
            return;
        }
        // Speed is held to its range; any other value out of range is left out.
        if !setting.in_range() && !matches!(setting, Setting::Speed(_)) {
            return;
        }
        let opt = &mut self.run.optimizer.config;
        match setting {
            Setting::Speed(s) => self.speed = (*s).clamp(1, MAX_SPEED),
            Setting::LearningRate(lr) => opt.lr = *lr,
            Setting::Optimizer(kind) => opt.kind = *kind,
            Setting::Beta1(b) => opt.beta1 = *b,
            Setting::Beta2(b) => opt.beta2 = *b,
            Setting::Eps(e) => opt.eps = *e,
            Setting::WeightDecay(w) => opt.weight_decay = *w,
            Setting::Schedule(s) => opt.schedule = *s,
            Setting::Temperature(t) => {
                self.sampling.temperature = *t;
                if let Activity::Voting(ballot) = &mut self.activity {
                    // The old draws came from other shares.
                    ballot.clear_tally();
                }
            }
            Setting::TopK(k) => self.sampling.top_k = *k,
            Setting::Prefix(p) => self.prefix = p.clone(),
            Setting::Vote { after, letter, value } => {
                if set_vote(&mut self.run, *after, *letter, *value)
                    && let Activity::Voting(ballot) = &mut self.activity
                {
                    // The old draws came from other shares.
                    ballot.clear_tally();
                }
            }
        }
        if let Activity::Climbing(race) = &mut self.activity {
            let (start, steps) = (self.level.run_config(), self.run.step_count());
            if let Err(e) = race.follow(&self.run.optimizer.config, start, &self.level.corpus, steps) {
                self.say(format!("A ghost cannot join the race: {e}"));
            }
        }
    }
}

/// The longest training text the sandbox takes, in bytes: in the browser
/// 32 MB (the page holds a text about four times over while it trains, and a
/// tab's memory is limited); natively 1 GB.
pub const TEXT_LIMIT: usize = if cfg!(target_arch = "wasm32") { 32_000_000 } else { 1_000_000_000 };

/// Whether a text of `bytes` fits under `limit`, or what to tell the player.
pub fn check_text_size(bytes: usize, limit: usize) -> Result<(), String> {
    if bytes <= limit {
        return Ok(());
    }
    Err(format!(
        "your text is {:.1} MB; {}. Use a shorter text{}.",
        bytes as f64 / 1e6,
        text_limit_note(limit),
        if cfg!(target_arch = "wasm32") { ", or the game on a computer, which takes up to 1 GB" } else { "" }
    ))
}

/// The largest text, said as the sandbox says it beside its loading
/// ("the browser version trains on texts up to 32 MB").
pub fn text_limit_note(limit: usize) -> String {
    let here = if cfg!(target_arch = "wasm32") { "the browser version" } else { "the game" };
    format!("{here} trains on texts up to {:.0} MB", limit as f64 / 1e6)
}
