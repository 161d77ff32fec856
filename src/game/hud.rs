//! The HUD line and what floats over the scene while a lesson plays: the
//! story card, the pause menu, the list of keys, the goal's banner, the
//! replay bar. Also the shared pieces every lesson's panel is made of (the
//! panel itself, the goal, the controls, the hint) and egui's look. Panels
//! read view models (`crate::lesson::view`) and trigger intents; they decide
//! nothing.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::consts::{BAD, CAN_QUIT, CARD_FILL, GOLD, GOOD, MUTED, PANEL_FILL};
use super::intent::{
    Begin, Command, CopyLink, Do, DriveReplay, NextHint, OpenMap, Quit, ReplayControl, Retry, SaveReplay,
    Setting, ShowCard, ToggleChart, ToggleHelp, TogglePanel, TogglePause, TogglePresenter,
};
use super::session::{Phase, Playback, Recording, Session};
use super::state::{Pause, Screen};
use super::view::{Screenful, Seen};
use crate::brain::{OptimizerKind, Schedule};
use crate::lesson::keys::{self, Bind};
use crate::lesson::layout::Rect;
use crate::lesson::play::Notice;
use crate::lesson::view;
use crate::level::command::range;
use crate::level::{Control, Panel};

/// The order the egui systems draw in: the look, the HUD, the lesson's panel,
/// the world's labels, what floats over the scene, and the keyboard focus last.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UiSet {
    Style,
    Hud,
    Panel,
    World,
    Overlays,
    Focus,
}

pub fn plugin(app: &mut App) {
    app.configure_sets(
        EguiPrimaryContextPass,
        (UiSet::Style, UiSet::Hud, UiSet::Panel, UiSet::World, UiSet::Overlays, UiSet::Focus).chain(),
    );
    app.add_systems(EguiPrimaryContextPass, (style, zoom).chain().in_set(UiSet::Style));
    app.add_systems(EguiPrimaryContextPass, hud_line.in_set(UiSet::Hud).run_if(in_state(Screen::Playing)));
    app.add_systems(
        EguiPrimaryContextPass,
        (card, banner, replay_bar, pause_menu, help)
            .in_set(UiSet::Overlays)
            .run_if(in_state(Screen::Playing)),
    );
    app.init_resource::<WantFocus>();
    app.add_systems(EguiPrimaryContextPass, (give_focus, release_focus).chain().in_set(UiSet::Focus));
}

/// The text fields: the only widgets that keep the keyboard, so the game's
/// keys work after a click on any button or slider.
pub const PREFIX_FIELD: &str = "prefix field";
pub const TEXT_FIELD: &str = "sandbox text";
pub const PATH_FIELD: &str = "path field";

fn style(mut contexts: EguiContexts, mut done: Local<bool>) -> Result {
    if *done {
        return Ok(());
    }
    *done = true;
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
        s.visuals.panel_fill = PANEL_FILL;
        s.visuals.window_fill = CARD_FILL;
        s.visuals.window_corner_radius = egui::CornerRadius::same(10);
        s.spacing.item_spacing = egui::vec2(8.0, 5.0);
        s.spacing.button_padding = egui::vec2(8.0, 4.0);
        s.spacing.slider_width = 96.0;
        s.text_styles.insert(egui::TextStyle::Body, egui::FontId::proportional(15.0));
        s.text_styles.insert(egui::TextStyle::Button, egui::FontId::proportional(15.0));
        s.text_styles.insert(egui::TextStyle::Heading, egui::FontId::proportional(21.0));
        s.text_styles.insert(egui::TextStyle::Small, egui::FontId::proportional(12.5));
        s.text_styles.insert(egui::TextStyle::Monospace, egui::FontId::monospace(14.0));
    });
    Ok(())
}

/// egui's zoom follows the layout (presenter mode is larger type).
fn zoom(mut contexts: EguiContexts, screenful: Res<Screenful>) -> Result {
    let ctx = contexts.ctx_mut()?;
    if (ctx.zoom_factor() - screenful.0.zoom).abs() > 1e-4 {
        ctx.set_zoom_factor(screenful.0.zoom);
    }
    Ok(())
}

/// A text field a key asked to type into (P, N). It gets the keyboard at the
/// end of this pass, so the key's own letter is not typed into it.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct WantFocus(pub Option<&'static str>);

fn give_focus(mut contexts: EguiContexts, mut wanted: ResMut<WantFocus>) -> Result {
    if let Some(field) = wanted.0.take() {
        contexts.ctx_mut()?.memory_mut(|m| m.request_focus(egui::Id::new(field)));
    }
    Ok(())
}

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

/// A layout rectangle (logical pixels) in egui points.
pub fn points(rect: Rect, zoom: f32) -> egui::Rect {
    egui::Rect::from_min_size(
        egui::pos2(rect.x / zoom, rect.y / zoom),
        egui::vec2(rect.width / zoom, rect.height / zoom),
    )
}

/// A `Ui` filling a fixed rectangle of the window, on an opaque fill.
pub fn fixed_ui(
    ctx: &egui::Context,
    id: &str,
    rect: egui::Rect,
    fill: egui::Color32,
    margin: f32,
) -> egui::Ui {
    let layer = egui::LayerId::new(egui::Order::Background, egui::Id::new(id));
    ctx.layer_painter(layer).rect_filled(rect, 0.0, fill);
    egui::Ui::new(
        ctx.clone(),
        egui::Id::new(id),
        egui::UiBuilder::new().layer_id(layer).max_rect(rect.shrink(margin)),
    )
}

/// A button with its key shown; returns true when clicked.
pub fn key_button(ui: &mut egui::Ui, label: &str, bind: Bind) -> bool {
    key_button_text(ui, label, bind.keys)
}

/// A button with a key written beside its label.
pub fn key_button_text(ui: &mut egui::Ui, label: &str, key: &str) -> bool {
    ui.add(
        egui::Button::new(egui::RichText::new(format!("{label}  ")).strong())
            .right_text(egui::RichText::new(key).small().color(MUTED)),
    )
    .on_hover_text(format!("key: {key}"))
    .clicked()
}

/// A section heading in a panel, with its one line of "what am I looking at".
pub fn heading(ui: &mut egui::Ui, title: &str, what: &str) {
    ui.add_space(4.0);
    ui.label(egui::RichText::new(title).strong().color(GOLD));
    ui.label(egui::RichText::new(what).small().color(MUTED));
    ui.add_space(2.0);
}

/// A share as a bar and a percentage.
pub fn share_row(ui: &mut egui::Ui, label: &str, share: f32, colour: egui::Color32) {
    ui.horizontal(|ui| {
        ui.add_sized([26.0, 20.0], egui::Label::new(egui::RichText::new(label).monospace().size(18.0)));
        let bar = egui::ProgressBar::new(share.clamp(0.0, 1.0))
            .desired_width(ui.available_width().min(170.0))
            .fill(colour)
            .text(egui::RichText::new(view::percent_text(share)).color(egui::Color32::WHITE).strong());
        ui.add(bar);
    });
}

/// The lesson's panel: on the right, opaque, the size the layout gives it;
/// the goal first, then the lesson's own content, the hint last. Nothing when
/// Tab put it away.
pub fn lesson_panel(
    ctx: &egui::Context,
    screenful: &Screenful,
    seen: &Seen,
    session: &Session,
    commands: &mut Commands,
    body: impl FnOnce(&mut egui::Ui, &mut Commands),
) {
    let Some(rect) = screenful.0.panel.filter(|_| !seen.inside) else { return };
    let rect = points(rect, screenful.0.zoom);
    let mut ui = fixed_ui(ctx, "lesson panel", rect, PANEL_FILL, 10.0);
    let file = &session.play.level.file;
    let shows = |panel: Panel| !(seen.presenter && file.presenter_hides.contains(&panel));
    let width = ui.available_width();
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(&mut ui, |ui| {
        ui.set_width(width - 8.0);
        ui.set_max_width(width - 8.0);
        if shows(Panel::Goal) {
            ui.label(egui::RichText::new("Goal").strong().color(GOLD));
            ui.label(view::hud(&session.play).goal);
            ui.add_space(4.0);
            ui.separator();
        }
        if shows(Panel::Lesson) {
            body(ui, commands);
        }
        if shows(Panel::Hints) && !file.hints.is_empty() {
            ui.add_space(6.0);
            ui.separator();
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new("Hint").strong().color(GOLD));
                if key_button(ui, "next", keys::HINT) {
                    commands.trigger(NextHint);
                }
            });
            ui.label(egui::RichText::new(&file.hints[session.play.hint % file.hints.len()]).italics());
        }
    });
}

/// The controls the level shows among `which`; locked ones are greyed out with a lock.
pub fn controls(ui: &mut egui::Ui, session: &Session, which: &[Control], commands: &mut Commands) {
    let controls = &session.play.level.file.controls;
    let shown: Vec<Control> = controls.shown.iter().copied().filter(|c| which.contains(c)).collect();
    if shown.is_empty() {
        return;
    }
    let play = &session.play;
    let opt = play.run.optimizer.config;
    let mut set = |s: Setting| commands.trigger(Do(Command::Set(s)));
    // The sliders take what the panel leaves after the names and the values.
    ui.spacing_mut().slider_width = (ui.available_width() - 150.0).clamp(50.0, 110.0);
    egui::Grid::new("controls").num_columns(2).spacing([8.0, 5.0]).show(ui, |ui| {
        for control in shown {
            let enabled = controls.allows(control);
            let name =
                if enabled { control.label().to_string() } else { format!("🔒 {}", control.label()) };
            let key = control_key(control);
            ui.label(name).on_hover_text(format!(
                "{}\nkey: {}",
                control.tooltip(),
                key.map_or("—", |k| k.keys)
            ));
            ui.add_enabled_ui(enabled, |ui| match control {
                Control::Speed => {
                    let mut v = play.speed;
                    let slider = egui::Slider::new(&mut v, range::SPEED).logarithmic(true).suffix("/s");
                    if ui.add(slider).on_hover_text(keys::SPEED.keys).changed() {
                        set(Setting::Speed(v));
                    }
                }
                Control::LearningRate => {
                    let mut v = opt.lr;
                    let slider = egui::Slider::new(&mut v, range::LEARNING_RATE).logarithmic(true);
                    if ui.add(slider).on_hover_text(keys::LEARNING_RATE.keys).changed() {
                        set(Setting::LearningRate(v));
                    }
                }
                Control::Optimizer => {
                    let mut kind = opt.kind;
                    egui::ComboBox::from_id_salt("climber")
                        .selected_text(kind.label())
                        .width(ui.spacing().slider_width + 40.0)
                        .show_ui(ui, |ui| {
                            for k in OptimizerKind::ALL {
                                ui.selectable_value(&mut kind, k, k.label());
                            }
                        });
                    if kind != opt.kind {
                        set(Setting::Optimizer(kind));
                    }
                }
                Control::Beta1 => {
                    let mut v = opt.beta1;
                    if ui
                        .add(egui::Slider::new(&mut v, range::BETA1))
                        .on_hover_text(keys::BETA1.keys)
                        .changed()
                    {
                        set(Setting::Beta1(v));
                    }
                }
                Control::Beta2 => {
                    let mut v = opt.beta2;
                    if ui
                        .add(egui::Slider::new(&mut v, range::BETA2))
                        .on_hover_text(keys::BETA2.keys)
                        .changed()
                    {
                        set(Setting::Beta2(v));
                    }
                }
                Control::Eps => {
                    let mut v = opt.eps;
                    let slider = egui::Slider::new(&mut v, range::EPS)
                        .logarithmic(true)
                        .custom_formatter(|v, _| format!("{v:.0e}"))
                        .custom_parser(|t| t.trim().parse::<f64>().ok());
                    if ui.add(slider).on_hover_text(keys::EPS.keys).changed() {
                        set(Setting::Eps(v));
                    }
                }
                Control::WeightDecay => {
                    let mut v = opt.weight_decay;
                    let slider = egui::Slider::new(&mut v, range::WEIGHT_DECAY);
                    if ui.add(slider).on_hover_text(keys::WEIGHT_DECAY.keys).changed() {
                        set(Setting::WeightDecay(v));
                    }
                }
                Control::Schedule => {
                    // One button: what the rate does now; a click (or S) switches.
                    let (now, other) = match opt.schedule {
                        Schedule::Linear => ("decay to 0", Schedule::Constant),
                        Schedule::Constant => ("constant", Schedule::Linear),
                    };
                    if ui.button(now).on_hover_text(format!("{}: switch", keys::SCHEDULE.keys)).clicked() {
                        set(Setting::Schedule(other));
                    }
                }
                Control::Temperature => {
                    let mut v = play.sampling.temperature;
                    let slider = egui::Slider::new(&mut v, range::TEMPERATURE).step_by(0.05);
                    if ui.add(slider).on_hover_text(keys::TEMPERATURE.keys).changed() {
                        set(Setting::Temperature(v));
                    }
                }
                Control::TopK => {
                    let mut v = play.sampling.top_k;
                    let slider = egui::Slider::new(&mut v, 0..=play.run.vocab.size())
                        .custom_formatter(|k, _| if k == 0.0 { "all".into() } else { format!("{k}") });
                    if ui.add(slider).on_hover_text(keys::TOP_K.keys).changed() {
                        set(Setting::TopK(v));
                    }
                }
                Control::Prefix => {
                    let mut text = play.prefix.clone();
                    let field = egui::TextEdit::singleline(&mut text)
                        .id(PREFIX_FIELD.into())
                        .hint_text(format!("press {}", keys::PREFIX.keys))
                        .desired_width(120.0);
                    if ui.add(field).changed() {
                        set(Setting::Prefix(text));
                    }
                }
                Control::Votes | Control::Model => {}
            });
            ui.end_row();
        }
    });
    if shown_any(&session.play, &[Control::LearningRate, Control::Optimizer]) {
        ui.label(
            egui::RichText::new(format!("learning rate at this step: {:.5}", play.run.optimizer.last_lr))
                .small()
                .color(MUTED),
        );
    }
}

fn shown_any(play: &crate::lesson::play::Play, which: &[Control]) -> bool {
    which.iter().any(|c| play.level.file.controls.shows(*c))
}

/// The key that changes a control.
pub fn control_key(control: Control) -> Option<Bind> {
    Some(match control {
        Control::Speed => keys::SPEED,
        Control::LearningRate => keys::LEARNING_RATE,
        Control::Optimizer => keys::CLIMBER,
        Control::Beta1 => keys::BETA1,
        Control::Beta2 => keys::BETA2,
        Control::Eps => keys::EPS,
        Control::WeightDecay => keys::WEIGHT_DECAY,
        Control::Schedule => keys::SCHEDULE,
        Control::Temperature => keys::TEMPERATURE,
        Control::TopK => keys::TOP_K,
        Control::Prefix => keys::PREFIX,
        Control::Votes => keys::VOTE,
        Control::Model => keys::TRAIN,
    })
}

/// The HUD line: the lesson, where the goal stands, the step; the buttons on the right.
#[allow(clippy::too_many_arguments)]
fn hud_line(
    mut contexts: EguiContexts,
    mut commands: Commands,
    screenful: Res<Screenful>,
    seen: Res<Seen>,
    session: Option<Res<Session>>,
    pause: Option<Res<State<Pause>>>,
    playback: Option<Res<Playback>>,
    recording: Option<Res<Recording>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(session) = session else { return Ok(()) };
    let layout = screenful.0;
    let mut ui = fixed_ui(ctx, "hud", points(layout.hud, layout.zoom), PANEL_FILL, 0.0);
    let hud = view::hud(&session.play);
    let paused = pause.as_ref().is_some_and(|p| *p.get() == Pause::Paused);
    let paused_inside = pause.as_ref().is_some_and(|p| *p.get() == Pause::Inside);
    let met = view::goal_met(&session.play);
    let rect = ui.max_rect().shrink2(egui::vec2(8.0, 0.0));
    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if key_button(ui, if paused { "▶ Resume" } else { "⏸ Pause" }, keys::PAUSE) {
                commands.trigger(TogglePause);
            }
            let panel = if seen.panel_hidden { "Panel" } else { "Hide panel" };
            if key_button(ui, panel, keys::PANELS) {
                commands.trigger(TogglePanel);
            }
            if playback.is_none() && key_button(ui, "Story", keys::STORY) {
                commands.trigger(ShowCard);
            }
            if key_button(ui, "Keys", keys::HELP) {
                commands.trigger(ToggleHelp);
            }
            if session.play.run.brain.kind() == crate::brain::ModelKind::Gpt
                && playback.is_none()
                && key_button(ui, if paused_inside { "Close inside" } else { "Inside" }, keys::INSIDE)
            {
                commands.trigger(super::inside::ToggleInside);
            }
            ui.menu_button(egui::RichText::new("☰ More").strong(), |ui| {
                if playback.is_none() && key_button(ui, "↺ Restart", keys::RESTART) {
                    commands.trigger(Do(Command::Restart));
                    ui.close();
                }
                if key_button(ui, "Level map", keys::MAP) {
                    commands.trigger(OpenMap);
                    ui.close();
                }
                if key_button(ui, if seen.chart { "Hide chart" } else { "Chart" }, keys::CHART) {
                    commands.trigger(ToggleChart);
                    ui.close();
                }
                let presenter = if seen.presenter { "Presenter off" } else { "Presenter" };
                if key_button(ui, presenter, keys::PRESENTER) {
                    commands.trigger(TogglePresenter);
                    ui.close();
                }
                if recording.is_some() && key_button(ui, "Save replay", keys::SAVE_REPLAY) {
                    commands.trigger(SaveReplay);
                    ui.close();
                }
                if recording.is_some() && key_button(ui, "Share link", keys::SHARE_LINK) {
                    commands.trigger(CopyLink);
                    ui.close();
                }
            });
            ui.add_space(10.0);
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                ui.label(egui::RichText::new(&hud.title).size(19.0).strong().color(GOLD))
                    .on_hover_text(&hud.tagline);
                ui.label(egui::RichText::new("▸").color(MUTED));
                let progress = egui::RichText::new(&hud.progress).strong().color(if met {
                    GOOD
                } else {
                    egui::Color32::WHITE
                });
                let step = hud.step.clone();
                let room = ui.available_width() - step.as_ref().map_or(0.0, |_| 120.0);
                ui.allocate_ui_with_layout(
                    egui::vec2(room.max(40.0), ui.available_height()),
                    egui::Layout::left_to_right(egui::Align::Center),
                    |ui| ui.add(egui::Label::new(progress).truncate()).on_hover_text(&hud.goal),
                );
                if let Some(step) = step {
                    ui.label(egui::RichText::new(step).color(MUTED))
                        .on_hover_text("Training steps taken: one document each.");
                }
            });
        });
    });
    Ok(())
}

/// The scene's rectangle in egui points.
fn scene_points(screenful: &Screenful) -> egui::Rect {
    points(screenful.0.scene, screenful.0.zoom)
}

/// The story card: it holds the lesson until the player begins.
fn card(
    mut contexts: EguiContexts,
    mut commands: Commands,
    screenful: Res<Screenful>,
    session: Option<Res<Session>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(session) = session.filter(|s| s.phase == Phase::Card) else { return Ok(()) };
    let file = &session.play.level.file;
    let scene = scene_points(&screenful);
    let width = (scene.width() - 60.0).clamp(300.0, 640.0);
    egui::Area::new("story card".into())
        .fixed_pos(scene.center_top() + egui::vec2(0.0, 24.0))
        .pivot(egui::Align2::CENTER_TOP)
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::window(ui.style()).inner_margin(18.0).show(ui, |ui| {
                ui.set_width(width);
                let title = format!("Lesson {} · {}", file.order, file.title);
                ui.label(egui::RichText::new(title).size(26.0).strong().color(GOLD));
                ui.label(egui::RichText::new(&file.tagline).italics().size(17.0).color(MUTED));
                ui.add_space(8.0);
                egui::ScrollArea::vertical().max_height((scene.height() - 260.0).max(120.0)).show(ui, |ui| {
                    ui.label(egui::RichText::new(&file.story).size(16.0));
                });
                ui.add_space(8.0);
                ui.label(egui::RichText::new("Your goal").strong().color(GOLD));
                ui.label(egui::RichText::new(file.goal.describe(file.steps)).size(16.0));
                ui.add_space(10.0);
                ui.horizontal(|ui| {
                    if key_button(ui, "▶ Begin", keys::BEGIN) {
                        commands.trigger(Begin);
                    }
                    if key_button(ui, "Level map", keys::LEAVE) {
                        commands.trigger(OpenMap);
                    }
                    let help = format!("{}: every key", keys::HELP.keys);
                    ui.label(egui::RichText::new(help).small().color(MUTED));
                });
            });
        });
    Ok(())
}

/// Seconds a notice about the run stays on show.
pub const NOTICE_SECONDS: f32 = 8.0;

/// How long the notice on show has been on show. Each saying is timed from
/// its start, the same words said again too (Copy link pressed twice).
#[derive(Default)]
pub struct NoticeClock {
    said: Option<u64>,
    seconds: f32,
}

impl NoticeClock {
    /// Moves the clock on by `seconds` and gives the notice's words while it
    /// is fresh: for [`NOTICE_SECONDS`] after it was said.
    pub fn tick<'a>(&mut self, notice: Option<&'a Notice>, seconds: f32) -> Option<&'a str> {
        let said = notice.map(|n| n.said);
        if self.said != said {
            *self = Self { said, seconds: 0.0 };
        }
        self.seconds += seconds;
        notice.filter(|_| self.seconds < NOTICE_SECONDS).map(|n| n.text.as_str())
    }
}

/// The level's state when it is more than playing: the goal met, a fall, a
/// missed try (with its retry), or a notice about the run.
fn banner(
    mut contexts: EguiContexts,
    mut commands: Commands,
    screenful: Res<Screenful>,
    session: Option<Res<Session>>,
    time: Res<Time<Real>>,
    mut clock: Local<NoticeClock>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(session) = session else { return Ok(()) };
    let goal = &session.play.level.file.goal;
    // A fresh notice shows on its own, or under the goal met, the fall or the missed try.
    let fresh = clock.tick(session.play.notice.as_ref(), time.delta_secs()).map(str::to_owned);
    let (text, colour, retry, also) = match &session.phase {
        Phase::Cheering { score, .. } => {
            let (meaning, _) = goal.score_meaning();
            (format!("Goal reached! {meaning}: {}", goal.format_score(*score)), GOOD, false, fresh)
        }
        Phase::Fallen { step, .. } => {
            (format!("The climber fell at step {step}! Restarting…"), BAD, false, fresh)
        }
        Phase::Missed(why) => (why.clone(), GOLD, true, fresh),
        _ => match fresh {
            Some(notice) => (notice, GOLD, false, None),
            None => return Ok(()),
        },
    };
    let scene = scene_points(&screenful);
    egui::Area::new("banner".into())
        .fixed_pos(scene.center_top() + egui::vec2(0.0, 12.0))
        .pivot(egui::Align2::CENTER_TOP)
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).fill(CARD_FILL).inner_margin(12.0).show(ui, |ui| {
                ui.set_max_width(scene.width() - 60.0);
                ui.label(egui::RichText::new(text).size(18.0).strong().color(colour));
                if let Some(also) = also {
                    ui.label(egui::RichText::new(also).size(15.0).color(GOLD));
                }
                if retry {
                    ui.horizontal(|ui| {
                        if key_button(ui, "↻ Try again", keys::RETRY) {
                            commands.trigger(Retry);
                        }
                        ui.label(
                            egui::RichText::new("your settings stay; change them first if you like")
                                .small()
                                .color(MUTED),
                        );
                    });
                }
            });
        });
    Ok(())
}

fn pause_menu(
    mut contexts: EguiContexts,
    mut commands: Commands,
    pause: Option<Res<State<Pause>>>,
    session: Option<Res<Session>>,
    playback: Option<Res<Playback>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    if !pause.is_some_and(|p| *p.get() == Pause::Paused) || session.is_none() {
        return Ok(());
    }
    egui::Window::new("Paused")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.set_width(260.0);
            ui.vertical_centered_justified(|ui| {
                if key_button(ui, "▶ Resume", keys::PAUSE) {
                    commands.trigger(TogglePause);
                }
                // A replay playing back restarts only by its own scrubber.
                if playback.is_none() && key_button_text(ui, "↺ Restart the lesson", "R") {
                    commands.trigger(Do(Command::Restart));
                    commands.trigger(TogglePause);
                }
                if key_button_text(ui, "Level map", "M") {
                    commands.trigger(OpenMap);
                }
                if CAN_QUIT && key_button_text(ui, "Quit", "Q") {
                    commands.trigger(Quit);
                }
            });
        });
    Ok(())
}

/// Every key, from the one table.
fn help(
    mut contexts: EguiContexts,
    mut commands: Commands,
    seen: Res<Seen>,
    screenful: Res<Screenful>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    if !seen.help {
        return Ok(());
    }
    let scene = scene_points(&screenful);
    egui::Window::new("Keys")
        .collapsible(false)
        .resizable(false)
        .order(egui::Order::Foreground)
        .fixed_pos(scene.min + egui::vec2(16.0, 12.0))
        .fixed_size([scene.width().min(640.0) - 32.0, 0.0])
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.label(
                    egui::RichText::new("Every button shows its key; here are all of them.").color(MUTED),
                );
                if key_button(ui, "close", keys::HELP) {
                    commands.trigger(ToggleHelp);
                }
            });
            egui::ScrollArea::vertical().max_height(scene.height() - 90.0).show(ui, |ui| {
                egui::Grid::new("keys").num_columns(2).striped(true).spacing([14.0, 3.0]).show(ui, |ui| {
                    for (place, binds) in keys::TABLE {
                        ui.label(egui::RichText::new(place).strong().color(GOLD));
                        ui.end_row();
                        for b in binds {
                            ui.label(egui::RichText::new(b.keys).monospace());
                            ui.label(b.does);
                            ui.end_row();
                        }
                    }
                });
            });
        });
    Ok(())
}

/// The controls of a replay playing back, along the bottom of the scene.
fn replay_bar(
    mut contexts: EguiContexts,
    mut commands: Commands,
    screenful: Res<Screenful>,
    playback: Option<Res<Playback>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(playback) = playback else { return Ok(()) };
    let scene = scene_points(&screenful);
    let replayer = &playback.replayer;
    let total = replayer.file.total_steps().max(1);
    let mut drive = |c| commands.trigger(DriveReplay(c));
    egui::Area::new("replay bar".into())
        .fixed_pos(scene.center_bottom() - egui::vec2(0.0, 10.0))
        .pivot(egui::Align2::CENTER_BOTTOM)
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).fill(CARD_FILL).show(ui, |ui| {
                ui.set_max_width(scene.width() - 30.0);
                ui.horizontal_wrapped(|ui| {
                    ui.label(egui::RichText::new("Replay").strong().color(GOLD))
                        .on_hover_text(replayer.path.clone());
                    let play = if playback.playing { "⏸ Pause" } else { "▶ Play" };
                    if key_button(ui, play, keys::REPLAY_PLAY) {
                        drive(ReplayControl::PlayPause);
                    }
                    if key_button(ui, "Step", keys::REPLAY_STEP) {
                        drive(ReplayControl::Step);
                    }
                    let mut speed = playback.speed;
                    let slider = egui::Slider::new(&mut speed, 0.25..=8.0).logarithmic(true).prefix("×");
                    if ui
                        .add(slider)
                        .on_hover_text(format!("playback speed ({})", keys::REPLAY_SPEED.keys))
                        .changed()
                    {
                        drive(ReplayControl::Speed(speed));
                    }
                    let mut at = replayer.position;
                    let scrub = egui::Slider::new(&mut at, 0..=total).text("steps");
                    if ui
                        .add(scrub)
                        .on_hover_text("drag to any point: the run is recomputed from the nearest kept one")
                        .changed()
                    {
                        drive(ReplayControl::Seek(at));
                    }
                    if key_button(ui, "Take over", keys::TAKE_OVER) {
                        drive(ReplayControl::TakeOver);
                    }
                    match (&replayer.mismatch, &playback.error) {
                        (Some(mismatch), _) => {
                            ui.label(egui::RichText::new(format!("⚠ {mismatch}")).color(BAD));
                        }
                        (None, Some(error)) => {
                            ui.label(egui::RichText::new(format!("⚠ {error}")).color(BAD));
                        }
                        (None, None) => {
                            ui.label(
                                egui::RichText::new(format!("{} checksums match", replayer.checked))
                                    .color(GOOD),
                            )
                            .on_hover_text(
                                "each recorded checksum of the weights equals the one computed now",
                            );
                        }
                    }
                });
            });
        });
    Ok(())
}

/// An overlay in the lower left of the scene (a chart), when asked for and
/// the panels are not put away.
pub fn overlay(
    ctx: &egui::Context,
    screenful: &Screenful,
    seen: &Seen,
    id: &str,
    add: impl FnOnce(&mut egui::Ui),
) {
    if !seen.chart || seen.panel_hidden || seen.inside {
        return;
    }
    let scene = scene_points(screenful);
    let size =
        egui::vec2((scene.width() * 0.55).clamp(300.0, 620.0), (scene.height() * 0.36).clamp(150.0, 300.0));
    egui::Area::new(egui::Id::new(id))
        .fixed_pos(scene.left_bottom() + egui::vec2(12.0, -12.0))
        .pivot(egui::Align2::LEFT_BOTTOM)
        .order(egui::Order::Middle)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).fill(CARD_FILL).show(ui, |ui| {
                ui.set_min_size(size);
                ui.set_max_size(size);
                add(ui);
            });
        });
}
