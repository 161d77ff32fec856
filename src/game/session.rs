//! Training in the ECS: the level being played, its run, and the fixed-tick
//! system that advances it. Progress is counted in steps: each tick owes
//! `speed / TICK_HZ` steps (in exact integer arithmetic), and the frame's
//! time budget only decides how many of the owed steps run now and how many
//! wait for the next tick. The run never depends on frame time.

use std::time::Duration;

use bevy::platform::time::Instant;
use bevy::prelude::*;

use super::actions::{Action, Guess, MAX_DRAW, Retrain, Setting};
use super::levels::{CurrentLevel, Levels, Notices, ProgressRes};
use super::screens::{Pause, Screen};
use super::{FrameCost, TICK_HZ};
use crate::brain::{BrainError, Corpus, Rand, Run, SampleSettings, Stream};
use crate::lesson::performing::Recital;
use crate::lesson::voting::set_vote;
use crate::lesson::{self, Activity};
use crate::level::format::MAX_SPEED;
use crate::level::{Control, Goal, Lesson, Level};

/// A level in play: its run, its lesson's activity, and what the player has set.
#[derive(Resource, Clone, Debug)]
pub struct Session {
    pub level: Level,
    pub run: Run,
    /// Counts runs started, so views know when to start afresh.
    pub run_id: u64,
    /// Training steps per second.
    pub speed: u32,
    pub sampling: SampleSettings,
    pub prefix: String,
    pub phase: Phase,
    /// The lesson's own state: the reading, the ballot, the word, the race.
    pub activity: Activity,
    /// The student's performances.
    pub recital: Recital,
    /// The letter column picked on the ballot (voting and scoring lessons).
    pub selected: usize,
    /// Sixtieths of a step owed from earlier ticks.
    tick_remainder: u32,
    /// Steps owed but not yet run (the time budget ran out).
    backlog: usize,
    /// Ticks until the performance on stage draws its next letter.
    letter_ticks: u32,
    /// A message about the run for the player: why it restarted.
    pub notice: Option<String>,
    /// Why the student could not write (or the ballot could not be drawn) when last asked.
    pub write_error: Option<String>,
    /// Which of the level's hints is on show.
    pub hint: usize,
    /// Draws letters for performances and the ballot.
    rng: Rand,
}

/// Ticks between two letters of a performance (7.5 letters a second).
pub const LETTER_TICKS: u32 = 8;

/// Where the level stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Not playing: the world behind the title and map screens.
    Backdrop,
    /// The lesson is on: training runs (if the level trains while playing) and the player acts.
    Playing,
    /// The goal is met; the student cheers, then the level is complete.
    Cheering { score: f32, ticks_left: u32 },
    /// Training diverged: the student falls, then the level restarts.
    Fallen { step: usize, ticks_left: u32 },
    /// The step budget is spent without meeting the goal.
    OutOfSteps,
}

/// How long the student cheers or lies fallen, in ticks.
pub const CHEER_TICKS: u32 = 2 * TICK_HZ;
pub const FALL_TICKS: u32 = 2 * TICK_HZ;

/// The most steps a tick may carry over, so a slow machine catches up
/// gradually instead of stalling.
const MAX_BACKLOG_SECONDS: u32 = 1;

/// How much of a tick training may use (`None`: no limit, for tests and benchmarks).
#[derive(Resource, Clone, Copy, Debug)]
pub struct TrainingBudget(pub Option<Duration>);

impl Default for TrainingBudget {
    fn default() -> Self {
        Self(Some(Duration::from_millis(4)))
    }
}

/// What the student just went through, for its animation.
#[derive(Message, Clone, Copy, Debug, PartialEq)]
pub enum Moment {
    /// The loss of a step jumped well above the recent mean.
    Stumbled,
    Fell,
    Cheered,
    /// A run (re)started.
    Started,
}

/// A step's loss counts as a stumble when it exceeds the mean of the last
/// `STUMBLE_WINDOW` steps by this much.
const STUMBLE_JUMP: f32 = 1.0;
const STUMBLE_WINDOW: usize = 20;

impl Session {
    /// The level's run, trained for its `pretrain` steps, and its lesson's activity.
    pub fn new(level: &Level, run_id: u64, phase: Phase) -> Result<Self, BrainError> {
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
            phase,
            recital: Recital::default(),
            selected: 0,
            tick_remainder: 0,
            backlog: 0,
            letter_ticks: 0,
            notice: None,
            write_error: None,
            hint: 0,
            rng: Rand::new(level.file.seed, Stream::Sampling),
        })
    }

    /// The student starts performing a text, letter by letter.
    pub fn write(&mut self) -> Result<(), BrainError> {
        self.recital.begin(&self.run, self.sampling, &self.prefix, &mut self.rng)?;
        self.letter_ticks = LETTER_TICKS;
        Ok(())
    }

    /// A fresh run of the same level with its starting settings (the notice stays).
    pub fn restart(&mut self) {
        let notice = self.notice.take();
        *self = Session::new(&self.level, self.run_id + 1, Phase::Playing).expect("the level started before");
        self.notice = notice;
    }

    /// The sandbox trains on a new text with a new model (if the level shows
    /// that control), or says why it cannot and changes nothing.
    pub fn retrain(&mut self, spec: &Retrain) -> Result<(), String> {
        if self.level.file.lesson != Lesson::Sandbox || !self.level.file.controls.allows(Control::Model) {
            return Err("this level does not let you change the text or the model".into());
        }
        let corpus = Corpus::from_text(&spec.text, "your text").map_err(|e| e.to_string())?;
        let mut level = self.level.clone();
        level.file.model = spec.model;
        level.file.gpt = spec.gpt;
        level.file.corpus = crate::level::CorpusSource::Inline(corpus.docs.clone());
        level.corpus = corpus;
        level.run_config().validate().map_err(|e| e.to_string())?;
        let fresh = Session::new(&level, self.run_id + 1, Phase::Playing).map_err(|e| e.to_string())?;
        *self = fresh;
        Ok(())
    }

    /// How far the letter just drawn has travelled back to the input, from 0 to 1.
    pub fn letter_flight(&self) -> f32 {
        1.0 - self.letter_ticks as f32 / LETTER_TICKS as f32
    }

    /// The level's score if its goal is met now.
    pub fn goal_reached(&self) -> Option<f32> {
        lesson::goal_reached(&self.level.file.goal, &self.run, &self.activity, &self.recital)
    }

    /// A lesson action: a guess on the board, a vote, a draw, a letter picked.
    fn act(&mut self, action: &Action) {
        match (action, &mut self.activity) {
            (Action::Guess(guess), Activity::Reading(reading)) => {
                let player = match guess {
                    Guess::Letter(c) => match self.run.vocab.id(*c) {
                        Some(t) => Some(t),
                        None => return,
                    },
                    Guess::End => Some(self.run.vocab.bos()),
                    Guess::Look => None,
                };
                reading.reveal(&self.run, player);
            }
            (Action::Draw(n), Activity::Voting(ballot)) => {
                ballot.draw(&self.run, self.sampling.temperature, (*n).min(MAX_DRAW) as usize, &mut self.rng);
            }
            (Action::Select(letter), _) if *letter < self.run.vocab.size() => self.selected = *letter,
            (Action::SelectPosition(i), Activity::Scoring(marking)) if *i < marking.len() => {
                marking.position = *i
            }
            _ => {}
        }
    }

    /// Applies a setting between steps, if the level shows its control
    /// unlocked and the value is one the setting can take; otherwise nothing changes.
    pub fn apply(&mut self, setting: &Setting) {
        if !self.level.file.controls.allows(setting.control()) {
            return;
        }
        let opt = &mut self.run.optimizer.config;
        match setting {
            Setting::Speed(s) => self.speed = (*s).clamp(1, MAX_SPEED),
            Setting::LearningRate(lr) if lr.is_finite() && *lr >= 0.0 => opt.lr = *lr,
            Setting::Optimizer(kind) => opt.kind = *kind,
            Setting::Beta1(b) if (0.0..1.0).contains(b) => opt.beta1 = *b,
            Setting::Beta2(b) if (0.0..1.0).contains(b) => opt.beta2 = *b,
            Setting::Eps(e) if e.is_finite() && *e > 0.0 => opt.eps = *e,
            Setting::WeightDecay(w) if w.is_finite() && *w >= 0.0 => opt.weight_decay = *w,
            Setting::Schedule(s) => opt.schedule = *s,
            Setting::Temperature(t) if t.is_finite() && *t >= 0.0 => {
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
            _ => {}
        }
        if let Activity::Climbing(race) = &mut self.activity {
            race.share_settings(&self.run.optimizer.config);
        }
    }

    /// Steps owed by one more tick at the current speed.
    fn owe_tick(&mut self) {
        self.tick_remainder += self.speed;
        let due = (self.tick_remainder / TICK_HZ) as usize;
        self.tick_remainder %= TICK_HZ;
        self.backlog = (self.backlog + due).min((self.speed * MAX_BACKLOG_SECONDS) as usize);
    }
}

pub fn plugin(app: &mut App) {
    app.init_resource::<TrainingBudget>();
    app.add_message::<Moment>();
    app.add_systems(Startup, backdrop.after(super::levels::load_levels));
    app.add_systems(OnEnter(Screen::Playing), start_level);
    // After the screens have read the same actions, so R on the completion
    // screen is seen there (it replays the level) and not again once playing.
    app.add_systems(Update, apply_actions.after(super::screens::navigate).run_if(resource_exists::<Session>));
    app.add_systems(
        FixedUpdate,
        (train, perform, advance_phase)
            .chain()
            .run_if(in_state(Pause::Running).and_then(resource_exists::<Session>)),
    );
}

/// Behind the title and map: the first level's student, standing still.
fn backdrop(mut commands: Commands, levels: Res<Levels>) {
    if let Some(level) = levels.set.levels.first()
        && let Ok(session) = Session::new(level, 0, Phase::Backdrop)
    {
        commands.insert_resource(session);
    }
}

pub fn start_level(
    mut commands: Commands,
    current: Res<CurrentLevel>,
    levels: Res<Levels>,
    session: Option<Res<Session>>,
    mut moments: MessageWriter<Moment>,
    mut notices: ResMut<Notices>,
    mut next: ResMut<NextState<Screen>>,
) {
    let Some(level) = current.0.as_deref().and_then(|id| levels.set.get(id)) else {
        return;
    };
    let run_id = session.map_or(1, |s| s.run_id + 1);
    match Session::new(level, run_id, Phase::Playing) {
        Ok(session) => {
            commands.insert_resource(session);
            moments.write(Moment::Started);
        }
        Err(e) => {
            notices.push(format!("cannot start {}: {e}", level.path));
            next.set(Screen::LevelMap);
        }
    }
}

fn apply_actions(
    mut actions: MessageReader<Action>,
    mut session: ResMut<Session>,
    screen: Res<State<Screen>>,
    pause: Option<Res<State<Pause>>>,
    mut moments: MessageWriter<Moment>,
) {
    // While paused only settings change; the lesson waits.
    let running = *screen.get() == Screen::Playing && pause.is_some_and(|p| *p.get() == Pause::Running);
    for action in actions.read() {
        match action {
            Action::Set(setting) => session.apply(setting),
            Action::NextHint => session.hint += 1,
            Action::Write if running => {
                let result = session.write();
                session.write_error = result.err().map(|e| e.to_string());
            }
            Action::Retrain(spec) if running => {
                let result = session.retrain(spec);
                match result {
                    Ok(()) => {
                        moments.write(Moment::Started);
                    }
                    Err(why) => session.notice = Some(why),
                }
            }
            Action::FinishWriting if running => {
                let Session { recital, run, rng, .. } = &mut *session;
                recital.finish(run, rng);
            }
            Action::Guess(_) | Action::Draw(_) | Action::Select(_) | Action::SelectPosition(_) if running => {
                session.act(action)
            }
            Action::Restart if *screen.get() == Screen::Playing => {
                session.notice = None;
                session.restart();
                moments.write(Moment::Started);
            }
            _ => {}
        }
    }
}

/// Runs the steps owed this tick, within the time budget.
fn train(
    mut session: ResMut<Session>,
    budget: Res<TrainingBudget>,
    mut moments: MessageWriter<Moment>,
    mut cost: ResMut<FrameCost>,
) {
    if session.phase != Phase::Playing || !session.level.file.train_while_playing {
        return;
    }
    session.owe_tick();
    let started = Instant::now();
    let before = session.run.step_count();
    run_owed_steps(&mut session, started, budget.0, &mut moments);
    cost.training += started.elapsed();
    cost.steps += session.run.step_count() - before;
}

fn run_owed_steps(
    session: &mut Session,
    started: Instant,
    budget: Option<Duration>,
    moments: &mut MessageWriter<Moment>,
) {
    while session.backlog > 0 && !session.run.is_finished() {
        let recent = session.run.recent_loss(STUMBLE_WINDOW);
        match session.run.step() {
            Ok(loss) => {
                session.backlog -= 1;
                if recent.is_some_and(|mean| loss > mean + STUMBLE_JUMP) {
                    moments.write(Moment::Stumbled);
                }
                let steps = session.run.step_count();
                if let Activity::Climbing(race) = &mut session.activity {
                    race.catch_up(steps);
                }
            }
            Err(BrainError::Diverged { step, loss }) => {
                session.notice = Some(format!(
                    "At step {step} the score became {loss}: the climber fell off the hill. The level restarted with its starting settings."
                ));
                session.phase = Phase::Fallen { step, ticks_left: FALL_TICKS };
                moments.write(Moment::Fell);
                return;
            }
            Err(e) => unreachable!("a step only fails by diverging: {e}"),
        }
        if session.goal_reached().is_some() {
            return;
        }
        if budget.is_some_and(|b| started.elapsed() >= b) {
            break;
        }
    }
    // Only a loss goal can be missed by running out of steps; in the other
    // lessons the student simply stops training.
    if session.run.is_finished() && matches!(session.level.file.goal, Goal::LossBelow { .. }) {
        session.phase = Phase::OutOfSteps;
    }
}

/// Draws the next letter of the performance on stage every [`LETTER_TICKS`] ticks.
fn perform(mut session: ResMut<Session>) {
    if session.recital.stage.is_none() {
        return;
    }
    session.letter_ticks = session.letter_ticks.saturating_sub(1);
    if session.letter_ticks == 0 {
        session.letter_ticks = LETTER_TICKS;
        let Session { recital, run, rng, .. } = &mut *session;
        recital.next_letter(run, rng);
    }
}

/// Meets the goal; counts down the cheer and the fall; records a completed level.
fn advance_phase(
    mut session: ResMut<Session>,
    demo: Option<Res<super::demo::Demo>>,
    mut progress: ResMut<ProgressRes>,
    mut notices: ResMut<Notices>,
    mut next: ResMut<NextState<Screen>>,
    mut moments: MessageWriter<Moment>,
) {
    if matches!(session.phase, Phase::Playing | Phase::OutOfSteps)
        && let Some(score) = session.goal_reached()
    {
        session.phase = Phase::Cheering { score, ticks_left: CHEER_TICKS };
        moments.write(Moment::Cheered);
    }
    match session.phase.clone() {
        Phase::Cheering { score, ticks_left } => {
            // A demo plays for show: it records nothing.
            if ticks_left == CHEER_TICKS && demo.is_none() {
                let id = session.level.id().to_string();
                let (_, lower_is_better) = session.level.file.goal.score_meaning();
                progress.progress.record(&id, score, lower_is_better);
                if let Some(store) = progress.store.clone()
                    && let Err(e) = store.save(&progress.progress)
                {
                    notices.push(e);
                }
            }
            if ticks_left == 0 {
                next.set(Screen::Complete);
            } else {
                session.phase = Phase::Cheering { score, ticks_left: ticks_left - 1 };
            }
        }
        Phase::Fallen { step, ticks_left } => {
            if ticks_left == 0 {
                session.restart();
                moments.write(Moment::Started);
            } else {
                session.phase = Phase::Fallen { step, ticks_left: ticks_left - 1 };
            }
        }
        _ => {}
    }
}
