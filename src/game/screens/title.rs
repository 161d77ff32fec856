//! The title screen, over the robot on its hill.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::below;
use crate::game::camera::FreeArea;
use crate::game::consts::{CAN_QUIT, GOLD, MUTED};
use crate::game::hud::{UiSet, key_button};
use crate::game::intent::{OpenMap, Quit};
use crate::game::state::Screen;
use crate::lesson::keys;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, show.in_set(UiSet::Panel).run_if(in_state(Screen::Title)));
}

fn show(mut contexts: EguiContexts, mut commands: Commands, mut free: ResMut<FreeArea>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let panel =
        egui::Area::new("title".into()).anchor(egui::Align2::CENTER_TOP, [0.0, 40.0]).show(ctx, |ui| {
            egui::Frame::window(ui.style()).inner_margin(24.0).show(ui, |ui| {
                ui.set_width(470.0);
                ui.vertical_centered(|ui| {
                    ui.label(egui::RichText::new("RAW WEIGHTS").size(46.0).strong().color(GOLD));
                    ui.label(egui::RichText::new("A robot student learns to write").size(20.0));
                    ui.add_space(10.0);
                    ui.label(
                        egui::RichText::new(
                            "Its brain is a real language model that trains as you watch. Five lessons: \
                         prediction, voting, scoring, climbing, performing; then a sandbox of your own.",
                        )
                        .color(MUTED),
                    );
                    ui.add_space(14.0);
                    if key_button(ui, "▶  Play", keys::TITLE_PLAY) {
                        commands.trigger(OpenMap);
                    }
                    ui.add_space(4.0);
                    if CAN_QUIT && key_button(ui, "Quit", keys::QUIT) {
                        commands.trigger(Quit);
                    }
                });
            });
        });
    free.0 = below(ctx, panel.response.rect);
    Ok(())
}
