//! The orbit camera: drag to orbit, scroll to zoom, arrow keys and
//! PageUp/PageDown too; it eases to follow the student.

use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll, MouseScrollUnit};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::input::EguiWantsInput;

use super::ballot::{BALLOT_CENTRE, BallotDrag};
use super::blackboard::BOARD_CENTRE;
use super::screens::Screen;
use super::session::Session;
use super::student::Student;
use super::terrain::Ground;
use super::ui::SceneRect;

#[derive(Component, Debug, Clone, Copy)]
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

const PITCH_RANGE: (f32, f32) = (0.05, 1.45);
const DISTANCE_RANGE: (f32, f32) = (2.5, 40.0);
/// How quickly the focus closes in on the student (per second).
const FOLLOW_RATE: f32 = 3.0;

pub fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_camera_and_light);
    app.add_systems(OnEnter(Screen::Playing), frame_the_lesson.after(super::session::start_level));
    app.add_systems(Update, (steer, follow).chain());
}

/// What the camera looks at: the blackboard while reading, the voting box
/// while setting votes, else the student.
fn aim(session: Option<&Session>, screen: Screen) -> Option<Vec3> {
    if screen != Screen::Playing {
        return None;
    }
    let lesson = session?.level.file.lesson;
    if lesson.types_letters() {
        Some(BOARD_CENTRE + Vec3::new(0.0, -1.5, 0.0))
    } else if lesson.edits_votes() {
        Some(BALLOT_CENTRE + Vec3::new(0.0, 0.5, 0.0))
    } else {
        None
    }
}

/// A view that fits the lesson: square on to the board or the ballot, or the default.
fn frame_the_lesson(session: Option<Res<Session>>, mut cameras: Query<&mut OrbitCamera>) {
    let Ok(mut orbit) = cameras.single_mut() else { return };
    let focus = orbit.focus;
    *orbit = match session.map(|s| s.level.file.lesson) {
        Some(lesson) if lesson.at_a_board() => OrbitCamera { yaw: 0.0, pitch: 0.15, distance: 19.0, focus },
        _ => OrbitCamera { focus, ..default() },
    };
}

/// True when the lesson uses the arrow keys itself.
fn lesson_uses_arrows(session: Option<&Session>) -> bool {
    session.is_some_and(|s| s.level.file.lesson.uses_arrows())
}

fn spawn_camera_and_light(mut commands: Commands) {
    let orbit = OrbitCamera::default();
    // A display transform that needs no lookup table (none is built in).
    let tonemapping = Tonemapping::SomewhatBoringDisplayTransform;
    commands.spawn((Name::new("Camera"), Camera3d::default(), tonemapping, Msaa::Off, placed(&orbit), orbit));
    commands.spawn((
        Name::new("Sun"),
        DirectionalLight { illuminance: 9_000.0, shadow_maps_enabled: false, ..default() },
        Transform::from_xyz(-6.0, 14.0, 8.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
    commands.insert_resource(GlobalAmbientLight { brightness: 300.0, ..default() });
}

fn placed(orbit: &OrbitCamera) -> Transform {
    let rotation = Quat::from_euler(EulerRot::YXZ, orbit.yaw, -orbit.pitch, 0.0);
    let eye = orbit.focus + rotation * Vec3::new(0.0, 0.0, orbit.distance);
    Transform::from_translation(eye).looking_at(orbit.focus, Vec3::Y)
}

fn steer(
    mut cameras: Query<&mut OrbitCamera>,
    keys: Res<ButtonInput<KeyCode>>,
    buttons: Res<ButtonInput<MouseButton>>,
    motion: Res<AccumulatedMouseMotion>,
    scroll: Res<AccumulatedMouseScroll>,
    egui: Option<Res<EguiWantsInput>>,
    time: Res<Time>,
    screen: Res<State<Screen>>,
    session: Option<Res<Session>>,
    drag: Res<BallotDrag>,
) {
    let Ok(mut orbit) = cameras.single_mut() else {
        return;
    };
    let arrows_free = !(*screen.get() == Screen::Playing && lesson_uses_arrows(session.as_deref()));
    let dt = time.delta_secs();
    let pointer_free = egui.as_ref().is_none_or(|e| !e.wants_any_pointer_input());
    let keys_free = egui.as_ref().is_none_or(|e| !e.wants_keyboard_input());
    let dragging_a_vote = drag.0.is_some();
    if pointer_free
        && !dragging_a_vote
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
        if keys.just_pressed(KeyCode::Home) {
            let focus = orbit.focus;
            *orbit = OrbitCamera { focus, ..default() };
        }
    }
    // Behind the title and the map, the view drifts slowly around the student.
    if matches!(screen.get(), Screen::Title | Screen::LevelMap) {
        orbit.yaw += 0.08 * dt;
    }
    orbit.pitch = orbit.pitch.clamp(PITCH_RANGE.0, PITCH_RANGE.1);
    orbit.distance = orbit.distance.clamp(DISTANCE_RANGE.0, DISTANCE_RANGE.1);
}

/// Eases the focus to the student, and aims so the student appears in the
/// middle of the part of the window the panels leave free.
fn follow(
    time: Res<Time>,
    scene: Res<SceneRect>,
    windows: Query<&Window, With<PrimaryWindow>>,
    students: Query<&Transform, (With<Student>, Without<OrbitCamera>)>,
    mut cameras: Query<(&mut OrbitCamera, &mut Transform, &Projection)>,
    session: Option<Res<Session>>,
    screen: Res<State<Screen>>,
    ground: Res<Ground>,
) {
    let Ok((mut orbit, mut transform, projection)) = cameras.single_mut() else {
        return;
    };
    let aimed = aim(session.as_deref(), *screen.get());
    let following_the_student = aimed.is_none();
    if let Some(target) = aimed.or_else(|| students.single().ok().map(|s| s.translation + Vec3::Y * 0.7)) {
        let k = 1.0 - (-FOLLOW_RATE * time.delta_secs()).exp();
        orbit.focus = orbit.focus.lerp(target, k);
    }
    // Looking at the student in a deep valley, keep the eye above the
    // highest ground, so a ridge never hides it.
    let mut view = *orbit;
    if following_the_student && let Some(top) = ground.heights.iter().copied().reduce(f32::max) {
        let lift = ((top + 1.5 - view.focus.y) / view.distance).clamp(-1.0, 1.0).asin();
        view.pitch = view.pitch.max(lift).min(PITCH_RANGE.1);
    }
    *transform = placed(&view);
    // Shift the aim by the free area's offset from the window's centre,
    // converted to world units at the focus distance.
    let (Ok(window), Some(rect), Projection::Perspective(p)) = (windows.single(), scene.0, projection) else {
        return;
    };
    let size = Vec2::new(window.width(), window.height());
    let offset = Vec2::new(rect.center().x, rect.center().y) - size / 2.0;
    let world_per_pixel = 2.0 * orbit.distance * (p.fov / 2.0).tan() / size.y;
    let shift =
        transform.right() * (-offset.x * world_per_pixel) + transform.up() * (offset.y * world_per_pixel);
    transform.translation += shift;
}
