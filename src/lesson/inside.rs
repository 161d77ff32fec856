//! Inside the student's brain: one text read by the tiny GPT with its
//! weights frozen, and every stage of the forward pass at one position, as
//! rows of cells from the embeddings up to the votes. Each cell is a real
//! activation; a selected cell names its value and the formula that made it.
//! Rows wider than [`MAX_CELLS`] show groups of neighbouring cells (their mean).

use super::Activity;
use super::looking::head_name;
use super::play::Play;
use crate::brain::attention::Look;
use crate::brain::formula::Formula;
use crate::brain::gpt::{ATTENTION_WEIGHTS, HeadsOff, Stage};
use crate::brain::{Brain, BrainError, Vocab};

/// Most cells a row shows; wider stages are grouped.
pub const MAX_CELLS: usize = 64;

/// What a row of the cut-away is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    Stage(Stage, usize),
    /// Every head's attention weights at the position, side by side.
    Attention(usize),
}

/// The cut-away: the text, the position, the rows and the selected cell.
#[derive(Clone, Debug)]
pub struct Inside {
    pub text: String,
    /// Where the text came from, for the panel.
    pub source: &'static str,
    pub look: Look,
    /// The position shown: 0 is the start mark.
    pub cursor: usize,
    /// The selected row (0 = the embeddings, at the bottom) and cell.
    pub row: usize,
    pub cell: usize,
    rows: Vec<Row>,
    vocab_labels: Vec<String>,
}

/// One row as the view draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct RowView {
    pub label: String,
    pub formula: Formula,
    /// One value per cell (a group's mean when grouped).
    pub values: Vec<f32>,
    /// Neighbouring cells per shown cell (1: every cell its own).
    pub group: usize,
    /// Cells between gaps (a head's slice), if the row is split by head.
    pub split: Option<usize>,
    /// The largest |value| in the row, for colouring.
    pub scale: f32,
}

/// The selected cell, in words.
#[derive(Clone, Debug, PartialEq)]
pub struct Selected {
    pub row: usize,
    pub cell: usize,
    pub value: f32,
    /// e.g. "q, head 2, dimension 1 = +0.734".
    pub says: String,
    pub formula: &'static str,
}

impl Inside {
    /// Opens on the lesson's own text: the board's chant, the text on stage
    /// (or the last one written), else the document the next step trains on.
    pub fn open(play: &Play) -> Result<Self, BrainError> {
        let run = &play.run;
        let Brain::Gpt(gpt) = &run.brain else {
            return Err(BrainError::NotATransformer { what: "the inside view" });
        };
        let most = gpt.config.block_size - 1;
        let fit = |text: &str| text.chars().take(most).collect::<String>();
        // Looking back: the board's chant with the heads as the player switched them.
        let off = match &play.activity {
            Activity::Looking(lens) => lens.off,
            _ => HeadsOff::NONE,
        };
        let (text, source, cursor) = match &play.activity {
            Activity::Looking(lens) if off.any() => {
                (lens.board[lens.text].clone(), "the chant on the board, with heads off", Some(lens.cursor))
            }
            Activity::Looking(lens) => {
                (lens.board[lens.text].clone(), "the chant on the board", Some(lens.cursor))
            }
            _ => match (&play.recital.stage, play.recital.written.last()) {
                (Some(stage), _) => (fit(&stage.performance.text(&run.vocab)), "the text on stage", None),
                (None, Some(w)) => (fit(&w.text), "the last text it wrote", None),
                (None, None) => (fit(run.document(run.step_count())), "the document it trains on next", None),
            },
        };
        let mut look = Look::new(gpt);
        look.read(gpt, &run.params.data, &run.vocab, &text, off)?;
        let n_layer = gpt.config.n_layer;
        let mut rows = vec![Row::Stage(Stage::Embedding, 0), Row::Stage(Stage::Input, 0)];
        for l in 0..n_layer {
            for stage in Stage::IN_LAYER {
                rows.push(Row::Stage(stage, l));
                if stage == Stage::Value {
                    rows.push(Row::Attention(l));
                }
            }
        }
        rows.push(Row::Stage(Stage::Votes, n_layer - 1));
        let cursor = cursor.unwrap_or(look.positions() - 1).min(look.positions() - 1);
        let row = rows.len() - 1;
        let vocab_labels = (0..run.vocab.size()).map(|t| run.vocab.label(t)).collect();
        let mut inside = Self { text, source, look, cursor, row, cell: 0, rows, vocab_labels };
        inside.cell = inside.cells(row).saturating_sub(1).min(inside.argmax_cell(row));
        Ok(inside)
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    fn n_layer(&self) -> usize {
        self.look.act.config().n_layer
    }

    /// The raw numbers of row `row` at the cursor.
    fn raw(&self, row: usize) -> Vec<f32> {
        match self.rows[row] {
            Row::Stage(stage, layer) => self.look.act.stage(stage, layer, self.cursor).to_vec(),
            Row::Attention(layer) => (0..self.look.act.config().n_head)
                .flat_map(|h| self.look.act.attention(layer, h, self.cursor).iter().copied())
                .collect(),
        }
    }

    fn group_of(&self, row: usize) -> usize {
        self.raw_len(row).div_ceil(MAX_CELLS).max(1)
    }

    fn raw_len(&self, row: usize) -> usize {
        let cfg = self.look.act.config();
        match self.rows[row] {
            Row::Stage(Stage::Hidden | Stage::Fired, _) => cfg.mlp_width(),
            Row::Stage(Stage::Votes, _) => self.look.act.stage(Stage::Votes, 0, 0).len(),
            Row::Stage(_, _) => cfg.n_embd,
            Row::Attention(_) => cfg.n_head * (self.cursor + 1),
        }
    }

    /// Cells shown in row `row`.
    pub fn cells(&self, row: usize) -> usize {
        self.raw_len(row).div_ceil(self.group_of(row))
    }

    fn argmax_cell(&self, row: usize) -> usize {
        crate::brain::math::argmax(&self.view_row(row).values)
    }

    /// Row `row` as drawn.
    pub fn view_row(&self, row: usize) -> RowView {
        let raw = self.raw(row);
        let group = self.group_of(row);
        let values: Vec<f32> = raw.chunks(group).map(|c| c.iter().sum::<f32>() / c.len() as f32).collect();
        let scale = values.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1e-6);
        let cfg = self.look.act.config();
        let (label, formula, split) = match self.rows[row] {
            Row::Stage(stage, layer) => {
                let label = if stage.in_layer() && self.n_layer() > 1 {
                    format!("{} · layer {}", stage.label(), layer + 1)
                } else {
                    stage.label().to_string()
                };
                let split = matches!(stage, Stage::Query | Stage::Key | Stage::Value | Stage::AttnOut)
                    .then(|| cfg.head_dim().div_ceil(group));
                (label, stage.formula(), split)
            }
            Row::Attention(layer) => {
                let label = if self.n_layer() > 1 {
                    format!("attention weights · layer {}", layer + 1)
                } else {
                    "attention weights".to_string()
                };
                (label, ATTENTION_WEIGHTS, (group == 1).then_some(self.cursor + 1))
            }
        };
        RowView { label, formula, values, group, split, scale }
    }

    /// Every row, bottom to top.
    pub fn view(&self) -> Vec<RowView> {
        (0..self.rows.len()).map(|r| self.view_row(r)).collect()
    }

    /// The selected cell, with its value and what it is.
    pub fn selected(&self, vocab: &Vocab) -> Selected {
        let view = self.view_row(self.row);
        let cell = self.cell.min(view.values.len() - 1);
        let value = view.values[cell];
        let cfg = self.look.act.config();
        let hd = cfg.head_dim();
        let (first, last) = (cell * view.group, ((cell + 1) * view.group).min(self.raw_len(self.row)) - 1);
        let unit = |what: &str| {
            if view.group > 1 {
                format!("{what}, mean of units {first}–{last}")
            } else {
                format!("{what}, unit {first}")
            }
        };
        let says = match self.rows[self.row] {
            Row::Stage(stage @ (Stage::Query | Stage::Key | Stage::Value | Stage::AttnOut), _)
                if view.group == 1 =>
            {
                format!("{}, {}, dimension {}", stage.label(), head_name(0, first / hd, 1), first % hd)
            }
            Row::Stage(Stage::Votes, _) if view.group == 1 => {
                format!("the vote for '{}'", vocab.label(first))
            }
            Row::Stage(Stage::Fired, _) => {
                unit(if value > 0.0 { "ReLU: this unit fires" } else { "ReLU: this unit is silent" })
            }
            Row::Stage(stage, _) => unit(stage.label()),
            Row::Attention(_) if view.group == 1 => {
                let per = self.cursor + 1;
                let letter = vocab.label(self.look.tokens[first % per]);
                format!("{} looks at '{letter}' (position {})", head_name(0, first / per, 1), first % per)
            }
            Row::Attention(_) => format!("attention weights, mean of weights {first}–{last}"),
        };
        Selected {
            row: self.row,
            cell,
            value,
            says: format!("{says} = {value:+.4}"),
            formula: view.formula.text,
        }
    }

    /// Moves the selection up or down a row, keeping the cell in range.
    pub fn step_row(&mut self, up: bool) {
        let n = self.rows.len();
        self.row = if up { (self.row + 1) % n } else { (self.row + n - 1) % n };
        self.cell = self.cell.min(self.cells(self.row) - 1);
    }

    /// Moves the selection along the row.
    pub fn step_cell(&mut self, right: bool) {
        let n = self.cells(self.row);
        self.cell = if right { (self.cell + 1) % n } else { (self.cell + n - 1) % n };
    }

    /// Selects a cell directly (a click).
    pub fn select(&mut self, row: usize, cell: usize) {
        if row < self.rows.len() && cell < self.cells(row) {
            self.row = row;
            self.cell = cell;
        }
    }

    /// Moves the position shown along the text.
    pub fn step_cursor(&mut self, right: bool) {
        let n = self.look.positions();
        self.cursor = if right { (self.cursor + 1) % n } else { (self.cursor + n - 1) % n };
        self.cell = self.cell.min(self.cells(self.row) - 1);
    }

    /// The letter a vote is for.
    pub fn letter_of_vote(&self, token: usize) -> String {
        self.vocab_labels.get(token).cloned().unwrap_or_default()
    }

    /// The letters read, the start mark first.
    pub fn letters(&self, vocab: &Vocab) -> Vec<String> {
        self.look.tokens[..self.look.positions()].iter().map(|&t| vocab.label(t)).collect()
    }
}
