//! The charts shown as overlays (F4): the score of every training step, and
//! the letters drawn from the voting box against their shares.

use bevy_egui::egui;
use egui_plot::{Bar, BarChart, GridMark, HLine, Legend, Line, LineStyle, Plot, PlotPoint, Text, VLine};

use super::consts::{BAD, GOLD, GOOD, MUTED, ghost_colour};
use crate::brain::math::{KNOWING_NOTHING, trailing_means, uniform_score};
use crate::lesson::Activity;
use crate::lesson::play::Play;
use crate::lesson::view::BallotView;
use crate::level::Goal;

/// Points drawn per chart line at most.
const CHART_POINTS: usize = 600;

/// The score of every step, its trailing mean over the goal's window, the
/// ghosts' means, the goal and the know-nothing line.
pub fn loss_chart(ui: &mut egui::Ui, play: &Play) {
    let run = &play.run;
    ui.label(
        egui::RichText::new(
            "The teacher's score of each training step (grey) and its running mean (gold): lower is better.",
        )
        .small()
        .color(MUTED),
    );
    let (window, target) = match play.level.file.goal {
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
    let end = play.level.file.steps as f64;
    Plot::new("loss_chart")
        .legend(Legend::default().position(egui_plot::Corner::RightTop).text_style(egui::TextStyle::Small))
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .include_x(0.0)
        .include_x(end)
        .include_y(0.0)
        .include_y(uniform + 0.5)
        .x_axis_label("training step")
        .y_axis_label("score")
        .show(ui, |plot| {
            // Unnamed, so the legend lists only the curves worth naming.
            plot.line(Line::new("", raw).color(egui::Color32::from_rgba_unmultiplied(150, 170, 200, 110)));
            if let Activity::Climbing(race) = &play.activity {
                for ghost in &race.ghosts {
                    let label = format!("{} (ghost)", ghost.kind.label());
                    plot.line(Line::new(label, curve(&ghost.run.losses)).color(ghost_colour(ghost.kind)));
                }
            }
            plot.line(
                Line::new(format!("you: mean of last {window}"), curve(&run.losses)).color(GOLD).width(2.5),
            );
            if let Some(target) = target {
                plot.hline(HLine::new("", target as f64).color(GOOD).style(LineStyle::dashed_loose()));
                let text = egui::RichText::new(format!("goal {target:.2} (the water line)")).small();
                plot.text(
                    Text::new("", PlotPoint::new(0.0, target as f64), text)
                        .color(GOOD)
                        .anchor(egui::Align2::LEFT_TOP),
                );
            }
            if uniform > 0.0 {
                plot.hline(HLine::new("", uniform).color(BAD).style(LineStyle::dotted_loose()));
                let text = egui::RichText::new(format!("{} = {uniform:.2}", KNOWING_NOTHING.text)).small();
                plot.text(
                    Text::new("", PlotPoint::new(end, uniform), text)
                        .color(BAD)
                        .anchor(egui::Align2::RIGHT_BOTTOM),
                );
            }
            plot.vline(VLine::new("", end).color(MUTED));
        });
}

/// Voting: the tally of drawn letters next to the shares they were drawn from.
pub fn tally_chart(ui: &mut egui::Ui, view: &BallotView) {
    let Some(tally) = &view.tally else { return };
    let draws = tally.iter().sum::<u32>().max(1) as f64;
    let expected: Vec<Bar> = view
        .shares
        .iter()
        .enumerate()
        .map(|(i, &s)| Bar::new(i as f64 - 0.18, s as f64 * 100.0).width(0.34))
        .collect();
    let drawn: Vec<Bar> = tally
        .iter()
        .enumerate()
        .map(|(i, &n)| Bar::new(i as f64 + 0.18, n as f64 / draws * 100.0).width(0.34))
        .collect();
    let letters = view.labels.len();
    let labels = view.labels.clone();
    ui.label(
        egui::RichText::new("Shares (gold) and the letters actually drawn (blue), in percent: the more you draw, the closer they get.")
            .small()
            .color(MUTED),
    );
    Plot::new("tally")
        .legend(Legend::default())
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .include_y(0.0)
        .x_grid_spacer(move |_| (0..letters).map(|i| GridMark { value: i as f64, step_size: 1.0 }).collect())
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("share %", expected).color(GOLD));
            plot.bar_chart(BarChart::new("drawn %", drawn).color(egui::Color32::from_rgb(110, 160, 230)));
        });
}
