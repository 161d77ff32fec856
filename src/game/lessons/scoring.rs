//! Lesson 3, scoring: the teacher's board over the voting box marks every
//! letter of a word; the player sets votes to lower the word's score, and
//! the robot takes each new mark well or badly. Its rules: `crate::lesson::scoring`.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::voting::{ballot_keys, ballot_panel, ballot_shot};
use crate::game::consts::{GOOD, MUTED, heat_rgb};
use crate::game::hud::{self, UiSet, heading, key_button, key_button_text};
use crate::game::intent::{Command, Do};
use crate::game::keys::LessonKeys;
use crate::game::props::YARD;
use crate::game::props::ballot::BallotBox;
use crate::game::props::mark_board::MarkBoard;
use crate::game::session::Session;
use crate::game::state::InLesson;
use crate::game::student::{Pose, Post};
use crate::game::view::{Screenful, Seen};
use crate::lesson::keys as bind;
use crate::lesson::view;
use crate::level::Lesson;

const HERE: InLesson = InLesson(Lesson::Scoring);
const BOX_AT: Vec3 = Vec3::new(YARD.x + 1.0, YARD.y, YARD.z);
const BOARD_AT: Vec3 = Vec3::new(YARD.x + 1.0, YARD.y + 8.6, YARD.z - 1.4);
const ROBOT_AT: Vec3 = Vec3::new(YARD.x - 7.0, YARD.y, YARD.z + 1.2);

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(HERE), set_the_scene);
    app.add_systems(Update, keys.run_if(in_state(HERE)).in_set(crate::game::keys::KeySet));
}

pub(super) fn view_plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, panel.in_set(UiSet::Panel).run_if(in_state(HERE)));
}

fn set_the_scene(mut commands: Commands) {
    commands.spawn((
        Name::new("Voting box"),
        BallotBox,
        Transform::from_translation(BOX_AT),
        DespawnOnExit(HERE),
    ));
    commands.spawn((
        Name::new("Teacher's board"),
        MarkBoard,
        Transform::from_translation(BOARD_AT),
        DespawnOnExit(HERE),
    ));
    commands.insert_resource(Post::At { spot: ROBOT_AT, facing: 0.7 });
    commands.insert_resource(Pose::Stand);
    commands.insert_resource(ballot_shot(4.6));
}

/// The ballot's keys, and . , to walk along the word.
fn keys(lesson: LessonKeys, mut commands: Commands) {
    let Some((keys, session)) = lesson.live() else { return };
    if let Some(view) = view::ballot(&session.play) {
        ballot_keys(&keys, &view, &mut commands);
    }
    if let Some(marks) = view::mark_board(&session.play) {
        let n = marks.cells.len();
        if keys.pressed(KeyCode::Period) {
            commands.trigger(Do(Command::SelectPosition((marks.position + 1) % n)));
        } else if keys.pressed(KeyCode::Comma) {
            commands.trigger(Do(Command::SelectPosition((marks.position + n - 1) % n)));
        }
    }
}

fn panel(
    mut contexts: EguiContexts,
    mut commands: Commands,
    screenful: Res<Screenful>,
    seen: Res<Seen>,
    session: Option<Res<Session>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(session) = session else { return Ok(()) };
    let (Some(view), Some(marks)) = (view::ballot(&session.play), view::mark_board(&session.play)) else {
        return Ok(());
    };
    hud::lesson_panel(ctx, &screenful, &seen, &session, &mut commands, |ui, commands| {
        heading(
            ui,
            &format!("The teacher's score of \"{}\"", marks.word),
            &format!("Per letter: {}. The word's score is their mean.", crate::brain::math::SCORE.text),
        );
        ui.horizontal_wrapped(|ui| {
            for (i, cell) in marks.cells.iter().enumerate() {
                let [r, g, b] = heat_rgb(cell.heat);
                let text = format!("{}\n{:.2}", cell.pair, cell.score);
                let button =
                    egui::Button::new(egui::RichText::new(text).monospace().color(egui::Color32::BLACK))
                        .fill(egui::Color32::from_rgb(r, g, b))
                        .stroke(egui::Stroke::new(
                            if i == marks.position { 3.0 } else { 0.0 },
                            crate::game::consts::GOLD,
                        ));
                if ui
                    .add(button)
                    .on_hover_text(format!(
                        "the true letter got a share of {}",
                        view::percent_text(cell.share)
                    ))
                    .clicked()
                {
                    commands.trigger(Do(Command::SelectPosition(i)));
                }
            }
        });
        let reached = marks.goal.is_some_and(|g| marks.mean < g);
        ui.label(
            egui::RichText::new(format!("mean {:.3}   (knowing nothing: {:.3})", marks.mean, marks.uniform))
                .strong()
                .color(if reached { GOOD } else { egui::Color32::WHITE }),
        );
        ui.horizontal(|ui| {
            let n = marks.cells.len();
            if key_button_text(ui, "◀ letter", ",") {
                commands.trigger(Do(Command::SelectPosition((marks.position + n - 1) % n)));
            }
            if key_button(ui, "letter ▶", bind::WALK) {
                commands.trigger(Do(Command::SelectPosition((marks.position + 1) % n)));
            }
        });
        ui.separator();
        ballot_panel(ui, &view, commands);
        if let Some(gradient) = view::ballot_panel(&view).gradient {
            ui.add_space(4.0);
            ui.label(egui::RichText::new(crate::brain::math::SCORE_GRADIENT.text).small().strong());
            ui.label(egui::RichText::new(format!("largest: {gradient}")).small().monospace());
            ui.label(
                egui::RichText::new(
                    "The arrows over the columns: raise a vote against its arrow to lower the score.",
                )
                .small()
                .color(MUTED),
            );
        }
    });
    Ok(())
}
