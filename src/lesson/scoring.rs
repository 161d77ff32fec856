//! The teacher's score on a word: for each letter, −ln p(true letter) under
//! the student's votes; the word's score is their mean. The gradient of a
//! letter's score with respect to the votes is p − onehot(true).

use super::bigram_votes;
use crate::brain::Run;
use crate::brain::math::{score_gradient, softmax_and_score, uniform_score};

/// A word being marked letter by letter.
#[derive(Clone, Debug, PartialEq)]
pub struct Marking {
    /// `BOS + letters + BOS`.
    pub tokens: Vec<usize>,
    /// The letter the player is looking at (0 = the first letter after BOS).
    pub position: usize,
}

/// The marks for one letter of the word.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// The letter before (the votes' context) and the true letter.
    pub context: usize,
    pub truth: usize,
    pub shares: Vec<f32>,
    /// −ln p(true).
    pub score: f32,
    /// p − onehot(true): how each vote pushes the score up.
    pub gradient: Vec<f32>,
}

impl Marking {
    pub fn new(tokens: Vec<usize>) -> Self {
        Self { tokens, position: 0 }
    }

    /// Letters marked: every transition of the word, the end mark included.
    pub fn len(&self) -> usize {
        self.tokens.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The marks for letter `i`, from a bigram run's votes.
    pub fn mark(&self, run: &Run, i: usize) -> Mark {
        let (context, truth) = (self.tokens[i], self.tokens[i + 1]);
        let votes = bigram_votes(run, context);
        let mut shares = vec![0.0; votes.len()];
        let score = softmax_and_score(&mut shares, votes, truth);
        let mut gradient = vec![0.0; votes.len()];
        score_gradient(&mut gradient, &shares, truth, 1.0);
        Mark { context, truth, score, shares, gradient }
    }

    /// Every letter's mark.
    pub fn marks(&self, run: &Run) -> Vec<Mark> {
        (0..self.len()).map(|i| self.mark(run, i)).collect()
    }

    /// The word's score: the mean of its letters' scores.
    pub fn mean_score(&self, run: &Run) -> f32 {
        let marks = self.marks(run);
        marks.iter().map(|m| m.score).sum::<f32>() / marks.len() as f32
    }

    /// What guessing uniformly would score: ln V.
    pub fn uniform(&self, run: &Run) -> f32 {
        uniform_score(run.vocab.size())
    }
}
