//! The voting box: one column per letter, its height the letter's vote
//! (logit) after the context letter, its share written above it. Drag a
//! column (or use the arrow keys) to change a vote. In the scoring lesson,
//! arrows on the columns show the gradient p − onehot of the marked letter.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::input::EguiWantsInput;

use super::actions::{Action, Setting};
use super::blackboard::end_mark;
use super::screens::{Screen, ballot_context};
use super::session::Session;
use crate::lesson::{BallotView, MAX_VOTE, ballot_view, bigram_votes};

/// Where the ballot's zero line is centred, facing +z.
pub const BALLOT_CENTRE: Vec3 = Vec3::new(0.0, 12.0, -7.0);
/// Columns at most (one per letter; level files are checked against it).
const COLUMNS: usize = crate::level::format::MAX_BALLOT;
const PITCH: f32 = 0.62;
const WIDTH: f32 = 0.46;
/// World height per vote.
const HEIGHT_PER_VOTE: f32 = 0.32;
/// Votes per pixel of mouse drag.
const VOTES_PER_PIXEL: f32 = 0.03;

#[derive(Component)]
struct BallotBox;

#[derive(Component)]
struct Column(usize);

/// A column being dragged: its letter, the vote and the pointer height when the drag began.
#[derive(Resource, Default, Debug)]
pub struct BallotDrag(pub Option<(usize, f32, f32)>);

pub fn plugin(app: &mut App) {
    app.init_resource::<BallotDrag>();
    app.add_systems(Startup, spawn_ballot);
    app.add_systems(Update, (show_ballot, drag_columns, shape_columns, label_columns).chain());
}

fn spawn_ballot(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let column = meshes.add(Cuboid::new(WIDTH, 1.0, WIDTH));
    let wood = materials.add(StandardMaterial { base_color: Color::srgb(0.50, 0.34, 0.20), ..default() });
    let width = COLUMNS as f32 * PITCH * 0.72;
    commands
        .spawn((
            Name::new("Voting box"),
            BallotBox,
            Transform::from_translation(BALLOT_CENTRE),
            Visibility::Hidden,
            children![(
                Mesh3d(meshes.add(Cuboid::new(width, 0.5, 1.2))),
                MeshMaterial3d(wood),
                Transform::from_xyz(0.0, -4.0, 0.0)
            )],
        ))
        .with_children(|b| {
            for i in 0..COLUMNS {
                b.spawn((
                    Column(i),
                    Mesh3d(column.clone()),
                    MeshMaterial3d(materials.add(StandardMaterial::default())),
                    Transform::default(),
                    Visibility::Hidden,
                ));
            }
        });
}

/// What the ballot shows, from the lesson.
fn showing(session: &Session) -> Option<BallotView> {
    ballot_view(&session.activity, &session.run, session.sampling.temperature)
}

/// Board-space x of column `i` of `n`.
fn column_x(i: usize, n: usize) -> f32 {
    (i as f32 - (n as f32 - 1.0) / 2.0) * PITCH
}

fn show_ballot(
    screen: Res<State<Screen>>,
    session: Option<Res<Session>>,
    mut boxes: Query<&mut Visibility, With<BallotBox>>,
) {
    let on =
        *screen.get() == Screen::Playing && session.as_ref().is_some_and(|s| ballot_context(s).is_some());
    for mut v in &mut boxes {
        *v = if on { Visibility::Inherited } else { Visibility::Hidden };
    }
}

fn shape_columns(
    session: Option<Res<Session>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut columns: Query<(&Column, &mut Transform, &mut Visibility, &MeshMaterial3d<StandardMaterial>)>,
) {
    let Some(session) = session else { return };
    let Some(show) = showing(&session) else { return };
    let n = show.votes.len();
    for (column, mut transform, mut visibility, material) in &mut columns {
        if column.0 >= n {
            *visibility = Visibility::Hidden;
            continue;
        }
        *visibility = Visibility::Inherited;
        let vote = show.votes[column.0];
        let height = (vote.abs() * HEIGHT_PER_VOTE).max(0.02);
        transform.translation = Vec3::new(column_x(column.0, n), vote * HEIGHT_PER_VOTE / 2.0, 0.0);
        transform.scale = Vec3::new(1.0, height, 1.0);
        if let Some(mut m) = materials.get_mut(&material.0) {
            let share = show.shares[column.0];
            let glow = share.sqrt();
            m.base_color = Color::srgb(0.25 + 0.7 * glow, 0.35 + 0.45 * glow, 0.55 - 0.35 * glow);
            m.emissive = if column.0 == session.selected {
                LinearRgba::rgb(0.6, 0.45, 0.1)
            } else {
                LinearRgba::BLACK
            };
        }
    }
}

/// Letters under the columns, shares over them, the zero line, the picked
/// column, and the gradient's arrows.
fn label_columns(
    session: Option<Res<Session>>,
    boxes: Query<&Visibility, With<BallotBox>>,
    mut gizmos: Gizmos,
) {
    let Some(session) = session else { return };
    if boxes.single().is_ok_and(|v| *v == Visibility::Hidden) {
        return;
    }
    let Some(show) = showing(&session) else { return };
    let n = show.votes.len();
    let origin = BALLOT_CENTRE;
    let white = Color::srgb(0.95, 0.95, 0.92);
    let half = column_x(n - 1, n) + PITCH;
    gizmos.line(origin - Vec3::X * half, origin + Vec3::X * half, Color::srgba(1.0, 1.0, 1.0, 0.5));
    gizmos.text(
        Isometry3d::from_translation(origin + Vec3::new(0.0, 4.6, 0.0)),
        &format!("votes after '{}'", session.run.vocab.label(show.context).replace('¶', "start")),
        0.6,
        Vec2::ZERO,
        white,
    );
    for i in 0..n {
        let x = column_x(i, n);
        let top = origin + Vec3::new(x, show.votes[i].max(0.0) * HEIGHT_PER_VOTE, 0.0);
        // The letter sits on the zero line, on the side its bar does not take.
        let side = if show.votes[i] >= 0.0 { -0.45 } else { 0.4 };
        let at = origin + Vec3::new(x, side, 0.5);
        match session.run.vocab.letter(i) {
            Some(c) => {
                gizmos.text(Isometry3d::from_translation(at), &c.to_string(), 0.42, Vec2::ZERO, white);
            }
            None => end_mark(&mut gizmos, at, 0.42, white),
        }
        let share = show.shares[i] * 100.0;
        if share >= 0.5 {
            gizmos.text(
                Isometry3d::from_translation(
                    top + Vec3::new(0.0, if show.votes[i] >= 0.0 { 0.35 } else { 0.95 }, 0.3),
                ),
                &format!("{share:.0}"),
                0.28,
                Vec2::ZERO,
                Color::srgb(1.0, 0.85, 0.4),
            );
        }
        if let Some(gradient) = &show.gradient {
            // The arrow points the way the score goes up if the vote rises.
            let g = gradient[i];
            let from = top + Vec3::new(0.0, 0.2, 0.35);
            let colour = if g > 0.0 { Color::srgb(1.0, 0.35, 0.3) } else { Color::srgb(0.4, 1.0, 0.5) };
            if g.abs() > 0.005 {
                gizmos.arrow(from, from + Vec3::Y * (g * 3.0), colour);
            }
        }
    }
    let x = column_x(session.selected.min(n - 1), n);
    gizmos.cube(
        Transform::from_translation(origin + Vec3::new(x, 0.0, 0.0)).with_scale(Vec3::new(PITCH, 8.0, 1.0)),
        Color::srgb(1.0, 0.8, 0.3),
    );
}

/// Dragging a column up or down changes its vote.
#[allow(clippy::too_many_arguments)]
fn drag_columns(
    session: Option<Res<Session>>,
    buttons: Res<ButtonInput<MouseButton>>,
    windows: Query<&Window, With<PrimaryWindow>>,
    cameras: Query<(&Camera, &GlobalTransform)>,
    boxes: Query<&Visibility, With<BallotBox>>,
    egui: Option<Res<EguiWantsInput>>,
    mut drag: ResMut<BallotDrag>,
    mut actions: MessageWriter<Action>,
) {
    let (Some(session), Ok(window)) = (session, windows.single()) else { return };
    if boxes.single().is_ok_and(|v| *v == Visibility::Hidden) || !buttons.pressed(MouseButton::Left) {
        drag.0 = None;
        return;
    }
    let Some(context) = ballot_context(&session) else { return };
    let Some(cursor) = window.cursor_position() else { return };
    if buttons.just_pressed(MouseButton::Left) {
        if egui.is_some_and(|e| e.wants_any_pointer_input()) {
            return;
        }
        let Some((camera, at)) = cameras.iter().find(|(c, _)| c.is_active) else { return };
        let Ok(ray) = camera.viewport_to_world(at, cursor) else { return };
        // Where the ray meets the ballot's plane (z = BALLOT_CENTRE.z).
        if ray.direction.z.abs() < 1e-4 {
            return;
        }
        let t = (BALLOT_CENTRE.z - ray.origin.z) / ray.direction.z;
        let hit = ray.origin + *ray.direction * t - BALLOT_CENTRE;
        let n = session.run.vocab.size();
        let index = ((hit.x / PITCH) + (n as f32 - 1.0) / 2.0).round();
        if t > 0.0 && index >= 0.0 && (index as usize) < n && hit.y.abs() < 6.0 {
            let letter = index as usize;
            drag.0 = Some((letter, bigram_votes(&session.run, context)[letter], cursor.y));
            actions.write(Action::Select(letter));
        }
        return;
    }
    if let Some((letter, start_vote, start_y)) = drag.0 {
        let value = (start_vote + (start_y - cursor.y) * VOTES_PER_PIXEL).clamp(-MAX_VOTE, MAX_VOTE);
        if value != bigram_votes(&session.run, context)[letter] {
            actions.write(Action::Set(Setting::Vote { after: context, letter, value }));
        }
    }
}
