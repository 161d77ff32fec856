//! The camera: it renders into the scene's rectangle of the layout (so no
//! panel ever hides the world), frames each lesson's shot (the robot with the
//! lesson's object), and orbits: drag, scroll, the arrow keys where the
//! lesson does not use them, PageUp/PageDown; Home goes back to the shot.

use bevy::camera::visibility::RenderLayers;
use bevy::camera::{CameraOutputMode, ClearColorConfig, Viewport};
use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll, MouseScrollUnit};
use bevy::prelude::*;
use bevy::render::render_resource::BlendState;
use bevy::window::PrimaryWindow;
use bevy_egui::PrimaryEguiContext;
use bevy_egui::input::EguiWantsInput;

use super::props::ballot::BallotDrag;
use super::session::{Playback, Session};
use super::state::Screen;
use super::student::Student;
use super::terrain::Ground;
use super::view::{Screenful, Seen};

#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct OrbitCamera {
    pub yaw: f32,
    pub pitch: f32,
    pub distance: f32,
    pub focus: Vec3,
}

impl Default for OrbitCamera {
    fn default() -> Self {
        Self { yaw: -0.9, pitch: 0.62, distance: 19.0, focus: Vec3::new(3.0, 4.0, 0.0) }
    }
}

/// The part of the scene a screen's card leaves free (egui points), on the
/// title, map and completion screens: the camera centres its focus there.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct FreeArea(pub Option<bevy_egui::egui::Rect>);

/// What the camera frames: the student wherever it walks on the ground, or a
/// lesson's fixed view of the robot with its object.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq)]
pub enum Shot {
    #[default]
    Follow,
    Frame(OrbitCamera),
}

const PITCH_RANGE: (f32, f32) = (0.02, 1.45);
const DISTANCE_RANGE: (f32, f32) = (2.5, 45.0);
/// How quickly the focus closes in on the student, and the view on a new shot (per second).
const FOLLOW_RATE: f32 = 3.0;
/// Presenter mode brings the world closer.
const PRESENTER_CLOSER: f32 = 0.88;

pub fn plugin(app: &mut App) {
    app.init_resource::<Shot>();
    app.init_resource::<FreeArea>();
    app.add_systems(Startup, spawn_camera_and_light);
    app.add_systems(Update, (aim_at_new_shot, steer, follow, fit_viewport, haze).chain());
}

fn spawn_camera_and_light(mut commands: Commands) {
    let orbit = OrbitCamera::default();
    // A display transform that needs no lookup table (none is built in).
    let tonemapping = Tonemapping::SomewhatBoringDisplayTransform;
    commands.spawn((Name::new("Camera"), Camera3d::default(), tonemapping, Msaa::Off, placed(&orbit), orbit));
    // The panels are drawn by a camera of their own over the whole window: the
    // world's camera renders only into the scene's rectangle.
    commands.spawn((
        Name::new("Panels camera"),
        PrimaryEguiContext,
        Camera2d,
        RenderLayers::none(),
        Camera {
            order: 1,
            output_mode: CameraOutputMode::Write {
                blend_state: Some(BlendState::ALPHA_BLENDING),
                clear_color: ClearColorConfig::None,
            },
            clear_color: ClearColorConfig::Custom(Color::NONE),
            ..default()
        },
    ));
    commands.spawn((
        Name::new("Sun"),
        DirectionalLight { illuminance: 9_000.0, shadow_maps_enabled: false, ..default() },
        Transform::from_xyz(-6.0, 14.0, 12.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
    commands.insert_resource(GlobalAmbientLight { brightness: 320.0, ..default() });
}

fn placed(orbit: &OrbitCamera) -> Transform {
    let rotation = Quat::from_euler(EulerRot::YXZ, orbit.yaw, -orbit.pitch, 0.0);
    let eye = orbit.focus + rotation * Vec3::new(0.0, 0.0, orbit.distance);
    Transform::from_translation(eye).looking_at(orbit.focus, Vec3::Y)
}

/// Where the camera is easing to after the shot changed (the player's own
/// orbit takes over once it arrives, or as soon as they move it).
#[derive(Component, Clone, Copy, Debug)]
struct Easing(OrbitCamera);

fn aim_at_new_shot(
    mut commands: Commands,
    shot: Res<Shot>,
    cameras: Query<(Entity, &OrbitCamera)>,
    keys: Res<ButtonInput<KeyCode>>,
    egui: Option<Res<EguiWantsInput>>,
    playback: Option<Res<Playback>>,
) {
    let Ok((camera, orbit)) = cameras.single() else { return };
    // Home in a text field moves its cursor; in a replay it goes back to the start.
    let keys_free = egui.is_none_or(|e| !e.wants_keyboard_input()) && playback.is_none();
    let home = keys_free && keys.just_pressed(KeyCode::Home);
    if !shot.is_changed() && !home {
        return;
    }
    let target = match *shot {
        Shot::Frame(frame) => frame,
        Shot::Follow => OrbitCamera { focus: orbit.focus, ..default() },
    };
    commands.entity(camera).insert(Easing(target));
}

#[allow(clippy::too_many_arguments)]
fn steer(
    mut commands: Commands,
    mut cameras: Query<(Entity, &mut OrbitCamera, Option<&Easing>)>,
    keys: Res<ButtonInput<KeyCode>>,
    buttons: Res<ButtonInput<MouseButton>>,
    motion: Res<AccumulatedMouseMotion>,
    scroll: Res<AccumulatedMouseScroll>,
    egui: Option<Res<EguiWantsInput>>,
    time: Res<Time>,
    screen: Res<State<Screen>>,
    session: Option<Res<Session>>,
    playback: Option<Res<Playback>>,
    drag: Res<BallotDrag>,
    pause: Option<Res<State<crate::game::state::Pause>>>,
) {
    let Ok((entity, mut orbit, easing)) = cameras.single_mut() else { return };
    let dt = time.delta_secs();
    // The lesson's own arrows, and a replay's (→ steps it), are not the camera's.
    // So are the inside view's.
    let inside = pause.is_some_and(|p| *p.get() == crate::game::state::Pause::Inside);
    let arrows_free = !(*screen.get() == Screen::Playing
        && (inside
            || playback.is_some()
            || session.as_deref().is_some_and(|s| s.play.level.file.lesson.uses_arrows())));
    let pointer_free = egui.as_ref().is_none_or(|e| !e.wants_any_pointer_input());
    let keys_free = egui.as_ref().is_none_or(|e| !e.wants_keyboard_input());
    let before = *orbit;
    if pointer_free
        && drag.0.is_none()
        && (buttons.pressed(MouseButton::Left) || buttons.pressed(MouseButton::Right))
    {
        orbit.yaw -= motion.delta.x * 0.006;
        orbit.pitch += motion.delta.y * 0.004;
    }
    if pointer_free && scroll.delta.y != 0.0 {
        let lines = match scroll.unit {
            MouseScrollUnit::Line => scroll.delta.y,
            MouseScrollUnit::Pixel => scroll.delta.y / 40.0,
        };
        orbit.distance *= (1.0 - 0.1 * lines).clamp(0.5, 1.5);
    }
    if keys_free && arrows_free {
        let turn = 1.6 * dt;
        if keys.pressed(KeyCode::ArrowLeft) {
            orbit.yaw += turn;
        }
        if keys.pressed(KeyCode::ArrowRight) {
            orbit.yaw -= turn;
        }
        if keys.pressed(KeyCode::ArrowUp) {
            orbit.pitch += turn * 0.6;
        }
        if keys.pressed(KeyCode::ArrowDown) {
            orbit.pitch -= turn * 0.6;
        }
    }
    if keys_free {
        if keys.pressed(KeyCode::PageUp) {
            orbit.distance *= 1.0 - 1.2 * dt;
        }
        if keys.pressed(KeyCode::PageDown) {
            orbit.distance *= 1.0 + 1.2 * dt;
        }
    }
    let moved_by_player = *orbit != before;
    if let Some(Easing(target)) = easing {
        if moved_by_player {
            commands.entity(entity).remove::<Easing>();
        } else {
            let k = 1.0 - (-FOLLOW_RATE * 1.5 * dt).exp();
            orbit.yaw += (target.yaw - orbit.yaw) * k;
            orbit.pitch += (target.pitch - orbit.pitch) * k;
            orbit.distance += (target.distance - orbit.distance) * k;
            orbit.focus = orbit.focus.lerp(target.focus, k);
            let close = (target.yaw - orbit.yaw).abs() < 1e-3
                && (target.distance - orbit.distance).abs() < 1e-2
                && orbit.focus.distance(target.focus) < 1e-2;
            if close {
                commands.entity(entity).remove::<Easing>();
            }
        }
    }
    // Behind the title and the map, the view drifts slowly around the student.
    if matches!(screen.get(), Screen::Title | Screen::LevelMap) {
        orbit.yaw += 0.08 * dt;
    }
    orbit.pitch = orbit.pitch.clamp(PITCH_RANGE.0, PITCH_RANGE.1);
    orbit.distance = orbit.distance.clamp(DISTANCE_RANGE.0, DISTANCE_RANGE.1);
}

/// Eases the focus to the student when following it, keeps the eye above the
/// ridges, and places the camera (aimed so the focus sits in the middle of
/// the area a screen's card leaves free).
#[allow(clippy::type_complexity, clippy::too_many_arguments)]
fn follow(
    time: Res<Time>,
    shot: Res<Shot>,
    seen: Res<Seen>,
    free: Res<FreeArea>,
    screen: Res<State<Screen>>,
    screenful: Res<Screenful>,
    students: Query<&Transform, (With<Student>, Without<OrbitCamera>)>,
    mut cameras: Query<(&mut OrbitCamera, &mut Transform, Option<&Easing>)>,
    ground: Res<Ground>,
) {
    let Ok((mut orbit, mut transform, easing)) = cameras.single_mut() else { return };
    let following = *shot == Shot::Follow;
    if following
        && easing.is_none()
        && let Ok(student) = students.single()
    {
        let k = 1.0 - (-FOLLOW_RATE * time.delta_secs()).exp();
        orbit.focus = orbit.focus.lerp(student.translation + Vec3::Y * 0.8, k);
    }
    let mut view = *orbit;
    // A lesson's own shot already fills the scene; on the landscape, come closer.
    if seen.presenter && following {
        view.distance *= PRESENTER_CLOSER;
    }
    // Looking at the student in a deep valley, keep the eye above the
    // highest ground, so a ridge never hides it.
    if following && let Some(top) = ground.heights.iter().copied().reduce(f32::max) {
        let lift = ((top + 1.5 - view.focus.y) / view.distance).clamp(-1.0, 1.0).asin();
        view.pitch = view.pitch.max(lift).min(PITCH_RANGE.1);
    }
    *transform = placed(&view);
    // Shift the aim by the free area's offset from the scene's centre,
    // converted to world units at the focus distance.
    let Some(area) = free.0.filter(|_| *screen.get() != Screen::Playing) else { return };
    let zoom = screenful.0.zoom;
    let scene = screenful.0.scene;
    let centre = Vec2::new(area.center().x, area.center().y) * zoom;
    let offset = centre - Vec2::new(scene.x + scene.width / 2.0, scene.y + scene.height / 2.0);
    let world_per_pixel = 2.0 * view.distance * (std::f32::consts::FRAC_PI_8).tan() / scene.height.max(1.0);
    let shift =
        transform.right() * (-offset.x * world_per_pixel) + transform.up() * (offset.y * world_per_pixel);
    transform.translation += shift;
}

/// The sky's colour: the clear colour, and the haze that softens the far landscape.
pub const SKY: Color = Color::srgb(0.62, 0.76, 0.90);

/// At a lesson's object, the landscape behind is a backdrop: a haze softens it,
/// so the object and the robot stand out. On the landscape, no haze.
fn haze(
    mut commands: Commands,
    shot: Res<Shot>,
    cameras: Query<(Entity, Has<DistanceFog>), With<OrbitCamera>>,
) {
    let Ok((camera, hazy)) = cameras.single() else { return };
    match (*shot, hazy) {
        (Shot::Frame(_), false) => {
            commands.entity(camera).insert(DistanceFog {
                color: SKY,
                falloff: FogFalloff::Linear { start: 16.0, end: 34.0 },
                ..default()
            });
        }
        (Shot::Follow, true) => {
            commands.entity(camera).remove::<DistanceFog>();
        }
        _ => {}
    }
}

/// The camera renders into the scene's rectangle: the window less the HUD and the panel.
fn fit_viewport(
    screenful: Res<Screenful>,
    windows: Query<&Window, With<PrimaryWindow>>,
    mut cameras: Query<&mut Camera, With<OrbitCamera>>,
) {
    let (Ok(window), Ok(mut camera)) = (windows.single(), cameras.single_mut()) else { return };
    let scale = window.scale_factor();
    let scene = screenful.0.scene;
    let (w, h) = (window.physical_width(), window.physical_height());
    // A minimised window (or a hidden canvas) has no room to render into.
    if w == 0 || h == 0 {
        return;
    }
    let x = ((scene.x * scale).round() as u32).min(w.saturating_sub(1));
    let y = ((scene.y * scale).round() as u32).min(h.saturating_sub(1));
    let width = ((scene.width * scale).round() as u32).clamp(1, w - x);
    let height = ((scene.height * scale).round() as u32).clamp(1, h - y);
    let (position, size) = (UVec2::new(x, y), UVec2::new(width, height));
    let same =
        camera.viewport.as_ref().is_some_and(|v| v.physical_position == position && v.physical_size == size);
    if !same {
        camera.viewport = Some(Viewport { physical_position: position, physical_size: size, ..default() });
    }
}
