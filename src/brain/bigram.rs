//! The future-blind reader: a `V × V` table of votes. The votes for the next
//! letter depend only on the current one: `votes = table[current]`.

use super::formula::Formula;
use super::math::{cross_entropy, score_gradient, softmax_and_score};
use super::vocab::TokenId;

/// What the bigram reads, as the panels write it.
pub const BIGRAM_VOTES: Formula = Formula { name: "bigram_votes", text: "votes = table[current letter]" };

/// The bigram table's architecture; the weights live in a [`super::Params`]
/// with one tensor, `votes [V, V]` (row: current letter, column: next letter).
#[derive(Clone, Debug)]
pub struct Bigram {
    pub vocab_size: usize,
}

/// Scratch for one bigram pass.
#[derive(Clone, Debug)]
pub struct BigramWorkspace {
    /// The current letter (the only context the bigram sees), if any was read.
    pub current: Option<usize>,
    pub shares: Vec<f32>,
    d_votes: Vec<f32>,
}

impl Bigram {
    pub fn shapes(&self) -> Vec<(String, usize, usize)> {
        vec![("votes".to_string(), self.vocab_size, self.vocab_size)]
    }

    pub fn new_workspace(&self) -> BigramWorkspace {
        BigramWorkspace {
            current: None,
            shares: vec![0.0; self.vocab_size],
            d_votes: vec![0.0; self.vocab_size],
        }
    }

    /// Reads a letter and returns the votes for the next one: its row of the table.
    pub fn read<'a>(&self, p: &'a [f32], ws: &mut BigramWorkspace, token: usize) -> &'a [f32] {
        assert!(token < self.vocab_size, "token {token} outside the vocabulary");
        ws.current = Some(token);
        &p[token * self.vocab_size..(token + 1) * self.vocab_size]
    }

    /// Every transition of the document is scored: `n_tokens − 1` positions.
    pub fn positions(&self, n_tokens: usize) -> usize {
        n_tokens.saturating_sub(1)
    }

    /// Mean teacher's score over a document's transitions.
    pub fn loss(&self, p: &[f32], ws: &mut BigramWorkspace, tokens: &[impl TokenId]) -> f32 {
        let v = self.vocab_size;
        let n = self.positions(tokens.len());
        let mut total = 0.0f32;
        for pair in tokens.windows(2) {
            let votes = &p[pair[0].id() * v..][..v];
            total += softmax_and_score(&mut ws.shares, votes, pair[1].id());
        }
        total * (1.0 / n as f32)
    }

    /// Mean score and its exact gradient, written into `g` (overwritten).
    pub fn loss_and_grad(
        &self,
        p: &[f32],
        g: &mut [f32],
        ws: &mut BigramWorkspace,
        tokens: &[impl TokenId],
    ) -> f32 {
        let v = self.vocab_size;
        let n = self.positions(tokens.len());
        let weight = 1.0 / n as f32;
        g.fill(0.0);
        let mut total = 0.0f32;
        for pair in tokens.windows(2) {
            let votes = &p[pair[0].id() * v..][..v];
            total += softmax_and_score(&mut ws.shares, votes, pair[1].id());
            score_gradient(&mut ws.d_votes, &ws.shares, pair[1].id(), weight);
            for (gi, d) in g[pair[0].id() * v..][..v].iter_mut().zip(&ws.d_votes) {
                *gi += d;
            }
        }
        total * weight
    }
}

/// The lowest mean score any bigram votes can give a word (`BOS + letters +
/// BOS`): after each letter, the best votes give every next letter the share
/// it has in the word itself, so the votes are the logarithms of those counts.
pub fn lowest_score(tokens: &[impl TokenId], vocab_size: usize) -> f32 {
    let mut counts = vec![0.0f32; vocab_size * vocab_size];
    for pair in tokens.windows(2) {
        counts[pair[0].id() * vocab_size + pair[1].id()] += 1.0;
    }
    let votes: Vec<f32> =
        counts.iter().map(|&c| if c > 0.0 { libm::logf(c) } else { f32::NEG_INFINITY }).collect();
    let total: f32 = tokens
        .windows(2)
        .map(|pair| cross_entropy(&votes[pair[0].id() * vocab_size..][..vocab_size], pair[1].id()))
        .sum();
    total / (tokens.len() - 1) as f32
}
