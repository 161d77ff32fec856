//! The panels (egui): they read the game's state and write [`Action`]s;
//! systems elsewhere carry the actions out.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::actions::Action;
use super::screens::Screen;

mod complete;
mod lessons;
mod map;
mod playing;
mod sandbox;
mod title;

pub fn plugin(app: &mut App) {
    app.init_resource::<SceneRect>();
    app.init_resource::<Presenter>();
    app.add_systems(Update, toggle_presenter);
    app.add_systems(
        EguiPrimaryContextPass,
        (
            style.run_if(bevy::ecs::schedule::common_conditions::run_once),
            title::show.run_if(in_state(Screen::Title)),
            map::show.run_if(in_state(Screen::LevelMap)),
            playing::show.run_if(in_state(Screen::Playing)),
            complete::show.run_if(in_state(Screen::Complete)),
            // Last: whatever a click focused, only text fields keep the keyboard.
            release_focus,
        )
            .chain(),
    );
}

/// Presenter mode: large type and fewer panels, for a projector.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct Presenter(pub bool);

/// Presenter mode's zoom.
const PRESENTER_ZOOM: f32 = 1.35;

fn toggle_presenter(
    mut actions: MessageReader<Action>,
    mut presenter: ResMut<Presenter>,
    mut contexts: EguiContexts,
) -> Result {
    for action in actions.read() {
        if *action == Action::TogglePresenter {
            presenter.0 = !presenter.0;
            contexts.ctx_mut()?.set_zoom_factor(if presenter.0 { PRESENTER_ZOOM } else { 1.0 });
        }
    }
    Ok(())
}

/// The part of the window the panels leave free (logical pixels); the camera
/// centres the student in it. `None`: the whole window.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct SceneRect(pub Option<egui::Rect>);

fn style(mut contexts: EguiContexts) -> Result {
    let ctx = contexts.ctx_mut()?;
    // The proportional font lacks arrows and a few symbols the panels use;
    // the monospace font has them.
    let mut fonts = egui::FontDefinitions::default();
    if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
        family.push("Hack".to_owned());
    }
    ctx.set_fonts(fonts);
    ctx.set_theme(egui::Theme::Dark);
    ctx.all_styles_mut(|s| {
        s.visuals.panel_fill = egui::Color32::from_rgba_unmultiplied(22, 26, 34, 235);
        s.visuals.window_fill = egui::Color32::from_rgba_unmultiplied(24, 28, 38, 240);
        s.visuals.window_corner_radius = egui::CornerRadius::same(10);
        s.spacing.item_spacing = egui::vec2(8.0, 6.0);
        s.spacing.button_padding = egui::vec2(10.0, 5.0);
        s.text_styles.insert(egui::TextStyle::Body, egui::FontId::proportional(15.0));
        s.text_styles.insert(egui::TextStyle::Button, egui::FontId::proportional(15.0));
        s.text_styles.insert(egui::TextStyle::Heading, egui::FontId::proportional(22.0));
        s.text_styles.insert(egui::TextStyle::Small, egui::FontId::proportional(12.5));
    });
    Ok(())
}

/// The text fields: the only widgets that keep the keyboard, so the game's
/// keys work after a click on any button or slider.
pub(crate) const PREFIX_FIELD: &str = "prefix field";
pub(crate) const TEXT_FIELD: &str = "sandbox text";
pub(crate) const PATH_FIELD: &str = "sandbox path";

/// Lets go of the keyboard focus unless a text field holds it.
fn release_focus(mut contexts: EguiContexts) -> Result {
    let ctx = contexts.ctx_mut()?;
    let fields = [PREFIX_FIELD, TEXT_FIELD, PATH_FIELD].map(egui::Id::new);
    ctx.memory_mut(|m| {
        if let Some(id) = m.focused()
            && !fields.contains(&id)
        {
            m.surrender_focus(id);
        }
    });
    Ok(())
}

/// A root [`egui::Ui`] covering the window, for panels.
pub(crate) fn root_ui(ctx: &egui::Context) -> egui::Ui {
    egui::Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()),
    )
}

/// Accent colours shared by the panels.
pub(crate) const GOLD: egui::Color32 = egui::Color32::from_rgb(255, 206, 84);
pub(crate) const GOOD: egui::Color32 = egui::Color32::from_rgb(120, 220, 140);
pub(crate) const BAD: egui::Color32 = egui::Color32::from_rgb(255, 110, 100);
pub(crate) const MUTED: egui::Color32 = egui::Color32::from_rgb(160, 170, 185);
/// A ghost climber's colour in the panels.
pub(crate) fn ghost_colour(kind: crate::brain::OptimizerKind) -> egui::Color32 {
    let [r, g, b] = crate::game::ghost_rgb(kind);
    egui::Color32::from_rgb(r, g, b)
}

/// A button with its key shown; returns true when clicked.
pub(crate) fn key_button(ui: &mut egui::Ui, label: &str, key: &str) -> bool {
    ui.add(
        egui::Button::new(egui::RichText::new(format!("{label}  ")).strong())
            .right_text(egui::RichText::new(key).small().color(MUTED)),
    )
    .clicked()
}

/// The part of the window below a panel, for the 3D scene (`None` if too small).
pub(crate) fn below(ctx: &egui::Context, panel: egui::Rect) -> Option<egui::Rect> {
    let view = ctx.viewport_rect();
    let free = egui::Rect::from_min_max(egui::pos2(view.min.x, panel.max.y), view.max);
    (free.height() >= 150.0).then_some(free)
}

/// Writes the actions a panel collected.
pub(crate) fn send(writer: &mut MessageWriter<Action>, actions: Vec<Action>) {
    for action in actions {
        writer.write(action);
    }
}
