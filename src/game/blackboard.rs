//! The prediction lesson's blackboard: the document in chalk, every letter
//! after the cursor physically covered by a plate that lifts when the letter
//! is uncovered.

use bevy::prelude::*;

use super::screens::Screen;
use super::session::Session;
use crate::lesson::Activity;

/// Centre of the board's face in the world, facing +z.
pub const BOARD_CENTRE: Vec3 = Vec3::new(0.0, 12.5, -9.6);
/// Letter cells on the board at most (longer documents scroll).
const CELLS: usize = 16;
const CELL: f32 = 0.8;
const BOARD_SIZE: Vec2 = Vec2::new(CELLS as f32 * CELL + 1.2, 3.0);
/// Seconds a plate takes to lift.
const LIFT_SECONDS: f32 = 0.35;

#[derive(Component)]
struct Board;

/// Plate `i` covers cell `i` of the board.
#[derive(Component)]
struct Plate {
    cell: usize,
}

pub fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_board);
    app.add_systems(Update, (show_board, place_plates, write_letters).chain());
}

fn spawn_board(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let slate = materials.add(StandardMaterial {
        base_color: Color::srgb(0.12, 0.22, 0.17),
        perceptual_roughness: 0.95,
        ..default()
    });
    let wood = materials.add(StandardMaterial { base_color: Color::srgb(0.45, 0.30, 0.18), ..default() });
    let plate = materials.add(StandardMaterial {
        base_color: Color::srgb(0.78, 0.66, 0.45),
        perceptual_roughness: 0.7,
        ..default()
    });
    let plate_mesh = meshes.add(Cuboid::new(CELL * 0.92, 1.3, 0.08));
    commands
        .spawn((
            Name::new("Blackboard"),
            Board,
            Transform::from_translation(BOARD_CENTRE),
            Visibility::Hidden,
            children![
                (
                    Mesh3d(meshes.add(Cuboid::new(BOARD_SIZE.x, BOARD_SIZE.y, 0.1))),
                    MeshMaterial3d(slate),
                    Transform::from_xyz(0.0, 0.0, -0.06)
                ),
                (
                    Mesh3d(meshes.add(Cuboid::new(BOARD_SIZE.x + 0.4, BOARD_SIZE.y + 0.4, 0.08))),
                    MeshMaterial3d(wood.clone()),
                    Transform::from_xyz(0.0, 0.0, -0.14)
                ),
                (
                    Mesh3d(meshes.add(Cuboid::new(0.25, BOARD_CENTRE.y, 0.25))),
                    MeshMaterial3d(wood),
                    Transform::from_xyz(0.0, -BOARD_CENTRE.y / 2.0, -0.3)
                ),
            ],
        ))
        .with_children(|board| {
            for cell in 0..CELLS {
                board.spawn((
                    Plate { cell },
                    Mesh3d(plate_mesh.clone()),
                    MeshMaterial3d(plate.clone()),
                    Transform::from_translation(cell_centre(cell, CELLS) + Vec3::Z * 0.08),
                ));
            }
        });
}

/// Centre of cell `cell` of `used` on the board (board coordinates): the
/// document sits in the middle of the board.
fn cell_centre(cell: usize, used: usize) -> Vec3 {
    Vec3::new((cell as f32 + 0.5 - used as f32 / 2.0) * CELL, -0.1, 0.0)
}

/// The cells on show: the document's tokens, scrolled so the cursor stays on the board.
fn window(tokens: usize, cursor: usize) -> (usize, usize) {
    let first = (cursor + 3).saturating_sub(CELLS).min(tokens.saturating_sub(CELLS));
    (first, tokens.min(first + CELLS))
}

fn reading(session: &Session) -> Option<&crate::lesson::prediction::Reading> {
    match &session.activity {
        Activity::Reading(r) => Some(r),
        _ => None,
    }
}

fn show_board(
    screen: Res<State<Screen>>,
    session: Option<Res<Session>>,
    mut boards: Query<&mut Visibility, With<Board>>,
) {
    let on = *screen.get() == Screen::Playing && session.as_ref().is_some_and(|s| reading(s).is_some());
    for mut v in &mut boards {
        *v = if on { Visibility::Inherited } else { Visibility::Hidden };
    }
}

/// Plates rest on covered cells; the plate of the letter just uncovered lifts away.
fn place_plates(
    time: Res<Time>,
    session: Option<Res<Session>>,
    mut last_reveal: Local<Option<((u64, usize, usize), f32)>>,
    mut plates: Query<(&Plate, &mut Transform, &mut Visibility)>,
) {
    let Some(session) = session else { return };
    let Some(r) = reading(&session) else { return };
    let tokens = r.tokens(&session.run).len();
    let (first, last) = window(tokens, r.cursor);
    // A new uncovered letter in the same document starts a lift.
    let key = (session.run_id, r.doc, r.cursor);
    match &mut *last_reveal {
        Some((k, t)) if *k == key => *t += time.delta_secs(),
        other => *other = (r.cursor > 0).then_some((key, 0.0)),
    }
    let lift = last_reveal.map_or(1.0, |(_, t)| t / LIFT_SECONDS);
    for (plate, mut transform, mut visibility) in &mut plates {
        let token = first + plate.cell;
        let covered = token > r.cursor && token < last;
        let lifting = token == r.cursor && lift < 1.0;
        *visibility = if covered || lifting { Visibility::Inherited } else { Visibility::Hidden };
        let up = if lifting { lift } else { 0.0 };
        transform.translation =
            cell_centre(plate.cell, last - first) + Vec3::new(0.0, 2.2 * up, 0.08 + 0.4 * up);
    }
}

/// The uncovered letters in chalk, the cursor under the last one.
fn write_letters(
    session: Option<Res<Session>>,
    boards: Query<(&Transform, &Visibility), With<Board>>,
    mut gizmos: Gizmos,
) {
    let (Some(session), Ok((board, visibility))) = (session, boards.single()) else { return };
    let Some(r) = reading(&session) else { return };
    if *visibility == Visibility::Hidden {
        return;
    }
    let tokens = r.tokens(&session.run);
    let (first, last) = window(tokens.len(), r.cursor);
    let chalk = Color::srgb(0.93, 0.95, 0.9);
    for (cell, &token) in tokens[first..last].iter().enumerate().take(r.cursor + 1 - first) {
        let at = board.translation + cell_centre(cell, last - first) + Vec3::Z * 0.02;
        match session.run.vocab.letter(token) {
            Some(c) => {
                let glyph = if c == ' ' { '_' } else { c };
                let text = if glyph.is_ascii_graphic() { glyph.to_string() } else { "?".to_string() };
                gizmos.text(Isometry3d::from_translation(at), &text, 1.0, Vec2::ZERO, chalk);
            }
            None => end_mark(&mut gizmos, at, 0.9, chalk),
        }
    }
    // The cursor: a line under the last uncovered letter.
    let under = board.translation + cell_centre(r.cursor - first, last - first) + Vec3::new(0.0, -0.75, 0.03);
    gizmos.line(under - Vec3::X * 0.3, under + Vec3::X * 0.3, Color::srgb(1.0, 0.6, 0.15));
}

/// The end mark ¶ (the stroke font has no such glyph), `size` tall: a loop and two stems.
pub fn end_mark(gizmos: &mut Gizmos, at: Vec3, size: f32, colour: Color) {
    let k = size / 0.9;
    let top = at + Vec3::new(0.0, 0.45 * k, 0.0);
    for x in [0.05, 0.2] {
        gizmos.line(top + Vec3::X * x * k, top + Vec3::new(x, -0.9, 0.0) * k, colour);
    }
    gizmos.line(top + Vec3::X * -0.12 * k, top + Vec3::X * 0.2 * k, colour);
    gizmos.circle(Isometry3d::from_translation(top + Vec3::new(-0.1, -0.17, 0.0) * k), 0.17 * k, colour);
}
