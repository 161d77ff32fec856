//! The teacher's board: the marked word, one cell per letter coloured by its
//! score (cool: sure and right; hot: surprised), −ln p(true letter) written
//! in it, and the word's mean score. When a mark changes, its cell jumps:
//! the teacher's mark landing on the board.

use bevy::prelude::*;
use bevy_egui::egui::{Align2, Color32};

use super::matte;
use crate::brain::math::{KNOWING_NOTHING, SCORE};
use crate::game::consts::{GOLD, GOOD, MUTED, heat_rgb};
use crate::game::labels::{Label, WorldLabels};
use crate::game::session::Session;
use crate::lesson::view;

/// The teacher's board; spawned by a lesson, it builds itself and shows the marks.
#[derive(Component, Clone, Copy, Debug, Default)]
#[require(Transform, Visibility)]
pub struct MarkBoard;

/// Cells at most (a word longer than this is cut short on the board; the panel has all of it).
const CELLS: usize = 10;
const CELL: Vec2 = Vec2::new(1.55, 1.25);
const GAP: f32 = 0.15;
/// Seconds a changed mark takes to land.
const LAND_SECONDS: f32 = 0.4;

/// The board behind the cells: it grows to fit the word.
#[derive(Component)]
struct Back;

#[derive(Component)]
struct Cell {
    index: usize,
    /// The score it showed, and how long ago it changed.
    shown: f32,
    since: f32,
}

pub fn plugin(app: &mut App) {
    app.add_observer(build);
    app.add_systems(Update, show_marks);
}

fn build(
    add: On<Add, MarkBoard>,
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let back = matte(&mut materials, [0.93, 0.92, 0.86]);
    let wood = matte(&mut materials, [0.45, 0.30, 0.18]);
    let cell = meshes.add(Cuboid::new(CELL.x, CELL.y, 0.05));
    let width = CELLS as f32 * (CELL.x + GAP) + 0.6;
    commands.entity(add.entity).with_children(|board| {
        board.spawn((
            Back,
            Transform::default(),
            Visibility::default(),
            children![
                (
                    Mesh3d(meshes.add(Cuboid::new(width, CELL.y + 1.6, 0.1))),
                    MeshMaterial3d(back),
                    Transform::from_xyz(0.0, 0.0, -0.08),
                ),
                (
                    Mesh3d(meshes.add(Cuboid::new(width + 0.3, CELL.y + 1.9, 0.06))),
                    MeshMaterial3d(wood),
                    Transform::from_xyz(0.0, 0.0, -0.16),
                ),
            ],
        ));
        for index in 0..CELLS {
            board.spawn((
                Cell { index, shown: f32::NAN, since: LAND_SECONDS },
                Mesh3d(cell.clone()),
                MeshMaterial3d(materials.add(StandardMaterial { unlit: true, ..default() })),
                Transform::default(),
                Visibility::Hidden,
            ));
        }
    });
}

fn cell_x(i: usize, n: usize) -> f32 {
    (i as f32 - (n as f32 - 1.0) / 2.0) * (CELL.x + GAP)
}

#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn show_marks(
    time: Res<Time>,
    session: Option<Res<Session>>,
    boards: Query<&GlobalTransform, With<MarkBoard>>,
    mut backs: Query<&mut Transform, (With<Back>, Without<Cell>)>,
    mut cells: Query<
        (&mut Cell, &mut Transform, &mut Visibility, &MeshMaterial3d<StandardMaterial>),
        Without<Back>,
    >,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut labels: ResMut<WorldLabels>,
    mut gizmos: Gizmos,
) {
    let (Some(session), Ok(board)) = (session, boards.single()) else { return };
    let Some(marks) = view::mark_board(&session.play) else { return };
    let n = marks.cells.len().min(CELLS);
    let dark = Color32::from_rgb(20, 20, 24);
    let fit = |cells: usize| cells as f32 * (CELL.x + GAP) + 0.6;
    for mut back in &mut backs {
        back.scale.x = (fit(n.max(5)) / fit(CELLS)).min(1.0);
    }
    for (mut cell, mut transform, mut visibility, material) in &mut cells {
        let Some(mark) = marks.cells.get(cell.index).filter(|_| cell.index < n) else {
            *visibility = Visibility::Hidden;
            continue;
        };
        *visibility = Visibility::Inherited;
        if cell.shown.to_bits() != mark.score.to_bits() {
            // A new mark lands, unless this is the first one shown.
            cell.since = if cell.shown.is_nan() { LAND_SECONDS } else { 0.0 };
            cell.shown = mark.score;
        }
        cell.since += time.delta_secs();
        let landing = (1.0 - cell.since / LAND_SECONDS).max(0.0);
        let x = cell_x(cell.index, n);
        transform.translation = Vec3::new(x, 0.0, 0.3 * landing);
        transform.scale = Vec3::splat(1.0 + 0.25 * landing);
        if let Some(mut m) = materials.get_mut(&material.0) {
            let [r, g, b] = heat_rgb(mark.heat);
            m.base_color = Color::srgb_u8(r, g, b);
        }
        let at = |y: f32| board.transform_point(Vec3::new(x, y, 0.06));
        labels.add(Label::new(at(0.38), mark.pair.clone(), 0.3, dark).min_points(11.0));
        labels.add(Label::new(at(-0.02), format!("{:.2}", mark.score), 0.44, dark).min_points(13.0));
        labels.add(
            Label::new(at(-0.4), format!("p {}", view::percent_text(mark.share)), 0.24, dark)
                .min_points(10.0),
        );
        if cell.index == marks.position {
            gizmos.rect(
                Isometry3d::new(board.transform_point(Vec3::new(x, 0.0, 0.1)), board.rotation()),
                CELL + Vec2::splat(0.14),
                Color::srgb(1.0, 0.8, 0.2),
            );
        }
    }
    let reached = marks.goal.is_some_and(|g| marks.mean < g);
    let top = board.transform_point(Vec3::new(0.0, CELL.y / 2.0 + 0.45, 0.06));
    let goal = marks.goal.map_or(String::new(), |g| format!("  →  goal below {}", view::goal_text(g)));
    labels.add(
        Label::new(
            top,
            format!(
                "the teacher's score of \"{}\": mean {}{goal}",
                marks.word,
                view::score_text(marks.mean, marks.goal)
            ),
            0.36,
            if reached { GOOD } else { GOLD },
        )
        .plate(Color32::from_rgba_unmultiplied(20, 22, 28, 220))
        .min_points(14.0),
    );
    let bottom = board.transform_point(Vec3::new(0.0, -CELL.y / 2.0 - 0.4, 0.06));
    labels.add(
        Label::new(
            bottom,
            format!("each cell: {}  ·  {} = {:.2}", SCORE.text, KNOWING_NOTHING.text, marks.uniform),
            0.24,
            MUTED,
        )
        .plate(Color32::from_rgba_unmultiplied(20, 22, 28, 200))
        .anchor(Align2::CENTER_CENTER),
    );
}
