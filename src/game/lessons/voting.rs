//! Lesson 2, voting: the robot stands by the voting box; the player sets a
//! letter's votes and watches every share move; each draw, the robot casts
//! letters into the tray, where they pile up by the shares. Its rules:
//! `crate::lesson::voting`.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::camera::{OrbitCamera, Shot};
use crate::game::charts::tally_chart;
use crate::game::consts::{GOLD, MUTED};
use crate::game::hud::{self, UiSet, heading, key_button, key_button_text};
use crate::game::intent::{Command, Do, Setting};
use crate::game::keys::{Keys, LessonKeys, temperature_keys};
use crate::game::labels::{Label, WorldLabels};
use crate::game::props::YARD;
use crate::game::props::ballot::{BallotBox, column_top, tray_slot};
use crate::game::session::Session;
use crate::game::state::InLesson;
use crate::game::student::{Gesture, Pose, Post, Student};
use crate::game::view::{Screenful, Seen};
use crate::lesson::view::{self, BallotView};
use crate::lesson::{MAX_VOTE, keys as bind};
use crate::level::{Control, Lesson};

const HERE: InLesson = InLesson(Lesson::Voting);
const BOX_AT: Vec3 = Vec3::new(YARD.x + 1.0, YARD.y, YARD.z);
const ROBOT_AT: Vec3 = Vec3::new(YARD.x - 7.0, YARD.y, YARD.z + 1.2);

/// The shot that frames the robot and the whole box.
pub(super) fn ballot_shot(height: f32) -> Shot {
    Shot::Frame(OrbitCamera {
        yaw: 0.0,
        pitch: 0.2,
        distance: 14.8,
        focus: Vec3::new(YARD.x - 0.4, height, YARD.z + 0.6),
    })
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(HERE), set_the_scene);
    app.add_systems(Update, keys.run_if(in_state(HERE)).in_set(crate::game::keys::KeySet));
}

pub(super) fn view_plugin(app: &mut App) {
    app.add_systems(Update, cast_votes.run_if(in_state(HERE)));
    app.add_systems(EguiPrimaryContextPass, panel.in_set(UiSet::Panel).run_if(in_state(HERE)));
}

fn set_the_scene(mut commands: Commands) {
    commands.spawn((
        Name::new("Voting box"),
        BallotBox,
        Transform::from_translation(BOX_AT),
        DespawnOnExit(HERE),
    ));
    commands.insert_resource(Post::At { spot: ROBOT_AT, facing: 0.8 });
    commands.insert_resource(Pose::Stand);
    commands.insert_resource(ballot_shot(3.4));
}

/// ← → pick a letter, ↑ ↓ change its votes (Shift: by more), D draws (Shift: 100),
/// T the temperature. Shared with the scoring lesson (which draws nothing).
pub(super) fn ballot_keys(keys: &Keys, view: &BallotView, commands: &mut Commands) {
    let v = view.votes.len();
    let selected = view.selected.min(v - 1);
    let command = if keys.pressed(KeyCode::ArrowLeft) {
        Command::Select((selected + v - 1) % v)
    } else if keys.pressed(KeyCode::ArrowRight) {
        Command::Select((selected + 1) % v)
    } else if keys.pressed(KeyCode::ArrowUp) || keys.pressed(KeyCode::ArrowDown) {
        let step = if keys.shift() { 1.0 } else { 0.25 };
        let step = if keys.pressed(KeyCode::ArrowUp) { step } else { -step };
        let value = (view.votes[selected] + step).clamp(-MAX_VOTE, MAX_VOTE);
        Command::Set(Setting::Vote { after: view.context, letter: selected, value })
    } else if keys.pressed(KeyCode::KeyD) && view.tally.is_some() {
        Command::Draw(if keys.shift() { 100 } else { 10 })
    } else {
        return;
    };
    commands.trigger(Do(command));
}

fn keys(lesson: LessonKeys, mut commands: Commands) {
    let Some((keys, session)) = lesson.live() else { return };
    if let Some(view) = view::ballot(&session.play) {
        ballot_keys(&keys, &view, &mut commands);
    }
    temperature_keys(&keys, &session.play, &mut commands);
}

/// Letters drawn fly from the robot's hand into their tray slots.
#[derive(Default)]
struct Flights {
    /// The tally last seen, and the letters in the air: label, slot, seconds since thrown.
    seen: Vec<u32>,
    flying: Vec<(String, Vec3, f32)>,
}

/// Seconds a drawn letter flies.
const FLIGHT_SECONDS: f32 = 0.7;
/// Letters shown flying per draw at most (a draw of 100 sends the first ones).
const FLYING: usize = 12;

fn cast_votes(
    time: Res<Time>,
    session: Option<Res<Session>>,
    boxes: Query<&GlobalTransform, With<BallotBox>>,
    students: Query<&Transform, With<Student>>,
    mut flights: Local<Flights>,
    mut labels: ResMut<WorldLabels>,
    mut commands: Commands,
) {
    let (Some(session), Ok(ballot), Ok(robot)) = (session, boxes.single(), students.single()) else { return };
    let Some(view) = view::ballot(&session.play) else { return };
    let Some(tally) = &view.tally else { return };
    let n = tally.len();
    if flights.seen.len() != n || tally.iter().zip(&flights.seen).any(|(now, was)| now < was) {
        flights.seen = tally.clone();
    }
    let thrown: Vec<usize> =
        (0..n).flat_map(|i| std::iter::repeat_n(i, (tally[i] - flights.seen[i]) as usize)).collect();
    if !thrown.is_empty() {
        let target = column_top(ballot, &view, view.selected);
        commands.trigger(Gesture::Cast(target));
        for (k, &letter) in thrown.iter().take(FLYING).enumerate() {
            flights.flying.push((
                view.labels[letter].clone(),
                tray_slot(ballot, n, letter),
                -0.04 * k as f32,
            ));
        }
        flights.seen = tally.clone();
    }
    let hand = robot.translation + Vec3::new(0.5, 2.0, 0.2);
    let dt = time.delta_secs();
    flights.flying.retain_mut(|(_, _, t)| {
        *t += dt;
        *t < FLIGHT_SECONDS
    });
    for (letter, slot, t) in &flights.flying {
        if *t < 0.0 {
            continue;
        }
        let k = t / FLIGHT_SECONDS;
        let arc = Vec3::Y * 2.2 * (k * std::f32::consts::PI).sin();
        labels.add(
            Label::new(hand.lerp(*slot, k) + arc, letter.clone(), 0.4, egui::Color32::WHITE)
                .plate(egui::Color32::from_rgba_unmultiplied(60, 100, 200, 230))
                .min_points(12.0),
        );
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
    let Some(view) = view::ballot(&session.play) else { return Ok(()) };
    hud::lesson_panel(ctx, &screenful, &seen, &session, &mut commands, |ui, commands| {
        ballot_panel(ui, &view, commands);
        ui.add_space(6.0);
        heading(ui, "Drawing letters", crate::brain::sample::DRAW.text);
        ui.horizontal_wrapped(|ui| {
            if key_button_text(ui, "Draw 10", "D") {
                commands.trigger(Do(Command::Draw(10)));
            }
            if key_button_text(ui, "Draw 100", "Shift+D") {
                commands.trigger(Do(Command::Draw(100)));
            }
        });
        if let Some(drawn) = view::ballot_panel(&view).drawn {
            ui.label(
                egui::RichText::new(format!("{drawn} since the votes or the temperature last changed"))
                    .small()
                    .color(MUTED),
            );
        }
        ui.label(
            egui::RichText::new(format!("{}: the tally next to the shares", bind::CHART.keys))
                .small()
                .color(MUTED),
        );
        ui.add_space(6.0);
        hud::controls(ui, &session, &[Control::Temperature], commands);
    });
    hud::overlay(ctx, &screenful, &seen, "tally chart", |ui| tally_chart(ui, &view));
    Ok(())
}

/// The picked letter's vote and share: shared with the scoring lesson.
pub(super) fn ballot_panel(ui: &mut egui::Ui, view: &BallotView, commands: &mut Commands) {
    let panel = view::ballot_panel(view);
    ui.spacing_mut().slider_width = (ui.available_width() - 150.0).clamp(50.0, 110.0);
    heading(
        ui,
        &panel.title,
        &format!(
            "Each column is a letter's vote (logit); the number over it its share, {}.",
            crate::brain::math::SHARES_AT_T.text
        ),
    );
    egui::Grid::new("ballot_pick").num_columns(2).show(ui, |ui| {
        ui.label("letter");
        ui.label(egui::RichText::new(&panel.letter).monospace().size(20.0).color(GOLD));
        ui.end_row();
        ui.label("its vote").on_hover_text(bind::VOTE.does);
        let mut vote = panel.vote;
        let slider = egui::Slider::new(&mut vote, -MAX_VOTE..=MAX_VOTE).step_by(0.05);
        if ui.add(slider).on_hover_text(bind::VOTE.keys).changed() {
            commands.trigger(Do(Command::Set(Setting::Vote {
                after: view.context,
                letter: view.selected,
                value: vote,
            })));
        }
        ui.end_row();
        ui.label("its share");
        ui.label(&panel.share);
        ui.end_row();
        ui.label("all shares");
        ui.label(format!("sum to {}", panel.sum));
        ui.end_row();
    });
    ui.horizontal_wrapped(|ui| {
        let v = view.votes.len();
        if key_button(ui, "◀", bind::PICK) {
            commands.trigger(Do(Command::Select((view.selected + v - 1) % v)));
        }
        if key_button_text(ui, "▶", "→") {
            commands.trigger(Do(Command::Select((view.selected + 1) % v)));
        }
    });
    ui.label(
        egui::RichText::new(format!("{}: {}  ·  or drag a column", bind::VOTE.keys, bind::VOTE.does))
            .small()
            .color(MUTED),
    );
}
