//! The robot student, built from primitives: it stands on the landscape where
//! its weights are, walks with a gait whose pace follows the optimizer's steps,
//! stumbles when the loss jumps, falls when training diverges, and cheers at the goal.

use std::f32::consts::{FRAC_PI_2, PI};

use bevy::prelude::*;

use super::session::{Moment, Session};
use super::terrain::{Ground, Terrain, world_height, world_xz};

/// The robot and its animation state.
#[derive(Component, Debug, Default)]
pub struct Student {
    /// Gait phase, radians.
    phase: f32,
    mood: Mood,
    /// Seconds in the current mood.
    mood_time: f32,
    /// World speed over the ground, units per second (smoothed).
    pace: f32,
    placed: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Mood {
    #[default]
    Calm,
    Stumbling,
    Fallen,
    Cheering,
}

#[derive(Component)]
struct BodyPivot;

#[derive(Component)]
struct Leg(f32);

#[derive(Component)]
struct Arm(f32);

#[derive(Component)]
struct Antenna;

const STUMBLE_SECONDS: f32 = 0.7;
/// The robot is modelled about 1.3 units tall; the landscape is 16 wide.
const ROBOT_SCALE: f32 = 1.5;
/// How quickly the robot closes the gap to where its weights are (per second).
const FOLLOW_RATE: f32 = 5.0;

pub fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_student);
    app.add_systems(Update, (react, walk, animate).chain());
}

fn spawn_student(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let metal = materials.add(StandardMaterial {
        base_color: Color::srgb(0.78, 0.82, 0.88),
        metallic: 0.6,
        perceptual_roughness: 0.35,
        ..default()
    });
    let dark = materials.add(StandardMaterial {
        base_color: Color::srgb(0.16, 0.18, 0.24),
        perceptual_roughness: 0.5,
        ..default()
    });
    let accent = materials.add(StandardMaterial {
        base_color: Color::srgb(0.95, 0.55, 0.15),
        perceptual_roughness: 0.5,
        ..default()
    });
    let glow = materials.add(StandardMaterial {
        base_color: Color::srgb(0.3, 1.0, 0.9),
        emissive: LinearRgba::rgb(0.6, 2.5, 2.2),
        ..default()
    });
    let screen = materials.add(StandardMaterial {
        base_color: Color::srgb(0.05, 0.2, 0.15),
        emissive: LinearRgba::rgb(0.1, 0.7, 0.4),
        ..default()
    });

    let torso = meshes.add(Cuboid::new(0.5, 0.55, 0.34));
    let head = meshes.add(Cuboid::new(0.44, 0.34, 0.36));
    let eye = meshes.add(Sphere::new(0.05));
    let limb = meshes.add(Capsule3d::new(0.065, 0.3));
    let foot = meshes.add(Cuboid::new(0.14, 0.07, 0.22));
    let hand = meshes.add(Sphere::new(0.075));
    let panel = meshes.add(Cuboid::new(0.3, 0.2, 0.02));
    let stalk = meshes.add(Cylinder::new(0.015, 0.2));
    let bulb = meshes.add(Sphere::new(0.05));

    let leg = |side: f32| {
        (
            Leg(side),
            Transform::from_xyz(0.13 * side, 0.45, 0.0),
            Visibility::default(),
            children![
                (Mesh3d(limb.clone()), MeshMaterial3d(dark.clone()), Transform::from_xyz(0.0, -0.2, 0.0)),
                (Mesh3d(foot.clone()), MeshMaterial3d(accent.clone()), Transform::from_xyz(0.0, -0.42, 0.04)),
            ],
        )
    };
    let arm = |side: f32| {
        (
            Arm(side),
            Transform::from_xyz(0.31 * side, 0.48, 0.0),
            Visibility::default(),
            children![
                (Mesh3d(limb.clone()), MeshMaterial3d(dark.clone()), Transform::from_xyz(0.0, -0.2, 0.0)),
                (Mesh3d(hand.clone()), MeshMaterial3d(accent.clone()), Transform::from_xyz(0.0, -0.42, 0.0)),
            ],
        )
    };
    commands.spawn((
        Name::new("Robot student"),
        Student::default(),
        Transform::from_scale(Vec3::splat(ROBOT_SCALE)),
        Visibility::default(),
        children![
            leg(-1.0),
            leg(1.0),
            (
                BodyPivot,
                Transform::from_xyz(0.0, 0.45, 0.0),
                Visibility::default(),
                children![
                    (Mesh3d(torso), MeshMaterial3d(metal.clone()), Transform::from_xyz(0.0, 0.3, 0.0)),
                    (Mesh3d(panel), MeshMaterial3d(screen), Transform::from_xyz(0.0, 0.33, 0.175)),
                    (
                        Mesh3d(head),
                        MeshMaterial3d(metal.clone()),
                        Transform::from_xyz(0.0, 0.78, 0.0),
                        children![
                            (
                                Mesh3d(eye.clone()),
                                MeshMaterial3d(glow.clone()),
                                Transform::from_xyz(-0.1, 0.03, 0.17)
                            ),
                            (Mesh3d(eye), MeshMaterial3d(glow), Transform::from_xyz(0.1, 0.03, 0.17)),
                            (
                                Antenna,
                                Transform::from_xyz(0.0, 0.17, 0.0),
                                Visibility::default(),
                                children![
                                    (
                                        Mesh3d(stalk),
                                        MeshMaterial3d(dark.clone()),
                                        Transform::from_xyz(0.0, 0.1, 0.0)
                                    ),
                                    (
                                        Mesh3d(bulb),
                                        MeshMaterial3d(accent.clone()),
                                        Transform::from_xyz(0.0, 0.22, 0.0)
                                    ),
                                ],
                            ),
                        ],
                    ),
                    arm(-1.0),
                    arm(1.0),
                ],
            ),
        ],
    ));
}

/// Turns the session's moments into moods.
fn react(mut moments: MessageReader<Moment>, mut students: Query<&mut Student>) {
    let Ok(mut student) = students.single_mut() else {
        return;
    };
    for moment in moments.read() {
        let mood = match (moment, student.mood) {
            (Moment::Started, _) => {
                student.placed = false;
                Mood::Calm
            }
            (Moment::Fell, _) => Mood::Fallen,
            (Moment::Cheered, _) => Mood::Cheering,
            (Moment::Stumbled, Mood::Calm) => Mood::Stumbling,
            (Moment::Stumbled, other) => other,
        };
        if mood != student.mood {
            student.mood = mood;
            student.mood_time = 0.0;
        }
    }
}

/// Moves the robot towards where its weights stand on the slice on show,
/// at the height of its true score (the ground there is the slice's height,
/// the same number when the slice was cut through the student's weights).
fn walk(
    session: Option<Res<Session>>,
    terrain: Option<Res<Terrain>>,
    ground: Res<Ground>,
    time: Res<Time>,
    mut students: Query<(&mut Student, &mut Transform)>,
) {
    let (Some(session), Some(terrain), Some(plane)) = (session, terrain, ground.plane.as_ref()) else {
        return;
    };
    let Ok((mut student, mut transform)) = students.single_mut() else { return };
    let dt = time.delta_secs().max(1e-4);
    let (a, b) = plane.project(&session.run.params.data);
    let target = world_xz(plane, a, b);
    let here = transform.translation.xz();
    let next = if student.placed && student.mood != Mood::Fallen {
        here + (target - here) * (1.0 - (-FOLLOW_RATE * dt).exp())
    } else if student.placed {
        here
    } else {
        student.placed = true;
        target
    };
    let moved = next - here;
    let speed = moved.length() / dt;
    student.pace += (speed - student.pace) * (1.0 - (-4.0 * dt).exp());
    if moved.length() > 1e-3 && student.mood != Mood::Fallen {
        let yaw = moved.x.atan2(moved.y);
        let want = Quat::from_rotation_y(yaw);
        transform.rotation = transform.rotation.slerp(want, (1.0 - (-6.0 * dt).exp()).min(1.0));
    }
    // At its true score; on top of the ground when a slice cut a while ago
    // is higher there (the next slice, cut through its weights, will agree).
    let height = world_height(terrain.student_loss, terrain.uniform).max(ground.height_at(next));
    transform.translation = Vec3::new(next.x, height, next.y);
}

/// The gait and the moods, applied to the robot's joints.
#[allow(clippy::type_complexity)]
fn animate(
    time: Res<Time>,
    mut students: Query<&mut Student>,
    mut pivots: Query<&mut Transform, (With<BodyPivot>, Without<Leg>, Without<Arm>, Without<Antenna>)>,
    mut legs: Query<(&Leg, &mut Transform), (Without<Arm>, Without<Antenna>)>,
    mut arms: Query<(&Arm, &mut Transform), (Without<Leg>, Without<Antenna>)>,
    mut antennas: Query<&mut Transform, (With<Antenna>, Without<Leg>, Without<Arm>, Without<BodyPivot>)>,
) {
    let Ok(mut student) = students.single_mut() else {
        return;
    };
    let dt = time.delta_secs();
    let t = time.elapsed_secs();
    student.mood_time += dt;
    if student.mood == Mood::Stumbling && student.mood_time > STUMBLE_SECONDS {
        student.mood = Mood::Calm;
        student.mood_time = 0.0;
    }
    // Stride frequency follows the pace over the ground: faster steps of the
    // optimizer, faster legs. A still robot breathes.
    let walking = (student.pace * 1.5).min(1.0);
    let stride_rate = 3.0 + 9.0 * (student.pace / 3.0).min(1.0);
    student.phase = (student.phase + stride_rate * walking * dt) % (2.0 * PI);
    let swing = 0.6 * walking * student.phase.sin();

    let (mut pitch, mut lift, mut arm_raise, mut arm_spread) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
    match student.mood {
        Mood::Calm => {
            lift = 0.03 * walking * (2.0 * student.phase).sin().abs() + 0.01 * (t * 2.0).sin();
        }
        Mood::Stumbling => {
            let k = (student.mood_time / STUMBLE_SECONDS * PI).sin();
            pitch = 0.5 * k;
            arm_raise = 1.2 * k;
            arm_spread = 0.6 * k;
        }
        Mood::Fallen => {
            let k = (student.mood_time / 0.5).min(1.0);
            pitch = FRAC_PI_2 * k * k;
            lift = -0.3 * k;
            arm_spread = 0.8 * k;
        }
        Mood::Cheering => {
            lift = 0.25 * (student.mood_time * 9.0).sin().abs();
            arm_raise = 2.7;
            arm_spread = 0.35 + 0.15 * (student.mood_time * 9.0).sin();
        }
    }
    if let Ok(mut pivot) = pivots.single_mut() {
        pivot.translation.y = 0.45 + lift;
        pivot.rotation = Quat::from_rotation_x(pitch);
    }
    for (leg, mut transform) in &mut legs {
        let fallen = if student.mood == Mood::Fallen { pitch } else { 0.0 };
        transform.rotation = Quat::from_rotation_x(swing * leg.0 + fallen * 0.3);
        transform.translation.y = 0.45 + lift.max(0.0);
    }
    for (arm, mut transform) in &mut arms {
        let walk_swing = if student.mood == Mood::Calm { -swing * arm.0 } else { 0.0 };
        transform.rotation =
            Quat::from_rotation_z(arm_spread * arm.0) * Quat::from_rotation_x(walk_swing - arm_raise);
    }
    for mut antenna in &mut antennas {
        antenna.rotation = Quat::from_rotation_z(0.15 * (t * 3.0).sin() + 0.3 * walking * swing);
    }
}
