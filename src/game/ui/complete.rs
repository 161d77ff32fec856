//! Level complete: the score, what was learned, and what next.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use super::{GOLD, GOOD, MUTED, SceneRect, below, key_button, send};
use crate::game::actions::Action;
use crate::game::levels::{Levels, ProgressRes};
use crate::game::session::{Phase, Session};

pub(super) fn show(
    mut contexts: EguiContexts,
    mut writer: MessageWriter<Action>,
    mut scene: ResMut<SceneRect>,
    session: Option<Res<Session>>,
    levels: Res<Levels>,
    progress: Res<ProgressRes>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(session) = session else {
        return Ok(());
    };
    let mut actions = Vec::new();
    let level = &session.level;
    let score = match session.phase {
        Phase::Cheering { score, .. } => Some(score),
        _ => None,
    };
    let best = progress.progress.best.get(level.id()).copied();
    let next = levels.set.next_after(level.id());
    let panel = egui::Window::new("Level complete")
        .title_bar(false)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 16.0])
        .show(ctx, |ui| {
            ui.set_width(520.0);
            ui.vertical_centered(|ui| {
                ui.label(egui::RichText::new("Lesson complete!").size(30.0).strong().color(GOLD));
                ui.label(
                    egui::RichText::new(format!("{} · {}", level.file.title, level.file.tagline)).size(18.0),
                );
            });
            ui.add_space(10.0);
            let (meaning, lower_is_better) = level.file.goal.score_meaning();
            let shown = |v: f32| level.file.goal.format_score(v);
            egui::Grid::new("complete_stats").num_columns(2).spacing([16.0, 6.0]).show(ui, |ui| {
                if let Some(score) = score {
                    ui.label(format!("Your score ({meaning})"));
                    ui.label(egui::RichText::new(shown(score)).strong().color(GOOD));
                    ui.end_row();
                }
                if let Some(best) = best {
                    ui.label("Best so far");
                    ui.label(shown(best));
                    ui.end_row();
                }
                ui.label("Goal");
                ui.label(level.file.goal.describe(level.file.steps));
                ui.end_row();
                if level.file.train_while_playing {
                    ui.label("Steps trained");
                    ui.label(format!("{} of {}", session.run.step_count(), level.file.steps));
                    ui.end_row();
                }
            });
            let direction = if lower_is_better { "lower is better" } else { "higher is better" };
            ui.label(egui::RichText::new(format!("({meaning}: {direction})")).small().color(MUTED));
            if !level.file.learned.is_empty() {
                ui.add_space(10.0);
                ui.label(egui::RichText::new("What you learned").strong().color(GOLD));
                ui.label(&level.file.learned);
            }
            ui.add_space(14.0);
            ui.horizontal(|ui| {
                let next_label = match next {
                    Some(n) => format!("▶ Next: {}", n.file.title),
                    None => "▶ All lessons done: the map".to_string(),
                };
                if key_button(ui, &next_label, "Enter") {
                    actions.push(Action::PlayNext);
                }
                if key_button(ui, "↺ Play again", "R") {
                    actions.push(Action::Restart);
                }
                if key_button(ui, "Level map", "M") {
                    actions.push(Action::OpenMap);
                }
                if key_button(ui, "Save replay", "F6") {
                    actions.push(Action::SaveReplay);
                }
            });
            if let Some(notice) = &session.notice {
                ui.label(egui::RichText::new(notice).small().color(MUTED));
            }
        });
    scene.0 = panel.and_then(|p| below(ctx, p.response.rect));
    send(&mut writer, actions);
    Ok(())
}
