//! What each panel and world object shows, computed from the play without
//! Bevy or egui: the panels only lay these out and send intents, and the
//! tests check these against the brain.

use super::climbing::watched_weights;
use super::looking::{Lens, head_name};
use super::performing::Written;
use super::play::Play;
use super::prediction::percent;
use super::{Activity, GoalState, goal_progress};
use crate::brain::gpt::Stage;
use crate::brain::math::{self, uniform_score};
use crate::brain::optim::{self, WeightState};
use crate::brain::{ModelKind, OptimizerKind, Vocab};
use crate::level::Goal;

/// The HUD line: the lesson, where the goal stands, the step.
#[derive(Clone, Debug, PartialEq)]
pub struct Hud {
    pub title: String,
    pub tagline: String,
    pub progress: String,
    pub step: Option<String>,
    /// The goal in full, for the panel and the card.
    pub goal: String,
}

pub fn hud(play: &Play) -> Hud {
    let file = &play.level.file;
    Hud {
        title: format!("{} · {}", file.order, file.title),
        tagline: file.tagline.clone(),
        progress: goal_progress(&file.goal, &play.run, &play.activity, &play.recital),
        step: file.train_while_playing.then(|| format!("step {} / {}", play.run.step_count(), file.steps)),
        goal: file.goal.describe(file.steps),
    }
}

/// A letter and its share.
#[derive(Clone, Debug, PartialEq)]
pub struct Share {
    pub label: String,
    pub share: f32,
}

/// The `n` letters with the largest shares, largest first (ties by letter id).
pub fn top_shares(vocab: &Vocab, shares: &[f32], n: usize) -> Vec<Share> {
    let mut ranked: Vec<(usize, f32)> = shares.iter().copied().enumerate().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.into_iter().take(n).map(|(t, share)| Share { label: vocab.label(t), share }).collect()
}

/// A share as the screen writes it.
pub fn percent_text(share: f32) -> String {
    format!("{:.1}%", 100.0 * share)
}

/// A goal's score as the screen writes it ("below 2.45").
pub fn goal_text(goal: f32) -> String {
    format!("{goal:.2}")
}

/// A score as the screen writes it beside a goal it must get below: three
/// decimals, or as many more as it takes for the written score to read on
/// the same side of the written goal as the score itself. 2.4496 against a
/// goal of 2.45 reads 2.4496 (reached), never 2.450 (which reads as not below).
pub fn score_text(score: f32, goal: Option<f32>) -> String {
    let Some(goal) = goal else { return format!("{score:.3}") };
    let written_goal: f64 = goal_text(goal).parse().unwrap_or(goal as f64);
    let below = score < goal;
    let mut text = String::new();
    for decimals in 3..=9 {
        text = format!("{score:.decimals$}");
        if text.parse::<f64>().is_ok_and(|written| (written < written_goal) == below) {
            break;
        }
    }
    text
}

// ------------------------------------------------------------ prediction

/// One uncovered letter: the truth, your guess and the student's, each right or not.
#[derive(Clone, Debug, PartialEq)]
pub struct Uncovered {
    pub truth: String,
    pub you: Option<(String, bool)>,
    pub student: (String, bool),
}

/// The prediction panel.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadingPanel {
    /// What the student sees when it guesses.
    pub sees: &'static str,
    /// Its shares for the covered letter, largest first: its guess is the first.
    pub guess: Vec<Share>,
    pub you: String,
    pub student: String,
    pub mean_score: Option<String>,
    /// The latest uncovered letters, newest first.
    pub history: Vec<Uncovered>,
}

pub fn reading(play: &Play) -> Option<ReadingPanel> {
    let Activity::Reading(r) = &play.activity else { return None };
    let vocab = &play.run.vocab;
    let sees = match play.run.brain.kind() {
        ModelKind::Bigram => "It sees only the letter before the cover (a bigram).",
        ModelKind::Gpt => "It sees every letter before the cover.",
    };
    let rate = |hits: usize, of: usize| format!("{hits} of {of}  ({:.0}%)", percent(hits, of));
    let history = r
        .history
        .iter()
        .rev()
        .take(8)
        .map(|u| Uncovered {
            truth: vocab.label(u.truth),
            you: u.player.map(|p| (vocab.label(p), p == u.truth)),
            student: (vocab.label(u.student), u.student == u.truth),
        })
        .collect();
    Some(ReadingPanel {
        sees,
        guess: top_shares(vocab, &r.shares(&play.run), 5),
        you: rate(r.player_hits, r.player_guesses),
        student: rate(r.student_hits_on_guesses, r.player_guesses),
        mean_score: r
            .mean_score()
            .map(|m| format!("{m:.3}  ({}: {:.3})", math::KNOWING_NOTHING.text, uniform_score(vocab.size()))),
        history,
    })
}

/// What the blackboard shows: the document's letters with the future covered.
#[derive(Clone, Debug, PartialEq)]
pub struct Board {
    /// The document's letters (`¶` for the start and end marks).
    pub letters: Vec<String>,
    /// Letters `0..=cursor` are uncovered.
    pub cursor: usize,
    /// The student's guess for the next covered letter and its share.
    pub guess: Share,
    /// Under each uncovered letter (after the first): was your guess right, was the student's.
    pub marks: Vec<(Option<bool>, bool)>,
    /// Whether the board has the rows of marks (prediction) at all.
    pub marked: bool,
}

pub fn board(play: &Play) -> Option<Board> {
    if let Activity::Looking(lens) = &play.activity {
        return Some(looking_board(play, lens));
    }
    let Activity::Reading(r) = &play.activity else { return None };
    let vocab = &play.run.vocab;
    let tokens = r.tokens(&play.run);
    let guess = top_shares(vocab, &r.shares(&play.run), 1).remove(0);
    // The marks of this document's uncovered letters, from the newest reveals back.
    let in_doc = r.cursor.min(r.history.len());
    let marks = r.history[r.history.len() - in_doc..]
        .iter()
        .map(|u| (u.player.map(|p| p == u.truth), u.student == u.truth))
        .collect();
    Some(Board {
        letters: tokens.iter().map(|&t| vocab.label(t as usize)).collect(),
        cursor: r.cursor,
        guess,
        marks,
        marked: true,
    })
}

// ------------------------------------------------------------ the voting box

/// What the voting box shows: the votes after a letter, their shares (at the
/// voting lesson's temperature; the teacher's plain softmax when marking a
/// word), the letters drawn, and, when marking, the gradient of the marked
/// letter's score.
#[derive(Clone, Debug, PartialEq)]
pub struct BallotView {
    pub context: usize,
    pub labels: Vec<String>,
    pub votes: Vec<f32>,
    pub shares: Vec<f32>,
    pub temperature: f32,
    pub selected: usize,
    /// How many times each letter was drawn (voting).
    pub tally: Option<Vec<u32>>,
    /// p − onehot(true) of the marked letter (scoring).
    pub gradient: Option<Vec<f32>>,
    /// The true letter of the marked position (scoring).
    pub truth: Option<usize>,
}

/// The voting box of a voting or scoring lesson, `None` in the others.
pub fn ballot(play: &Play) -> Option<BallotView> {
    let run = &play.run;
    let labels = (0..run.vocab.size()).map(|t| run.vocab.label(t)).collect();
    let temperature = play.sampling.temperature;
    match &play.activity {
        Activity::Voting(b) => Some(BallotView {
            context: b.context,
            labels,
            votes: b.votes(run).to_vec(),
            shares: b.shares(run, temperature),
            temperature,
            selected: play.selected,
            tally: Some(b.tally.clone()),
            gradient: None,
            truth: None,
        }),
        Activity::Scoring(marking) => {
            let mark = marking.mark(run, marking.position);
            Some(BallotView {
                context: mark.context,
                labels,
                votes: super::bigram_votes(run, mark.context).to_vec(),
                shares: mark.shares,
                temperature: 1.0,
                selected: play.selected,
                tally: None,
                gradient: Some(mark.gradient),
                truth: Some(mark.truth),
            })
        }
        _ => None,
    }
}

/// The voting box's panel: the picked letter, its vote and share.
#[derive(Clone, Debug, PartialEq)]
pub struct BallotPanel {
    pub title: String,
    pub letter: String,
    pub vote: f32,
    pub share: String,
    pub sum: String,
    /// Letters drawn since the votes or the temperature last changed (voting).
    pub drawn: Option<String>,
    /// The marked letter's largest gradient entries (scoring).
    pub gradient: Option<String>,
}

pub fn ballot_panel(view: &BallotView) -> BallotPanel {
    let at = view.selected.min(view.votes.len() - 1);
    let context = view.labels[view.context].clone();
    let gradient = view.gradient.as_ref().map(|g| {
        let mut pushes: Vec<(usize, f32)> = g.iter().copied().enumerate().collect();
        pushes.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
        let top: Vec<String> =
            pushes.iter().take(3).map(|(t, g)| format!("{} {:+.3}", view.labels[*t], g)).collect();
        top.join("   ")
    });
    BallotPanel {
        title: format!("Votes after '{context}'"),
        letter: view.labels[at].clone(),
        vote: view.votes[at],
        share: format!("{}  at T = {:.2}", percent_text(view.shares[at]), view.temperature),
        sum: format!("{:.4}", view.shares.iter().sum::<f32>()),
        drawn: view.tally.as_ref().map(|t| format!("{} letters drawn", t.iter().sum::<u32>())),
        gradient,
    }
}

// ------------------------------------------------------------ scoring

/// One letter of the marked word on the teacher's board.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkCell {
    /// `context → truth`.
    pub pair: String,
    pub truth: String,
    pub score: f32,
    /// The share the true letter got.
    pub share: f32,
    /// 0 (sure and right) to 1 (twice the know-nothing score or more).
    pub heat: f32,
}

/// The teacher's board: the word, a mark per letter, the mean.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkBoard {
    pub word: String,
    pub cells: Vec<MarkCell>,
    pub position: usize,
    pub mean: f32,
    pub uniform: f32,
    pub goal: Option<f32>,
}

pub fn mark_board(play: &Play) -> Option<MarkBoard> {
    let Activity::Scoring(marking) = &play.activity else { return None };
    let run = &play.run;
    let uniform = uniform_score(run.vocab.size());
    let cells = marking
        .marks(run)
        .into_iter()
        .map(|m| MarkCell {
            pair: format!("{} → {}", run.vocab.label(m.context), run.vocab.label(m.truth)),
            truth: run.vocab.label(m.truth),
            score: m.score,
            share: m.shares[m.truth],
            heat: (m.score / (2.0 * uniform)).clamp(0.0, 1.0),
        })
        .collect();
    let word = match &play.level.file.goal {
        Goal::WordScoreBelow { word, .. } => word.clone(),
        _ => marking.tokens.iter().filter_map(|&t| run.vocab.letter(t)).collect(),
    };
    let goal = match play.level.file.goal {
        Goal::WordScoreBelow { score, .. } => Some(score),
        _ => None,
    };
    Some(MarkBoard { word, cells, position: marking.position, mean: marking.mean_score(run), uniform, goal })
}

// ------------------------------------------------------------ climbing

/// One quantity the climber keeps, for a few weights.
#[derive(Clone, Debug, PartialEq)]
pub struct ClimberRow {
    pub name: &'static str,
    pub formula: &'static str,
    pub values: Vec<f32>,
}

/// Inside the climber: its memory for a few weights.
#[derive(Clone, Debug, PartialEq)]
pub struct ClimberPanel {
    /// The climber that made these numbers (the latest update's).
    pub kind: OptimizerKind,
    pub step_formula: &'static str,
    pub after: String,
    pub columns: Vec<(String, String)>,
    pub rows: Vec<ClimberRow>,
    /// What this climber does without.
    pub without: Option<&'static str>,
    /// Another climber takes the next step.
    pub next: Option<OptimizerKind>,
}

pub fn climber(play: &Play) -> ClimberPanel {
    let run = &play.run;
    let opt = &run.optimizer;
    let kind = opt.last_kind.unwrap_or(opt.config.kind);
    let (c1, c2) = opt.last_corrections;
    let mut after = format!("t = {}, lr = {:.5}", opt.t, opt.last_lr);
    if kind.uses_m() {
        after += &format!(", 1 − β1^t = {c1:.3}");
    }
    if kind.uses_v() {
        after += &format!(", 1 − β2^t = {c2:.3}");
    }
    let watched = watched_weights(run);
    let states: Vec<WeightState> = watched.iter().map(|(_, i)| opt.weight_state(*i, run.grad[*i])).collect();
    type Get = fn(&WeightState) -> f32;
    let all: [(&'static str, &'static str, bool, Get); 6] = [
        ("g", "the gradient of this step's score", true, |s| s.grad),
        ("m", optim::M.text, kind.uses_m(), |s| s.m),
        ("v", optim::V.text, kind.uses_v(), |s| s.v),
        ("m_hat", optim::M_HAT.text, kind.uses_m(), |s| s.m_hat),
        ("v_hat", optim::V_HAT.text, kind.uses_v(), |s| s.v_hat),
        ("step", kind.step_formula(), true, |s| s.step),
    ];
    let rows = all
        .into_iter()
        .filter(|row| row.2)
        .map(|(name, formula, _, get)| ClimberRow { name, formula, values: states.iter().map(get).collect() })
        .collect();
    let without = match (kind.uses_m(), kind.uses_v()) {
        (true, true) => None,
        (true, false) => Some("no v: its steps grow and shrink with the slope"),
        (false, true) => Some("no m: no momentum carries it through bumps"),
        (false, false) => Some("no running means: each step follows this step's slope alone"),
    };
    let columns = watched
        .iter()
        .map(|(label, _)| {
            (label.trim_start_matches("layer0.").trim_end_matches("[0,0]").to_string(), label.clone())
        })
        .collect();
    let next = (opt.config.kind != kind).then_some(opt.config.kind);
    ClimberPanel { kind, step_formula: kind.step_formula(), after, columns, rows, without, next }
}

/// A climber in the race.
#[derive(Clone, Debug, PartialEq)]
pub struct Racer {
    pub kind: OptimizerKind,
    /// The student (not a ghost).
    pub you: bool,
    pub score: Option<f32>,
    pub fell_at: Option<usize>,
    /// Below the goal's score (the water line).
    pub under_water: bool,
}

/// The race: the student and its ghosts, their mean score over the goal's window.
pub fn race(play: &Play) -> Vec<Racer> {
    let (window, goal) = match play.level.file.goal {
        Goal::LossBelow { window, loss } => (window, Some(loss)),
        _ => (100, None),
    };
    let under = |score: Option<f32>| goal.is_some_and(|g| score.is_some_and(|s| s < g));
    let you = play.run.recent_loss(window);
    let mut racers = vec![Racer {
        kind: play.run.optimizer.config.kind,
        you: true,
        score: you,
        fell_at: None,
        under_water: under(you),
    }];
    if let Activity::Climbing(race) = &play.activity {
        for ghost in &race.ghosts {
            let score = ghost.run.recent_loss(window);
            racers.push(Racer {
                kind: ghost.kind,
                you: false,
                score: if ghost.fell_at.is_some() { None } else { score },
                fell_at: ghost.fell_at,
                under_water: ghost.fell_at.is_none() && under(score),
            });
        }
    }
    racers
}

// ------------------------------------------------------------ performing

/// The performance on stage.
#[derive(Clone, Debug, PartialEq)]
pub struct StageView {
    /// What the student has read so far: the start mark, the prefix, the letters drawn.
    pub reading: Vec<String>,
    /// The letter just drawn, on its way back to the input.
    pub just_drawn: Option<String>,
    /// The shares it was drawn from, largest first.
    pub from: Vec<Share>,
    /// The random number that picked it.
    pub u: Option<f32>,
}

pub fn stage(play: &Play) -> Option<StageView> {
    let stage = play.recital.stage.as_ref()?;
    let vocab = &play.run.vocab;
    let reading = std::iter::once("¶".to_string())
        .chain(stage.performance.tokens.iter().map(|&t| vocab.label(t)))
        .collect();
    let last = stage.drawn.last();
    Some(StageView {
        reading,
        just_drawn: last.map(|d| vocab.label(d.token)),
        from: last.map(|d| top_shares(vocab, &d.shares, 3)).unwrap_or_default(),
        u: last.map(|d| d.u),
    })
}

/// The texts written, newest first.
pub fn written(play: &Play, n: usize) -> Vec<Written> {
    play.recital.written.iter().rev().take(n).cloned().collect()
}

/// A short verdict on the goal, for the HUD's colour and the banner.
pub fn goal_met(play: &Play) -> bool {
    matches!(play.goal(), GoalState::Reached(_))
}

// ------------------------------------------------------------ looking back

/// The board in the looking-back lesson: the start mark and the name, the
/// letters after the one being read covered (attention never looks ahead),
/// and the student's guess for the letter after it.
fn looking_board(play: &Play, lens: &Lens) -> Board {
    let vocab = &play.run.vocab;
    let tokens = &lens.look.tokens;
    let votes = lens.look.act.stage(Stage::Votes, 0, lens.cursor);
    let mut shares = vec![0.0; votes.len()];
    math::softmax(&mut shares, votes);
    // The positions read: the start mark and the letters (the closing mark is only a target).
    Board {
        letters: tokens[..lens.look.positions()].iter().map(|&t| vocab.label(t)).collect(),
        cursor: lens.cursor,
        guess: top_shares(vocab, &shares, 1).remove(0),
        marks: Vec::new(),
        marked: false,
    }
}

/// One head in the looking-back panel.
#[derive(Clone, Debug, PartialEq)]
pub struct HeadRow {
    pub layer: usize,
    pub head: usize,
    /// `layer · n_head + head`: its colour and its key.
    pub index: usize,
    pub name: String,
    pub picked: bool,
    pub off: bool,
    /// The letter this head looks at most from the cursor, and its weight.
    pub looks_at: (String, f32),
    /// How much the chants' mean score rises with this head alone off, once
    /// the student has stopped learning and the player has tried it.
    pub rise: Option<f32>,
}

/// One earlier (or later) letter in the close-up of the picked head.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyCell {
    pub letter: String,
    /// q·k/√head_dim; `None` for a letter after the cursor (masked).
    pub score: Option<f32>,
    /// The attention weight (0 for masked letters).
    pub weight: f32,
}

/// The looking-back panel and the threads in the world.
#[derive(Clone, Debug, PartialEq)]
pub struct LookingPanel {
    /// Learning (with its step) or frozen.
    pub learning: Option<String>,
    pub name: String,
    /// Which chant of how many is on the board.
    pub text: (usize, usize),
    pub cursor: usize,
    pub reading: String,
    pub heads: Vec<HeadRow>,
    /// The picked head at the cursor: every letter of the board.
    pub close_up: Vec<KeyCell>,
    pub picked: String,
    /// The attention spread at the start and now.
    pub spread: (f32, f32),
    /// Most spread one row could have at the cursor: ln(cursor + 1).
    pub even_spread: f32,
    /// The board name's score with the heads as switched now.
    pub board_score: f32,
    /// The chants' mean score with every head on, and with the heads now off.
    pub probe: Option<(f32, f32)>,
    pub probe_count: usize,
    /// Whether a head may be named now.
    pub can_name: bool,
    pub named: Option<String>,
}

/// The looking-back lesson's panel, `None` in other lessons.
pub fn looking(play: &Play) -> Option<LookingPanel> {
    let Activity::Looking(lens) = &play.activity else { return None };
    let vocab = &play.run.vocab;
    let (n_layer, n_head) = (lens.n_layer(), lens.n_head());
    let tokens = &lens.look.tokens;
    let label = |i: usize| vocab.label(tokens[i]);
    let t = lens.cursor;
    let heads = (0..n_layer)
        .flat_map(|l| (0..n_head).map(move |h| (l, h)))
        .map(|(l, h)| {
            let row = lens.look.act.attention(l, h, t);
            let best = math::argmax(row);
            HeadRow {
                layer: l,
                head: h,
                index: l * n_head + h,
                name: head_name(l, h, n_layer),
                picked: lens.head == (l, h),
                off: lens.off.is_off(l, h, n_head),
                looks_at: (label(best), row[best]),
                rise: lens.shown_rise(l, h),
            }
        })
        .collect();
    let (pl, ph) = lens.head;
    let mut scores = [0.0f32; crate::brain::gpt::MAX_BLOCK];
    lens.look.act.attention_scores(pl, ph, t, &mut scores);
    let row = lens.look.act.attention(pl, ph, t);
    let close_up = (0..lens.look.positions())
        .map(|s| KeyCell {
            letter: label(s),
            score: (s <= t).then(|| scores[s]),
            weight: if s <= t { row[s] } else { 0.0 },
        })
        .collect();
    let steps = play.level.file.steps;
    Some(LookingPanel {
        learning: (!lens.frozen()).then(|| format!("learning: step {} of {steps}", play.run.step_count())),
        name: lens.board[lens.text].clone(),
        text: (lens.text, lens.board.len()),
        cursor: t,
        reading: label(t),
        heads,
        close_up,
        picked: head_name(pl, ph, n_layer),
        spread: (lens.spread_start, lens.spread_now),
        even_spread: libm::logf((t + 1) as f32),
        board_score: lens.look.score,
        probe: lens.effects.as_ref().zip(lens.probe_score).map(|(e, now)| (e.whole, now)),
        probe_count: if lens.probed > 0 { lens.probed } else { lens.probe },
        can_name: lens.frozen() && lens.answer.is_none(),
        named: lens.answer.map(|(l, h)| head_name(l, h, n_layer)),
    })
}
