//! The Bevy game: one plugin per concern.
//!
//! [`logic`] holds everything that decides what happens (screens, levels and
//! progress, training, the landscape); it runs headless in tests with
//! `MinimalPlugins`. [`view`] adds what the player sees and touches: the
//! terrain mesh, the robot, the camera, the panels.

use bevy::prelude::*;

use crate::lesson::share::{self, Shared, SharedStart};

pub mod actions;
pub mod ballot;
pub mod blackboard;
pub mod camera;
pub mod demo;
pub mod ghosts;
pub mod levels;
#[cfg(target_arch = "wasm32")]
pub mod page;
pub mod screens;
pub mod session;
pub mod student;
pub mod terrain;
pub mod ui;

/// A ghost climber's colour (sRGB bytes), the same in the world, the race and the chart.
pub fn ghost_rgb(kind: crate::brain::OptimizerKind) -> [u8; 3] {
    use crate::brain::OptimizerKind::*;
    match kind {
        Sgd => [235, 120, 110],
        Momentum => [120, 200, 255],
        RmsProp => [190, 150, 255],
        Adam => [255, 125, 210],
        AdamW => [200, 200, 215],
    }
}

/// Fixed-update rate: training steps are scheduled per tick of this clock.
pub const TICK_HZ: u32 = 60;

/// Time the brain's systems took in the latest frame: training (all fixed
/// ticks of the frame) and the landscape. Reported by `raw-weights bench --game`.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct FrameCost {
    pub training: std::time::Duration,
    pub landscape: std::time::Duration,
    /// Training steps run this frame.
    pub steps: usize,
}

fn reset_frame_cost(mut cost: ResMut<FrameCost>) {
    *cost = FrameCost::default();
}

/// The game's rules, with no window or GPU.
pub fn logic(app: &mut App) {
    app.init_resource::<FrameCost>();
    app.add_systems(First, reset_frame_cost);
    app.insert_resource(Time::<Fixed>::from_hz(TICK_HZ as f64));
    app.add_plugins((screens::plugin, levels::plugin, actions::plugin, session::plugin, terrain::plugin));
}

/// What the player sees: needs a renderer and a window.
pub fn view(app: &mut App) {
    app.add_plugins((
        terrain::view_plugin,
        student::plugin,
        camera::plugin,
        ui::plugin,
        blackboard::plugin,
        ballot::plugin,
        ghosts::plugin,
        demo::plugin,
    ));
    app.add_systems(Update, announce_ready);
}

/// Frames a screen must have been drawn, its ground in place, before it is "ready".
const SETTLE_FRAMES: u32 = 20;
/// Steps a level must have trained before the playing screen is "ready".
const READY_STEPS: usize = 120;

/// Logs `ready: <screen>` once a screen has settled (the ground on show, and
/// while playing, some training behind it), so scripts know when to take a
/// screenshot.
fn announce_ready(
    screen: Res<State<screens::Screen>>,
    ground: Res<terrain::Ground>,
    session: Option<Res<session::Session>>,
    mut settled: Local<(Option<screens::Screen>, u32, bool)>,
) {
    let (shown, frames, announced) = &mut *settled;
    if *shown != Some(*screen.get()) {
        *shown = Some(*screen.get());
        *frames = 0;
        *announced = false;
    }
    let trained = session.as_ref().map_or(0, |s| s.run.step_count());
    let sliced_at = ground.plane.as_ref().map(|p| p.step);
    let ground_ready = match screen.get() {
        screens::Screen::Playing => sliced_at.is_some_and(|s| s >= READY_STEPS) && trained >= READY_STEPS,
        _ => sliced_at.is_some(),
    };
    if ground_ready {
        *frames += 1;
    }
    if !*announced && *frames >= SETTLE_FRAMES {
        *announced = true;
        info!("ready: {:?}", screen.get());
    }
}

/// How the game starts.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub enum Start {
    #[default]
    Title,
    LevelMap,
    /// Straight into a level (a teacher's shortcut; also used for screenshots).
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

/// Opens the window and plays (`demo`: the lessons play themselves).
pub fn run(start: Start, demo: bool) -> AppExit {
    run_with(start, demo, |_| {})
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
    app.insert_resource(ClearColor(Color::srgb(0.62, 0.76, 0.90)));
    app.insert_resource(start);
    if demo {
        app.insert_resource(demo::Demo);
    }
    app.add_plugins((logic, view));
    extra(&mut app);
    app.run()
}
