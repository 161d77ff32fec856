//! Lesson 5, performing: the robot writes alone on a stage, letter by letter,
//! each letter it draws flying back into its head as its next input; the
//! player chooses how adventurous it may be. Its rules: `crate::lesson::performing`.
//! The sandbox performs too, so the panel's parts are shared from here.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::camera::{OrbitCamera, Shot};
use crate::game::consts::{BAD, GOLD, GOOD, MUTED};
use crate::game::hud::{self, PREFIX_FIELD, UiSet, WantFocus, heading, key_button, share_row};
use crate::game::intent::{Command, Do};
use crate::game::keys::{LessonKeys, performer_keys};
use crate::game::props::YARD;
use crate::game::props::stage::{Stage, spot};
use crate::game::session::Session;
use crate::game::state::InLesson;
use crate::game::student::{Pose, Post};
use crate::game::view::{Screenful, Seen};
use crate::lesson::keys as bind;
use crate::lesson::view;
use crate::level::{Control, Lesson};

const HERE: InLesson = InLesson(Lesson::Performing);
const STAGE_AT: Vec3 = Vec3::new(YARD.x - 1.6, YARD.y, YARD.z);

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(HERE), set_the_scene);
    app.add_systems(Update, keys.run_if(in_state(HERE)).in_set(crate::game::keys::KeySet));
}

pub(super) fn view_plugin(app: &mut App) {
    app.add_systems(Update, (perform_on_stage, focus_prefix).run_if(in_state(HERE)));
    app.add_systems(EguiPrimaryContextPass, panel.in_set(UiSet::Panel).run_if(in_state(HERE)));
}

fn set_the_scene(mut commands: Commands) {
    commands.spawn((Name::new("Stage"), Stage, Transform::from_translation(STAGE_AT), DespawnOnExit(HERE)));
    commands.insert_resource(Post::At { spot: STAGE_AT + spot(), facing: 0.0 });
    commands.insert_resource(Shot::Frame(OrbitCamera {
        yaw: 0.0,
        pitch: 0.14,
        distance: 16.0,
        focus: Vec3::new(STAGE_AT.x + 1.6, 3.3, STAGE_AT.z + 0.4),
    }));
}

fn keys(lesson: LessonKeys, mut commands: Commands) {
    if let Some((keys, session)) = lesson.live() {
        performer_keys(&keys, &session.play, &mut commands);
    }
}

/// Arms open while it performs.
pub(super) fn perform_on_stage(session: Option<Res<Session>>, mut pose: ResMut<Pose>) {
    let performing = session.is_some_and(|s| s.play.recital.stage.is_some());
    let want = if performing { Pose::Present } else { Pose::Stand };
    if *pose != want {
        *pose = want;
    }
}

/// P puts the keyboard in the prefix field (Enter or Esc gives it back).
pub(super) fn focus_prefix(lesson: LessonKeys, mut wanted: ResMut<WantFocus>) {
    if lesson.live().is_some_and(|(keys, _)| keys.pressed(KeyCode::KeyP)) {
        wanted.0 = Some(PREFIX_FIELD);
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
    hud::lesson_panel(ctx, &screenful, &seen, &session, &mut commands, |ui, commands| {
        perform(ui, &session, commands);
        ui.add_space(4.0);
        hud::controls(ui, &session, &[Control::Temperature, Control::TopK, Control::Prefix], commands);
        ui.add_space(4.0);
        performance(ui, &session);
        written(ui, &session);
    });
    Ok(())
}

/// The perform and finish buttons, and why the student could not write.
pub(super) fn perform(ui: &mut egui::Ui, session: &Session, commands: &mut Commands) {
    heading(ui, "Perform", "The student writes alone, with the settings below.");
    ui.horizontal(|ui| {
        if key_button(ui, "▶ Perform", bind::WRITE) {
            commands.trigger(Do(Command::Write));
        }
        if session.play.recital.stage.is_some() && key_button(ui, "finish", bind::FINISH) {
            commands.trigger(Do(Command::FinishWriting));
        }
    });
    if let Some(error) = &session.play.write_error {
        ui.label(egui::RichText::new(error).color(BAD));
    }
}

/// The performance on stage: the shares the last letter was drawn from.
pub(super) fn performance(ui: &mut egui::Ui, session: &Session) {
    let Some(stage) = view::stage(&session.play) else { return };
    heading(
        ui,
        "On stage",
        "It reads what it wrote so far, votes, draws a letter from the shares, and reads that letter next.",
    );
    ui.label(egui::RichText::new(format!("it reads  {}", stage.reading.concat())).monospace().color(GOLD));
    if let (Some(letter), Some(u)) = (&stage.just_drawn, stage.u) {
        ui.label(egui::RichText::new("the top shares it drew from").small().color(MUTED));
        for share in &stage.from {
            share_row(ui, &share.label, share.share, egui::Color32::from_rgb(90, 110, 140));
        }
        ui.label(
            egui::RichText::new(format!(
                "a random number u = {u:.3} fell in the share of '{letter}'; it goes back in ↩"
            ))
            .small()
            .color(MUTED),
        );
    }
}

/// The texts performed, each marked new or memorised, and the count the goal asks for.
pub(super) fn written(ui: &mut egui::Ui, session: &Session) {
    let recital = &session.play.recital;
    if recital.written.is_empty() {
        return;
    }
    heading(ui, "Written", "new: not in the training text · ≡ memorised: a name it read, word for word.");
    ui.label(
        egui::RichText::new(format!(
            "{} performed: {} different memorised, {} different new",
            recital.performed(),
            recital.distinct(true),
            recital.distinct(false)
        ))
        .small(),
    );
    for w in view::written(&session.play, 10) {
        let (mark, colour) = if w.memorised { ("≡  ", MUTED) } else { ("new", GOOD) };
        let text = if w.text.is_empty() { "(nothing)".to_string() } else { w.text.clone() };
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(mark).small().color(colour));
            ui.label(egui::RichText::new(text).monospace().color(colour));
        });
    }
}
