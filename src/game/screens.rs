//! The screens: title → level map → playing → level complete → map.

use bevy::prelude::*;

use super::Start;
use super::actions::{Action, CAN_QUIT, Guess, ReplayControl, Setting};
use super::levels::{CurrentLevel, Levels, Notices, ProgressRes};
use super::session::{PendingLink, PendingReplay, Playback, Session};
use crate::lesson::{Activity, bigram_votes};
use crate::level::replay::{ReplayFile, SHIPPED, shipped, shipped_name};

#[derive(States, Clone, Copy, Default, PartialEq, Eq, Hash, Debug)]
pub enum Screen {
    #[default]
    Title,
    LevelMap,
    Playing,
    Complete,
}

/// Whether training runs while playing.
#[derive(SubStates, Clone, Copy, Default, PartialEq, Eq, Hash, Debug)]
#[source(Screen = Screen::Playing)]
pub enum Pause {
    #[default]
    Running,
    Paused,
}

pub fn plugin(app: &mut App) {
    app.init_state::<Screen>();
    app.add_sub_state::<Pause>();
    app.init_resource::<Start>();
    app.add_systems(Startup, apply_start.after(super::levels::load_levels));
    app.add_systems(Update, (keyboard.run_if(resource_exists::<ButtonInput<KeyCode>>), navigate).chain());
}

fn apply_start(
    start: Res<Start>,
    levels: Res<Levels>,
    mut actions: MessageWriter<Action>,
    mut next: ResMut<NextState<Screen>>,
    mut notices: ResMut<Notices>,
    mut commands: Commands,
) {
    match &*start {
        Start::Title => {}
        Start::LevelMap => next.set(Screen::LevelMap),
        Start::Play(id) => {
            actions.write(Action::Play(id.clone()));
        }
        Start::Link(shared) => {
            if levels.set.get(&shared.level).is_some() {
                commands.insert_resource(PendingLink(shared.clone()));
                actions.write(Action::Play(shared.level.clone()));
            } else {
                let ids: Vec<_> = levels.set.levels.iter().map(|l| l.id()).collect();
                notices.push(format!(
                    "link: there is no level `{}` (the levels: {})",
                    shared.level,
                    ids.join(", ")
                ));
                next.set(Screen::LevelMap);
            }
        }
        Start::Replay(path) => {
            actions.write(Action::OpenReplay(path.clone()));
        }
        Start::Shipped(name) => match shipped(name) {
            Some((path, text)) => {
                actions.write(Action::OpenReplayText { name: path.to_string(), text: text.to_string() });
            }
            None => {
                let names: Vec<_> = SHIPPED.iter().map(|(path, _)| shipped_name(path)).collect();
                notices
                    .push(format!("link: there is no replay `{name}` (the replays: {})", names.join(", ")));
                next.set(Screen::LevelMap);
            }
        },
    }
}

/// Every action has a key.
fn keyboard(
    keys: Res<ButtonInput<KeyCode>>,
    screen: Res<State<Screen>>,
    pause: Option<Res<State<Pause>>>,
    levels: Res<Levels>,
    progress: Res<ProgressRes>,
    egui: Option<Res<bevy_egui::input::EguiWantsInput>>,
    session: Option<Res<Session>>,
    playback: Option<Res<Playback>>,
    mut actions: MessageWriter<Action>,
) {
    // Keys typed into a text box are not commands.
    if egui.is_some_and(|e| e.wants_keyboard_input()) {
        return;
    }
    let pressed = |k| keys.just_pressed(k);
    match screen.get() {
        Screen::Title => {
            if pressed(KeyCode::Enter) || pressed(KeyCode::Space) {
                actions.write(Action::OpenMap);
            } else if pressed(KeyCode::Escape) || pressed(KeyCode::KeyQ) {
                actions.write(Action::Quit);
            }
        }
        Screen::LevelMap => {
            if pressed(KeyCode::Escape) {
                actions.write(Action::OpenTitle);
            }
            let digits = [
                KeyCode::Digit1,
                KeyCode::Digit2,
                KeyCode::Digit3,
                KeyCode::Digit4,
                KeyCode::Digit5,
                KeyCode::Digit6,
                KeyCode::Digit7,
                KeyCode::Digit8,
                KeyCode::Digit9,
            ];
            for (i, key) in digits.into_iter().enumerate() {
                if pressed(key)
                    && let Some(level) = levels.set.levels.get(i)
                {
                    actions.write(Action::Play(level.id().to_string()));
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
                    actions.write(Action::Play(level.id().to_string()));
                }
            }
        }
        Screen::Playing => {
            let paused = pause.is_some_and(|p| *p.get() == Pause::Paused);
            if pressed(KeyCode::F5) {
                actions.write(Action::TogglePresenter);
            } else if pressed(KeyCode::F6) {
                actions.write(Action::SaveReplay);
            } else if pressed(KeyCode::F7) {
                actions.write(Action::CopyLink);
            } else if let Some(playback) = playback.as_deref()
                && !paused
                && !pressed(KeyCode::Escape)
            {
                replay_keys(&keys, playback, &mut actions);
            } else if pressed(KeyCode::Space) || pressed(KeyCode::Escape) {
                actions.write(Action::TogglePause);
            } else if pressed(KeyCode::F1) {
                actions.write(Action::NextHint);
            } else if paused {
                // The pause menu: its keys.
                if pressed(KeyCode::KeyR) {
                    actions.write(Action::Restart);
                } else if pressed(KeyCode::KeyM) || pressed(KeyCode::Backspace) {
                    actions.write(Action::OpenMap);
                } else if pressed(KeyCode::KeyQ) {
                    actions.write(Action::Quit);
                }
            } else if let Some(session) = &session {
                lesson_keys(&keys, session, &mut actions);
            }
        }
        Screen::Complete => {
            if pressed(KeyCode::F6) {
                actions.write(Action::SaveReplay);
            } else if pressed(KeyCode::Enter) || pressed(KeyCode::KeyN) {
                actions.write(Action::PlayNext);
            } else if pressed(KeyCode::KeyR) {
                actions.write(Action::Restart);
            } else if pressed(KeyCode::KeyM) || pressed(KeyCode::Escape) {
                actions.write(Action::OpenMap);
            }
        }
    }
}

/// While playing: in the prediction lesson the letter keys are guesses (the
/// other commands are in the pause menu); elsewhere R restarts, M opens the
/// map, W writes, H shows a hint, [ and ] change the speed, and the arrows,
/// D, . and , work the ballot.
fn lesson_keys(keys: &ButtonInput<KeyCode>, session: &Session, actions: &mut MessageWriter<Action>) {
    let pressed = |k| keys.just_pressed(k);
    let shift = keys.pressed(KeyCode::ShiftLeft) || keys.pressed(KeyCode::ShiftRight);
    let lesson = session.level.file.lesson;
    if pressed(KeyCode::BracketLeft) || pressed(KeyCode::BracketRight) {
        let speed = session.speed;
        let speed = if pressed(KeyCode::BracketRight) { speed.saturating_mul(2) } else { (speed / 2).max(1) };
        actions.write(Action::Set(Setting::Speed(speed)));
        return;
    }
    if lesson.types_letters() {
        if let Some(c) = keys.get_just_pressed().find_map(|k| letter_of(*k)) {
            actions.write(Action::Guess(Guess::Letter(c)));
        } else if pressed(KeyCode::Enter) {
            actions.write(Action::Guess(Guess::End));
        } else if pressed(KeyCode::ArrowRight) {
            actions.write(Action::Guess(Guess::Look));
        }
        return;
    }
    if pressed(KeyCode::KeyR) {
        actions.write(Action::Restart);
    } else if pressed(KeyCode::KeyM) {
        actions.write(Action::OpenMap);
    } else if pressed(KeyCode::KeyW) {
        actions.write(Action::Write);
    } else if pressed(KeyCode::Enter) && session.recital.stage.is_some() {
        actions.write(Action::FinishWriting);
    } else if pressed(KeyCode::KeyH) {
        actions.write(Action::NextHint);
    } else if lesson.edits_votes() {
        ballot_keys(keys, session, shift, actions);
    }
}

/// The ballot's keys: ← → pick a letter, ↑ ↓ change its votes (Shift: by more),
/// D draws (Shift: 100), . and , walk along the marked word.
fn ballot_keys(
    keys: &ButtonInput<KeyCode>,
    session: &Session,
    shift: bool,
    actions: &mut MessageWriter<Action>,
) {
    let pressed = |k| keys.just_pressed(k);
    let v = session.run.vocab.size();
    let Some(context) = ballot_context(session) else { return };
    if pressed(KeyCode::ArrowLeft) {
        actions.write(Action::Select((session.selected + v - 1) % v));
    } else if pressed(KeyCode::ArrowRight) {
        actions.write(Action::Select((session.selected + 1) % v));
    } else if pressed(KeyCode::ArrowUp) || pressed(KeyCode::ArrowDown) {
        let step = if shift { 1.0 } else { 0.25 };
        let step = if pressed(KeyCode::ArrowUp) { step } else { -step };
        let now = bigram_votes(&session.run, context)[session.selected];
        actions.write(Action::Set(Setting::Vote {
            after: context,
            letter: session.selected,
            value: now + step,
        }));
    } else if pressed(KeyCode::KeyD) {
        actions.write(Action::Draw(if shift { 100 } else { 10 }));
    } else if (pressed(KeyCode::Period) || pressed(KeyCode::Comma))
        && let Activity::Scoring(marking) = &session.activity
    {
        let n = marking.len();
        let next =
            if pressed(KeyCode::Comma) { (marking.position + n - 1) % n } else { (marking.position + 1) % n };
        actions.write(Action::SelectPosition(next));
    }
}

/// A replay playing back: Space plays or pauses, → steps, [ and ] halve or
/// double the speed, T takes over.
fn replay_keys(keys: &ButtonInput<KeyCode>, playback: &Playback, actions: &mut MessageWriter<Action>) {
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
    actions.write(Action::Replay(control));
}

/// The letter whose votes the ballot shows: the voting lesson's context, or
/// the letter before the marked one in the scoring lesson.
pub fn ballot_context(session: &Session) -> Option<usize> {
    match &session.activity {
        Activity::Voting(ballot) => Some(ballot.context),
        Activity::Scoring(marking) => Some(marking.tokens[marking.position]),
        _ => None,
    }
}

/// The lowercase letter of a letter key.
fn letter_of(key: KeyCode) -> Option<char> {
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
    LETTERS.iter().position(|k| *k == key).map(|i| (b'a' + i as u8) as char)
}

/// Reads a replay file for playing back.
fn open_replay(path: &str) -> Result<PendingReplay, String> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let (file, level) = ReplayFile::load(std::path::Path::new(path)).map_err(|e| e.to_string())?;
        Ok(PendingReplay { file, level, path: path.to_string() })
    }
    #[cfg(target_arch = "wasm32")]
    {
        Err(format!("{path}: replays cannot be opened from a path in the browser"))
    }
}

/// A replay given as text: a file picked in the browser, or a shipped one.
fn read_replay(name: &str, text: &str) -> Result<PendingReplay, String> {
    let (file, level) = ReplayFile::parse(name, text).map_err(|e| e.to_string())?;
    Ok(PendingReplay { file, level, path: name.to_string() })
}

/// Carries out the actions that move between screens.
pub fn navigate(
    mut actions: MessageReader<Action>,
    screen: Res<State<Screen>>,
    pause: Option<Res<State<Pause>>>,
    mut next_screen: ResMut<NextState<Screen>>,
    mut next_pause: ResMut<NextState<Pause>>,
    levels: Res<Levels>,
    progress: Res<ProgressRes>,
    start: Res<Start>,
    mut current: ResMut<CurrentLevel>,
    mut exit: MessageWriter<AppExit>,
    mut commands: Commands,
    mut notices: ResMut<Notices>,
) {
    for action in actions.read() {
        match action {
            Action::OpenTitle => next_screen.set(Screen::Title),
            Action::OpenMap => next_screen.set(Screen::LevelMap),
            // A web page cannot close its tab: there, quitting would only freeze the picture.
            Action::Quit if CAN_QUIT => {
                exit.write(AppExit::Success);
            }
            Action::Quit => {}
            Action::Play(id) => {
                // A level opens once unlocked; `--start play:<id>` opens any.
                let allowed =
                    progress.progress.is_unlocked(&levels.set, id) || start.opens() == Some(id.as_str());
                if levels.set.get(id).is_none() {
                    warn!("there is no level {id:?}");
                } else if allowed {
                    current.0 = Some(id.clone());
                    next_screen.set(Screen::Playing);
                }
            }
            Action::PlayNext => {
                let next = current.0.as_deref().and_then(|id| levels.set.next_after(id));
                match next {
                    Some(level) if progress.progress.is_unlocked(&levels.set, level.id()) => {
                        current.0 = Some(level.id().to_string());
                        next_screen.set(Screen::Playing);
                    }
                    _ => next_screen.set(Screen::LevelMap),
                }
            }
            Action::Restart if *screen.get() == Screen::Complete => next_screen.set(Screen::Playing),
            Action::OpenReplay(_) | Action::OpenReplayText { .. } => {
                let opened = match action {
                    Action::OpenReplayText { name, text } => read_replay(name, text),
                    Action::OpenReplay(path) => open_replay(path),
                    _ => continue,
                };
                match opened {
                    Ok(pending) => {
                        current.0 = Some(pending.level.id().to_string());
                        commands.insert_resource(pending);
                        next_screen.set(Screen::Playing);
                    }
                    Err(why) => {
                        eprintln!("{why}");
                        notices.push(why);
                    }
                }
            }
            Action::TogglePause => {
                if let Some(p) = &pause {
                    next_pause.set(match p.get() {
                        Pause::Running => Pause::Paused,
                        Pause::Paused => Pause::Running,
                    });
                }
            }
            _ => {}
        }
    }
}
