//! The keyboard: the keys of every screen and the shared key groups the
//! lessons use (`crate::lesson::keys` is the table the buttons, the help and
//! the README show). Keys become intents, never direct changes.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::input::EguiWantsInput;

use super::intent::{
    Begin, Command, CopyLink, Do, DriveReplay, Guess, NextHint, OpenMap, OpenTitle, PlayAgain, PlayLevel,
    PlayNext, Quit, ReplayControl, Retry, SaveReplay, Setting, ShowCard, ToggleChart, ToggleHelp,
    TogglePanel, TogglePause, TogglePresenter,
};
use super::levels::{Levels, ProgressRes};
use super::session::{Phase, Playback, Session};
use super::state::{Pause, Screen};
use crate::brain::{OptimizerKind, Schedule};
use crate::lesson::play::Play;
use crate::level::command::range;

pub fn plugin(app: &mut App) {
    // Without a keyboard (benchmarks run the logic bare), no key system runs.
    app.configure_sets(Update, KeySet.run_if(resource_exists::<ButtonInput<KeyCode>>));
    app.add_systems(Update, keyboard.in_set(KeySet));
}

/// The keyboard systems, before the ones that read what they changed.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeySet;

/// What the keyboard holds this frame, for the lessons' own key systems.
pub struct Keys<'a> {
    pub input: &'a ButtonInput<KeyCode>,
}

impl Keys<'_> {
    pub fn pressed(&self, key: KeyCode) -> bool {
        self.input.just_pressed(key)
    }

    pub fn shift(&self) -> bool {
        self.input.pressed(KeyCode::ShiftLeft) || self.input.pressed(KeyCode::ShiftRight)
    }

    /// `key` pressed: `Some(true)` without Shift, `Some(false)` with it.
    pub fn up_or_down(&self, key: KeyCode) -> Option<bool> {
        self.pressed(key).then(|| !self.shift())
    }
}

/// What a lesson's key system reads: the keyboard, and whether its keys are live.
#[derive(SystemParam)]
pub struct LessonKeys<'w> {
    input: Res<'w, ButtonInput<KeyCode>>,
    session: Option<Res<'w, Session>>,
    pause: Option<Res<'w, State<Pause>>>,
    playback: Option<Res<'w, Playback>>,
    egui: Option<Res<'w, EguiWantsInput>>,
}

impl LessonKeys<'_> {
    /// The keys and the session, when the lesson's own keys should be read now.
    pub fn live(&self) -> Option<(Keys<'_>, &Session)> {
        let session = self.session.as_deref()?;
        lesson_keys_live(session, self.pause.as_deref(), self.playback.as_deref(), self.egui.as_deref())
            .then(|| (Keys { input: &self.input }, session))
    }
}

/// Whether the lesson's own keys should be read now: the lesson on, or past a
/// missed try (settings may change before a retry), not paused, no text field
/// typing, no replay playing back.
pub fn lesson_keys_live(
    session: &Session,
    pause: Option<&State<Pause>>,
    playback: Option<&Playback>,
    egui: Option<&EguiWantsInput>,
) -> bool {
    let typing = egui.is_some_and(|e| e.wants_keyboard_input());
    let running = pause.is_some_and(|p| *p.get() == Pause::Running);
    running && !typing && playback.is_none() && matches!(session.phase, Phase::Playing | Phase::Missed(_))
}

#[allow(clippy::too_many_arguments)]
fn keyboard(
    keys: Res<ButtonInput<KeyCode>>,
    screen: Res<State<Screen>>,
    pause: Option<Res<State<Pause>>>,
    levels: Res<Levels>,
    progress: Res<ProgressRes>,
    egui: Option<Res<EguiWantsInput>>,
    session: Option<Res<Session>>,
    playback: Option<Res<Playback>>,
    mut commands: Commands,
) {
    // Keys typed into a text box are not commands.
    if egui.is_some_and(|e| e.wants_keyboard_input()) {
        return;
    }
    let pressed = |k| keys.just_pressed(k);
    match screen.get() {
        Screen::Title => {
            if pressed(KeyCode::Enter) || pressed(KeyCode::Space) {
                commands.trigger(OpenMap);
            } else if pressed(KeyCode::Escape) || pressed(KeyCode::KeyQ) {
                commands.trigger(Quit);
            }
        }
        Screen::LevelMap => {
            if pressed(KeyCode::Escape) {
                commands.trigger(OpenTitle);
            }
            for (i, level) in levels.set.levels.iter().enumerate().take(9) {
                if pressed(digit(i + 1)) {
                    commands.trigger(PlayLevel(level.id().to_string()));
                }
            }
            if pressed(KeyCode::Enter) {
                // The first unlocked level not yet completed, else the last unlocked.
                let unlocked: Vec<_> = levels
                    .set
                    .levels
                    .iter()
                    .filter(|l| progress.progress.is_unlocked(&levels.set, l.id()))
                    .collect();
                let pick =
                    unlocked.iter().find(|l| !progress.progress.is_completed(l.id())).or(unlocked.last());
                if let Some(level) = pick {
                    commands.trigger(PlayLevel(level.id().to_string()));
                }
            }
        }
        Screen::Playing => {
            let Some(session) = session else { return };
            playing(&keys, &session, pause.as_deref(), playback.as_deref(), &mut commands);
        }
        Screen::Complete => {
            if pressed(KeyCode::F6) {
                commands.trigger(SaveReplay);
            } else if pressed(KeyCode::Enter) || pressed(KeyCode::KeyN) {
                commands.trigger(PlayNext);
            } else if pressed(KeyCode::KeyR) {
                commands.trigger(PlayAgain);
            } else if pressed(KeyCode::KeyM) || pressed(KeyCode::Escape) {
                commands.trigger(OpenMap);
            }
        }
    }
}

/// The keys every lesson shares; the lesson's own are read by its plugin.
fn playing(
    keys: &ButtonInput<KeyCode>,
    session: &Session,
    pause: Option<&State<Pause>>,
    playback: Option<&Playback>,
    commands: &mut Commands,
) {
    let pressed = |k| keys.just_pressed(k);
    let paused = pause.is_some_and(|p| *p.get() == Pause::Paused);
    let typing_letters = session.play.level.file.lesson.types_letters();
    // Seen everywhere, even on the card.
    if pressed(KeyCode::F1) {
        commands.trigger(ToggleHelp);
    }
    if pressed(KeyCode::F5) {
        commands.trigger(TogglePresenter);
    }
    if pressed(KeyCode::Tab) {
        commands.trigger(TogglePanel);
    }
    if pressed(KeyCode::F4) {
        commands.trigger(ToggleChart);
    }
    if pressed(KeyCode::F6) {
        commands.trigger(SaveReplay);
    }
    if pressed(KeyCode::F7) {
        commands.trigger(CopyLink);
    }
    if session.phase == Phase::Card {
        if pressed(KeyCode::Space) || pressed(KeyCode::Enter) {
            commands.trigger(Begin);
        } else if pressed(KeyCode::Escape) {
            commands.trigger(OpenMap);
        }
        return;
    }
    if let Some(playback) = playback
        && !paused
        && !pressed(KeyCode::Escape)
    {
        replay_keys(keys, playback, commands);
        return;
    }
    if pause.is_some_and(|p| *p.get() == Pause::Inside) {
        // The inside view's own keys are read by its plugin; Space and Esc close it.
        if pressed(KeyCode::Space) || pressed(KeyCode::Escape) {
            commands.trigger(super::inside::ToggleInside);
        }
        return;
    }
    if pressed(KeyCode::Space) || pressed(KeyCode::Escape) {
        commands.trigger(TogglePause);
        return;
    }
    if !typing_letters && !paused && pressed(KeyCode::KeyI) {
        commands.trigger(super::inside::ToggleInside);
    }
    if paused {
        // The pause menu's keys.
        if pressed(KeyCode::KeyR) && playback.is_none() {
            commands.trigger(Do(Command::Restart));
            commands.trigger(TogglePause);
        } else if pressed(KeyCode::KeyM) || pressed(KeyCode::Backspace) {
            commands.trigger(OpenMap);
        } else if pressed(KeyCode::KeyQ) {
            commands.trigger(Quit);
        }
        return;
    }
    if pressed(KeyCode::F2) {
        commands.trigger(ShowCard);
    }
    if pressed(KeyCode::F3) {
        commands.trigger(NextHint);
    }
    if matches!(session.phase, Phase::Missed(_)) && pressed(KeyCode::Enter) {
        commands.trigger(Retry);
    }
    if !typing_letters {
        if pressed(KeyCode::KeyR) {
            commands.trigger(Do(Command::Restart));
        } else if pressed(KeyCode::KeyM) {
            commands.trigger(OpenMap);
        }
    }
    if pressed(KeyCode::BracketLeft) || pressed(KeyCode::BracketRight) {
        let speed = session.play.speed;
        let speed = if pressed(KeyCode::BracketRight) { speed.saturating_mul(2) } else { (speed / 2).max(1) };
        commands.trigger(Do(Command::Set(Setting::Speed(speed))));
    }
}

/// A replay playing back: Space plays or pauses, → steps, [ and ] halve or
/// double the speed, Home goes back to the start, T takes over.
fn replay_keys(keys: &ButtonInput<KeyCode>, playback: &Playback, commands: &mut Commands) {
    let pressed = |k| keys.just_pressed(k);
    let control = if pressed(KeyCode::Space) {
        ReplayControl::PlayPause
    } else if pressed(KeyCode::ArrowRight) || pressed(KeyCode::Period) {
        ReplayControl::Step
    } else if pressed(KeyCode::BracketRight) {
        ReplayControl::Speed(playback.speed * 2.0)
    } else if pressed(KeyCode::BracketLeft) {
        ReplayControl::Speed(playback.speed / 2.0)
    } else if pressed(KeyCode::Home) {
        ReplayControl::Seek(0)
    } else if pressed(KeyCode::KeyT) {
        ReplayControl::TakeOver
    } else {
        return;
    };
    commands.trigger(DriveReplay(control));
}

pub fn digit(n: usize) -> KeyCode {
    [
        KeyCode::Digit0,
        KeyCode::Digit1,
        KeyCode::Digit2,
        KeyCode::Digit3,
        KeyCode::Digit4,
        KeyCode::Digit5,
        KeyCode::Digit6,
        KeyCode::Digit7,
        KeyCode::Digit8,
        KeyCode::Digit9,
    ][n % 10]
}

/// The letter keys, a to z.
const LETTERS: [KeyCode; 26] = [
    KeyCode::KeyA,
    KeyCode::KeyB,
    KeyCode::KeyC,
    KeyCode::KeyD,
    KeyCode::KeyE,
    KeyCode::KeyF,
    KeyCode::KeyG,
    KeyCode::KeyH,
    KeyCode::KeyI,
    KeyCode::KeyJ,
    KeyCode::KeyK,
    KeyCode::KeyL,
    KeyCode::KeyM,
    KeyCode::KeyN,
    KeyCode::KeyO,
    KeyCode::KeyP,
    KeyCode::KeyQ,
    KeyCode::KeyR,
    KeyCode::KeyS,
    KeyCode::KeyT,
    KeyCode::KeyU,
    KeyCode::KeyV,
    KeyCode::KeyW,
    KeyCode::KeyX,
    KeyCode::KeyY,
    KeyCode::KeyZ,
];

/// The lowercase letter of a letter key.
pub fn letter_of(key: KeyCode) -> Option<char> {
    LETTERS.iter().position(|k| *k == key).map(|i| (b'a' + i as u8) as char)
}

/// The key of a lowercase letter.
pub fn key_of(letter: char) -> Option<KeyCode> {
    letter.is_ascii_lowercase().then(|| LETTERS[(letter as u8 - b'a') as usize])
}

// ------------------------------------------------------------ shared key groups

/// Prediction: a letter is a guess, Enter guesses the end, → just looks.
pub fn guess_keys(keys: &Keys, commands: &mut Commands) {
    let guess = if let Some(c) = keys.input.get_just_pressed().find_map(|k| letter_of(*k)) {
        Guess::Letter(c)
    } else if keys.pressed(KeyCode::Enter) {
        Guess::End
    } else if keys.pressed(KeyCode::ArrowRight) {
        Guess::Look
    } else {
        return;
    };
    commands.trigger(Do(Command::Guess(guess)));
}

/// The next climber in the panel's order, or the one before.
pub fn next_climber(kind: OptimizerKind, forward: bool) -> OptimizerKind {
    let all = OptimizerKind::ALL;
    let at = all.iter().position(|&k| k == kind).unwrap_or(0);
    let n = all.len();
    all[if forward { (at + 1) % n } else { (at + n - 1) % n }]
}

/// β moved by halving (up) or doubling (down) its distance to 1.
fn beta_step(beta: f32, up: bool, max: f32) -> f32 {
    let gap = 1.0 - beta;
    let next = if up { 1.0 - gap / 2.0 } else { 1.0 - (gap * 2.0).max(0.01) };
    next.clamp(0.0, max)
}

/// Climbing and the sandbox: O the climber, L the learning rate, B β1, V β2,
/// E ε, S the schedule, Y the weight decay.
pub fn climber_keys(keys: &Keys, play: &Play, commands: &mut Commands) {
    let opt = play.run.optimizer.config;
    let setting = if let Some(up) = keys.up_or_down(KeyCode::KeyO) {
        Setting::Optimizer(next_climber(opt.kind, up))
    } else if let Some(up) = keys.up_or_down(KeyCode::KeyL) {
        let lr = if up { opt.lr * 2.0 } else { opt.lr / 2.0 };
        Setting::LearningRate(lr.clamp(*range::LEARNING_RATE.start(), *range::LEARNING_RATE.end()))
    } else if let Some(up) = keys.up_or_down(KeyCode::KeyB) {
        Setting::Beta1(beta_step(opt.beta1, up, *range::BETA1.end()))
    } else if let Some(up) = keys.up_or_down(KeyCode::KeyV) {
        Setting::Beta2(beta_step(opt.beta2, up, *range::BETA2.end()))
    } else if let Some(up) = keys.up_or_down(KeyCode::KeyE) {
        let eps = if up { opt.eps * 10.0 } else { opt.eps / 10.0 };
        Setting::Eps(eps.clamp(*range::EPS.start(), *range::EPS.end()))
    } else if keys.pressed(KeyCode::KeyS) {
        Setting::Schedule(match opt.schedule {
            Schedule::Linear => Schedule::Constant,
            Schedule::Constant => Schedule::Linear,
        })
    } else if let Some(up) = keys.up_or_down(KeyCode::KeyY) {
        let w = opt.weight_decay + if up { 0.01 } else { -0.01 };
        Setting::WeightDecay(w.clamp(*range::WEIGHT_DECAY.start(), *range::WEIGHT_DECAY.end()))
    } else {
        return;
    };
    commands.trigger(Do(Command::Set(setting)));
}

/// The temperature by tenths: T up, Shift+T down.
pub fn temperature_keys(keys: &Keys, play: &Play, commands: &mut Commands) {
    if let Some(up) = keys.up_or_down(KeyCode::KeyT) {
        let t = play.sampling.temperature + if up { 0.1 } else { -0.1 };
        let t = ((t * 10.0).round() / 10.0).clamp(*range::TEMPERATURE.start(), *range::TEMPERATURE.end());
        commands.trigger(Do(Command::Set(Setting::Temperature(t))));
    }
}

/// Performing and the sandbox: W writes, Enter finishes, T the temperature, K top-k.
pub fn performer_keys(keys: &Keys, play: &Play, commands: &mut Commands) {
    if keys.pressed(KeyCode::KeyW) {
        commands.trigger(Do(Command::Write));
    } else if keys.pressed(KeyCode::Enter) && play.recital.stage.is_some() {
        commands.trigger(Do(Command::FinishWriting));
    } else if let Some(up) = keys.up_or_down(KeyCode::KeyK) {
        let k = play.sampling.top_k;
        let k = if up { (k + 1).min(play.run.vocab.size()) } else { k.saturating_sub(1) };
        commands.trigger(Do(Command::Set(Setting::TopK(k))));
    }
    temperature_keys(keys, play, commands);
}
