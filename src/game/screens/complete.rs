//! Level complete: the score, what was learned, and what next.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::below;
use crate::game::camera::FreeArea;
use crate::game::consts::{GOLD, GOOD, MUTED};
use crate::game::hud::{UiSet, key_button};
use crate::game::intent::{OpenMap, PlayAgain, PlayNext, SaveReplay};
use crate::game::levels::{Levels, ProgressRes};
use crate::game::session::{Phase, Session};
use crate::game::state::Screen;
use crate::lesson::keys;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, show.in_set(UiSet::Panel).run_if(in_state(Screen::Complete)));
}

fn show(
    mut contexts: EguiContexts,
    mut commands: Commands,
    mut free: ResMut<FreeArea>,
    session: Option<Res<Session>>,
    levels: Res<Levels>,
    progress: Res<ProgressRes>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(session) = session else {
        return Ok(());
    };
    let level = &session.play.level;
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
                    ui.label(format!("{} of {}", session.play.run.step_count(), level.file.steps));
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
                if key_button(ui, &next_label, keys::NEXT_LESSON) {
                    commands.trigger(PlayNext);
                }
                if key_button(ui, "↺ Play again", keys::AGAIN) {
                    commands.trigger(PlayAgain);
                }
                if key_button(ui, "Level map", keys::COMPLETE_MAP) {
                    commands.trigger(OpenMap);
                }
                if key_button(ui, "Save replay", keys::SAVE_REPLAY) {
                    commands.trigger(SaveReplay);
                }
            });
            if let Some(notice) = session.play.notice_text() {
                ui.label(egui::RichText::new(notice).small().color(MUTED));
            }
        });
    free.0 = panel.and_then(|p| below(ctx, p.response.rect));
    Ok(())
}
