//! The voting box: one column per letter rising from the box, its height the
//! letter's vote (logit) after the context letter, its share written above
//! it; the picked column lit. Drag a column (or use the arrow keys) to change
//! a vote. In the scoring lesson, arrows over the columns show the gradient
//! p − onehot of the marked letter; in the voting lesson the letters drawn
//! pile up in the tray in front.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::egui::{Align2, Color32};
use bevy_egui::input::EguiWantsInput;

use super::matte;
use crate::game::consts::MUTED;
use crate::game::intent::{Command, Do, Setting};
use crate::game::labels::{Label, WorldLabels};
use crate::game::session::Session;
use crate::lesson::MAX_VOTE;
use crate::lesson::view::{self, BallotView};

/// A voting box; spawned by a lesson, it builds itself and shows the session's ballot.
#[derive(Component, Clone, Copy, Debug, Default)]
#[require(Transform, Visibility)]
pub struct BallotBox;

/// Columns at most (one per letter; level files are checked against it).
const COLUMNS: usize = crate::level::format::MAX_BALLOT;
/// Distance between two columns, and a column's width, world units.
pub const PITCH: f32 = 0.5;
const WIDTH: f32 = 0.38;
/// World height per vote.
const HEIGHT_PER_VOTE: f32 = 0.45;
/// The box the columns rise from: its top is at this height.
pub const BOX_TOP: f32 = 1.0;
/// Votes per pixel of mouse drag.
const VOTES_PER_PIXEL: f32 = 0.03;
/// Drawn letters shown in a tray slot at most (the count is written beside it).
const TRAY_STACK: u32 = 8;
/// How far in front of the box the tray lies.
const TRAY_Z: f32 = 1.35;

#[derive(Component)]
struct Column(usize);

#[derive(Component)]
struct TrayChip(usize, u32);

/// The tray drawn letters land in (shown where letters are drawn: voting).
#[derive(Component)]
struct Tray;

/// A column being dragged: its letter, the vote and the pointer height when the drag began.
#[derive(Resource, Default, Debug)]
pub struct BallotDrag(pub Option<(usize, f32, f32)>);

pub fn plugin(app: &mut App) {
    app.init_resource::<BallotDrag>();
    app.add_observer(build);
    app.add_systems(Update, (drag_columns, shape_columns, label_columns).chain());
}

fn build(
    add: On<Add, BallotBox>,
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let column = meshes.add(Cuboid::new(WIDTH, 1.0, WIDTH));
    let chip = meshes.add(Cuboid::new(WIDTH * 0.9, 0.07, 0.3));
    let wood = matte(&mut materials, [0.50, 0.34, 0.20]);
    let dark = matte(&mut materials, [0.30, 0.21, 0.13]);
    let chip_colour = materials.add(StandardMaterial {
        base_color: Color::srgb(0.45, 0.65, 0.95),
        emissive: LinearRgba::rgb(0.05, 0.1, 0.25),
        ..default()
    });
    let width = COLUMNS as f32 * PITCH * 0.72 + 0.6;
    commands.entity(add.entity).with_children(|b| {
        b.spawn((
            Mesh3d(meshes.add(Cuboid::new(width, BOX_TOP, 1.0))),
            MeshMaterial3d(wood),
            Transform::from_xyz(0.0, BOX_TOP / 2.0, 0.0),
        ));
        // The tray in front, where drawn letters land.
        b.spawn((
            Tray,
            Mesh3d(meshes.add(Cuboid::new(width, 0.16, 0.7))),
            MeshMaterial3d(dark),
            Transform::from_xyz(0.0, 0.08, TRAY_Z),
        ));
        for i in 0..COLUMNS {
            b.spawn((
                Column(i),
                Mesh3d(column.clone()),
                MeshMaterial3d(materials.add(StandardMaterial::default())),
                Transform::default(),
                Visibility::Hidden,
            ));
            for k in 0..TRAY_STACK {
                b.spawn((
                    TrayChip(i, k),
                    Mesh3d(chip.clone()),
                    MeshMaterial3d(chip_colour.clone()),
                    Transform::default(),
                    Visibility::Hidden,
                ));
            }
        }
    });
}

/// Box-space x of column `i` of `n`.
pub fn column_x(i: usize, n: usize) -> f32 {
    (i as f32 - (n as f32 - 1.0) / 2.0) * PITCH
}

/// The vote the columns rise from: a little below the lowest, and never above −4,
/// so a row's floor holds still while its votes change (only their differences matter).
fn floor_vote(votes: &[f32]) -> f32 {
    votes.iter().copied().fold(-4.0f32, f32::min) - 0.5
}

/// Box-space height of a vote.
fn vote_height(vote: f32, floor: f32) -> f32 {
    BOX_TOP + (vote - floor) * HEIGHT_PER_VOTE
}

/// Where the top of column `letter` is in the world (for the robot's throw).
pub fn column_top(ballot: &GlobalTransform, view: &BallotView, letter: usize) -> Vec3 {
    let n = view.votes.len();
    let floor = floor_vote(&view.votes);
    ballot.transform_point(Vec3::new(
        column_x(letter.min(n - 1), n),
        vote_height(view.votes[letter.min(n - 1)], floor),
        0.0,
    ))
}

/// Where drawn letters land for `letter`, in the world.
pub fn tray_slot(ballot: &GlobalTransform, n: usize, letter: usize) -> Vec3 {
    ballot.transform_point(Vec3::new(column_x(letter, n), 0.2, TRAY_Z))
}

#[allow(clippy::type_complexity)]
fn shape_columns(
    session: Option<Res<Session>>,
    boxes: Query<(), With<BallotBox>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut columns: Query<
        (&Column, &mut Transform, &mut Visibility, &MeshMaterial3d<StandardMaterial>),
        Without<TrayChip>,
    >,
    mut chips: Query<(&TrayChip, &mut Transform, &mut Visibility), Without<Column>>,
    mut trays: Query<&mut Visibility, (With<Tray>, Without<Column>, Without<TrayChip>)>,
) {
    if boxes.is_empty() {
        return;
    }
    let Some(show) = session.as_ref().and_then(|s| view::ballot(&s.play)) else { return };
    let n = show.votes.len();
    let floor = floor_vote(&show.votes);
    for mut tray in &mut trays {
        *tray = if show.tally.is_some() { Visibility::Inherited } else { Visibility::Hidden };
    }
    for (column, mut transform, mut visibility, material) in &mut columns {
        if column.0 >= n {
            *visibility = Visibility::Hidden;
            continue;
        }
        *visibility = Visibility::Inherited;
        let top = vote_height(show.votes[column.0], floor);
        let height = (top - BOX_TOP).max(0.02);
        transform.translation = Vec3::new(column_x(column.0, n), BOX_TOP + height / 2.0, 0.0);
        transform.scale = Vec3::new(1.0, height, 1.0);
        if let Some(mut m) = materials.get_mut(&material.0) {
            let glow = show.shares[column.0].sqrt();
            m.base_color = Color::srgb(0.25 + 0.7 * glow, 0.35 + 0.45 * glow, 0.55 - 0.35 * glow);
            m.emissive =
                if column.0 == show.selected { LinearRgba::rgb(0.9, 0.6, 0.1) } else { LinearRgba::BLACK };
        }
    }
    for (chip, mut transform, mut visibility) in &mut chips {
        let count = show.tally.as_ref().and_then(|t| t.get(chip.0)).copied().unwrap_or(0);
        let shown = chip.0 < n && chip.1 < count.min(TRAY_STACK);
        *visibility = if shown { Visibility::Inherited } else { Visibility::Hidden };
        transform.translation =
            Vec3::new(column_x(chip.0.min(n.max(1) - 1), n.max(1)), 0.2 + 0.075 * chip.1 as f32, TRAY_Z);
    }
}

/// Letters on the box under the columns, shares over them, the vote-0 line,
/// the tally's counts, the picked column's frame, and the gradient's arrows.
fn label_columns(
    session: Option<Res<Session>>,
    boxes: Query<&GlobalTransform, With<BallotBox>>,
    mut labels: ResMut<WorldLabels>,
    mut gizmos: Gizmos,
) {
    let (Some(session), Ok(ballot)) = (session, boxes.single()) else { return };
    let Some(show) = view::ballot(&session.play) else { return };
    let n = show.votes.len();
    let floor = floor_vote(&show.votes);
    let at = |local: Vec3| ballot.transform_point(local);
    let white = Color32::from_rgb(245, 245, 236);
    let gold = Color32::from_rgb(255, 214, 100);
    let plate = Color32::from_rgba_unmultiplied(20, 16, 12, 190);
    let half = column_x(n - 1, n) + PITCH;
    // Vote 0, for reference: where the columns would stand if every vote were 0.
    let zero = vote_height(0.0, floor);
    gizmos.line(
        at(Vec3::new(-half, zero, -0.3)),
        at(Vec3::new(half, zero, -0.3)),
        Color::srgba(1.0, 1.0, 1.0, 0.35),
    );
    labels.add(
        Label::new(at(Vec3::new(-half - 0.1, zero, -0.3)), "vote 0", 0.26, MUTED)
            .anchor(Align2::RIGHT_CENTER),
    );
    let top_of_all = (0..n).map(|i| vote_height(show.votes[i], floor)).fold(BOX_TOP, f32::max);
    labels.add(
        Label::new(
            at(Vec3::new(0.0, top_of_all + 1.6, 0.0)),
            format!("votes after '{}'  ·  the numbers are shares, %", show.labels[show.context]),
            0.42,
            white,
        )
        .plate(plate)
        .min_points(14.0),
    );
    for i in 0..n {
        let x = column_x(i, n);
        let top = vote_height(show.votes[i], floor);
        let selected = i == show.selected;
        labels.add(
            Label::new(
                at(Vec3::new(x, BOX_TOP * 0.62, 0.52)),
                show.labels[i].clone(),
                0.38,
                if selected { gold } else { white },
            )
            .min_points(13.0),
        );
        let share = show.shares[i] * 100.0;
        if selected {
            labels.add(
                Label::new(at(Vec3::new(x, top + 0.3, 0.0)), format!("{share:.1}%"), 0.34, gold)
                    .plate(plate)
                    .anchor(Align2::CENTER_BOTTOM)
                    .min_points(14.0),
            );
        } else if share >= 0.5 {
            labels.add(
                Label::new(at(Vec3::new(x, top + 0.08, 0.0)), format!("{share:.0}"), 0.3, gold)
                    .anchor(Align2::CENTER_BOTTOM)
                    .min_points(11.0),
            );
        }
        if let Some(count) = show.tally.as_ref().map(|t| t[i]).filter(|&c| c > 0) {
            labels.add(
                Label::new(at(Vec3::new(x, 0.05, TRAY_Z + 0.45)), count.to_string(), 0.24, white)
                    .min_points(11.0),
            );
        }
        if let Some(gradient) = &show.gradient {
            // The arrow points the way the score goes if the vote rises.
            let g = gradient[i];
            let from = at(Vec3::new(x, top + 0.45, 0.3));
            let colour = if g > 0.0 { Color::srgb(1.0, 0.35, 0.3) } else { Color::srgb(0.4, 1.0, 0.5) };
            if g.abs() > 0.005 {
                gizmos.arrow(from, from + ballot.up() * (g * 2.5), colour);
            }
        }
    }
    let x = column_x(show.selected.min(n - 1), n);
    let top = vote_height(show.votes[show.selected.min(n - 1)], floor);
    let frame_centre = Vec3::new(x, (BOX_TOP + top) / 2.0 + 0.2, 0.0);
    gizmos.cube(
        Transform::from_translation(at(frame_centre)).with_rotation(ballot.rotation()).with_scale(Vec3::new(
            PITCH * 0.98,
            top - BOX_TOP + 1.2,
            WIDTH + 0.2,
        )),
        Color::srgb(1.0, 0.8, 0.3),
    );
}

/// Dragging a column up or down changes its vote.
#[allow(clippy::too_many_arguments)]
fn drag_columns(
    session: Option<Res<Session>>,
    buttons: Res<ButtonInput<MouseButton>>,
    windows: Query<&Window, With<PrimaryWindow>>,
    cameras: Query<(&Camera, &GlobalTransform), With<Camera3d>>,
    boxes: Query<&GlobalTransform, With<BallotBox>>,
    egui: Option<Res<EguiWantsInput>>,
    mut drag: ResMut<BallotDrag>,
    mut commands: Commands,
) {
    let (Some(session), Ok(window), Ok(ballot)) = (session, windows.single(), boxes.single()) else {
        drag.0 = None;
        return;
    };
    if !buttons.pressed(MouseButton::Left) {
        drag.0 = None;
        return;
    }
    let Some(show) = view::ballot(&session.play) else { return };
    let Some(cursor) = window.cursor_position() else { return };
    if buttons.just_pressed(MouseButton::Left) {
        if egui.is_some_and(|e| e.wants_any_pointer_input()) {
            return;
        }
        let Some((camera, eye)) = cameras.iter().find(|(c, _)| c.is_active) else { return };
        let Ok(ray) = camera.viewport_to_world(eye, cursor) else { return };
        // Where the ray meets the box's plane through the columns.
        let normal = ballot.forward().as_vec3();
        let denominator = ray.direction.dot(normal);
        if denominator.abs() < 1e-4 {
            return;
        }
        let t = (ballot.translation() - ray.origin).dot(normal) / denominator;
        let hit = ballot.affine().inverse().transform_point3(ray.origin + *ray.direction * t);
        let n = show.votes.len();
        let index = ((hit.x / PITCH) + (n as f32 - 1.0) / 2.0).round();
        if t > 0.0 && index >= 0.0 && (index as usize) < n && hit.y > 0.0 && hit.y < 10.0 {
            let letter = index as usize;
            drag.0 = Some((letter, show.votes[letter], cursor.y));
            commands.trigger(Do(Command::Select(letter)));
        }
        return;
    }
    if let Some((letter, start_vote, start_y)) = drag.0 {
        let value = (start_vote + (start_y - cursor.y) * VOTES_PER_PIXEL).clamp(-MAX_VOTE, MAX_VOTE);
        if value != show.votes[letter] {
            commands.trigger(Do(Command::Set(Setting::Vote { after: show.context, letter, value })));
        }
    }
}
