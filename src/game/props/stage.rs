//! The stage: a platform between curtains where the student performs. Over
//! its head the text it has read so far; each letter it draws flies back
//! into its head as its next input. On the board beside the stage, what it
//! wrote: new texts, and texts it memorised from its reading.

use bevy::prelude::*;
use bevy_egui::egui::{Align2, Color32};

use super::matte;
use crate::game::consts::{GOLD, GOOD, MUTED};
use crate::game::labels::{Label, WorldLabels};
use crate::game::session::Session;
use crate::game::student::HEAD_HEIGHT;
use crate::lesson::view;

/// The stage; spawned by a lesson, it builds itself and shows the performance.
#[derive(Component, Clone, Copy, Debug, Default)]
#[require(Transform, Visibility)]
pub struct Stage;

/// The platform's top, where the student stands.
pub const FLOOR: f32 = 0.5;
/// Where the board of written texts stands, beside the stage.
const BOARD: Vec3 = Vec3::new(6.2, 2.9, -0.6);
const BOARD_SIZE: Vec2 = Vec2::new(3.8, 4.6);
/// Texts listed on the board.
const LISTED: usize = 8;
/// Letters of the line over the student's head at most (longer texts scroll).
const LINE: usize = 14;
const LETTER: f32 = 0.55;

pub fn plugin(app: &mut App) {
    app.add_observer(build);
    app.add_systems(Update, show_performance);
}

fn build(
    add: On<Add, Stage>,
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let boards = matte(&mut materials, [0.42, 0.28, 0.18]);
    let curtain = matte(&mut materials, [0.55, 0.08, 0.12]);
    let slate = matte(&mut materials, [0.12, 0.16, 0.22]);
    let gold = materials.add(StandardMaterial {
        base_color: Color::srgb(0.85, 0.65, 0.25),
        metallic: 0.7,
        perceptual_roughness: 0.4,
        ..default()
    });
    commands.entity(add.entity).with_children(|stage| {
        stage.spawn((
            Mesh3d(meshes.add(Cylinder::new(3.0, FLOOR))),
            MeshMaterial3d(boards),
            Transform::from_xyz(0.0, FLOOR / 2.0, 0.0),
        ));
        for x in [-3.4, 3.4] {
            stage.spawn((
                Mesh3d(meshes.add(Cuboid::new(1.3, 6.0, 0.4))),
                MeshMaterial3d(curtain.clone()),
                Transform::from_xyz(x, 3.0, -2.2),
            ));
        }
        stage.spawn((
            Mesh3d(meshes.add(Cuboid::new(8.2, 0.5, 0.5))),
            MeshMaterial3d(gold),
            Transform::from_xyz(0.0, 6.2, -2.2),
        ));
        stage.spawn((
            Mesh3d(meshes.add(Cuboid::new(BOARD_SIZE.x, BOARD_SIZE.y, 0.1))),
            MeshMaterial3d(slate),
            Transform::from_translation(BOARD),
        ));
        stage.spawn((
            SpotLight {
                intensity: 400_000.0,
                range: 30.0,
                outer_angle: 0.5,
                inner_angle: 0.3,
                shadow_maps_enabled: false,
                ..default()
            },
            Transform::from_xyz(0.0, 9.0, 6.0).looking_at(Vec3::new(0.0, 1.0, 0.0), Vec3::Y),
        ));
    });
}

/// Where the student stands on the stage, relative to it.
pub fn spot() -> Vec3 {
    Vec3::new(0.0, FLOOR, 0.3)
}

fn show_performance(
    session: Option<Res<Session>>,
    stages: Query<&GlobalTransform, With<Stage>>,
    mut labels: ResMut<WorldLabels>,
) {
    let (Some(session), Ok(stage)) = (session, stages.single()) else { return };
    let play = &session.play;
    let at = |local: Vec3| stage.transform_point(local);
    let plate = Color32::from_rgba_unmultiplied(16, 18, 26, 210);
    let line_y = FLOOR + HEAD_HEIGHT + 1.1;
    match view::stage(play) {
        Some(performance) => {
            let flying = performance.just_drawn.is_some() && session.pace.letter_flight() < 1.0;
            let settled = performance.reading.len() - usize::from(flying);
            let first = settled.saturating_sub(LINE);
            let shown = &performance.reading[first..settled];
            let width = (shown.len() + usize::from(flying)) as f32 * LETTER;
            let x0 = -width / 2.0 + LETTER / 2.0;
            for (i, letter) in shown.iter().enumerate() {
                let colour = if first + i == 0 { MUTED } else { GOLD };
                labels.add(
                    Label::new(
                        at(Vec3::new(x0 + i as f32 * LETTER, line_y, 0.3)),
                        letter.clone(),
                        0.5,
                        colour,
                    )
                    .plate(plate)
                    .min_points(15.0),
                );
            }
            if let (true, Some(letter)) = (flying, &performance.just_drawn) {
                // From the end of the line into the student's head, as its next input.
                let t = session.pace.letter_flight().clamp(0.0, 1.0);
                let t = t * t * (3.0 - 2.0 * t);
                let from = Vec3::new(x0 + shown.len() as f32 * LETTER, line_y + 0.6, 0.3);
                let to = spot() + Vec3::Y * (HEAD_HEIGHT - 0.2);
                let arc = Vec3::Y * 0.8 * (t * std::f32::consts::PI).sin();
                labels.add(
                    Label::new(
                        at(from.lerp(to, t) + arc),
                        letter.clone(),
                        0.55 * (1.0 - 0.5 * t),
                        Color32::WHITE,
                    )
                    .plate(Color32::from_rgba_unmultiplied(200, 120, 30, 220))
                    .min_points(13.0),
                );
            }
            if let Some(letter) = &performance.just_drawn {
                let share = performance
                    .from
                    .iter()
                    .find(|s| s.label == *letter)
                    .map_or(String::new(), |s| format!(" (its share {})", view::percent_text(s.share)));
                labels.add(
                    Label::new(
                        at(Vec3::new(0.0, line_y - 0.55, 0.3)),
                        format!("it drew '{letter}'{share}"),
                        0.26,
                        MUTED,
                    )
                    .min_points(11.0),
                );
            }
        }
        None => {
            let hint = match play.recital.written.last() {
                Some(last) if !last.text.is_empty() => format!("“{}”", last.text),
                _ => "press W: the student performs".to_string(),
            };
            labels.add(
                Label::new(at(Vec3::new(0.0, line_y, 0.3)), hint, 0.45, GOLD).plate(plate).min_points(15.0),
            );
        }
    }
    // What the player decides: how adventurous the draw is.
    let sampling = play.sampling;
    let top_k = if sampling.top_k == 0 { String::new() } else { format!("  ·  top-k {}", sampling.top_k) };
    labels.add(
        Label::new(
            at(Vec3::new(0.0, 0.15, 3.3)),
            format!("temperature {:.2}{top_k}", sampling.temperature),
            0.36,
            GOLD,
        )
        .plate(plate)
        .min_points(13.0),
    );
    // The board of written texts.
    let corner = BOARD + Vec3::new(-BOARD_SIZE.x / 2.0 + 0.25, BOARD_SIZE.y / 2.0 - 0.3, 0.08);
    labels.add(
        Label::new(at(corner), "written (new · ≡ memorised)", 0.26, MUTED)
            .anchor(Align2::LEFT_CENTER)
            .min_points(11.0),
    );
    for (i, w) in view::written(play, LISTED).iter().enumerate() {
        let (mark, colour) = if w.memorised { ("≡", MUTED) } else { ("new", GOOD) };
        let text = if w.text.is_empty() { "(nothing)".to_string() } else { w.text.clone() };
        let y = -0.5 - 0.48 * i as f32;
        labels.add(
            Label::new(at(corner + Vec3::new(0.0, y, 0.0)), format!("{mark}  {text}"), 0.32, colour)
                .anchor(Align2::LEFT_CENTER)
                .monospace()
                .min_points(12.0),
        );
    }
}
