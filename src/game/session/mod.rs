//! The level in play as a Bevy resource: the [`Play`] (the run, the lesson,
//! the player's settings, without Bevy), where the level stands ([`Phase`]),
//! and the player's commands carried out between training steps. Split by
//! concern: [`pace`] trains and meets the goal, [`replay`] records and plays
//! back, [`share`] makes links and applies them.

use bevy::prelude::*;

use super::intent::{Begin, Command, Do, NextHint, OpenText, Retrain, Retry, ShowCard};
use super::levels::{CurrentLevel, Levels, Notices, ProgressRes};
use super::state::{Pause, Screen};
use crate::brain::{BrainError, ModelKind};
use crate::lesson::play::Play;
use crate::lesson::share::changed_settings;
use crate::level::{Control, Lesson, Level};

pub mod pace;
pub mod replay;
pub mod share;

pub use pace::{CHEER_TICKS, FALL_TICKS, LAG_WARNING_SECONDS, LETTER_TICKS, Pace, TrainingBudget};
pub use replay::{PendingReplay, Playback, Recording};
pub use share::PendingLink;

/// The level in play (or, behind the title and map, the backdrop's).
#[derive(Resource, Clone, Debug)]
pub struct Session {
    pub play: Play,
    pub phase: Phase,
    pub pace: Pace,
    /// A replay taken over: the lesson plays on, but completes nothing.
    pub taken_over: bool,
}

/// Where the level stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Not playing: the world behind the title and map screens.
    Backdrop,
    /// The story card holds the lesson until the player begins.
    Card,
    /// The lesson is on: training runs (if the level trains while playing) and the player acts.
    Playing,
    /// The goal is met; the student cheers, then the level is complete.
    Cheering { score: f32, ticks_left: u32 },
    /// Training diverged: the student falls, then the level restarts.
    Fallen { step: usize, ticks_left: u32 },
    /// This try cannot meet the goal any more: why, and a retry on offer.
    Missed(String),
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
    /// The score the student is marked by went down (good) or up (bad).
    Marked {
        better: bool,
    },
}

/// Whether lessons open on their story card. Demo mode never shows it; a
/// level opened straight from the command line or a `card=off` link skips it once.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct Cards {
    pub never: bool,
    pub skip_next: bool,
}

impl Session {
    pub fn new(level: &Level, run_id: u64, phase: Phase) -> Result<Self, BrainError> {
        Ok(Self::from_play(Play::new(level, run_id)?, phase))
    }

    fn from_play(play: Play, phase: Phase) -> Self {
        Self { play, phase, pace: Pace::default(), taken_over: false }
    }

    /// The lesson accepts the player's actions (not on the card, not while cheering or fallen).
    pub fn is_playing(&self) -> bool {
        self.phase == Phase::Playing
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
            // A new run plays at once, unless the story card is still up.
            if self.phase != Phase::Card {
                self.phase = Phase::Playing;
            }
            self.pace = Pace::default();
        }
        if *command == Command::Write && result.is_ok() {
            self.pace.letter_ticks = LETTER_TICKS;
        }
        result
    }
}

pub fn plugin(app: &mut App) {
    app.init_resource::<Cards>();
    app.add_message::<Moment>();
    app.add_systems(Startup, backdrop.after(super::levels::load_levels));
    app.add_systems(OnEnter(Screen::Playing), start_level);
    app.add_observer(carry_out);
    app.add_observer(begin);
    app.add_observer(show_card);
    app.add_observer(retry);
    app.add_observer(next_hint);
    app.add_observer(open_text);
    app.add_plugins((pace::plugin, replay::plugin, share::plugin));
}

/// Behind the title and map: the first level's student, standing still.
fn backdrop(mut commands: Commands, levels: Res<Levels>) {
    if let Some(level) = levels.set.levels.first()
        && let Ok(session) = Session::new(level, 0, Phase::Backdrop)
    {
        commands.insert_resource(session);
    }
}

/// Starts the chosen level (recording it, on its story card unless told to
/// skip it), or the replay that was opened.
#[allow(clippy::too_many_arguments)]
pub fn start_level(
    mut commands: Commands,
    current: Res<CurrentLevel>,
    levels: Res<Levels>,
    session: Option<Res<Session>>,
    pending: Option<Res<PendingReplay>>,
    link: Option<Res<PendingLink>>,
    text: Option<Res<PendingText>>,
    mut cards: ResMut<Cards>,
    mut moments: MessageWriter<Moment>,
    mut notices: ResMut<Notices>,
    mut next: ResMut<NextState<Screen>>,
) {
    let run_id = session.map_or(1, |s| s.play.run_id + 1);
    if let Some(pending) = pending {
        commands.remove_resource::<PendingReplay>();
        match replay::start(&pending, run_id) {
            Ok((session, playback)) => {
                commands.insert_resource(session);
                commands.insert_resource(playback);
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
    let card = !(cards.never || std::mem::take(&mut cards.skip_next));
    match Session::new(level, run_id, if card { Phase::Card } else { Phase::Playing }) {
        Ok(mut session) => {
            let mut recording = Recording::new(&level.file);
            if let Some(PendingLink(shared)) = link.as_deref() {
                commands.remove_resource::<PendingLink>();
                if shared.level == level.id() {
                    share::apply(&mut session, &mut recording, shared);
                    if shared.inside {
                        commands.insert_resource(crate::game::inside::OpenInsideSoon);
                    }
                }
            }
            if let Some(PendingText(spec)) = text.as_deref() {
                commands.remove_resource::<PendingText>();
                if level.file.lesson == Lesson::Sandbox
                    && let Err(why) = session.execute(&Command::Retrain(spec.clone()), Some(&mut recording))
                {
                    session.play.say(why);
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

/// Whether the player's command may happen now: never while a replay plays
/// back; settings and a restart whenever the lesson is on screen (paused, or
/// after a missed try); the rest only while the lesson plays and its goal is open.
fn allowed(command: &Command, session: &Session, running: bool) -> bool {
    let setting = matches!(command, Command::Set(_));
    let restart = matches!(command, Command::Restart);
    // A new text for the sandbox is like a setting: it may come while paused or on the card.
    let retrain = matches!(command, Command::Retrain(_));
    match &session.phase {
        // Once the goal is met or missed (this tick, before the phase shows it), the lesson's
        // own actions stop: a 21st guess cannot turn a lost round into a won one.
        Phase::Playing if !matches!(session.play.goal(), crate::lesson::GoalState::Open) => {
            setting || restart || retrain
        }
        Phase::Playing => running || setting || restart || retrain,
        Phase::Missed(_) => setting || restart,
        Phase::Card => retrain || restart,
        Phase::Cheering { .. } | Phase::Fallen { .. } => restart,
        Phase::Backdrop => false,
    }
}

/// Carries out the player's commands.
fn carry_out(
    order: On<Do>,
    session: Option<ResMut<Session>>,
    mut recording: Option<ResMut<Recording>>,
    playback: Option<Res<Playback>>,
    screen: Res<State<Screen>>,
    pause: Option<Res<State<Pause>>>,
    mut moments: MessageWriter<Moment>,
) {
    let Some(mut session) = session else { return };
    let command = &order.event().0;
    let running = pause.is_some_and(|p| *p.get() == Pause::Running);
    if playback.is_some() || *screen.get() != Screen::Playing || !allowed(command, &session, running) {
        return;
    }
    let (run_id, score) = (session.play.run_id, marked_score(&session.play));
    match session.execute(command, recording.as_deref_mut()) {
        Ok(()) if session.play.run_id != run_id => {
            moments.write(Moment::Started);
        }
        Ok(()) => {
            if let (Some(before), Some(after)) = (score, marked_score(&session.play))
                && before != after
            {
                moments.write(Moment::Marked { better: after < before });
            }
        }
        Err(why) => {
            if matches!(command, Command::Retrain(_)) {
                session.play.say(why);
            }
        }
    }
}

/// The score a lesson marks the student by, when the player moves it by hand (scoring).
fn marked_score(play: &Play) -> Option<f32> {
    match &play.activity {
        crate::lesson::Activity::Scoring(marking) => Some(marking.mean_score(&play.run)),
        _ => None,
    }
}

fn begin(_: On<Begin>, session: Option<ResMut<Session>>) {
    if let Some(mut session) = session
        && session.phase == Phase::Card
    {
        session.phase = Phase::Playing;
    }
}

fn show_card(_: On<ShowCard>, session: Option<ResMut<Session>>, playback: Option<Res<Playback>>) {
    if let Some(mut session) = session
        && session.phase == Phase::Playing
        && playback.is_none()
    {
        session.phase = Phase::Card;
    }
}

/// The level again from its start, with the settings the player chose (each
/// applied as the player's own command, so the replay has them).
fn retry(
    _: On<Retry>,
    session: Option<ResMut<Session>>,
    mut recording: Option<ResMut<Recording>>,
    playback: Option<Res<Playback>>,
    mut moments: MessageWriter<Moment>,
) {
    let Some(mut session) = session else { return };
    if playback.is_some() || !matches!(session.phase, Phase::Missed(_)) {
        return;
    }
    let keep = changed_settings(&session.play);
    if session.execute(&Command::Restart, recording.as_deref_mut()).is_err() {
        return;
    }
    for setting in keep {
        // A setting the level allowed before is allowed again: it never fails.
        let _ = session.execute(&Command::Set(setting), recording.as_deref_mut());
    }
    moments.write(Moment::Started);
}

fn next_hint(_: On<NextHint>, session: Option<ResMut<Session>>) {
    if let Some(mut session) = session {
        session.play.hint += 1;
    }
}

/// A text dropped on the window (or picked in the page): the sandbox trains
/// on it when it is open; otherwise the player hears why not.
fn open_text(
    opened: On<OpenText>,
    mut commands: Commands,
    session: Option<ResMut<Session>>,
    levels: Res<Levels>,
    progress: Res<ProgressRes>,
    screen: Res<State<Screen>>,
    mut notices: ResMut<Notices>,
) {
    let Some(sandbox) = levels.set.levels.iter().find(|l| l.file.lesson == Lesson::Sandbox) else {
        notices.push(format!("{}: there is no sandbox level to train on it", opened.name));
        return;
    };
    if !progress.progress.is_unlocked(&levels.set, sandbox.id()) {
        notices.push(format!(
            "{}: the sandbox opens once the lessons before it are done; then drop the text again",
            opened.name
        ));
        if let Some(mut session) = session
            && *screen.get() == Screen::Playing
        {
            session.play.say("The sandbox is still locked: finish the lessons before it first.");
        }
        return;
    }
    let in_sandbox = *screen.get() == Screen::Playing
        && session.as_ref().is_some_and(|s| s.play.level.file.lesson == Lesson::Sandbox);
    let spec = |play: Option<&Play>| {
        let (model, gpt, data) = match play {
            Some(p) => (p.run.brain.kind(), p.run.config.gpt, p.run.config.data),
            None => (ModelKind::Gpt, sandbox.file.gpt, sandbox.file.data),
        };
        Retrain { text: opened.text.clone(), model, gpt, data }
    };
    if in_sandbox {
        let play = session.as_ref().map(|s| &s.play);
        if play.is_some_and(|p| p.level.file.controls.allows(Control::Model)) {
            commands.trigger(Do(Command::Retrain(spec(play))));
        }
    } else {
        commands.insert_resource(PendingText(spec(None)));
        commands.trigger(super::intent::PlayLevel(sandbox.id().to_string()));
    }
}

/// A text waiting for the sandbox to open.
#[derive(Resource, Clone, Debug)]
pub struct PendingText(pub Retrain);
