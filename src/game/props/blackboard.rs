//! The blackboard: a document in chalk, every letter after the cursor
//! physically covered by a plate that lifts when the letter is uncovered;
//! under each uncovered letter, whether your guess and the student's were right.

use bevy::prelude::*;

use super::matte;
use crate::game::consts::{BAD, GOOD, MUTED};
use crate::game::labels::{Label, WorldLabels};
use crate::game::session::Session;
use crate::lesson::view;

/// A blackboard; spawned by a lesson, it builds itself and shows the reading.
#[derive(Component, Clone, Copy, Debug, Default)]
#[require(Transform, Visibility)]
pub struct Blackboard;

/// Letter cells on the board at most (longer documents scroll).
pub const CELLS: usize = 12;
/// Width of a cell, world units.
pub const CELL: f32 = 0.9;
pub const BOARD_SIZE: Vec2 = Vec2::new(CELLS as f32 * CELL + 1.6, 3.6);
/// Height of the board's centre above its feet.
pub const BOARD_HEIGHT: f32 = 3.4;
/// Seconds a plate takes to lift.
const LIFT_SECONDS: f32 = 0.35;
const CHALK: bevy_egui::egui::Color32 = bevy_egui::egui::Color32::from_rgb(236, 240, 228);

/// Plate `cell` covers that cell of the board.
#[derive(Component)]
struct Plate {
    cell: usize,
}

pub fn plugin(app: &mut App) {
    app.add_observer(build);
    app.add_systems(Update, (place_plates, write).chain());
}

fn build(
    add: On<Add, Blackboard>,
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let slate = matte(&mut materials, [0.12, 0.22, 0.17]);
    let wood = matte(&mut materials, [0.45, 0.30, 0.18]);
    let plate = materials.add(StandardMaterial {
        base_color: Color::srgb(0.80, 0.68, 0.46),
        perceptual_roughness: 0.7,
        ..default()
    });
    let plate_mesh = meshes.add(Cuboid::new(CELL * 0.92, 1.35, 0.08));
    let leg = meshes.add(Cuboid::new(0.22, BOARD_HEIGHT, 0.22));
    let face = Vec3::Y * BOARD_HEIGHT;
    commands.entity(add.entity).with_children(|board| {
        board.spawn((
            Mesh3d(meshes.add(Cuboid::new(BOARD_SIZE.x, BOARD_SIZE.y, 0.1))),
            MeshMaterial3d(slate),
            Transform::from_translation(face - Vec3::Z * 0.06),
        ));
        board.spawn((
            Mesh3d(meshes.add(Cuboid::new(BOARD_SIZE.x + 0.4, BOARD_SIZE.y + 0.4, 0.08))),
            MeshMaterial3d(wood.clone()),
            Transform::from_translation(face - Vec3::Z * 0.14),
        ));
        for x in [-1.0, 1.0] {
            board.spawn((
                Mesh3d(leg.clone()),
                MeshMaterial3d(wood.clone()),
                Transform::from_xyz(x * (BOARD_SIZE.x / 2.0 - 0.6), BOARD_HEIGHT / 2.0, -0.25),
            ));
        }
        for cell in 0..CELLS {
            board.spawn((
                Plate { cell },
                Mesh3d(plate_mesh.clone()),
                MeshMaterial3d(plate.clone()),
                Transform::from_translation(face + cell_centre(cell, CELLS) + Vec3::Z * 0.08),
            ));
        }
    });
}

/// Centre of cell `cell` of `used`, relative to the board's face: the
/// document sits in the middle of the board.
fn cell_centre(cell: usize, used: usize) -> Vec3 {
    Vec3::new((cell as f32 + 0.5 - used as f32 / 2.0) * CELL, 0.25, 0.0)
}

/// The cells on show: the document's letters, scrolled so the cursor stays on the board.
fn window(letters: usize, cursor: usize) -> (usize, usize) {
    let first = (cursor + 3).saturating_sub(CELLS).min(letters.saturating_sub(CELLS));
    (first, letters.min(first + CELLS))
}

/// Where letter `letter` of the board sits in the world (the middle of its
/// cell), `None` when it is scrolled off the board.
pub fn letter_point(board: &GlobalTransform, content: &view::Board, letter: usize) -> Option<Vec3> {
    let (first, last) = window(content.letters.len(), content.cursor);
    (first..last)
        .contains(&letter)
        .then(|| board.transform_point(Vec3::Y * BOARD_HEIGHT + cell_centre(letter - first, last - first)))
}

/// Where the letter under the next cover is, in the world: what the robot points at.
pub fn covered_cell(board: &GlobalTransform, content: &view::Board) -> Vec3 {
    let (first, last) = window(content.letters.len(), content.cursor);
    let next = (content.cursor + 1).min(last.saturating_sub(1)).max(first);
    board.transform_point(Vec3::Y * BOARD_HEIGHT + cell_centre(next - first, last - first))
}

/// Which reveal a lift belongs to: the run, the document's length, the cursor.
type RevealKey = (u64, usize, usize);

/// Plates rest on covered cells; the plate of the letter just uncovered lifts away.
fn place_plates(
    time: Res<Time>,
    session: Option<Res<Session>>,
    mut last_reveal: Local<Option<(RevealKey, f32)>>,
    boards: Query<(), With<Blackboard>>,
    mut plates: Query<(&Plate, &mut Transform, &mut Visibility)>,
) {
    if boards.is_empty() {
        return;
    }
    let Some(content) = session.as_ref().and_then(|s| view::board(&s.play)) else { return };
    let (first, last) = window(content.letters.len(), content.cursor);
    // A new uncovered letter starts a lift.
    let key = (session.as_ref().map_or(0, |s| s.play.run_id), content.letters.len(), content.cursor);
    match &mut *last_reveal {
        Some((k, t)) if *k == key => *t += time.delta_secs(),
        other => *other = (content.cursor > 0).then_some((key, 0.0)),
    }
    let lift = last_reveal.map_or(1.0, |(_, t)| t / LIFT_SECONDS);
    for (plate, mut transform, mut visibility) in &mut plates {
        let letter = first + plate.cell;
        let covered = letter > content.cursor && letter < last;
        let lifting = letter == content.cursor && lift < 1.0;
        *visibility = if covered || lifting { Visibility::Inherited } else { Visibility::Hidden };
        let up = if lifting { lift } else { 0.0 };
        transform.translation = Vec3::Y * BOARD_HEIGHT
            + cell_centre(plate.cell, last - first)
            + Vec3::new(0.0, 2.2 * up, 0.08 + 0.4 * up);
    }
}

/// The uncovered letters in chalk, the cursor under the last one, and the marks under each.
fn write(
    session: Option<Res<Session>>,
    boards: Query<&GlobalTransform, With<Blackboard>>,
    mut labels: ResMut<WorldLabels>,
    mut gizmos: Gizmos,
) {
    let (Some(session), Ok(board)) = (session, boards.single()) else { return };
    let Some(content) = view::board(&session.play) else { return };
    let (first, last) = window(content.letters.len(), content.cursor);
    let at = |cell: usize, offset: Vec3| {
        board.transform_point(Vec3::Y * BOARD_HEIGHT + cell_centre(cell, last - first) + offset)
    };
    for (cell, letter) in content.letters[first..last].iter().enumerate().take(content.cursor + 1 - first) {
        labels.add(Label::new(at(cell, Vec3::Z * 0.05), letter.clone(), 0.95, CHALK).min_points(16.0));
    }
    // The cursor: a line under the last uncovered letter.
    let under = at(content.cursor - first, Vec3::new(0.0, -0.72, 0.04));
    gizmos.line(under - Vec3::X * 0.32, under + Vec3::X * 0.32, Color::srgb(1.0, 0.6, 0.15));
    // The marks: the reveals of this document, one per uncovered letter after the start.
    if !content.marked {
        return;
    }
    let row = |y: f32| Vec3::new(0.0, y, 0.05);
    labels.add(
        Label::new(at(0, row(-1.05)) - board.right() * CELL * 0.9, "you", 0.3, MUTED)
            .anchor(bevy_egui::egui::Align2::RIGHT_CENTER),
    );
    labels.add(
        Label::new(at(0, row(-1.45)) - board.right() * CELL * 0.9, "student", 0.3, MUTED)
            .anchor(bevy_egui::egui::Align2::RIGHT_CENTER),
    );
    let marked = content.marks.len();
    for (i, (you, student)) in content.marks.iter().enumerate() {
        let letter = content.cursor + 1 + i - marked;
        if letter < first || letter >= last {
            continue;
        }
        let cell = letter - first;
        let (text, colour) = match you {
            Some(true) => ("✔", GOOD),
            Some(false) => ("✖", BAD),
            None => ("·", MUTED),
        };
        labels.add(Label::new(at(cell, row(-1.05)), text, 0.34, colour));
        let (text, colour) = if *student { ("✔", GOOD) } else { ("✖", BAD) };
        labels.add(Label::new(at(cell, row(-1.45)), text, 0.34, colour));
    }
}
