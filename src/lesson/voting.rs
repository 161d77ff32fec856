//! The voting box: after one letter, every letter of the alphabet gets votes
//! (logits); softmax turns them into shares. The player sets votes by hand
//! and draws letters to see their spread follow the shares.

use super::{MAX_VOTE, bigram_votes, bigram_votes_mut};
use crate::brain::math::softmax_with_temperature;
use crate::brain::sample::draw;
use crate::brain::{Rand, Run};

/// The ballot after one context letter, and the letters drawn from it.
#[derive(Clone, Debug, PartialEq)]
pub struct Ballot {
    /// The letter the votes follow (a token id).
    pub context: usize,
    /// How many times each letter was drawn.
    pub tally: Vec<u32>,
}

impl Ballot {
    pub fn new(context: usize, vocab_size: usize) -> Self {
        Self { context, tally: vec![0; vocab_size] }
    }

    /// The votes on the ballot.
    pub fn votes<'a>(&self, run: &'a Run) -> &'a [f32] {
        bigram_votes(run, self.context)
    }

    /// The shares at a temperature: `softmax(votes / T)`.
    pub fn shares(&self, run: &Run, temperature: f32) -> Vec<f32> {
        let votes = self.votes(run);
        let mut shares = vec![0.0; votes.len()];
        softmax_with_temperature(&mut shares, votes, temperature);
        shares
    }

    /// Draws `n` letters from the shares at a temperature and adds them to the tally.
    pub fn draw(&mut self, run: &Run, temperature: f32, n: usize, rng: &mut Rand) {
        let shares = self.shares(run, temperature);
        for _ in 0..n {
            self.tally[draw(&shares, rng.uniform_f32())] += 1;
        }
    }

    pub fn draws(&self) -> u32 {
        self.tally.iter().sum()
    }

    /// Forgets the letters drawn (the votes changed, so the old spread no longer applies).
    pub fn clear_tally(&mut self) {
        self.tally.iter_mut().for_each(|t| *t = 0);
    }
}

/// Sets the vote for `letter` after `context` in a bigram run, clamped to
/// `±MAX_VOTE`. Returns false (and changes nothing) for a vote that is not a number.
pub fn set_vote(run: &mut Run, context: usize, letter: usize, value: f32) -> bool {
    if !value.is_finite() || context >= run.vocab.size() || letter >= run.vocab.size() {
        return false;
    }
    bigram_votes_mut(run, context)[letter] = value.clamp(-MAX_VOTE, MAX_VOTE);
    true
}
