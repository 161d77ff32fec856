//! The playing screen: the story and goal, the controls the level allows,
//! the loss chart, and what the ground is.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};
use egui_plot::{HLine, Legend, Line, LineStyle, Plot, PlotPoint, Text, VLine};

use super::{BAD, GOLD, GOOD, MUTED, SceneRect, key_button, root_ui, send};
use crate::brain::math::{trailing_means, uniform_score};
use crate::brain::{OptimizerKind, Schedule};
use crate::game::actions::{Action, ReplayControl, Setting};
use crate::game::screens::Pause;
use crate::game::session::{Phase, Playback, Recording, Session};
use crate::game::terrain::Terrain;
use crate::lesson::Activity;
use crate::lesson::goal_progress;
use crate::level::{Control, Goal, Lesson, Panel};

use super::{Presenter, lessons, sandbox};
use crate::level::format::MAX_SPEED;

/// Points drawn per chart line at most.
const CHART_POINTS: usize = 600;

pub(super) fn show(
    mut contexts: EguiContexts,
    mut writer: MessageWriter<Action>,
    mut scene: ResMut<SceneRect>,
    session: Option<Res<Session>>,
    terrain: Option<Res<Terrain>>,
    pause: Option<Res<State<Pause>>>,
    playback: Option<Res<Playback>>,
    recording: Option<Res<Recording>>,
    presenter: Res<Presenter>,
    mut draft: Local<sandbox::Draft>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(session) = session else {
        return Ok(());
    };
    let shows = |panel: Panel| !(presenter.0 && session.level.file.presenter_hides.contains(&panel));
    let paused = pause.is_some_and(|p| *p.get() == Pause::Paused);
    let mut actions = Vec::new();
    let mut root = root_ui(ctx);
    let level = &session.level.file;
    let run = &session.run;
    let goal = &level.goal;

    let lesson = level.lesson;
    let trains = level.train_while_playing;
    // In the prediction lesson the letter keys are guesses: the commands live in the pause menu.
    let typing = lesson.types_letters();
    egui::Panel::top("playing_top").show(&mut root, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            // The buttons claim their room first; the title and the goal share what is left,
            // and the tagline gives way before the goal's progress does.
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if key_button(ui, if presenter.0 { "Presenter off" } else { "Presenter" }, "F5") {
                    actions.push(Action::TogglePresenter);
                }
                if recording.is_some() && key_button(ui, "Save replay", "F6") {
                    actions.push(Action::SaveReplay);
                }
                if recording.is_some() && key_button(ui, "Share link", "F7") {
                    actions.push(Action::CopyLink);
                }
                if !typing && key_button(ui, "Map", "M") {
                    actions.push(Action::OpenMap);
                }
                if !typing && playback.is_none() && key_button(ui, "↺ Restart", "R") {
                    actions.push(Action::Restart);
                }
                let pause_key = if typing { "Esc" } else { "Space" };
                if key_button(ui, if paused { "▶ Resume" } else { "⏸ Pause" }, pause_key) {
                    actions.push(Action::TogglePause);
                }
                ui.add_space(8.0);
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    ui.label(
                        egui::RichText::new(format!("{} · {}", level.order, level.title))
                            .size(20.0)
                            .strong()
                            .color(GOLD),
                    )
                    .on_hover_text(&level.tagline);
                    let progress = egui::WidgetText::from(
                        egui::RichText::new(goal_progress(goal, run, &session.activity, &session.recital))
                            .strong(),
                    );
                    let step = trains.then(|| format!("step {} / {}", run.step_count(), level.steps));
                    let tagline = egui::RichText::new(&level.tagline).italics().color(MUTED);
                    let width = |text: egui::WidgetText| {
                        text.into_galley(ui, None, f32::INFINITY, egui::TextStyle::Body).size().x
                    };
                    // What the step, the goal and the separators (about 30 px) take.
                    let taken =
                        width(progress.clone()) + step.clone().map_or(0.0, |s| width(s.into())) + 30.0;
                    if width(tagline.clone().into()) <= ui.available_width() - taken {
                        ui.label(tagline);
                    }
                    ui.separator();
                    if let Some(step) = step {
                        ui.label(step).on_hover_text("Training steps taken: one document each.");
                        ui.separator();
                    }
                    ui.add(egui::Label::new(progress).truncate());
                });
            });
        });
        ui.add_space(2.0);
        if let Some(playback) = &playback {
            replay_bar(ui, playback, &mut actions);
        }
    });

    let left = [Panel::Story, Panel::Goal, Panel::Controls, Panel::Hints].into_iter().any(shows);
    if left {
        egui::Panel::left("playing_left").exact_size(330.0).show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.add_space(6.0);
                if shows(Panel::Story) {
                    ui.label(egui::RichText::new("The story").strong().color(GOLD));
                    ui.label(&level.story);
                    ui.add_space(8.0);
                }
                if shows(Panel::Goal) {
                    ui.label(egui::RichText::new("Goal").strong().color(GOLD));
                    ui.label(goal.describe(level.steps));
                    ui.add_space(8.0);
                }
                if shows(Panel::Controls) {
                    controls(ui, &session, &mut actions);
                }
                if shows(Panel::Hints) && !level.hints.is_empty() {
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        ui.label(egui::RichText::new("Hint").strong().color(GOLD));
                        if key_button(ui, "next", if typing { "F1" } else { "H" }) {
                            actions.push(Action::NextHint);
                        }
                    });
                    ui.label(egui::RichText::new(&level.hints[session.hint % level.hints.len()]).italics());
                }
            });
        });
    }

    let side = match lesson {
        Lesson::Climbing => 400.0,
        _ => 300.0,
    };
    if shows(Panel::Lesson) {
        egui::Panel::right("playing_lesson").exact_size(side).show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| match lesson {
                Lesson::Prediction => lessons::reading(ui, &session, &mut actions),
                Lesson::Voting | Lesson::Scoring => lessons::ballot(ui, &session, &mut actions),
                Lesson::Climbing => lessons::internals(ui, &session),
                Lesson::Performing => lessons::written(ui, &session, &mut actions),
                Lesson::Sandbox => {
                    sandbox::panel(ui, &session, &mut draft, &mut actions);
                    lessons::stage(ui, &session);
                    lessons::written(ui, &session, &mut actions);
                }
            });
        });
    }

    if shows(Panel::Chart) {
        egui::Panel::bottom("playing_bottom")
            .exact_size(if lesson == Lesson::Scoring { 190.0 } else { 210.0 })
            .show(&mut root, |ui| match lesson {
                Lesson::Voting => lessons::tally_chart(ui, &session),
                Lesson::Scoring => lessons::heat_strip(ui, &session, &mut actions),
                Lesson::Performing => lessons::stage(ui, &session),
                _ if trains => loss_chart(ui, &session),
                _ => {
                    ui.add_space(6.0);
                    ui.label(
                        egui::RichText::new(format!(
                            "The student trained for {} steps before this lesson; it does not train now.",
                            run.step_count()
                        ))
                        .color(MUTED),
                    );
                }
            });
    }

    let free = root.available_rect_before_wrap();
    scene.0 = Some(free);
    if matches!(lesson, Lesson::Climbing | Lesson::Sandbox) {
        caption(ctx, free, &session, terrain.as_deref());
    }
    banner(ctx, free, &session);
    if paused {
        pause_window(ctx, &mut actions);
    }
    send(&mut writer, actions);
    Ok(())
}

/// The controls the level shows; locked ones are greyed out with a lock.
fn controls(ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
    let shown = &session.level.file.controls;
    if shown.shown.iter().all(|c| matches!(c, Control::Votes | Control::Model)) {
        return;
    }
    ui.label(egui::RichText::new("Controls").strong().color(GOLD));
    let opt = session.run.optimizer.config;
    egui::Grid::new("controls").num_columns(2).spacing([10.0, 6.0]).show(ui, |ui| {
        for &control in shown.shown.iter().filter(|c| !matches!(c, Control::Votes | Control::Model)) {
            let enabled = shown.allows(control);
            let name =
                if enabled { control.label().to_string() } else { format!("🔒 {}", control.label()) };
            ui.label(name).on_hover_text(control.tooltip());
            ui.add_enabled_ui(enabled, |ui| match control {
                Control::Speed => {
                    let mut v = session.speed;
                    let r =
                        ui.add(egui::Slider::new(&mut v, 1..=MAX_SPEED).logarithmic(true).suffix(" steps/s"));
                    if r.changed() {
                        actions.push(Action::Set(Setting::Speed(v)));
                    }
                }
                Control::LearningRate => {
                    let mut v = opt.lr;
                    if ui.add(egui::Slider::new(&mut v, 1e-4..=10.0).logarithmic(true)).changed() {
                        actions.push(Action::Set(Setting::LearningRate(v)));
                    }
                }
                Control::Optimizer => {
                    let mut kind = opt.kind;
                    egui::ComboBox::from_id_salt("climber").selected_text(kind.label()).show_ui(ui, |ui| {
                        for k in OptimizerKind::ALL {
                            ui.selectable_value(&mut kind, k, k.label());
                        }
                    });
                    if kind != opt.kind {
                        actions.push(Action::Set(Setting::Optimizer(kind)));
                    }
                }
                Control::Beta1 => {
                    let mut v = opt.beta1;
                    if ui.add(egui::Slider::new(&mut v, 0.0..=0.999)).changed() {
                        actions.push(Action::Set(Setting::Beta1(v)));
                    }
                }
                Control::Beta2 => {
                    let mut v = opt.beta2;
                    if ui.add(egui::Slider::new(&mut v, 0.0..=0.9999)).changed() {
                        actions.push(Action::Set(Setting::Beta2(v)));
                    }
                }
                Control::Eps => {
                    let mut v = opt.eps;
                    if ui.add(egui::Slider::new(&mut v, 1e-10..=1.0).logarithmic(true)).changed() {
                        actions.push(Action::Set(Setting::Eps(v)));
                    }
                }
                Control::WeightDecay => {
                    let mut v = opt.weight_decay;
                    if ui.add(egui::Slider::new(&mut v, 0.0..=1.0)).changed() {
                        actions.push(Action::Set(Setting::WeightDecay(v)));
                    }
                }
                Control::Schedule => {
                    let mut s = opt.schedule;
                    ui.horizontal(|ui| {
                        ui.selectable_value(&mut s, Schedule::Linear, "decay to 0");
                        ui.selectable_value(&mut s, Schedule::Constant, "constant");
                    });
                    if s != opt.schedule {
                        actions.push(Action::Set(Setting::Schedule(s)));
                    }
                }
                Control::Temperature => {
                    let mut v = session.sampling.temperature;
                    if ui.add(egui::Slider::new(&mut v, 0.0..=3.0)).changed() {
                        actions.push(Action::Set(Setting::Temperature(v)));
                    }
                }
                Control::TopK => {
                    let mut v = session.sampling.top_k;
                    let r = ui.add(egui::Slider::new(&mut v, 0..=session.run.vocab.size()).custom_formatter(
                        |k, _| {
                            if k == 0.0 { "all".into() } else { format!("{k}") }
                        },
                    ));
                    if r.changed() {
                        actions.push(Action::Set(Setting::TopK(v)));
                    }
                }
                Control::Votes | Control::Model => {}
                Control::Prefix => {
                    let mut text = session.prefix.clone();
                    if ui
                        .add(
                            egui::TextEdit::singleline(&mut text)
                                .id(super::PREFIX_FIELD.into())
                                .desired_width(150.0),
                        )
                        .changed()
                    {
                        actions.push(Action::Set(Setting::Prefix(text)));
                    }
                }
            });
            ui.end_row();
        }
    });
    if shown.shows(Control::LearningRate) || shown.shows(Control::Optimizer) {
        ui.label(
            egui::RichText::new(format!("learning rate at this step: {:.5}", session.run.optimizer.last_lr))
                .small()
                .color(MUTED),
        );
    }
}

/// The score of every step, its trailing mean over the goal's window, the
/// height the student stands at, the goal and the know-nothing line.
fn loss_chart(ui: &mut egui::Ui, session: &Session) {
    let run = &session.run;
    ui.label(
        egui::RichText::new(
            "The teacher's score of each training step (grey) and its running mean (gold): lower is better.",
        )
        .small()
        .color(MUTED),
    );
    let (window, target) = match session.level.file.goal {
        Goal::LossBelow { window, loss } => (window, Some(loss)),
        _ => (50, None),
    };
    let stride = run.losses.len().div_ceil(CHART_POINTS).max(1);
    let curve = |losses: &[f32]| -> Vec<[f64; 2]> {
        let at = (0..losses.len()).step_by(stride).chain(losses.len().checked_sub(1));
        trailing_means(losses, window, at).into_iter().map(|(k, m)| [k as f64 + 1.0, m as f64]).collect()
    };
    let raw: Vec<[f64; 2]> =
        run.losses.iter().enumerate().step_by(stride).map(|(k, &l)| [k as f64 + 1.0, l as f64]).collect();
    let uniform = uniform_score(run.vocab.size()) as f64;
    Plot::new("loss_chart")
        .legend(Legend::default().position(egui_plot::Corner::RightBottom).text_style(egui::TextStyle::Small))
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .include_x(0.0)
        .include_x(session.level.file.steps as f64)
        .include_y(0.0)
        .include_y(uniform + 0.5)
        .x_axis_label("training step")
        .y_axis_label("score (loss)")
        .show(ui, |plot| {
            // Unnamed, so the legend lists only the curves worth naming.
            plot.line(Line::new("", raw).color(egui::Color32::from_rgba_unmultiplied(150, 170, 200, 110)));
            if let Activity::Climbing(race) = &session.activity {
                for ghost in &race.ghosts {
                    let colour = super::ghost_colour(ghost.kind);
                    plot.line(
                        Line::new(format!("{} (ghost)", ghost.kind.label()), curve(&ghost.run.losses))
                            .color(colour),
                    );
                }
            }
            plot.line(Line::new(format!("mean of last {window}"), curve(&run.losses)).color(GOLD).width(2.5));
            // The two marks are named on the chart where no curve runs: the goal under its
            // line at the start (the curves begin high), ln V over its own at the end.
            let end = session.level.file.steps as f64;
            if let Some(target) = target {
                plot.hline(HLine::new("", target as f64).color(GOOD).style(LineStyle::dashed_loose()));
                plot.text(
                    Text::new(
                        "",
                        PlotPoint::new(0.0, target as f64),
                        egui::RichText::new(format!("goal {target:.2}")).small(),
                    )
                    .color(GOOD)
                    .anchor(egui::Align2::LEFT_TOP),
                );
            }
            if uniform > 0.0 {
                plot.hline(HLine::new("", uniform).color(BAD).style(LineStyle::dotted_loose()));
                plot.text(
                    Text::new(
                        "",
                        PlotPoint::new(end, uniform),
                        egui::RichText::new(format!("knowing nothing: ln V = {uniform:.2}")).small(),
                    )
                    .color(BAD)
                    .anchor(egui::Align2::RIGHT_BOTTOM),
                );
            }
            plot.vline(VLine::new("", end).color(MUTED));
        });
}

/// Says what the ground is, and where the student stands on it.
fn caption(ctx: &egui::Context, free: egui::Rect, session: &Session, terrain: Option<&Terrain>) {
    let Some(terrain) = terrain else { return };
    egui::Area::new("ground_caption".into())
        .fixed_pos(free.left_bottom() + egui::vec2(10.0, -10.0))
        .pivot(egui::Align2::LEFT_BOTTOM)
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(free.width() - 40.0);
                ui.label(
                    egui::RichText::new(format!(
                        "The ground is the real score on a slice through the student's weights: from the start (flag) \
                         to now, and one random direction across. Height = mean score on {} fixed documents.",
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
                        "The student stands at score {:.3} (step {}){cutting}",
                        terrain.student_loss,
                        session.run.step_count()
                    ))
                    .small()
                    .color(GOLD),
                );
            });
        });
}

/// The level's state, when it is more than training.
fn banner(ctx: &egui::Context, free: egui::Rect, session: &Session) {
    let (text, colour) = match &session.phase {
        Phase::Cheering { score, .. } => {
            let goal = &session.level.file.goal;
            let (meaning, _) = goal.score_meaning();
            (format!("Goal reached! {meaning}: {}", goal.format_score(*score)), GOOD)
        }
        Phase::Fallen { step, .. } => (format!("The climber fell at step {step}! Restarting…"), BAD),
        Phase::OutOfSteps => {
            ("Out of steps: the goal was not reached. Press R to try again.".to_string(), GOLD)
        }
        _ => match &session.notice {
            Some(notice) => (notice.clone(), GOLD),
            None => return,
        },
    };
    egui::Area::new("banner".into())
        .fixed_pos(free.center_top() + egui::vec2(0.0, 14.0))
        .pivot(egui::Align2::CENTER_TOP)
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).inner_margin(12.0).show(ui, |ui| {
                ui.set_max_width(free.width() - 60.0);
                ui.label(egui::RichText::new(text).size(19.0).strong().color(colour));
            });
        });
}

fn pause_window(ctx: &egui::Context, actions: &mut Vec<Action>) {
    egui::Window::new("Paused")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.set_width(260.0);
            ui.vertical_centered_justified(|ui| {
                if key_button(ui, "▶ Resume", "Space") {
                    actions.push(Action::TogglePause);
                }
                if key_button(ui, "↺ Restart the level", "R") {
                    actions.push(Action::Restart);
                }
                if key_button(ui, "Level map", "M") {
                    actions.push(Action::OpenMap);
                }
                if crate::game::actions::CAN_QUIT && key_button(ui, "Quit", "Q") {
                    actions.push(Action::Quit);
                }
            });
        });
}

/// The controls of a replay playing back: where it is, play and pause, a
/// step, the speed, the scrubber, taking over, and whether the run matches.
fn replay_bar(ui: &mut egui::Ui, playback: &Playback, actions: &mut Vec<Action>) {
    let replayer = &playback.replayer;
    let total = replayer.file.total_steps().max(1);
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("Replay").strong().color(GOLD)).on_hover_text(replayer.path.clone());
        let play = if playback.playing { "⏸ Pause" } else { "▶ Play" };
        if key_button(ui, play, "Space") {
            actions.push(Action::Replay(ReplayControl::PlayPause));
        }
        if key_button(ui, "Step", "→") {
            actions.push(Action::Replay(ReplayControl::Step));
        }
        let mut speed = playback.speed;
        let slider = egui::Slider::new(&mut speed, 0.25..=8.0).logarithmic(true).prefix("×");
        if ui.add(slider).on_hover_text("playback speed ([ halves, ] doubles)").changed() {
            actions.push(Action::Replay(ReplayControl::Speed(speed)));
        }
        let mut at = replayer.position;
        let scrub = egui::Slider::new(&mut at, 0..=total).text("steps");
        if ui
            .add(scrub)
            .on_hover_text("drag to any point: the run is recomputed from the nearest kept one")
            .changed()
        {
            actions.push(Action::Replay(ReplayControl::Seek(at)));
        }
        if key_button(ui, "Take over", "T") {
            actions.push(Action::Replay(ReplayControl::TakeOver));
        }
        match (&replayer.mismatch, &playback.error) {
            (Some(mismatch), _) => {
                ui.label(egui::RichText::new(format!("⚠ {mismatch}")).color(BAD));
            }
            (None, Some(error)) => {
                ui.label(egui::RichText::new(format!("⚠ {error}")).color(BAD));
            }
            (None, None) => {
                ui.label(egui::RichText::new(format!("{} checksums match", replayer.checked)).color(GOOD))
                    .on_hover_text("each recorded checksum of the weights equals the one computed now");
            }
        }
    });
}
