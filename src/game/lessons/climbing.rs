//! Lesson 4, climbing: the robot walks down the real loss landscape towards
//! the water line (the goal's score), racing ghost climbers from the same
//! start. Its rules: `crate::lesson::climbing`. The sandbox climbs too, so
//! the ground, the race and the climber's panel are shared from here.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::camera::Shot;
use crate::game::charts::loss_chart;
use crate::game::consts::{BAD, GOLD, GOOD, MUTED, ghost_colour};
use crate::game::hud::{self, UiSet, heading};
use crate::game::keys::{LessonKeys, climber_keys};
use crate::game::props::ghosts::Ghosts;
use crate::game::props::water::WaterLine;
use crate::game::session::Session;
use crate::game::state::InLesson;
use crate::game::student::{Pose, Post};
use crate::game::terrain::Terrain;
use crate::game::view::{Screenful, Seen};
use crate::lesson::view;
use crate::level::{Control, Goal, Lesson};

const HERE: InLesson = InLesson(Lesson::Climbing);

/// The climbing controls, in the panel's order.
pub(super) const CLIMBING_CONTROLS: [Control; 8] = [
    Control::Optimizer,
    Control::LearningRate,
    Control::Beta1,
    Control::Beta2,
    Control::Eps,
    Control::WeightDecay,
    Control::Schedule,
    Control::Speed,
];

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(HERE), set_the_scene);
    app.add_systems(Update, keys.run_if(in_state(HERE)).in_set(crate::game::keys::KeySet));
}

pub(super) fn view_plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, panel.in_set(UiSet::Panel).run_if(in_state(HERE)));
}

fn set_the_scene(mut commands: Commands, session: Option<Res<Session>>) {
    commands.spawn((Name::new("Ghost climbers"), Ghosts, DespawnOnExit(HERE)));
    let loss_goal = session.is_some_and(|s| matches!(s.play.level.file.goal, Goal::LossBelow { .. }));
    if loss_goal {
        commands.spawn((Name::new("Water line"), WaterLine, DespawnOnExit(HERE)));
    }
    commands.insert_resource(Post::OnTheGround);
    commands.insert_resource(Pose::Stand);
    commands.insert_resource(Shot::Follow);
}

fn keys(lesson: LessonKeys, mut commands: Commands) {
    if let Some((keys, session)) = lesson.live() {
        climber_keys(&keys, &session.play, &mut commands);
    }
}

fn panel(
    mut contexts: EguiContexts,
    mut commands: Commands,
    screenful: Res<Screenful>,
    seen: Res<Seen>,
    session: Option<Res<Session>>,
    terrain: Option<Res<Terrain>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(session) = session else { return Ok(()) };
    hud::lesson_panel(ctx, &screenful, &seen, &session, &mut commands, |ui, commands| {
        heading(ui, "Your climber", "How the gradient becomes a step: choose the climber and its settings.");
        hud::controls(ui, &session, &CLIMBING_CONTROLS, commands);
        ui.add_space(4.0);
        race(ui, &session);
        ui.add_space(4.0);
        climber(ui, &session);
        ground(ui, &session, terrain.as_deref());
    });
    hud::overlay(ctx, &screenful, &seen, "loss chart", |ui| loss_chart(ui, &session.play));
    Ok(())
}

/// The race: the student and its ghosts, each with its mean score.
pub(super) fn race(ui: &mut egui::Ui, session: &Session) {
    let racers = view::race(&session.play);
    if racers.len() < 2 {
        return;
    }
    // Under water is below a score goal (the hover says so; the label fits the panel's last column).
    let (window, goal, under_water) = match session.play.level.file.goal {
        Goal::LossBelow { window, loss } => (
            window,
            Some(loss),
            format!(
                "its mean score is below the goal, {}: under the landscape's water line",
                view::goal_text(loss)
            ),
        ),
        _ => (100, None, String::new()),
    };
    heading(
        ui,
        "The race",
        &format!(
            "Ghosts from the same start, the same names, as many steps; mean score of the last {window}."
        ),
    );
    egui::Grid::new("race").num_columns(3).spacing([10.0, 2.0]).show(ui, |ui| {
        for r in &racers {
            let colour = if r.you { GOLD } else { ghost_colour(r.kind) };
            let name = if r.you { format!("you ({})", r.kind.label()) } else { r.kind.label().to_string() };
            ui.label(egui::RichText::new(name).color(colour));
            match (r.fell_at, r.score) {
                (Some(step), _) => ui.label(egui::RichText::new(format!("fell at step {step}")).color(BAD)),
                (None, Some(score)) => ui.label(view::score_text(score, goal)),
                (None, None) => ui.label("—"),
            };
            if r.under_water {
                ui.label(egui::RichText::new("under water").small().color(GOOD))
                    .on_hover_text(under_water.as_str());
            } else {
                ui.label("");
            }
            ui.end_row();
        }
    });
}

/// Inside the climber: its memory for a few weights.
pub(super) fn climber(ui: &mut egui::Ui, session: &Session) {
    let c = view::climber(&session.play);
    egui::CollapsingHeader::new(egui::RichText::new("Inside the climber").strong().color(GOLD))
        .default_open(true)
        .show(ui, |ui| {
            ui.label(
                egui::RichText::new(
                    "For a few weights: this step's gradient g, what the climber keeps, and its step.",
                )
                .small()
                .color(MUTED),
            );
            ui.label(
                egui::RichText::new(format!("{}: {}", c.kind.label(), c.step_formula)).small().monospace(),
            );
            ui.label(egui::RichText::new(&c.after).small().monospace());
            if let Some(next) = c.next {
                ui.label(
                    egui::RichText::new(format!("{} takes the next step.", next.label())).small().color(GOLD),
                );
            }
            egui::Grid::new("internals")
                .num_columns(c.columns.len() + 1)
                .striped(true)
                .spacing([6.0, 2.0])
                .show(ui, |ui| {
                    ui.label("");
                    for (short, full) in &c.columns {
                        ui.label(egui::RichText::new(short).size(10.5).strong()).on_hover_text(full.as_str());
                    }
                    ui.end_row();
                    for row in &c.rows {
                        ui.label(egui::RichText::new(row.name).small().monospace())
                            .on_hover_text(row.formula);
                        for v in &row.values {
                            ui.label(egui::RichText::new(format!("{v:+.1e}")).size(10.5).monospace());
                        }
                        ui.end_row();
                    }
                });
            if let Some(without) = c.without {
                ui.label(
                    egui::RichText::new(format!("{} keeps {without}.", c.kind.label())).small().color(MUTED),
                );
            }
        });
}

/// What the ground is, and where the student stands on it.
pub(super) fn ground(ui: &mut egui::Ui, session: &Session, terrain: Option<&Terrain>) {
    let Some(terrain) = terrain else { return };
    egui::CollapsingHeader::new(egui::RichText::new("The ground").strong().color(GOLD)).default_open(false).show(ui, |ui| {
        ui.label(
            egui::RichText::new(format!(
                "The real score on a slice through the student's weights: from the start (flag) to now, and one \
                 random direction across. Height: the mean score on {} fixed names.",
                terrain.landscape.eval_doc_count()
            ))
            .small(),
        );
        let cutting = if terrain.landscape.is_cutting() {
            format!("  ·  re-slicing {:.0}%", 100.0 * terrain.landscape.progress())
        } else {
            String::new()
        };
        ui.label(
            egui::RichText::new(format!(
                "It stands at {:.3} (step {}){cutting}",
                terrain.student_loss,
                session.play.run.step_count()
            ))
            .small()
            .color(GOLD),
        );
    });
}
