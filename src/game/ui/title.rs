//! The title screen, over the robot on its hill.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use super::{GOLD, MUTED, SceneRect, below, key_button, send};
use crate::game::actions::Action;

pub(super) fn show(
    mut contexts: EguiContexts,
    mut writer: MessageWriter<Action>,
    mut scene: ResMut<SceneRect>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut actions = Vec::new();
    let panel =
        egui::Area::new("title".into()).anchor(egui::Align2::CENTER_TOP, [0.0, 40.0]).show(ctx, |ui| {
            egui::Frame::window(ui.style()).inner_margin(24.0).show(ui, |ui| {
                ui.set_width(460.0);
                ui.vertical_centered(|ui| {
                    ui.label(egui::RichText::new("RAW WEIGHTS").size(46.0).strong().color(GOLD));
                    ui.label(egui::RichText::new("A robot student learns to write").size(20.0));
                    ui.add_space(10.0);
                    ui.label(
                        egui::RichText::new(
                            "Its brain is a real language model that trains as you watch. \
                         Five lessons: prediction, voting, scoring, climbing, performing.",
                        )
                        .color(MUTED),
                    );
                    ui.add_space(14.0);
                    if key_button(ui, "▶  Play", "Enter") {
                        actions.push(Action::OpenMap);
                    }
                    ui.add_space(4.0);
                    if crate::game::actions::CAN_QUIT && key_button(ui, "Quit", "Esc") {
                        actions.push(Action::Quit);
                    }
                });
            });
        });
    scene.0 = below(ctx, panel.response.rect);
    send(&mut writer, actions);
    Ok(())
}
