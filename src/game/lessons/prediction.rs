//! Lesson 1, prediction: the robot reads a name on the blackboard one letter
//! at a time, pointing at the cover it is about to lift, and says its guess;
//! the player types theirs. Its rules: `crate::lesson::prediction`.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::camera::{OrbitCamera, Shot};
use crate::game::charts::loss_chart;
use crate::game::consts::{BAD, GOLD, GOOD, MUTED};
use crate::game::hud::{self, UiSet, heading, key_button, share_row};
use crate::game::intent::{Command, Do, Guess};
use crate::game::keys::{LessonKeys, guess_keys};
use crate::game::labels::{Label, WorldLabels};
use crate::game::props::YARD;
use crate::game::props::blackboard::{Blackboard, covered_cell};
use crate::game::session::{Phase, Session};
use crate::game::state::InLesson;
use crate::game::student::{HEAD_HEIGHT, Pose, Post, Student};
use crate::game::view::{Screenful, Seen};
use crate::lesson::keys as bind;
use crate::lesson::view;
use crate::level::{Control, Lesson};

const HERE: InLesson = InLesson(Lesson::Prediction);
/// The board, and the robot beside it, turned to the board and the class.
const BOARD_AT: Vec3 = Vec3::new(YARD.x + 1.2, YARD.y, YARD.z);
const ROBOT_AT: Vec3 = Vec3::new(YARD.x - 6.0, YARD.y, YARD.z + 0.9);

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(HERE), set_the_scene);
    app.add_systems(Update, keys.run_if(in_state(HERE)).in_set(crate::game::keys::KeySet));
}

pub(super) fn view_plugin(app: &mut App) {
    app.add_systems(Update, read_aloud.run_if(in_state(HERE)));
    app.add_systems(EguiPrimaryContextPass, panel.in_set(UiSet::Panel).run_if(in_state(HERE)));
}

fn set_the_scene(mut commands: Commands) {
    commands.spawn((
        Name::new("Blackboard"),
        Blackboard,
        Transform::from_translation(BOARD_AT),
        DespawnOnExit(HERE),
    ));
    commands.insert_resource(Post::At { spot: ROBOT_AT, facing: 0.95 });
    commands.insert_resource(Shot::Frame(OrbitCamera {
        yaw: 0.0,
        pitch: 0.16,
        distance: 14.2,
        focus: Vec3::new(YARD.x + 0.0, 2.7, YARD.z + 0.5),
    }));
}

/// The letter keys are guesses (so restart and the map are in the pause menu).
fn keys(lesson: LessonKeys, mut commands: Commands) {
    if let Some((keys, session)) = lesson.live()
        && session.phase == Phase::Playing
    {
        guess_keys(&keys, &mut commands);
    }
}

/// The robot points at the next cover and says its guess.
fn read_aloud(
    session: Option<Res<Session>>,
    boards: Query<&GlobalTransform, With<Blackboard>>,
    students: Query<&Transform, With<Student>>,
    mut pose: ResMut<Pose>,
    mut labels: ResMut<WorldLabels>,
) {
    let (Some(session), Ok(board)) = (session, boards.single()) else { return };
    let Some(content) = view::board(&session.play) else { return };
    *pose = Pose::Point(covered_cell(board, &content));
    if let Ok(robot) = students.single() {
        let guess = &content.guess;
        labels.add(
            Label::new(
                robot.translation + Vec3::new(-0.6, HEAD_HEIGHT + 1.2, 0.0),
                format!("I guess '{}'  ({})", guess.label, view::percent_text(guess.share)),
                0.34,
                GOLD,
            )
            .plate(egui::Color32::from_rgba_unmultiplied(16, 18, 26, 225))
            .anchor(egui::Align2::LEFT_BOTTOM)
            .min_points(14.0),
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn panel(
    mut contexts: EguiContexts,
    mut commands: Commands,
    screenful: Res<Screenful>,
    seen: Res<Seen>,
    session: Option<Res<Session>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(session) = session else { return Ok(()) };
    let Some(reading) = view::reading(&session.play) else { return Ok(()) };
    hud::lesson_panel(ctx, &screenful, &seen, &session, &mut commands, |ui, commands| {
        heading(ui, "The student's guess", &format!("Its shares for the covered letter. {}", reading.sees));
        for (i, share) in reading.guess.iter().enumerate() {
            share_row(
                ui,
                &share.label,
                share.share,
                if i == 0 {
                    egui::Color32::from_rgb(170, 120, 20)
                } else {
                    egui::Color32::from_rgb(90, 110, 140)
                },
            );
        }
        ui.add_space(6.0);
        heading(ui, "Your guess", "Type a letter before the cover lifts.");
        ui.horizontal_wrapped(|ui| {
            if key_button(ui, "¶ ends here", bind::END) {
                commands.trigger(Do(Command::Guess(Guess::End)));
            }
            if key_button(ui, "look", bind::LOOK) {
                commands.trigger(Do(Command::Guess(Guess::Look)));
            }
        });
        ui.add_space(6.0);
        heading(ui, "Right so far", "On the letters you guessed (looks do not count).");
        egui::Grid::new("hit_rates").num_columns(2).show(ui, |ui| {
            ui.label("you");
            ui.label(egui::RichText::new(&reading.you).strong());
            ui.end_row();
            ui.label("the student");
            ui.label(egui::RichText::new(&reading.student).strong());
            ui.end_row();
        });
        if let Some(mean) = &reading.mean_score {
            ui.label(egui::RichText::new(format!("its mean score: {mean}")).small().color(MUTED))
                .on_hover_text(crate::brain::math::MEAN_SCORE.text);
        }
        if !reading.history.is_empty() {
            ui.add_space(4.0);
            ui.label(
                egui::RichText::new("Last letters: the truth, your guess, its guess").small().color(MUTED),
            );
            for u in &reading.history {
                ui.horizontal(|ui| {
                    ui.label(egui::RichText::new(&u.truth).monospace().strong());
                    let mark = |right: bool| if right { GOOD } else { BAD };
                    match &u.you {
                        Some((you, right)) => ui
                            .label(egui::RichText::new(format!("you {you}")).monospace().color(mark(*right))),
                        None => ui.label(egui::RichText::new("you ·").monospace().color(MUTED)),
                    };
                    let (it, right) = &u.student;
                    ui.label(egui::RichText::new(format!("it {it}")).monospace().color(mark(*right)));
                });
            }
        }
        ui.add_space(6.0);
        hud::controls(ui, &session, &[Control::Speed], commands);
    });
    hud::overlay(ctx, &screenful, &seen, "prediction chart", |ui| loss_chart(ui, &session.play));
    Ok(())
}
