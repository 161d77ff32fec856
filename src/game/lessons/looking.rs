//! Lesson 6, looking back: the robot reads a chant on the blackboard; from
//! the letter it reads, threads run back to every letter before it, one
//! colour per head, as wide and bright as the attention weight. The player
//! moves along the name, picks a head for the close-up (its q·k scores, the
//! causal mask, the softmax), switches heads off and names the one the
//! student needs most. Its rules: `crate::lesson::looking`.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::brain::gpt::{ATTENTION_ENTROPY, ATTENTION_SCORE, ATTENTION_WEIGHTS, HEAD_OFF};
use crate::game::camera::{OrbitCamera, Shot};
use crate::game::charts::loss_chart;
use crate::game::consts::{BAD, GOLD, GOOD, MUTED};
use crate::game::hud::{self, UiSet, heading, key_button, key_button_text};
use crate::game::intent::{Command, Do};
use crate::game::keys::{LessonKeys, digit};
use crate::game::labels::{Label, WorldLabels};
use crate::game::props::YARD;
use crate::game::props::blackboard::{Blackboard, letter_point};
use crate::game::props::threads::{Threads, head_rgb};
use crate::game::session::Session;
use crate::game::state::InLesson;
use crate::game::student::{HEAD_HEIGHT, Pose, Post, Student};
use crate::game::view::{Screenful, Seen};
use crate::lesson::keys as bind;
use crate::lesson::view::{self, LookingPanel};
use crate::level::{Control, Lesson};

const HERE: InLesson = InLesson(Lesson::Looking);
const BOARD_AT: Vec3 = Vec3::new(YARD.x + 1.2, YARD.y, YARD.z);
const ROBOT_AT: Vec3 = Vec3::new(YARD.x - 6.0, YARD.y, YARD.z + 0.9);

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(HERE), set_the_scene);
    app.add_systems(Update, keys.run_if(in_state(HERE)).in_set(crate::game::keys::KeySet));
}

pub(super) fn view_plugin(app: &mut App) {
    app.add_systems(Update, read_and_point.run_if(in_state(HERE)));
    app.add_systems(EguiPrimaryContextPass, panel.in_set(UiSet::Panel).run_if(in_state(HERE)));
}

fn set_the_scene(mut commands: Commands) {
    commands.spawn((
        Name::new("Blackboard"),
        Blackboard,
        Transform::from_translation(BOARD_AT),
        DespawnOnExit(HERE),
    ));
    commands.spawn((Name::new("Attention threads"), Threads, Transform::default(), DespawnOnExit(HERE)));
    commands.insert_resource(Post::At { spot: ROBOT_AT, facing: 0.95 });
    commands.insert_resource(Shot::Frame(OrbitCamera {
        yaw: 0.0,
        pitch: 0.12,
        distance: 17.5,
        focus: Vec3::new(YARD.x + 0.0, 5.0, YARD.z + 0.5),
    }));
}

/// The head at panel index `i` (layer-major), as a command's `(layer, head)`.
fn head_at(panel: &LookingPanel, i: usize) -> Option<(usize, usize)> {
    panel.heads.get(i).map(|h| (h.layer, h.head))
}

fn picked(panel: &LookingPanel) -> Option<&view::HeadRow> {
    panel.heads.iter().find(|h| h.picked)
}

/// ← → the letter read, ↑ ↓ the chant, 1–9 a head, O off or on, Enter names it.
fn keys(lesson: LessonKeys, mut commands: Commands) {
    let Some((keys, session)) = lesson.live() else { return };
    let Some(panel) = view::looking(&session.play) else { return };
    let letters = panel.close_up.len();
    let mut send = |c: Command| commands.trigger(Do(c));
    if keys.pressed(KeyCode::ArrowRight) {
        send(Command::SelectPosition((panel.cursor + 1) % letters));
    } else if keys.pressed(KeyCode::ArrowLeft) {
        send(Command::SelectPosition((panel.cursor + letters - 1) % letters));
    } else if keys.pressed(KeyCode::ArrowDown) || keys.pressed(KeyCode::ArrowUp) {
        let (at, n) = panel.text;
        let next = if keys.pressed(KeyCode::ArrowDown) { at + 1 } else { at + n - 1 };
        send(Command::BoardText(next % n));
    } else if let Some(i) = (1..=panel.heads.len().min(9)).find(|&i| keys.pressed(digit(i))) {
        if let Some((layer, head)) = head_at(&panel, i - 1) {
            send(Command::PickHead { layer, head });
        }
    } else if keys.pressed(KeyCode::KeyO) {
        if let Some(h) = picked(&panel) {
            send(Command::SwitchHead { layer: h.layer, head: h.head, off: !h.off });
        }
    } else if keys.pressed(KeyCode::Enter)
        && panel.can_name
        && let Some(h) = picked(&panel)
    {
        send(Command::NameHead { layer: h.layer, head: h.head });
    }
}

/// The robot points at the letter it reads and says where the picked head looks;
/// the picked head's weights stand under the letters.
fn read_and_point(
    session: Option<Res<Session>>,
    boards: Query<&GlobalTransform, With<Blackboard>>,
    students: Query<&Transform, With<Student>>,
    mut pose: ResMut<Pose>,
    mut labels: ResMut<WorldLabels>,
) {
    let (Some(session), Ok(board)) = (session, boards.single()) else { return };
    let (Some(content), Some(panel)) = (view::board(&session.play), view::looking(&session.play)) else {
        return;
    };
    if let Some(at) = letter_point(board, &content, panel.cursor) {
        *pose = Pose::Point(at);
    }
    let Some(head) = picked(&panel) else { return };
    let [r, g, b] = head_rgb(head.index);
    let colour = egui::Color32::from_rgb(r, g, b);
    for (s, cell) in panel.close_up.iter().enumerate().take(panel.cursor + 1) {
        if let Some(at) = letter_point(board, &content, s) {
            let text = if head.off { "off".to_string() } else { format!("{:.0}%", 100.0 * cell.weight) };
            labels.add(Label::new(at - board.up() * 0.95, text, 0.32, colour).min_points(13.0));
        }
    }
    if let Ok(robot) = students.single() {
        let (letter, weight) = &head.looks_at;
        let says = if head.off {
            format!("'{}': {} is off", panel.reading, head.name)
        } else {
            format!("'{}': {} looks at '{letter}' {:.0}%", panel.reading, head.name, 100.0 * weight)
        };
        labels.add(
            Label::new(robot.translation + Vec3::new(-0.4, HEAD_HEIGHT + 1.0, 0.0), says, 0.3, colour)
                .plate(egui::Color32::from_rgba_unmultiplied(16, 18, 26, 225))
                .anchor(egui::Align2::CENTER_BOTTOM)
                .min_points(14.0),
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
    let Some(panel) = view::looking(&session.play) else { return Ok(()) };
    hud::lesson_panel(ctx, &screenful, &seen, &session, &mut commands, |ui, commands| {
        let mut send = |c: Command| commands.trigger(Do(c));
        let (start, now) = panel.spread;
        match &panel.learning {
            Some(learning) => {
                heading(ui, learning, "Watch the threads: at first each head looks everywhere.")
            }
            None => heading(
                ui,
                "It has stopped learning",
                "Switch each head off (O) and back on; name the one it needs most (Enter).",
            ),
        }
        ui.label(format!("attention spread {now:.2}  (at the start {start:.2})")).on_hover_text(format!(
            "The mean entropy of the attention rows on 32 chants: {}. Even looks spread most \
             (at this letter: ln {} = {:.2}); a head that looks at one letter only has 0.",
            ATTENTION_ENTROPY.text,
            panel.cursor + 1,
            panel.even_spread
        ));

        ui.horizontal(|ui| {
            let n = panel.close_up.len();
            if key_button_text(ui, "◀", "←") {
                send(Command::SelectPosition((panel.cursor + n - 1) % n));
            }
            if key_button_text(ui, "▶", "→") {
                send(Command::SelectPosition((panel.cursor + 1) % n));
            }
            if key_button(ui, "next chant", bind::BOARD_NAME) {
                send(Command::BoardText((panel.text.0 + 1) % panel.text.1));
            }
        });
        ui.label(
            egui::RichText::new(format!("score of \"{}\": {:.3}", panel.name, panel.board_score)).small(),
        )
        .on_hover_text(crate::brain::math::MEAN_SCORE.text);
        heading(
            ui,
            &format!("The heads, reading '{}'", panel.reading),
            "Where each looks most from this letter, and how much the loss rises with it off.",
        );
        egui::Grid::new("heads").num_columns(3).spacing([6.0, 3.0]).show(ui, |ui| {
            for (i, head) in panel.heads.iter().enumerate() {
                let [r, g, b] = head_rgb(i);
                let colour = if head.off { MUTED } else { egui::Color32::from_rgb(r, g, b) };
                let text = egui::RichText::new(format!("{} ", head.name)).strong().color(colour);
                let button = egui::Button::new(text)
                    .right_text(egui::RichText::new(format!("{}", i + 1)).small().color(MUTED))
                    .stroke(egui::Stroke::new(if head.picked { 2.0 } else { 0.0 }, GOLD));
                if ui.add(button).on_hover_text(format!("pick it for the close-up (key {})", i + 1)).clicked()
                {
                    send(Command::PickHead { layer: head.layer, head: head.head });
                }
                let (letter, weight) = &head.looks_at;
                ui.label(if head.off {
                    "off".to_string()
                } else {
                    format!("'{letter}' {:.0}%", 100.0 * weight)
                });
                ui.label(match head.rise {
                    Some(rise) => egui::RichText::new(format!("{rise:+.3}"))
                        .monospace()
                        .color(if rise > 0.0 { BAD } else { GOOD }),
                    None => egui::RichText::new("  ?").monospace().color(MUTED),
                })
                .on_hover_text(
                    "How much the mean score on the chants rises with this head alone off \
                     (shown once you have switched it off after the student stops learning).",
                );
                ui.end_row();
            }
        });
        if let Some(head) = picked(&panel) {
            ui.horizontal_wrapped(|ui| {
                let label = if head.off { format!("{} on", head.name) } else { format!("{} off", head.name) };
                if key_button(ui, &label, bind::HEAD_SWITCH) {
                    send(Command::SwitchHead { layer: head.layer, head: head.head, off: !head.off });
                }
                ui.add_enabled_ui(panel.can_name, |ui| {
                    if key_button(ui, &format!("name {}", head.name), bind::NAME_HEAD) {
                        send(Command::NameHead { layer: head.layer, head: head.head });
                    }
                });
            })
            .response
            .on_hover_text(HEAD_OFF.text);
        }
        match (panel.probe, &panel.named) {
            (Some((whole, now)), _) => {
                ui.label(
                    egui::RichText::new(format!(
                        "loss on {} chants: {whole:.3} all heads · {now:.3} now ({:+.3})",
                        panel.probe_count,
                        now - whole
                    ))
                    .strong(),
                )
                .on_hover_text(crate::brain::math::MEAN_SCORE.text);
            }
            (None, _) => {
                ui.label(
                    egui::RichText::new("The loss without a head is measured once it stops learning.")
                        .small()
                        .color(MUTED),
                );
            }
        }
        if let Some(named) = &panel.named {
            ui.label(egui::RichText::new(format!("you named {named}")).color(GOLD));
        }

        heading(
            ui,
            &format!("Close-up: {} at '{}'", panel.picked, panel.reading),
            "Its score for each letter, then softmax: the weights. Later letters are masked.",
        );
        egui::Grid::new("close_up").num_columns(3).spacing([12.0, 1.0]).show(ui, |ui| {
            ui.label(egui::RichText::new("letter").small().color(MUTED));
            ui.label(egui::RichText::new("q·k/√d").small().color(MUTED)).on_hover_text(ATTENTION_SCORE.text);
            ui.label(egui::RichText::new("weight").small().color(MUTED))
                .on_hover_text(ATTENTION_WEIGHTS.text);
            ui.end_row();
            for cell in &panel.close_up {
                ui.label(egui::RichText::new(&cell.letter).monospace().strong());
                match cell.score {
                    Some(score) => {
                        ui.label(egui::RichText::new(format!("{score:+.2}")).monospace());
                        ui.label(egui::RichText::new(format!("{:.1}%", 100.0 * cell.weight)).monospace());
                    }
                    None => {
                        ui.label(egui::RichText::new("masked").small().color(MUTED));
                        ui.label(egui::RichText::new("0").monospace().color(MUTED));
                    }
                }
                ui.end_row();
            }
        });
        ui.add_space(6.0);
        hud::controls(ui, &session, &[Control::Speed], commands);
    });
    hud::overlay(ctx, &screenful, &seen, "looking chart", |ui| loss_chart(ui, &session.play));
    Ok(())
}
