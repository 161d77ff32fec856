//! Each lesson's own panel. They show the brain's numbers, computed by the
//! functions in `src/brain/` and `src/lesson/`, and write actions.

use bevy_egui::egui;
use egui_plot::{Bar, BarChart, GridMark, Legend, Plot};

use super::{BAD, GOLD, GOOD, MUTED, key_button};
use crate::brain::math::uniform_score;
use crate::game::actions::{Action, Setting};
use crate::game::session::Session;
use crate::lesson::climbing::watched_weights;
use crate::lesson::prediction::percent;
use crate::lesson::{Activity, ballot_view};

/// A one-line "what am I looking at", under a panel's title.
pub(super) fn heading(ui: &mut egui::Ui, title: &str, what: &str) {
    ui.add_space(6.0);
    ui.label(egui::RichText::new(title).strong().color(GOLD));
    ui.label(egui::RichText::new(what).small().color(MUTED));
    ui.add_space(2.0);
}

/// Letters with their shares, largest first.
fn top_shares(session: &Session, shares: &[f32], n: usize) -> Vec<(String, f32)> {
    let mut ranked: Vec<(usize, f32)> = shares.iter().copied().enumerate().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.into_iter().take(n).map(|(t, s)| (session.run.vocab.label(t), s)).collect()
}

/// A share as a bar and a percentage.
fn share_row(ui: &mut egui::Ui, label: &str, share: f32, colour: egui::Color32) {
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new(label).monospace().size(18.0));
        let bar = egui::ProgressBar::new(share.clamp(0.0, 1.0))
            .desired_width(120.0)
            .fill(colour)
            .text(format!("{:.1}%", share * 100.0));
        ui.add(bar);
    });
}

/// Prediction: the student's guess for the covered letter, and the hit rates.
pub(super) fn reading(ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
    let Activity::Reading(reading) = &session.activity else { return };
    heading(
        ui,
        "The student's guess",
        match session.run.brain.kind() {
            crate::brain::ModelKind::Bigram => {
                "Its shares for the covered letter, from the letter before the cursor only (a bigram)."
            }
            crate::brain::ModelKind::Gpt => {
                "Its shares for the covered letter, from every letter before the cursor."
            }
        },
    );
    let shares = reading.shares(&session.run);
    for (i, (label, share)) in top_shares(session, &shares, 5).into_iter().enumerate() {
        share_row(ui, &label, share, if i == 0 { GOLD } else { egui::Color32::from_rgb(90, 110, 140) });
    }
    ui.add_space(6.0);
    ui.label(egui::RichText::new("Type your guess").strong());
    ui.label(
        egui::RichText::new("a–z: a letter · Enter: the name ends (¶) · →: just look").small().color(MUTED),
    );
    ui.horizontal(|ui| {
        if key_button(ui, "¶ ends here", "Enter") {
            actions.push(Action::Guess(crate::game::actions::Guess::End));
        }
        if key_button(ui, "look", "→") {
            actions.push(Action::Guess(crate::game::actions::Guess::Look));
        }
    });
    ui.add_space(8.0);
    heading(ui, "Scores", "Right guesses so far: yours and the student's top share.");
    egui::Grid::new("hit_rates").num_columns(2).show(ui, |ui| {
        ui.label("letters read");
        ui.label(format!("{}", reading.read));
        ui.end_row();
        let rate = |hits: usize, of: usize, what: &str| {
            egui::RichText::new(format!("{:.0}%  ({hits} of {of}{what})", percent(hits, of))).strong()
        };
        ui.label("you");
        ui.label(rate(reading.player_hits, reading.player_guesses, " guessed"));
        ui.end_row();
        ui.label("the student");
        ui.label(rate(reading.student_hits, reading.read, ""));
        ui.end_row();
        if let Some(mean) = reading.mean_score() {
            ui.label("its mean score");
            ui.label(format!("{mean:.3}\n(knowing nothing: {:.3})", uniform_score(session.run.vocab.size())))
                .on_hover_text(
                    "The teacher's score of its shares: −ln p(true letter), averaged over the letters read.",
                );
            ui.end_row();
        }
    });
    if !reading.history.is_empty() {
        ui.add_space(6.0);
        ui.label(egui::RichText::new("Last letters uncovered").small().color(MUTED));
        ui.horizontal_wrapped(|ui| {
            for r in reading.history.iter().rev().take(6) {
                let truth = session.run.vocab.label(r.truth);
                let mark = |right: bool| if right { GOOD } else { BAD };
                let you = r.player.map(|p| session.run.vocab.label(p)).unwrap_or_else(|| "·".into());
                let text = format!("{truth} (you {you}, it {})", session.run.vocab.label(r.student));
                let colour = r.player.map_or(MUTED, |p| mark(p == r.truth));
                ui.label(egui::RichText::new(text).monospace().color(colour));
            }
        });
    }
}

/// Voting and scoring: the picked letter's vote and share.
pub(super) fn ballot(ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
    let run = &session.run;
    let Some(view) = ballot_view(&session.activity, run, session.sampling.temperature) else { return };
    let letter = session.selected;
    let context = view.context;
    heading(
        ui,
        &format!("Votes after '{}'", run.vocab.label(context)),
        "Each column is a letter's vote (logit); the number over it is its share = softmax(votes / T).",
    );
    egui::Grid::new("ballot_pick").num_columns(2).show(ui, |ui| {
        ui.label("letter");
        ui.label(egui::RichText::new(run.vocab.label(letter)).monospace().size(20.0).color(GOLD));
        ui.end_row();
        ui.label("its vote");
        let mut vote = view.votes[letter];
        let slider =
            egui::Slider::new(&mut vote, -crate::lesson::MAX_VOTE..=crate::lesson::MAX_VOTE).step_by(0.05);
        if ui.add(slider).changed() {
            actions.push(Action::Set(Setting::Vote { after: context, letter, value: vote }));
        }
        ui.end_row();
        ui.label("its share");
        ui.label(format!("{:.2}%  at T = {:.2}", view.shares[letter] * 100.0, view.temperature));
        ui.end_row();
        ui.label("all shares");
        ui.label(format!("sum to {:.4}", view.shares.iter().sum::<f32>()));
        ui.end_row();
    });
    ui.label(
        egui::RichText::new("← → pick a letter · ↑ ↓ change its votes (Shift: faster) · or drag a column")
            .small()
            .color(MUTED),
    );
    if let Activity::Voting(ballot) = &session.activity {
        ui.add_space(6.0);
        heading(ui, "Drawing letters", "Each draw picks a letter with probability equal to its share.");
        ui.horizontal(|ui| {
            if key_button(ui, "Draw 10", "D") {
                actions.push(Action::Draw(10));
            }
            if key_button(ui, "Draw 100", "Shift+D") {
                actions.push(Action::Draw(100));
            }
        });
        ui.label(format!("{} letters drawn since the votes or the temperature last changed", ballot.draws()));
    }
}

/// Voting: the tally of drawn letters next to the shares they were drawn from.
pub(super) fn tally_chart(ui: &mut egui::Ui, session: &Session) {
    let Activity::Voting(ballot) = &session.activity else { return };
    let run = &session.run;
    let shares = ballot.shares(run, session.sampling.temperature);
    let draws = ballot.draws().max(1) as f64;
    let expected: Vec<Bar> = shares
        .iter()
        .enumerate()
        .map(|(i, &s)| Bar::new(i as f64 - 0.18, s as f64 * 100.0).width(0.34))
        .collect();
    let drawn: Vec<Bar> = ballot
        .tally
        .iter()
        .enumerate()
        .map(|(i, &n)| Bar::new(i as f64 + 0.18, n as f64 / draws * 100.0).width(0.34))
        .collect();
    let letters = run.vocab.size();
    let labels: Vec<String> = (0..letters).map(|t| run.vocab.label(t)).collect();
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

/// Scoring: the word as a heat strip, a letter's score each, and the mean.
pub(super) fn heat_strip(ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
    let Activity::Scoring(marking) = &session.activity else { return };
    let run = &session.run;
    let marks = marking.marks(run);
    let uniform = uniform_score(run.vocab.size());
    let mean = marking.mean_score(run);
    ui.label(
        egui::RichText::new(
            "The teacher's score for each letter of the word: −ln p(true letter). Cool is sure and right, hot is surprised. Click a letter (or press . and ,) to work on its votes.",
        )
        .small()
        .color(MUTED),
    );
    ui.horizontal(|ui| {
        for (i, mark) in marks.iter().enumerate() {
            let heat = (mark.score / (2.0 * uniform)).clamp(0.0, 1.0);
            let fill = egui::Color32::from_rgb(
                (40.0 + 215.0 * heat) as u8,
                (150.0 - 90.0 * heat) as u8,
                (200.0 - 160.0 * heat) as u8,
            );
            let selected = i == marking.position;
            let text = format!(
                "{} → {}\n{:.2}\np {:.1}%",
                run.vocab.label(mark.context),
                run.vocab.label(mark.truth),
                mark.score,
                mark.shares[mark.truth] * 100.0
            );
            let button = egui::Button::new(
                egui::RichText::new(text).monospace().size(15.0).color(egui::Color32::BLACK),
            )
            .fill(fill)
            .stroke(egui::Stroke::new(if selected { 3.0 } else { 0.0 }, GOLD))
            .min_size(egui::vec2(86.0, 70.0));
            if ui
                .add(button)
                .on_hover_text("context → true letter, its score, and the share it got")
                .clicked()
            {
                actions.push(Action::SelectPosition(i));
            }
        }
    });
    ui.horizontal(|ui| {
        let colour = if session.goal_reached().is_some() { GOOD } else { egui::Color32::WHITE };
        ui.label(egui::RichText::new(format!("mean score {mean:.3}")).strong().size(18.0).color(colour));
        ui.label(
            egui::RichText::new(format!("guessing uniformly: ln {} = {uniform:.3}", run.vocab.size()))
                .color(MUTED),
        );
    });
    if let Some(mark) = marks.get(marking.position) {
        let mut pushes: Vec<(usize, f32)> = mark.gradient.iter().copied().enumerate().collect();
        pushes.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        let text: Vec<String> =
            pushes.iter().take(4).map(|(t, g)| format!("{} {:+.3}", run.vocab.label(*t), g)).collect();
        ui.label(
            egui::RichText::new(format!(
                "gradient p − onehot for this letter (largest): {}",
                text.join("   ")
            ))
            .small()
            .monospace(),
        );
    }
}

/// Climbing: the climber's memory for a few weights.
pub(super) fn internals(ui: &mut egui::Ui, session: &Session) {
    let run = &session.run;
    // The numbers are the latest update's: name the climber that made it.
    let kind = run.optimizer.last_kind.unwrap_or(run.optimizer.config.kind);
    // What the climber keeps, and what it does without.
    let (memory, without) = match (kind.uses_m(), kind.uses_v()) {
        (true, true) => (", the running means m and v, their bias-corrected m_hat and v_hat", None),
        (true, false) => (
            ", the running mean m and its bias-corrected m_hat",
            Some("no v: steps grow and shrink with the slope"),
        ),
        (false, true) => (
            ", the running mean of squares v and its bias-corrected v_hat",
            Some("no m: no momentum carries it through bumps"),
        ),
        (false, false) => ("", Some("no running means: each step follows this step's slope alone")),
    };
    heading(
        ui,
        "Inside the climber",
        &format!("For a few weights: the gradient g of the last step{memory}, and the step taken."),
    );
    let (c1, c2) = run.optimizer.last_corrections;
    let mut after = format!("after t = {} updates: lr = {:.5}", run.optimizer.t, run.optimizer.last_lr);
    if kind.uses_m() {
        after += &format!(", 1 − β1^t = {c1:.4}");
    }
    if kind.uses_v() {
        after += &format!(", 1 − β2^t = {c2:.4}");
    }
    ui.label(egui::RichText::new(after).small().monospace());
    ui.label(egui::RichText::new(format!("{}: {}", kind.label(), kind.step_formula())).small().monospace());
    let next = run.optimizer.config.kind;
    if next != kind {
        ui.label(egui::RichText::new(format!("{} takes the next step.", next.label())).small().color(GOLD));
    }
    // One column per watched weight, one row per quantity the climber keeps.
    let watched = watched_weights(run);
    let states: Vec<_> = watched.iter().map(|(_, i)| run.optimizer.weight_state(*i, run.grad[*i])).collect();
    egui::Grid::new("internals").num_columns(watched.len() + 1).striped(true).spacing([10.0, 3.0]).show(
        ui,
        |ui| {
            ui.label("");
            for (label, _) in &watched {
                let short = label.trim_start_matches("layer0.").trim_end_matches("[0,0]");
                ui.label(egui::RichText::new(short).small().strong()).on_hover_text(label.as_str());
            }
            ui.end_row();
            type Row = (&'static str, &'static str, bool, fn(&crate::brain::optim::WeightState) -> f32);
            let rows: [Row; 6] = [
                ("g", "the gradient of this step's score", true, |s| s.grad),
                ("m", "m = β1·m + (1 − β1)·g", kind.uses_m(), |s| s.m),
                ("v", "v = β2·v + (1 − β2)·g²", kind.uses_v(), |s| s.v),
                ("m_hat", "m / (1 − β1^t)", kind.uses_m(), |s| s.m_hat),
                ("v_hat", "v / (1 − β2^t)", kind.uses_v(), |s| s.v_hat),
                ("step", kind.step_formula(), true, |s| s.step),
            ];
            for (name, formula, _, get) in rows.into_iter().filter(|row| row.2) {
                ui.label(egui::RichText::new(name).small().monospace()).on_hover_text(formula);
                for state in &states {
                    ui.label(egui::RichText::new(format!("{:+.2e}", get(state))).small().monospace());
                }
                ui.end_row();
            }
        },
    );
    if let Some(without) = without {
        ui.label(egui::RichText::new(format!("{} keeps {without}.", kind.label())).small().color(MUTED));
    }
    if let Activity::Climbing(race) = &session.activity {
        ui.add_space(6.0);
        heading(ui, "The race", "Ghosts from the same start, on the same names, the same number of steps.");
        egui::Grid::new("race").num_columns(2).show(ui, |ui| {
            let window = race_window(session);
            let you = run.recent_loss(window).unwrap_or(f32::NAN);
            ui.label(egui::RichText::new(format!("you ({})", run.optimizer.config.kind.label())).color(GOLD));
            ui.label(format!("{you:.3}"));
            ui.end_row();
            for ghost in &race.ghosts {
                let colour = super::ghost_colour(ghost.kind);
                ui.label(egui::RichText::new(ghost.kind.label()).color(colour));
                match ghost.fell_at {
                    Some(step) => ui.label(egui::RichText::new(format!("fell at step {step}")).color(BAD)),
                    None => ui.label(format!("{:.3}", ghost.run.recent_loss(window).unwrap_or(f32::NAN))),
                };
                ui.end_row();
            }
        });
        ui.label(
            egui::RichText::new(format!("mean score of the last {} steps", race_window(session)))
                .small()
                .color(MUTED),
        );
    }
}

/// The steps the race averages over: the goal's window.
fn race_window(session: &Session) -> usize {
    match session.level.file.goal {
        crate::level::Goal::LossBelow { window, .. } => window,
        _ => 100,
    }
}

/// Performing: the performance on stage, letter by letter: what the student
/// has read so far, the shares it drew from, the letter drawn and fed back.
pub(super) fn stage(ui: &mut egui::Ui, session: &Session) {
    let run = &session.run;
    heading(
        ui,
        "The performance",
        "The student reads what it wrote so far, votes, draws a letter from the shares, and reads that letter next.",
    );
    let Some(stage) = &session.recital.stage else {
        let last = session.recital.written.last().map(|w| w.text.as_str()).unwrap_or("");
        let text = if session.recital.written.is_empty() {
            "Press W: the student will write, one letter at a time.".to_string()
        } else {
            format!("Last performance: {last}   (W: another)")
        };
        ui.label(egui::RichText::new(text).size(18.0));
        return;
    };
    // What it has read, and the letter just drawn flying back to join it.
    let labels: Vec<String> = std::iter::once("¶".to_string())
        .chain(stage.performance.tokens.iter().map(|&t| run.vocab.label(t)))
        .collect();
    let (rect, _) =
        ui.allocate_exact_size(egui::vec2(ui.available_width().min(620.0), 44.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let font = egui::FontId::monospace(26.0);
    let cell = 22.0;
    painter.text(
        rect.left_center(),
        egui::Align2::LEFT_CENTER,
        "it reads",
        egui::FontId::proportional(14.0),
        MUTED,
    );
    let start = rect.left() + 70.0;
    let flying = stage.drawn.last().filter(|d| Some(d.token) == stage.performance.tokens.last().copied());
    let settled = if flying.is_some() { labels.len() - 1 } else { labels.len() };
    for (i, label) in labels.iter().take(settled).enumerate() {
        let at = egui::pos2(start + i as f32 * cell, rect.center().y);
        painter.text(at, egui::Align2::LEFT_CENTER, label, font.clone(), GOLD);
    }
    if let (Some(_), Some(label)) = (flying, labels.last()) {
        // From the right edge (where it was drawn) to its place at the end of the input.
        let t = session.letter_flight().clamp(0.0, 1.0);
        let t = t * t * (3.0 - 2.0 * t);
        let from = egui::pos2(rect.right() - 30.0, rect.top() + 8.0);
        let to = egui::pos2(start + settled as f32 * cell, rect.center().y);
        let at = from + (to - from) * t;
        painter.text(at, egui::Align2::LEFT_CENTER, label, font.clone(), egui::Color32::WHITE);
    }
    if let Some(last) = stage.drawn.last() {
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                ui.label(egui::RichText::new("from these shares (the top ones)").small().color(MUTED));
                for (label, share) in top_shares(session, &last.shares, 3) {
                    share_row(ui, &label, share, egui::Color32::from_rgb(90, 110, 140));
                }
            });
            ui.add_space(12.0);
            ui.vertical(|ui| {
                ui.label(
                    egui::RichText::new(format!("it drew '{}'", run.vocab.label(last.token))).size(22.0).color(GOLD),
                );
                ui.label(
                    egui::RichText::new(format!(
                        "a random number u = {:.3} fell in its share;\nthe letter goes back in as the next input ↩",
                        last.u
                    ))
                    .color(MUTED),
                );
            });
        });
    }
}

/// The texts performed, each marked new or memorised.
pub(super) fn written(ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
    heading(ui, "Perform", "The student writes alone with the settings on the left.");
    ui.horizontal(|ui| {
        if key_button(ui, "▶ Perform", "W") {
            actions.push(Action::Write);
        }
        if session.recital.stage.is_some() && key_button(ui, "finish", "Enter") {
            actions.push(Action::FinishWriting);
        }
    });
    if let Some(error) = &session.write_error {
        ui.label(egui::RichText::new(error).color(BAD));
    }
    ui.add_space(6.0);
    heading(ui, "Written", "new: not in the training text · ≡ memorised: a document it read word for word.");
    for w in session.recital.written.iter().rev().take(14) {
        let (mark, colour) = if w.memorised { ("≡  ", MUTED) } else { ("new", GOOD) };
        let text = if w.text.is_empty() { "(nothing)".to_string() } else { w.text.clone() };
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(mark).small().color(colour));
            ui.label(egui::RichText::new(text).monospace().size(17.0).color(colour));
        });
    }
    if !session.recital.written.is_empty() {
        ui.label(
            egui::RichText::new(format!(
                "{} performed, {} new",
                session.recital.performed(),
                session.recital.new_texts()
            ))
            .small()
            .color(MUTED),
        );
    }
}
