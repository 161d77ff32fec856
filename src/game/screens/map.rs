//! The level map: the lessons in order, locked ones visibly locked, and any
//! level file that failed to load with its path, line and column.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::below;
use crate::game::camera::FreeArea;
use crate::game::consts::{BAD, GOLD, GOOD, MUTED};
use crate::game::hud::{UiSet, key_button};
use crate::game::intent::{OpenReplayText, OpenTitle, PlayLevel};
use crate::game::levels::{Levels, Notices, ProgressRes};
use crate::game::state::Screen;
use crate::lesson::keys;
use crate::level::replay::{SHIPPED, shipped_name};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, show.in_set(UiSet::Panel).run_if(in_state(Screen::LevelMap)));
}

#[allow(clippy::too_many_arguments)]
fn show(
    mut contexts: EguiContexts,
    mut commands: Commands,
    mut free: ResMut<FreeArea>,
    levels: Res<Levels>,
    progress: Res<ProgressRes>,
    notices: Res<Notices>,
    mut replay_path: Local<String>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let set = &levels.set;
    let panel = egui::Area::new("map".into()).anchor(egui::Align2::CENTER_TOP, [0.0, 24.0]).show(ctx, |ui| {
        egui::Frame::window(ui.style()).inner_margin(18.0).show(ui, |ui| {
            let width = 1080.0_f32.min(ctx.viewport_rect().width() - 60.0);
            ui.set_width(width);
            // Six cards share the row (less 2 px for rounding); each card's frame adds its margins and stroke.
            let gap = ui.spacing().item_spacing.x;
            let count = set.levels.len().max(1) as f32;
            let card_width = ((width - gap * (count - 1.0) - 2.0) / count - 26.0).max(120.0);
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new("The lessons").size(28.0).strong().color(GOLD));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if key_button(ui, "Title", keys::MAP_BACK) {
                        commands.trigger(OpenTitle);
                    }
                });
            });
            ui.label(
                egui::RichText::new("Each lesson unlocks the next. Press a number (Enter: the next lesson), or click a card. Drop a .replay.ron on the window to play it back.")
                    .color(MUTED),
            );
            ui.add_space(8.0);
            ui.horizontal_wrapped(|ui| {
                for (i, level) in set.levels.iter().enumerate() {
                    let unlocked = progress.progress.is_unlocked(set, level.id());
                    let best = progress.progress.best.get(level.id());
                    let frame = egui::Frame::group(ui.style()).inner_margin(12.0).fill(if unlocked {
                        egui::Color32::from_rgb(34, 44, 60)
                    } else {
                        egui::Color32::from_rgb(30, 30, 34)
                    });
                    let response = frame
                        .show(ui, |ui| {
                            ui.set_width(card_width);
                            ui.set_height(150.0);
                            ui.vertical(|ui| {
                                let number = egui::RichText::new(format!("{}", i + 1)).size(30.0).strong();
                                ui.label(if unlocked { number.color(GOLD) } else { number.color(MUTED) });
                                let title = egui::RichText::new(&level.file.title).size(19.0).strong();
                                ui.label(if unlocked { title } else { title.color(MUTED) });
                                ui.label(egui::RichText::new(&level.file.tagline).italics().color(MUTED));
                                ui.add_space(6.0);
                                match (unlocked, best) {
                                    (false, _) => ui.label(egui::RichText::new("🔒 locked").color(MUTED)),
                                    (true, Some(score)) => ui.label(
                                        egui::RichText::new(format!("✔ best score {score:.3}")).color(GOOD),
                                    ),
                                    (true, None) => ui.label(egui::RichText::new("▶ play").color(GOLD)),
                                };
                            });
                        })
                        .response
                        .interact(egui::Sense::click());
                    let response = if unlocked {
                        response.on_hover_cursor(egui::CursorIcon::PointingHand)
                    } else {
                        response.on_hover_text("Complete the lesson before to unlock this one.")
                    };
                    if unlocked && response.clicked() {
                        commands.trigger(PlayLevel(level.id().to_string()));
                    }
                }
            });
            if set.levels.is_empty() {
                ui.label(egui::RichText::new("No level could be loaded.").color(BAD));
            }
            ui.add_space(10.0);
            ui.horizontal_wrapped(|ui| {
                ui.label(egui::RichText::new("Watch a lesson played").strong().color(GOLD)).on_hover_text(
                    "Sessions shipped with the game: each one replays a whole lesson, bit for bit.",
                );
                for (i, (path, text)) in SHIPPED.iter().enumerate() {
                    let name = shipped_name(path);
                    if ui.button(format!("▶ {name}")).on_hover_text(format!("Play back {path}")).clicked() {
                        commands.trigger(OpenReplayText { name: path.to_string(), text: text.to_string() });
                    }
                    if i + 1 < SHIPPED.len() {
                        ui.add_space(2.0);
                    }
                }
            });
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new("Play back a replay").strong().color(GOLD))
                    .on_hover_text("A session saved with F6: it replays exactly, on any machine.");
                #[cfg(not(target_arch = "wasm32"))]
                {
                    ui.add(
                        egui::TextEdit::singleline(&mut *replay_path)
                            .id(crate::game::hud::PATH_FIELD.into())
                            .hint_text("path/to/session.replay.ron")
                            .desired_width(360.0),
                    );
                    if ui.button("Open").clicked() && !replay_path.trim().is_empty() {
                        commands.trigger(crate::game::intent::OpenReplay(replay_path.trim().to_string()));
                    }
                }
                #[cfg(target_arch = "wasm32")]
                {
                    let _ = &mut replay_path;
                    if ui.button("Open a replay file…").clicked() {
                        crate::web::pick(crate::web::Pick::Replay);
                    }
                }
            });
            if !set.errors.is_empty() || !notices.0.is_empty() {
                ui.add_space(10.0);
                egui::Frame::group(ui.style()).stroke(egui::Stroke::new(1.0, BAD)).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    for error in &set.errors {
                        ui.label(egui::RichText::new(format!("⚠ {error}")).color(BAD).monospace());
                    }
                    for notice in &notices.0 {
                        ui.label(egui::RichText::new(format!("⚠ {notice}")).color(GOLD));
                    }
                });
            }
        });
    });
    free.0 = below(ctx, panel.response.rect);
    Ok(())
}
