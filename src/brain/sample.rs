//! The formal performance: the trained student writes alone, and each letter
//! it writes becomes its next input.

use serde::{Deserialize, Serialize};

use super::BrainError;
use super::formula::Formula;
use super::math::{softmax_with_temperature, top_k_mask};
use super::model::{Brain, Workspace};
use super::rng::Rand;
use super::vocab::Vocab;

/// How letters are drawn from the votes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SampleSettings {
    /// Divides the votes before softmax; 0 always picks the top vote.
    pub temperature: f32,
    /// Keep only the k letters with the most votes (0: keep all).
    pub top_k: usize,
}

impl Default for SampleSettings {
    /// Temperature 1 (plain softmax) and every letter.
    fn default() -> Self {
        Self { temperature: 1.0, top_k: 0 }
    }
}

impl SampleSettings {
    pub fn validate(&self) -> Result<(), BrainError> {
        if !(self.temperature.is_finite() && self.temperature >= 0.0) {
            return Err(BrainError::InvalidSetting {
                name: "temperature",
                value: self.temperature.to_string(),
                expected: "a finite number ≥ 0",
            });
        }
        Ok(())
    }

    /// The shares letters are drawn from: top-k, then softmax of votes / temperature.
    pub fn shares(&self, shares: &mut [f32], votes: &mut [f32]) {
        top_k_mask(votes, self.top_k);
        softmax_with_temperature(shares, votes, self.temperature);
    }
}

/// How the panels write [`SampleSettings::shares`]' top-k cut.
pub const TOP_K: Formula =
    Formula { name: "top_k", text: "only the k letters with the most votes keep a share (k = 0: all)" };
/// How the panels write [`draw`].
pub const DRAW: Formula = Formula { name: "draw", text: "a letter is drawn with probability = its share" };

/// Draws a letter: the first id whose running total of shares passes `u ∈ [0, 1)`.
/// If rounding leaves `u` beyond the total, the last letter with a share wins.
pub fn draw(shares: &[f32], u: f32) -> usize {
    let mut running = 0.0f32;
    let mut last = 0;
    for (id, &s) in shares.iter().enumerate() {
        if s > 0.0 {
            running += s;
            last = id;
            if u < running {
                return id;
            }
        }
    }
    last
}

/// The most letters a performance writes when the model has no context limit
/// (the bigram), so a student that never draws the end mark still stops.
pub const MAX_WRITTEN: usize = 64;

/// One letter of a performance.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawn {
    pub token: usize,
    /// The uniform number that chose it.
    pub u: f32,
    /// The shares it was drawn from.
    pub shares: Vec<f32>,
}

/// A performance in progress: the student reads BOS and the prefix, then
/// writes a letter at a time until it writes BOS (the end), its context is
/// full, or it has written [`MAX_WRITTEN`] letters.
#[derive(Clone, Debug)]
pub struct Performance {
    pub settings: SampleSettings,
    ws: Workspace,
    votes: Vec<f32>,
    /// Tokens written so far, the prefix included.
    pub tokens: Vec<usize>,
    pub prefix_len: usize,
    pub done: bool,
}

impl Performance {
    pub fn new(
        brain: &Brain,
        params: &[f32],
        vocab: &Vocab,
        settings: SampleSettings,
        prefix: &str,
    ) -> Result<Self, BrainError> {
        settings.validate()?;
        if params.iter().any(|w| !w.is_finite()) {
            return Err(BrainError::NonFiniteWeights);
        }
        let tokens = vocab
            .encode_text(prefix)
            .map_err(|letter| BrainError::PrefixOutsideVocab { letter, vocab: vocab.letters() })?;
        if let Some(block_size) = brain.context_len()
            && tokens.len() + 1 > block_size
        {
            return Err(BrainError::PrefixTooLong { len: tokens.len(), block_size });
        }
        let mut ws = brain.new_workspace();
        let mut votes = brain.read(params, &mut ws, vocab.bos()).to_vec();
        for &t in &tokens {
            votes.copy_from_slice(brain.read(params, &mut ws, t));
        }
        Ok(Self { settings, ws, votes, prefix_len: tokens.len(), tokens, done: false })
    }

    /// The votes for the next letter.
    pub fn votes(&self) -> &[f32] {
        &self.votes
    }

    /// Writes one letter (or the end), feeding it back as the next input.
    /// Returns `None` once the performance is over.
    pub fn next(&mut self, brain: &Brain, params: &[f32], rng: &mut Rand) -> Option<Drawn> {
        if self.done {
            return None;
        }
        let mut votes = self.votes.clone();
        let mut shares = vec![0.0; votes.len()];
        self.settings.shares(&mut shares, &mut votes);
        let u = rng.uniform_f32();
        let token = draw(&shares, u);
        let bos = brain.vocab_size() - 1;
        if token == bos {
            self.done = true;
        } else {
            self.tokens.push(token);
            if brain.is_full(&self.ws) || self.tokens.len() >= MAX_WRITTEN {
                self.done = true;
            } else {
                self.votes.copy_from_slice(brain.read(params, &mut self.ws, token));
            }
        }
        Some(Drawn { token, u, shares })
    }

    /// Writes to the end.
    pub fn finish(&mut self, brain: &Brain, params: &[f32], rng: &mut Rand) {
        while self.next(brain, params, rng).is_some() {}
    }

    /// The text so far, prefix included.
    pub fn text(&self, vocab: &Vocab) -> String {
        self.tokens.iter().filter_map(|&t| vocab.letter(t)).collect()
    }
}

/// True if a written text is one of the training documents word for word.
pub fn is_memorised(docs: &[String], text: &str) -> bool {
    docs.iter().any(|d| d == text)
}

/// Writes `count` texts, one after another from the same random stream.
pub fn write_samples(
    brain: &Brain,
    params: &[f32],
    vocab: &Vocab,
    settings: SampleSettings,
    prefix: &str,
    count: usize,
    rng: &mut Rand,
) -> Result<Vec<String>, BrainError> {
    (0..count)
        .map(|_| {
            let mut performance = Performance::new(brain, params, vocab, settings, prefix)?;
            performance.finish(brain, params, rng);
            Ok(performance.text(vocab))
        })
        .collect()
}
