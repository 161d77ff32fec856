//! The Bevy game: one plugin per concern (see `docs/architecture.md`).
//!
//! [`logic`] holds everything that decides what happens (screens, levels and
//! progress, the lesson in play, the landscape); it runs headless in tests
//! with `MinimalPlugins`. [`view`] adds what the player sees and touches: the
//! world and its props, the robot, the camera, the HUD and panels. Each lesson
//! is a plugin-and-panel file in [`lessons`], its views spawned when it starts
//! playing and despawned when it stops (`state::InLesson`).

use bevy::prelude::*;

use crate::lesson::share::{self, Shared, SharedStart};

pub mod camera;
pub mod charts;
pub mod consts;
pub mod demo;
pub mod drop;
pub mod hud;
pub mod inside;
pub mod intent;
pub mod keys;
pub mod labels;
pub mod lessons;
pub mod levels;
#[cfg(target_arch = "wasm32")]
pub mod page;
pub mod props;
pub mod screens;
pub mod session;
pub mod start;
pub mod state;
pub mod student;
pub mod terrain;
pub mod view;

/// The brain's work in the latest frame and the time it took: training (all
/// fixed ticks of the frame) and the landscape. Reported by `raw-weights
/// bench --game` and, in the browser, to the page.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct FrameCost {
    pub training: std::time::Duration,
    pub landscape: std::time::Duration,
    /// The student's training steps run this frame.
    pub steps: usize,
    /// The ghost climbers' training steps (climbing lesson).
    pub ghost_steps: usize,
    /// Landscape cells evaluated.
    pub cells: usize,
    /// Heights measured for climbers that moved (each costs what a cell does).
    pub heights: usize,
    /// Full slices finished.
    pub slices: usize,
}

fn reset_frame_cost(mut cost: ResMut<FrameCost>) {
    *cost = FrameCost::default();
}

/// The game's rules, with no window or GPU.
pub fn logic(app: &mut App) {
    app.init_resource::<FrameCost>();
    app.add_systems(First, reset_frame_cost);
    app.insert_resource(Time::<Fixed>::from_hz(consts::TICK_HZ as f64));
    app.add_plugins((
        state::plugin,
        levels::plugin,
        screens::plugin,
        session::plugin,
        terrain::plugin,
        keys::plugin,
        view::plugin,
        lessons::plugin,
        inside::plugin,
    ));
}

/// What the player sees: needs a renderer and a window.
pub fn view(app: &mut App) {
    app.add_plugins((
        terrain::view_plugin,
        student::plugin,
        camera::plugin,
        props::plugin,
        labels::plugin,
        hud::plugin,
        lessons::view_plugin,
        inside::view_plugin,
        screens::view_plugin,
        demo::plugin,
        drop::plugin,
    ));
    app.add_systems(Update, view::announce_ready);
}

/// How the game starts.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub enum Start {
    #[default]
    Title,
    LevelMap,
    /// Straight into a level, past its story card (a teacher's shortcut; also used for screenshots).
    Play(String),
    /// A level with settings changed, from a link a teacher sent.
    Link(SharedStart),
    /// Play back a replay file.
    Replay(String),
    /// Play back one of the sessions shipped with the game, by short name.
    Shipped(String),
}

impl Start {
    /// Where a link (`#level=…&lr=…` or `#replay=…`) starts the game.
    pub fn from_link(link: &str) -> Result<Start, String> {
        Ok(match share::parse(link)? {
            None => Start::Title,
            Some(Shared::Level(shared)) => Start::Link(shared),
            Some(Shared::Replay(name)) => Start::Shipped(name),
        })
    }

    /// The level this start opens even if it is still locked.
    pub fn opens(&self) -> Option<&str> {
        match self {
            Start::Play(id) | Start::Link(SharedStart { level: id, .. }) => Some(id),
            _ => None,
        }
    }
}

/// Opens the window and plays (`demo`: the lessons play themselves;
/// `presenter`: presenter mode from the start). Without a display or a
/// graphics driver it says what it needs, and exits non-zero.
pub fn run(start: Start, demo: bool, presenter: bool) -> AppExit {
    if let Err(why) = start::can_open_a_window() {
        eprintln!("{why}");
        return AppExit::from_code(2);
    }
    start::explain_startup_failures();
    run_with(start, demo, move |app| {
        app.insert_resource(view::Seen { presenter, ..default() });
    })
}

/// Like [`run`], with more added to the app before it starts.
fn run_with(start: Start, demo: bool, extra: impl FnOnce(&mut App)) -> AppExit {
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "Raw Weights — a robot student learns to write".into(),
                    resolution: (1280, 720).into(),
                    canvas: Some("#bevy".into()),
                    fit_canvas_to_parent: true,
                    ..default()
                }),
                ..default()
            })
            .set(bevy::log::LogPlugin {
                filter: "warn,raw_weights=info,wgpu=error,naga=warn".into(),
                ..default()
            }),
    );
    app.add_plugins(bevy_egui::EguiPlugin::default());
    // The panels get a camera of their own (`camera.rs`).
    app.insert_resource(bevy_egui::EguiGlobalSettings { auto_create_primary_context: false, ..default() });
    app.insert_resource(ClearColor(camera::SKY));
    app.insert_resource(start);
    if demo {
        app.insert_resource(demo::Demo);
        app.insert_resource(session::Cards { never: true, skip_next: false });
    }
    app.add_plugins((logic, view));
    extra(&mut app);
    app.run()
}
