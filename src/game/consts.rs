//! What the game's plugins share: the clock, the colours, the platform's
//! limits. A leaf: it imports nothing from the rest of the game.

use bevy_egui::egui::Color32;

use crate::brain::OptimizerKind;

/// Fixed-update rate: training steps are scheduled per tick of this clock.
pub const TICK_HZ: u32 = 60;

/// Whether the game offers to quit: a web page cannot close itself, and a stopped
/// game would leave a frozen picture in the tab.
pub const CAN_QUIT: bool = !cfg!(target_arch = "wasm32");

/// A ghost climber's colour (sRGB bytes), the same in the world, the race and the chart.
pub fn ghost_rgb(kind: OptimizerKind) -> [u8; 3] {
    use OptimizerKind::*;
    match kind {
        Sgd => [235, 120, 110],
        Momentum => [120, 200, 255],
        RmsProp => [190, 150, 255],
        Adam => [255, 125, 210],
        AdamW => [200, 200, 215],
    }
}

/// A ghost climber's colour in the panels.
pub fn ghost_colour(kind: OptimizerKind) -> Color32 {
    let [r, g, b] = ghost_rgb(kind);
    Color32::from_rgb(r, g, b)
}

/// The student's own colour in the race and on the chart.
pub const STUDENT: Color32 = Color32::from_rgb(255, 206, 84);

/// Accent colours of the panels.
pub const GOLD: Color32 = Color32::from_rgb(255, 206, 84);
pub const GOOD: Color32 = Color32::from_rgb(120, 220, 140);
pub const BAD: Color32 = Color32::from_rgb(255, 110, 100);
pub const MUTED: Color32 = Color32::from_rgb(165, 175, 190);
/// The panels' fill: opaque, so the world never shows through as clutter.
pub const PANEL_FILL: Color32 = Color32::from_rgb(22, 26, 34);
pub const CARD_FILL: Color32 = Color32::from_rgb(26, 31, 42);

/// Heat of a score from 0 (sure and right: cool) to 1 (surprised: hot), as sRGB bytes.
pub fn heat_rgb(heat: f32) -> [u8; 3] {
    let h = heat.clamp(0.0, 1.0);
    [(40.0 + 215.0 * h) as u8, (150.0 - 90.0 * h) as u8, (200.0 - 160.0 * h) as u8]
}
