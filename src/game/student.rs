//! The robot student, built from primitives. On the landscape it stands where
//! its weights are, at its true score, with a gait whose pace follows the
//! climber's steps; at a lesson's object it stands at the lesson's spot and
//! acts: points at the letter it reads, casts its votes, takes the teacher's
//! mark well or badly, performs. It stumbles when the loss jumps, falls when
//! training diverges, and cheers at the goal.

use std::f32::consts::{FRAC_PI_2, PI};

use bevy::prelude::*;

use super::session::{Moment, Session};
use super::terrain::{Ground, Terrain, world_height, world_xz};

/// Where the robot stands.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq)]
pub enum Post {
    /// On the landscape, where its weights are, at its true score.
    #[default]
    OnTheGround,
    /// At a lesson's object, turned by `facing` (radians about the vertical; 0 faces +z).
    At { spot: Vec3, facing: f32 },
}

/// What its arms do while it stands, set by the lesson.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq)]
pub enum Pose {
    #[default]
    Stand,
    /// Points at a point of the world and looks at it.
    Point(Vec3),
    /// Arms open to the audience, swaying: performing.
    Present,
}

/// A movement the robot makes once.
#[derive(Event, Clone, Copy, Debug, PartialEq)]
pub enum Gesture {
    /// Throws towards a point of the world (a vote into the box).
    Cast(Vec3),
    /// A happy little hop: a better mark.
    Nod,
    /// Head down: a worse mark.
    Slump,
}

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

#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum Mood {
    #[default]
    Calm,
    Stumbling,
    Fallen,
    Cheering,
    Casting(Vec3),
    Nodding,
    Slumping,
}

impl Mood {
    /// How long a passing mood lasts (the lasting ones: forever).
    fn seconds(self) -> Option<f32> {
        match self {
            Mood::Stumbling => Some(0.7),
            Mood::Casting(_) => Some(0.45),
            Mood::Nodding => Some(0.7),
            Mood::Slumping => Some(0.9),
            _ => None,
        }
    }
}

#[derive(Component)]
struct BodyPivot;

#[derive(Component)]
struct Head;

#[derive(Component)]
struct Leg(f32);

#[derive(Component)]
struct Arm(f32);

#[derive(Component)]
struct Antenna;

/// The robot is modelled about 1.3 units tall; the landscape is 16 wide.
pub const ROBOT_SCALE: f32 = 1.5;
/// Height of its head above its feet, in world units.
pub const HEAD_HEIGHT: f32 = 1.35 * ROBOT_SCALE;
/// How quickly the robot closes the gap to where it should stand (per second).
const FOLLOW_RATE: f32 = 5.0;

pub fn plugin(app: &mut App) {
    app.init_resource::<Post>();
    app.init_resource::<Pose>();
    app.add_systems(Startup, spawn_student);
    app.add_observer(gesture);
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
                        Head,
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

fn set_mood(student: &mut Student, mood: Mood) {
    if mood != student.mood {
        student.mood = mood;
        student.mood_time = 0.0;
    }
}

/// Turns the session's moments into moods.
fn react(mut moments: MessageReader<Moment>, mut students: Query<&mut Student>) {
    let Ok(mut student) = students.single_mut() else { return };
    for moment in moments.read() {
        let calm = matches!(student.mood, Mood::Calm | Mood::Casting(_) | Mood::Nodding | Mood::Slumping);
        let mood = match moment {
            Moment::Started => {
                student.placed = false;
                Mood::Calm
            }
            Moment::Fell => Mood::Fallen,
            Moment::Cheered => Mood::Cheering,
            Moment::Stumbled if calm => Mood::Stumbling,
            Moment::Marked { better: true } if calm => Mood::Nodding,
            Moment::Marked { better: false } if calm => Mood::Slumping,
            _ => student.mood,
        };
        set_mood(&mut student, mood);
    }
}

fn gesture(gesture: On<Gesture>, mut students: Query<&mut Student>) {
    let Ok(mut student) = students.single_mut() else { return };
    if matches!(student.mood, Mood::Fallen | Mood::Cheering) {
        return;
    }
    let mood = match *gesture.event() {
        Gesture::Cast(at) => Mood::Casting(at),
        Gesture::Nod => Mood::Nodding,
        Gesture::Slump => Mood::Slumping,
    };
    student.mood_time = 0.0;
    student.mood = mood;
}

/// Moves the robot to where it should stand: its lesson's spot, or where its
/// weights stand on the slice on show, at the height of its true score.
fn walk(
    post: Res<Post>,
    session: Option<Res<Session>>,
    terrain: Option<Res<Terrain>>,
    ground: Res<Ground>,
    time: Res<Time>,
    mut students: Query<(&mut Student, &mut Transform)>,
) {
    let Ok((mut student, mut transform)) = students.single_mut() else { return };
    let dt = time.delta_secs().max(1e-4);
    let (target, height, facing) = match *post {
        Post::At { spot, facing } => (spot.xz(), Some(spot.y), Some(facing)),
        Post::OnTheGround => {
            let (Some(session), Some(_), Some(plane)) =
                (session.as_ref(), terrain.as_ref(), ground.plane.as_ref())
            else {
                return;
            };
            let (a, b) = plane.project(&session.play.run.params.data);
            (world_xz(plane, a, b), None, None)
        }
    };
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
    let turn = (1.0 - (-6.0 * dt).exp()).min(1.0);
    if moved.length() > 1e-3 && student.mood != Mood::Fallen {
        let want = Quat::from_rotation_y(moved.x.atan2(moved.y));
        transform.rotation = transform.rotation.slerp(want, turn);
    } else if let Some(facing) = facing {
        transform.rotation = transform.rotation.slerp(Quat::from_rotation_y(facing), turn);
    }
    let y = match height {
        Some(y) => y,
        // At its true score; on top of the ground when a slice cut a while ago
        // is higher there (the next slice, cut through its weights, will agree).
        None => {
            let terrain = terrain.as_ref().expect("checked above");
            world_height(terrain.student_loss, terrain.uniform).max(ground.height_at(next))
        }
    };
    transform.translation = Vec3::new(next.x, y, next.y);
}

/// The gait, the pose and the moods, applied to the robot's joints.
#[allow(clippy::type_complexity, clippy::too_many_arguments)]
fn animate(
    time: Res<Time>,
    pose: Res<Pose>,
    mut students: Query<(&mut Student, &GlobalTransform)>,
    mut pivots: Query<
        &mut Transform,
        (With<BodyPivot>, Without<Leg>, Without<Arm>, Without<Antenna>, Without<Head>),
    >,
    mut heads: Query<
        &mut Transform,
        (With<Head>, Without<Leg>, Without<Arm>, Without<Antenna>, Without<BodyPivot>),
    >,
    mut legs: Query<(&Leg, &mut Transform), (Without<Arm>, Without<Antenna>, Without<Head>)>,
    mut arms: Query<(&Arm, &mut Transform), (Without<Leg>, Without<Antenna>, Without<Head>)>,
    mut antennas: Query<
        &mut Transform,
        (With<Antenna>, Without<Leg>, Without<Arm>, Without<BodyPivot>, Without<Head>),
    >,
) {
    let Ok((mut student, body)) = students.single_mut() else { return };
    let dt = time.delta_secs();
    let t = time.elapsed_secs();
    student.mood_time += dt;
    if student.mood.seconds().is_some_and(|s| student.mood_time > s) {
        set_mood(&mut student, Mood::Calm);
    }
    // Stride frequency follows the pace over the ground: faster steps of the
    // optimizer, faster legs. A still robot breathes.
    let walking = (student.pace * 1.5).min(1.0);
    let stride_rate = 3.0 + 9.0 * (student.pace / 3.0).min(1.0);
    student.phase = (student.phase + stride_rate * walking * dt) % (2.0 * PI);
    let swing = 0.6 * walking * student.phase.sin();
    // A point of the world in the robot's own frame (for pointing and looking).
    let local = |world: Vec3| body.affine().inverse().transform_point3(world);
    let progress = student.mood.seconds().map_or(0.0, |s| (student.mood_time / s).min(1.0));

    let (mut pitch, mut lift, mut arm_raise, mut arm_spread, mut nod) =
        (0.0f32, 0.0f32, 0.0f32, 0.0f32, 0.0f32);
    // Arms: a rotation each (right = +1, left = −1) that replaces the walk's swing.
    let mut right_arm: Option<Quat> = None;
    let mut left_arm: Option<Quat> = None;
    let mut look: Option<Vec3> = None;
    match student.mood {
        Mood::Calm => {
            lift = 0.03 * walking * (2.0 * student.phase).sin().abs() + 0.01 * (t * 2.0).sin();
            match *pose {
                Pose::Stand => {}
                Pose::Point(at) => {
                    let target = local(at);
                    // The right shoulder sits at (0.31, 0.93) in the robot's frame.
                    let dir = (target - Vec3::new(0.31, 0.93, 0.0)).normalize_or(Vec3::Z);
                    right_arm = Some(Quat::from_rotation_arc(Vec3::NEG_Y, dir));
                    look = Some(target);
                }
                Pose::Present => {
                    let sway = 0.15 * (t * 2.2).sin();
                    right_arm = Some(Quat::from_rotation_z(0.9 + sway) * Quat::from_rotation_x(-0.5));
                    left_arm = Some(Quat::from_rotation_z(-0.9 + sway) * Quat::from_rotation_x(-0.5));
                    lift += 0.04 * (t * 4.4).sin().abs();
                }
            }
        }
        Mood::Stumbling => {
            let k = (progress * PI).sin();
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
        Mood::Casting(at) => {
            // From behind the shoulder, over, and out towards the box.
            let target = local(at);
            let dir = (target - Vec3::new(0.31, 0.93, 0.0)).normalize_or(Vec3::Z);
            let thrown = Quat::from_rotation_arc(Vec3::NEG_Y, dir);
            let back = Quat::from_rotation_x(2.4);
            right_arm = Some(back.slerp(thrown, (progress * 1.6).min(1.0)));
            look = Some(target);
            pitch = -0.15 * (progress * PI).sin();
        }
        Mood::Nodding => {
            let k = (progress * PI).sin();
            lift = 0.22 * k;
            arm_raise = 1.6 * k;
            arm_spread = 0.3 * k;
            nod = -0.25 * (progress * 2.0 * PI).sin();
        }
        Mood::Slumping => {
            let k = (progress * PI).sin().sqrt();
            pitch = 0.25 * k;
            nod = 0.5 * k;
            arm_spread = -0.1 * k;
        }
    }
    if let Ok(mut pivot) = pivots.single_mut() {
        pivot.translation.y = 0.45 + lift;
        pivot.rotation = Quat::from_rotation_x(pitch);
    }
    if let Ok(mut head) = heads.single_mut() {
        let yaw = look.map_or(0.0, |p| (p.x).atan2(p.z).clamp(-1.0, 1.0));
        let tilt = look.map_or(0.0, |p| (-(p.y - 1.2)).atan2(p.xz().length().max(0.1)).clamp(-0.5, 0.5));
        head.rotation = Quat::from_rotation_y(yaw) * Quat::from_rotation_x(tilt + nod);
    }
    for (leg, mut transform) in &mut legs {
        let fallen = if student.mood == Mood::Fallen { pitch } else { 0.0 };
        transform.rotation = Quat::from_rotation_x(swing * leg.0 + fallen * 0.3);
        transform.translation.y = 0.45 + lift.max(0.0);
    }
    for (arm, mut transform) in &mut arms {
        let own = if arm.0 > 0.0 { right_arm } else { left_arm };
        transform.rotation = match own {
            Some(rotation) => rotation,
            None => {
                let walk_swing = if student.mood == Mood::Calm { -swing * arm.0 } else { 0.0 };
                Quat::from_rotation_z(arm_spread * arm.0) * Quat::from_rotation_x(walk_swing - arm_raise)
            }
        };
    }
    for mut antenna in &mut antennas {
        antenna.rotation = Quat::from_rotation_z(0.15 * (t * 3.0).sin() + 0.3 * walking * swing);
    }
}
