//! What the player has asked to see (presenter mode, the panel, the
//! overlays) and the layout that follows from it: the HUD line, the panel
//! and the scene rectangle the camera renders into, from
//! [`crate::lesson::layout::layout`]. Headless: the tests read the layout too.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use super::intent::{ToggleChart, ToggleHelp, TogglePanel, TogglePresenter};
use super::session::{Phase, Session};
use super::state::Screen;
use super::terrain::Ground;
use crate::lesson::layout::{self, Layout, LayoutInput};

/// What the player has asked to see.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    /// Larger type and a larger world, for a projector.
    pub presenter: bool,
    /// Tab put the panel (and the overlays) away.
    pub panel_hidden: bool,
    /// The chart overlay.
    pub chart: bool,
    /// The list of keys.
    pub help: bool,
    /// The cut-away of the brain (it takes the panel's place).
    pub inside: bool,
}

/// The window's layout this frame.
#[derive(Resource, Clone, Copy, Debug, PartialEq)]
pub struct Screenful(pub Layout);

impl Default for Screenful {
    fn default() -> Self {
        Self(layout::layout(LayoutInput {
            width: 1280.0,
            height: 720.0,
            presenter: false,
            playing: false,
            panel_hidden: false,
        }))
    }
}

pub fn plugin(app: &mut App) {
    app.init_resource::<Seen>();
    app.init_resource::<Screenful>();
    app.add_systems(PreUpdate, lay_out);
    app.add_observer(|_: On<TogglePresenter>, mut seen: ResMut<Seen>| seen.presenter = !seen.presenter);
    app.add_observer(|_: On<TogglePanel>, mut seen: ResMut<Seen>| seen.panel_hidden = !seen.panel_hidden);
    app.add_observer(|_: On<ToggleChart>, mut seen: ResMut<Seen>| seen.chart = !seen.chart);
    app.add_observer(|_: On<ToggleHelp>, mut seen: ResMut<Seen>| seen.help = !seen.help);
}

/// The layout for the window as it is (1280×720 when there is none, as in tests).
fn lay_out(
    seen: Res<Seen>,
    screen: Res<State<Screen>>,
    windows: Query<&Window, With<PrimaryWindow>>,
    mut screenful: ResMut<Screenful>,
) {
    let (width, height) = windows.single().map_or((1280.0, 720.0), |w| (w.width(), w.height()));
    let next = Screenful(layout::layout(LayoutInput {
        width,
        height,
        presenter: seen.presenter,
        playing: *screen.get() == Screen::Playing,
        panel_hidden: seen.panel_hidden,
    }));
    if *screenful != next {
        *screenful = next;
    }
}

/// Frames a screen must have been drawn, its ground in place, before it is "ready".
const SETTLE_FRAMES: u32 = 20;
/// Steps a level that trains must have trained before the playing screen is "ready".
const READY_STEPS: usize = 120;

/// The screen (and level) on show, the frames it has been settled, and whether it was announced.
type Settling = (Option<(Screen, String)>, u32, bool);

/// Logs `ready: <screen>` once a screen has settled (the ground on show, and
/// while playing, the lesson begun and some training behind it), with the
/// lesson and the scene's share of the window, so scripts know when to take
/// a screenshot: `ready: Playing voting scene 73%`.
pub fn announce_ready(
    screen: Res<State<Screen>>,
    ground: Res<Ground>,
    session: Option<Res<Session>>,
    screenful: Res<Screenful>,
    mut settled: Local<Settling>,
    mut card_told: Local<bool>,
) {
    // A screen, or another level on the playing screen (a replay opened while playing), is announced anew.
    let level = session.as_ref().map_or(String::new(), |s| s.play.level.id().to_string());
    let now = (*screen.get(), level);
    let (shown, frames, announced) = &mut *settled;
    if shown.as_ref() != Some(&now) {
        *shown = Some(now);
        *frames = 0;
        *announced = false;
        *card_told = false;
    }
    let on_card =
        *screen.get() == Screen::Playing && session.as_deref().is_some_and(|s| s.phase == Phase::Card);
    let ready = match (screen.get(), session.as_deref()) {
        (Screen::Playing, Some(_)) if on_card => ground.plane.is_some(),
        (Screen::Playing, Some(s)) => {
            let begun = !matches!(s.phase, Phase::Card | Phase::Backdrop);
            let trains = s.play.level.file.train_while_playing && !s.play.run.is_finished();
            let sliced = ground.plane.as_ref().map(|p| p.step);
            let trained = !trains || (s.play.run.step_count() >= READY_STEPS && sliced >= Some(READY_STEPS));
            begun && trained && sliced.is_some()
        }
        _ => ground.plane.is_some(),
    };
    if ready {
        *frames += 1;
    }
    if !*announced && *frames >= SETTLE_FRAMES {
        *announced = true;
        match (screen.get(), session.as_deref()) {
            // Not "ready": play has not begun. Scripts that picture the card wait for this line.
            (Screen::Playing, Some(s)) if on_card => {
                *announced = false;
                *frames = 0;
                if !*card_told {
                    *card_told = true;
                    info!("shown: the story card of {}", s.play.level.file.lesson.name());
                }
            }
            (Screen::Playing, Some(s)) => info!(
                "ready: Playing {} scene {}",
                s.play.level.file.lesson.name(),
                screenful.0.scene_percent()
            ),
            (other, _) => info!("ready: {other:?}"),
        }
    }
}
