//! Moving between screens: title → level map → playing → level complete → map,
//! where the game starts, and replays opened from files. Each screen's panel
//! is its own file.

use bevy::prelude::*;

use super::Start;
use super::consts::CAN_QUIT;
use super::intent::{
    OpenMap, OpenReplay, OpenReplayText, OpenTitle, PlayAgain, PlayLevel, PlayNext, Quit, TogglePause,
};
use super::levels::{CurrentLevel, Levels, Notices, ProgressRes};
use super::session::{Cards, PendingLink, PendingReplay, Session};
use super::state::{Pause, Screen, Studying};
use crate::level::replay::{ReplayFile, SHIPPED, shipped, shipped_name};

pub mod complete;
pub mod map;
pub mod title;

pub fn plugin(app: &mut App) {
    app.init_resource::<Start>();
    app.add_systems(Startup, apply_start.after(super::levels::load_levels));
    app.add_observer(open_title);
    app.add_observer(open_map);
    app.add_observer(play_level);
    app.add_observer(play_next);
    app.add_observer(play_again);
    app.add_observer(quit);
    app.add_observer(toggle_pause);
    app.add_observer(open_replay);
    app.add_observer(open_replay_text);
}

/// The panels of the title, map and completion screens (they need egui).
pub fn view_plugin(app: &mut App) {
    app.add_plugins((title::plugin, map::plugin, complete::plugin));
}

fn apply_start(
    start: Res<Start>,
    levels: Res<Levels>,
    mut commands: Commands,
    mut cards: ResMut<Cards>,
    mut next: ResMut<NextState<Screen>>,
    mut notices: ResMut<Notices>,
) {
    match &*start {
        Start::Title => {}
        Start::LevelMap => next.set(Screen::LevelMap),
        Start::Play(id) => {
            // A teacher's shortcut (and the screenshots'): straight into the lesson.
            cards.skip_next = true;
            commands.trigger(PlayLevel(id.clone()));
        }
        Start::Link(shared) => {
            if levels.set.get(&shared.level).is_some() {
                cards.skip_next = !shared.card;
                commands.insert_resource(PendingLink(shared.clone()));
                commands.trigger(PlayLevel(shared.level.clone()));
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
        Start::Replay(path) => commands.trigger(OpenReplay(path.clone())),
        Start::Shipped(name) => match shipped(name) {
            Some((path, text)) => {
                commands.trigger(OpenReplayText { name: path.to_string(), text: text.to_string() })
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

fn open_title(_: On<OpenTitle>, mut next: ResMut<NextState<Screen>>) {
    next.set(Screen::Title);
}

fn open_map(_: On<OpenMap>, mut next: ResMut<NextState<Screen>>) {
    next.set(Screen::LevelMap);
}

/// Opens a level once unlocked; `--start play:<id>` and links open any.
fn play_level(
    wanted: On<PlayLevel>,
    levels: Res<Levels>,
    progress: Res<ProgressRes>,
    start: Res<Start>,
    mut current: ResMut<CurrentLevel>,
    mut screen: ResMut<NextState<Screen>>,
    mut studying: ResMut<NextState<Studying>>,
) {
    let id = &wanted.event().0;
    let Some(level) = levels.set.get(id) else {
        warn!("there is no level {id:?}");
        return;
    };
    if progress.progress.is_unlocked(&levels.set, id) || start.opens() == Some(id.as_str()) {
        current.0 = Some(id.clone());
        studying.set(Studying(Some(level.file.lesson)));
        screen.set(Screen::Playing);
    }
}

fn play_next(
    _: On<PlayNext>,
    mut commands: Commands,
    levels: Res<Levels>,
    progress: Res<ProgressRes>,
    current: Res<CurrentLevel>,
    mut screen: ResMut<NextState<Screen>>,
) {
    match current.0.as_deref().and_then(|id| levels.set.next_after(id)) {
        Some(level) if progress.progress.is_unlocked(&levels.set, level.id()) => {
            commands.trigger(PlayLevel(level.id().to_string()));
        }
        _ => screen.set(Screen::LevelMap),
    }
}

fn play_again(_: On<PlayAgain>, screen: Res<State<Screen>>, mut next: ResMut<NextState<Screen>>) {
    if *screen.get() == Screen::Complete {
        next.set(Screen::Playing);
    }
}

/// A web page cannot close its tab: there, quitting would only freeze the picture.
fn quit(_: On<Quit>, mut exit: MessageWriter<AppExit>) {
    if CAN_QUIT {
        exit.write(AppExit::Success);
    }
}

fn toggle_pause(_: On<TogglePause>, pause: Option<Res<State<Pause>>>, mut next: ResMut<NextState<Pause>>) {
    if let Some(p) = pause {
        next.set(match p.get() {
            // From the inside view, the pause button pauses (training stays stopped).
            Pause::Running | Pause::Inside => Pause::Paused,
            Pause::Paused => Pause::Running,
        });
    }
}

fn open_replay(opened: On<OpenReplay>, mut commands: Commands) {
    #[cfg(not(target_arch = "wasm32"))]
    let read = ReplayFile::load(std::path::Path::new(&opened.0))
        .map(|(file, level)| PendingReplay { file, level, path: opened.0.clone() })
        .map_err(|e| e.to_string());
    #[cfg(target_arch = "wasm32")]
    let read = Err(format!("{}: replays cannot be opened from a path in the browser", opened.0));
    commands.queue(move |world: &mut World| play_back(world, read));
}

fn open_replay_text(opened: On<OpenReplayText>, mut commands: Commands) {
    let read = ReplayFile::parse(&opened.name, &opened.text)
        .map(|(file, level)| PendingReplay { file, level, path: opened.name.clone() })
        .map_err(|e| e.to_string());
    commands.queue(move |world: &mut World| play_back(world, read));
}

/// Plays back a replay that was read, or says why it cannot.
fn play_back(world: &mut World, read: Result<PendingReplay, String>) {
    match read {
        Ok(pending) => {
            let (id, lesson) = (pending.level.id().to_string(), pending.level.file.lesson);
            world.resource_mut::<CurrentLevel>().0 = Some(id);
            world.insert_resource(pending);
            world.resource_mut::<NextState<Studying>>().set(Studying(Some(lesson)));
            world.resource_mut::<NextState<Screen>>().set(Screen::Playing);
        }
        Err(why) => {
            eprintln!("{why}");
            // The map lists notices; on the playing screen the lesson's banner says it.
            let playing = world.get_resource::<State<Screen>>().is_some_and(|s| *s.get() == Screen::Playing);
            if playing && let Some(mut session) = world.get_resource_mut::<Session>() {
                session.play.say(why.clone());
            }
            world.resource_mut::<Notices>().push(why);
        }
    }
}

/// The part of the window below a screen's card, for the robot (`None` if too small).
pub(crate) fn below(
    ctx: &bevy_egui::egui::Context,
    card: bevy_egui::egui::Rect,
) -> Option<bevy_egui::egui::Rect> {
    let view = ctx.viewport_rect();
    let free = bevy_egui::egui::Rect::from_min_max(bevy_egui::egui::pos2(view.min.x, card.max.y), view.max);
    (free.height() >= 150.0).then_some(free)
}
