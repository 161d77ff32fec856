//! The level in play as a Bevy resource: the [`Play`] (the run, the lesson,
//! the player's settings, without Bevy), the fixed-tick systems that train it,
//! the recording of the session, and the playback of a replay.
//!
//! Progress is counted in steps: each tick owes `speed / TICK_HZ` steps (in
//! exact integer arithmetic), and the frame's time budget only decides how
//! many of the owed steps run now and how many wait for the next tick. The
//! player's commands are executed between steps and recorded with the step,
//! so the run never depends on frame time and a replay reproduces it.

use std::ops::{Deref, DerefMut};
use std::time::Duration;

use bevy::platform::time::Instant;
use bevy::prelude::*;

use super::actions::{Action, Command, ReplayControl};
use super::levels::{CurrentLevel, Levels, Notices, ProgressRes};
use super::screens::{Pause, Screen};
use super::{FrameCost, TICK_HZ};
use crate::brain::BrainError;
use crate::lesson::play::Play;
use crate::lesson::share::SharedStart;
use crate::level::replay::{Recorder, ReplayFile, Replayer};
use crate::level::{Goal, Level};

/// The level in play (or, behind the title and map, the backdrop's).
#[derive(Resource, Clone, Debug)]
pub struct Session {
    pub play: Play,
    pub phase: Phase,
    /// Sixtieths of a step owed from earlier ticks.
    tick_remainder: u32,
    /// Steps owed but not yet run (the time budget ran out).
    backlog: usize,
    /// Ticks until the performance on stage draws its next letter.
    letter_ticks: u32,
}

impl Deref for Session {
    type Target = Play;
    fn deref(&self) -> &Play {
        &self.play
    }
}

impl DerefMut for Session {
    fn deref_mut(&mut self) -> &mut Play {
        &mut self.play
    }
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

/// The session being recorded (absent while a replay plays back).
#[derive(Resource, Clone, Debug)]
pub struct Recording(pub Recorder);

/// A replay playing back: the player drives it, not the lesson.
#[derive(Resource, Clone, Debug)]
pub struct Playback {
    pub replayer: Replayer,
    pub playing: bool,
    /// Multiple of the level's speed, 0.25 to 8.
    pub speed: f32,
    /// Steps owed from earlier ticks, in fractions.
    owed: f32,
    /// Why it stopped early, if it did.
    pub error: Option<String>,
}

/// A link's settings, waiting for its level to start: they are applied as
/// the player's own, so the session's replay records them.
#[derive(Resource, Clone, Debug)]
pub struct PendingLink(pub SharedStart);

/// A replay opened and waiting for the playing screen.
#[derive(Resource, Clone, Debug)]
pub struct PendingReplay {
    pub file: ReplayFile,
    pub level: Level,
    pub path: String,
}

impl Session {
    pub fn new(level: &Level, run_id: u64, phase: Phase) -> Result<Self, BrainError> {
        Ok(Self::from_play(Play::new(level, run_id)?, phase))
    }

    fn from_play(play: Play, phase: Phase) -> Self {
        Self { play, phase, tick_remainder: 0, backlog: 0, letter_ticks: 0 }
    }

    /// How far the letter just drawn has travelled back to the input, from 0 to 1.
    pub fn letter_flight(&self) -> f32 {
        1.0 - self.letter_ticks as f32 / LETTER_TICKS as f32
    }

    /// Steps owed by one more tick at the current speed.
    fn owe_tick(&mut self) {
        self.tick_remainder += self.play.speed;
        let due = (self.tick_remainder / TICK_HZ) as usize;
        self.tick_remainder %= TICK_HZ;
        self.backlog = (self.backlog + due).min((self.play.speed * MAX_BACKLOG_SECONDS) as usize);
    }

    /// Executes a command and records it; a command that fails changes
    /// nothing and is not recorded. A new run starts its pacing afresh.
    pub fn execute(&mut self, command: &Command, recording: Option<&mut Recording>) -> Result<(), String> {
        let run_id = self.play.run_id;
        let result = match recording {
            Some(recording) => {
                recording.0.command(&self.play, command);
                let result = self.play.execute(command);
                if result.is_err() {
                    recording.0.retract();
                }
                result
            }
            None => self.play.execute(command),
        };
        if self.play.run_id != run_id {
            *self = Self::from_play(self.play.clone(), Phase::Playing);
        }
        if *command == Command::Write && result.is_ok() {
            self.letter_ticks = LETTER_TICKS;
        }
        result
    }
}

impl Playback {
    pub fn new(replayer: Replayer) -> Self {
        Self { replayer, playing: true, speed: 1.0, owed: 0.0, error: None }
    }
}

pub fn plugin(app: &mut App) {
    app.init_resource::<TrainingBudget>();
    app.add_message::<Moment>();
    app.add_systems(Startup, backdrop.after(super::levels::load_levels));
    app.add_systems(OnEnter(Screen::Playing), start_level);
    app.add_systems(OnExit(Screen::Playing), |mut commands: Commands| commands.remove_resource::<Playback>());
    // After the screens have read the same actions, so R on the completion
    // screen is seen there (it replays the level) and not again once playing.
    app.add_systems(Update, apply_actions.after(super::screens::navigate).run_if(resource_exists::<Session>));
    app.add_systems(
        FixedUpdate,
        (train, play_back, perform, advance_phase)
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

/// Starts the chosen level (recording it), or the replay that was opened.
#[allow(clippy::too_many_arguments)]
pub fn start_level(
    mut commands: Commands,
    current: Res<CurrentLevel>,
    levels: Res<Levels>,
    session: Option<Res<Session>>,
    pending: Option<Res<PendingReplay>>,
    link: Option<Res<PendingLink>>,
    mut moments: MessageWriter<Moment>,
    mut notices: ResMut<Notices>,
    mut next: ResMut<NextState<Screen>>,
) {
    if link.is_some() {
        commands.remove_resource::<PendingLink>();
    }
    let run_id = session.map_or(1, |s| s.run_id + 1);
    if let Some(pending) = pending {
        commands.remove_resource::<PendingReplay>();
        match Replayer::start(pending.file.clone(), &pending.level, &pending.path) {
            Ok((replayer, mut play)) => {
                play.run_id = run_id;
                commands.insert_resource(Session::from_play(play, Phase::Playing));
                commands.insert_resource(Playback::new(replayer));
                commands.remove_resource::<Recording>();
                moments.write(Moment::Started);
            }
            Err(e) => {
                notices.push(format!("cannot play back {}: {e}", pending.path));
                next.set(Screen::LevelMap);
            }
        }
        return;
    }
    let Some(level) = current.0.as_deref().and_then(|id| levels.set.get(id)) else {
        return;
    };
    match Session::new(level, run_id, Phase::Playing) {
        Ok(mut session) => {
            let mut recording = Recording(Recorder::new(&level.file, Vec::new()));
            if let Some(PendingLink(shared)) = link.as_deref()
                && shared.level == level.id()
            {
                let controls = &level.file.controls;
                for setting in shared.settings.iter().filter(|s| controls.allows(s.control())) {
                    // Settings never fail: a value out of range is left out.
                    let _ = session.execute(&Command::Set(setting.clone()), Some(&mut recording));
                }
                let ignored = shared.ignored(&level.file.controls);
                if !ignored.is_empty() {
                    session.notice = Some(format!(
                        "This level sets its own {}: the link's value{} left out.",
                        ignored.join(", "),
                        if ignored.len() == 1 { " was" } else { "s were" }
                    ));
                }
            }
            commands.insert_resource(recording);
            commands.insert_resource(session);
            moments.write(Moment::Started);
        }
        Err(e) => {
            notices.push(format!("cannot start {}: {e}", level.path));
            next.set(Screen::LevelMap);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn apply_actions(
    mut commands: Commands,
    mut actions: MessageReader<Action>,
    mut session: ResMut<Session>,
    mut recording: Option<ResMut<Recording>>,
    mut playback: Option<ResMut<Playback>>,
    screen: Res<State<Screen>>,
    pause: Option<Res<State<Pause>>>,
    progress: Res<ProgressRes>,
    mut moments: MessageWriter<Moment>,
) {
    // While paused only settings change; the lesson waits.
    let running = *screen.get() == Screen::Playing && pause.is_some_and(|p| *p.get() == Pause::Running);
    for action in actions.read() {
        match action {
            Action::NextHint => session.hint += 1,
            Action::SaveReplay => {
                session.notice = Some(match save_replay(&session, recording.as_deref(), &progress) {
                    Ok(message) => message,
                    Err(why) => why,
                });
            }
            Action::CopyLink => {
                let link = crate::lesson::share::link(&session.play);
                session.notice = Some(share_link(&link));
            }
            Action::Replay(control) => {
                if let Some(playback) = playback.as_deref_mut() {
                    if let Some(taken) = drive(playback, &mut session, *control) {
                        commands.remove_resource::<Playback>();
                        commands.insert_resource(Recording(taken));
                    }
                }
            }
            _ => {
                let Some(command) = action.command() else { continue };
                // A replay playing back is driven by its own commands.
                if playback.is_some() || *screen.get() != Screen::Playing {
                    continue;
                }
                let is_setting = matches!(command, Command::Set(_));
                if !running && !is_setting {
                    continue;
                }
                let run_id = session.run_id;
                match session.execute(&command, recording.as_deref_mut()) {
                    Ok(()) if session.run_id != run_id => {
                        moments.write(Moment::Started);
                    }
                    Ok(()) => {}
                    Err(why) => {
                        if matches!(command, Command::Retrain(_)) {
                            session.notice = Some(why);
                        }
                    }
                }
            }
        }
    }
}

/// Applies a replay control; returns the recording that continues the
/// session when the player takes over.
fn drive(playback: &mut Playback, session: &mut Session, control: ReplayControl) -> Option<Recorder> {
    let result = match control {
        ReplayControl::PlayPause => {
            playback.playing = !playback.playing;
            Ok(())
        }
        ReplayControl::Step => playback.replayer.forward(&mut session.play, 1),
        ReplayControl::Speed(s) => {
            playback.speed = s.clamp(0.25, 8.0);
            Ok(())
        }
        ReplayControl::Seek(position) => playback.replayer.seek(&mut session.play, position),
        ReplayControl::TakeOver => {
            let level = &playback.replayer.file.level;
            return Some(Recorder::new(level, playback.replayer.history()));
        }
    };
    if let Err(e) = result {
        playback.error = Some(e.to_string());
        playback.playing = false;
    }
    None
}

/// Writes the session so far to the replays folder beside the progress (in
/// the browser: offers it as a download).
fn save_replay(
    session: &Session,
    recording: Option<&Recording>,
    progress: &ProgressRes,
) -> Result<String, String> {
    let recording = recording.ok_or("a replay playing back is already saved; take over to record")?;
    let file = recording.0.finish(&session.play);
    #[cfg(target_arch = "wasm32")]
    if progress.store.is_none() {
        let name = format!("{}-step-{}.replay.ron", session.level.id(), session.run.step_count());
        crate::web::download(&name, &file.to_ron());
        return Ok(format!("Replay downloaded as {name}"));
    }
    let store = progress.store.as_ref().ok_or("this build has nowhere to save replays")?;
    let dir = store.path.parent().map(|d| d.join("replays")).ok_or("no folder for replays")?;
    file.save_new(&dir, session.level.id()).map(|p| format!("Replay saved to {}", p.display()))
}

/// Hands a link to the player: in the browser it goes in the address bar and
/// the clipboard; natively the message shows the command that opens it.
fn share_link(link: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let address = crate::web::set_hash(link);
        if crate::web::copy(&address) {
            format!("Link copied (it is in the address bar too): {address}")
        } else {
            format!("Link in the address bar: {address}")
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        format!("Link to this level with these settings: raw-weights play --link '{link}'")
    }
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
    if session.phase != Phase::Playing || playback.is_some() || !session.trains() {
        return;
    }
    session.owe_tick();
    let started = Instant::now();
    let before = session.run.step_count();
    run_owed_steps(&mut session, recording.as_deref_mut(), started, budget.0, &mut moments);
    cost.training += started.elapsed();
    cost.steps += session.run.step_count() - before;
}

fn run_owed_steps(
    session: &mut Session,
    mut recording: Option<&mut Recording>,
    started: Instant,
    budget: Option<Duration>,
    moments: &mut MessageWriter<Moment>,
) {
    while session.backlog > 0 && !session.run.is_finished() {
        let recent = session.run.recent_loss(STUMBLE_WINDOW);
        match session.play.step() {
            Ok(loss) => {
                session.backlog -= 1;
                if recent.is_some_and(|mean| loss > mean + STUMBLE_JUMP) {
                    moments.write(Moment::Stumbled);
                }
                if let Some(recording) = recording.as_deref_mut() {
                    recording.0.stepped(&session.play);
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

/// Plays a replay forward at its speed: the level's steps per second times
/// the playback multiplier.
fn play_back(mut session: ResMut<Session>, playback: Option<ResMut<Playback>>, mut cost: ResMut<FrameCost>) {
    let Some(mut playback) = playback else { return };
    if !playback.playing || playback.replayer.finished() {
        return;
    }
    playback.owed += session.play.speed as f32 * playback.speed / TICK_HZ as f32;
    let steps = playback.owed.floor() as usize;
    playback.owed -= steps as f32;
    let started = Instant::now();
    let before = playback.replayer.position;
    if let Err(e) = playback.replayer.forward(&mut session.play, steps) {
        playback.error = Some(e.to_string());
        playback.playing = false;
    }
    cost.training += started.elapsed();
    cost.steps += playback.replayer.position - before;
}

/// Draws the next letter of the performance on stage every [`LETTER_TICKS`] ticks.
fn perform(mut session: ResMut<Session>) {
    if session.recital.stage.is_none() {
        return;
    }
    session.letter_ticks = session.letter_ticks.saturating_sub(1);
    if session.letter_ticks == 0 {
        session.letter_ticks = LETTER_TICKS;
        session.play.next_letter();
    }
}

/// Meets the goal; counts down the cheer and the fall; records a completed level.
#[allow(clippy::too_many_arguments)]
fn advance_phase(
    mut session: ResMut<Session>,
    mut recording: Option<ResMut<Recording>>,
    playback: Option<Res<Playback>>,
    demo: Option<Res<super::demo::Demo>>,
    mut progress: ResMut<ProgressRes>,
    mut notices: ResMut<Notices>,
    mut next: ResMut<NextState<Screen>>,
    mut moments: MessageWriter<Moment>,
) {
    // A replay playing back shows someone else's session: it completes nothing.
    if playback.is_some() {
        return;
    }
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
