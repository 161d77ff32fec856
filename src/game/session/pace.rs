//! Training pace and the goal. Progress is counted in steps: each tick owes
//! `speed / TICK_HZ` steps (in exact integer arithmetic), and the frame's
//! time budget only decides how many of the owed steps run now and how many
//! wait for the next tick. The goal is checked after every step.

use std::time::Duration;

use bevy::platform::time::Instant;
use bevy::prelude::*;

use super::{Moment, Phase, Playback, Recording, Session};
use crate::brain::BrainError;
use crate::game::FrameCost;
use crate::game::consts::TICK_HZ;
use crate::game::demo::Demo;
use crate::game::intent::Command;
use crate::game::levels::{Notices, ProgressRes};
use crate::game::state::{Pause, Screen};
use crate::lesson::GoalState;

/// Ticks between two letters of a performance (7.5 letters a second).
pub const LETTER_TICKS: u32 = 8;
/// How long the student cheers or lies fallen, in ticks.
pub const CHEER_TICKS: u32 = 2 * TICK_HZ;
pub const FALL_TICKS: u32 = 2 * TICK_HZ;
/// The most steps a tick may carry over, so a slow machine catches up
/// gradually instead of stalling.
const MAX_BACKLOG_SECONDS: u32 = 1;
/// A step's loss counts as a stumble when it exceeds the mean of the last
/// `STUMBLE_WINDOW` steps by this much.
const STUMBLE_JUMP: f32 = 1.0;
const STUMBLE_WINDOW: usize = 20;

/// The session's clock: steps owed and when the next letter is drawn.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pace {
    /// Sixtieths of a step owed from earlier ticks.
    tick_remainder: u32,
    /// Steps owed but not yet run (the time budget ran out).
    backlog: usize,
    /// Ticks until the performance on stage draws its next letter.
    pub(super) letter_ticks: u32,
    /// Ticks in a row that ended with steps still owed (training cannot keep
    /// up with the speed), and the steps those ticks did run.
    behind_ticks: u32,
    behind_steps: usize,
}

/// How long training may stay behind its speed before the sandbox says so.
pub const LAG_WARNING_SECONDS: u32 = 2;

impl Pace {
    /// How far the letter just drawn has travelled back to the input, from 0 to 1.
    pub fn letter_flight(&self) -> f32 {
        1.0 - self.letter_ticks as f32 / LETTER_TICKS as f32
    }

    /// The steps per second training has managed, once it has been behind
    /// the speed asked for more than [`LAG_WARNING_SECONDS`] (a model too big
    /// for this computer at that speed).
    pub fn lagging(&self) -> Option<f32> {
        (self.behind_ticks > LAG_WARNING_SECONDS * TICK_HZ)
            .then(|| self.behind_steps as f32 * TICK_HZ as f32 / self.behind_ticks as f32)
    }

    /// Books a tick's training: `ran` steps, with the backlog left after
    /// them (`None`: the run is at its end).
    fn booked(&mut self, ran: Option<usize>) {
        if let Some(ran) = ran.filter(|_| self.backlog > 0) {
            self.behind_ticks += 1;
            self.behind_steps += ran;
        } else {
            self.behind_ticks = 0;
            self.behind_steps = 0;
        }
    }

    /// Steps owed by one more tick at `speed` steps per second.
    fn owe_tick(&mut self, speed: u32) {
        self.tick_remainder += speed;
        let due = (self.tick_remainder / TICK_HZ) as usize;
        self.tick_remainder %= TICK_HZ;
        self.backlog = (self.backlog + due).min((speed * MAX_BACKLOG_SECONDS) as usize);
    }
}

/// How much of a tick training may use (`None`: no limit, for tests and benchmarks).
#[derive(Resource, Clone, Copy, Debug)]
pub struct TrainingBudget(pub Option<Duration>);

impl Default for TrainingBudget {
    fn default() -> Self {
        Self(Some(Duration::from_millis(4)))
    }
}

pub fn plugin(app: &mut App) {
    app.init_resource::<TrainingBudget>();
    app.add_systems(
        FixedUpdate,
        (train, super::replay::play_back, perform, advance_phase)
            .chain()
            .run_if(in_state(Pause::Running).and_then(resource_exists::<Session>)),
    );
}

/// Runs the steps owed this tick, within the time budget.
fn train(
    mut session: ResMut<Session>,
    mut recording: Option<ResMut<Recording>>,
    playback: Option<Res<Playback>>,
    budget: Res<TrainingBudget>,
    mut moments: MessageWriter<Moment>,
    mut cost: ResMut<FrameCost>,
) {
    if session.phase != Phase::Playing || playback.is_some() || !session.play.trains() {
        return;
    }
    let speed = session.play.speed;
    session.pace.owe_tick(speed);
    let started = Instant::now();
    let before = session.play.run.step_count();
    let ghosts_before = session.play.ghost_steps();
    run_owed_steps(&mut session, recording.as_deref_mut(), started, budget.0, &mut moments);
    session.play.refresh_views();
    cost.training += started.elapsed();
    let ran = session.play.run.step_count() - before;
    // A run at its end owes nothing more: it is not behind.
    let finished = session.play.run.is_finished();
    session.pace.booked(if finished { None } else { Some(ran) });
    cost.steps += ran;
    cost.ghost_steps += session.play.ghost_steps().saturating_sub(ghosts_before);
}

fn run_owed_steps(
    session: &mut Session,
    mut recording: Option<&mut Recording>,
    started: Instant,
    budget: Option<Duration>,
    moments: &mut MessageWriter<Moment>,
) {
    while session.pace.backlog > 0 && !session.play.run.is_finished() {
        let recent = session.play.run.recent_loss(STUMBLE_WINDOW);
        match session.play.step() {
            Ok(loss) => {
                session.pace.backlog -= 1;
                if recent.is_some_and(|mean| loss > mean + STUMBLE_JUMP) {
                    moments.write(Moment::Stumbled);
                }
                if let Some(recording) = recording.as_deref_mut() {
                    recording.0.stepped(&session.play);
                }
            }
            Err(BrainError::Diverged { step, loss }) => {
                session.play.say(format!(
                    "At step {step} the score became {loss}: the climber fell off the hill. The level restarted with its starting settings."
                ));
                session.phase = Phase::Fallen { step, ticks_left: FALL_TICKS };
                moments.write(Moment::Fell);
                return;
            }
            Err(e) => unreachable!("a step only fails by diverging: {e}"),
        }
        if session.play.goal_reached().is_some() {
            return;
        }
        if budget.is_some_and(|b| started.elapsed() >= b) {
            break;
        }
    }
}

/// Draws the next letter of the performance on stage every [`LETTER_TICKS`] ticks.
fn perform(mut session: ResMut<Session>) {
    if session.play.recital.stage.is_none() {
        return;
    }
    session.pace.letter_ticks = session.pace.letter_ticks.saturating_sub(1);
    if session.pace.letter_ticks == 0 {
        session.pace.letter_ticks = LETTER_TICKS;
        session.play.next_letter();
    }
}

/// Meets or misses the goal; counts down the cheer and the fall; records a completed level.
#[allow(clippy::too_many_arguments)]
fn advance_phase(
    mut session: ResMut<Session>,
    mut recording: Option<ResMut<Recording>>,
    playback: Option<Res<Playback>>,
    demo: Option<Res<Demo>>,
    mut progress: ResMut<ProgressRes>,
    mut notices: ResMut<Notices>,
    mut next: ResMut<NextState<Screen>>,
    mut moments: MessageWriter<Moment>,
) {
    // A replay playing back shows someone else's session: it completes nothing.
    if playback.is_some() {
        return;
    }
    if session.phase == Phase::Playing {
        match session.play.goal() {
            GoalState::Reached(score) => {
                session.phase = Phase::Cheering { score, ticks_left: CHEER_TICKS };
                moments.write(Moment::Cheered);
            }
            GoalState::Missed(why) => session.phase = Phase::Missed(why),
            GoalState::Open => {}
        }
    }
    match session.phase.clone() {
        Phase::Cheering { score, ticks_left } => {
            // A demo plays for show, and a replay taken over is someone else's: they record nothing.
            if ticks_left == CHEER_TICKS && demo.is_none() && !session.taken_over {
                let id = session.play.level.id().to_string();
                let (_, lower_is_better) = session.play.level.file.goal.score_meaning();
                progress.progress.record(&id, score, lower_is_better);
                if let Err(e) = progress.save() {
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
                // The restart after a fall is part of the session: it is recorded.
                if session.execute(&Command::Restart, recording.as_deref_mut()).is_ok() {
                    moments.write(Moment::Started);
                }
            } else {
                session.phase = Phase::Fallen { step, ticks_left: ticks_left - 1 };
            }
        }
        _ => {}
    }
}
