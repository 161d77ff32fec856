//! What the student looks at: a text read with the current weights, every
//! attention weight, the votes at every position and the score, and the same
//! pass with heads switched off, to measure what each head is for.
//!
//! The buffers are allocated once in a [`Look`]; reading a text again
//! allocates nothing. Heads are switched off only here, in measurement
//! passes: training ([`super::Run::step`]) always reads with every head.

use serde::Serialize;

use super::BrainError;
use super::gpt::{Gpt, GptActivations, HeadsOff, Stage};
use super::vocab::Vocab;

/// A text read by the tiny GPT: `BOS + letters` as input, `letters + BOS` as
/// the targets the score is taken on.
#[derive(Clone, Debug)]
pub struct Look {
    /// `BOS + letters + BOS`.
    pub tokens: Vec<usize>,
    pub act: GptActivations,
    /// Mean −ln p of each next letter, the last target being BOS.
    pub score: f32,
    /// The heads that were off for this reading.
    pub off: HeadsOff,
}

impl Look {
    pub fn new(gpt: &Gpt) -> Self {
        Self {
            tokens: Vec::with_capacity(gpt.config.block_size + 1),
            act: gpt.new_activations(),
            score: 0.0,
            off: HeadsOff::NONE,
        }
    }

    /// Positions read: BOS and each letter.
    pub fn positions(&self) -> usize {
        self.act.len()
    }

    /// Reads `text` with weights `p`, heads `off` switched off. A letter
    /// outside the vocabulary, or a text longer than `block_size − 1`
    /// letters, is an error and leaves the last reading in place.
    pub fn read(
        &mut self,
        gpt: &Gpt,
        p: &[f32],
        vocab: &Vocab,
        text: &str,
        off: HeadsOff,
    ) -> Result<f32, BrainError> {
        check_text(gpt, vocab, text)?;
        vocab.encode_document(text, &mut self.tokens).expect("letters checked above");
        self.score = gpt.loss_measuring(p, &mut self.act, &self.tokens, &off);
        self.off = off;
        Ok(self.score)
    }

    /// The reading as plain lists, for the `attention` command's JSON.
    pub fn report(&self) -> AttentionReport {
        let cfg = self.act_config();
        let n = self.positions();
        let attention = (0..cfg.0)
            .map(|l| {
                (0..cfg.1).map(|h| (0..n).map(|t| self.act.attention(l, h, t).to_vec()).collect()).collect()
            })
            .collect();
        let votes = (0..n).map(|t| self.act.stage(Stage::Votes, 0, t).to_vec()).collect();
        AttentionReport { tokens: self.tokens[..n].to_vec(), attention, votes, score: self.score }
    }

    fn act_config(&self) -> (usize, usize) {
        let cfg = self.act.config();
        (cfg.n_layer, cfg.n_head)
    }
}

/// Whether the tiny GPT can read `text` whole: every letter in its
/// vocabulary, and room in its context for BOS, the letters and the
/// prediction of the closing BOS.
pub fn check_text(gpt: &Gpt, vocab: &Vocab, text: &str) -> Result<(), BrainError> {
    if let Some(letter) = text.chars().find(|&c| vocab.id(c).is_none()) {
        return Err(BrainError::LetterOutsideVocab { letter, vocab: vocab.letters() });
    }
    let len = text.chars().count();
    let most = gpt.config.block_size - 1;
    if len > most {
        return Err(BrainError::TextTooLong { len, most, block_size: gpt.config.block_size });
    }
    Ok(())
}

/// What `raw-weights attention` prints.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttentionReport {
    /// Ids: BOS, then the text's letters.
    pub tokens: Vec<usize>,
    /// `[layer][head][query][key]`, query `t` listing keys `0..=t`.
    pub attention: Vec<Vec<Vec<Vec<f32>>>>,
    /// `[position][token]`: the logits at each position.
    pub votes: Vec<Vec<f32>>,
    /// The training loss on `BOS + text + BOS`.
    pub score: f32,
}

/// How much each head matters on some texts: the mean score with that head
/// switched off, minus the mean score with every head on. Reads each text
/// once per head plus once whole; `scratch` is reused.
pub fn head_effects(
    gpt: &Gpt,
    p: &[f32],
    vocab: &Vocab,
    texts: &[&str],
    scratch: &mut Look,
) -> Result<HeadEffects, BrainError> {
    let (n_layer, n_head) = (gpt.config.n_layer, gpt.config.n_head);
    let mut mean = |off: HeadsOff| -> Result<f32, BrainError> {
        let mut total = 0.0f32;
        for text in texts {
            total += scratch.read(gpt, p, vocab, text, off)?;
        }
        Ok(total / texts.len().max(1) as f32)
    };
    let whole = mean(HeadsOff::NONE)?;
    let mut rises = Vec::with_capacity(n_layer * n_head);
    for l in 0..n_layer {
        for h in 0..n_head {
            rises.push(mean(HeadsOff::only(l, h, n_head))? - whole);
        }
    }
    Ok(HeadEffects { whole, rises, n_head })
}

/// The result of [`head_effects`].
#[derive(Clone, Debug, PartialEq)]
pub struct HeadEffects {
    /// Mean score with every head on.
    pub whole: f32,
    /// Per head (`layer · n_head + head`): how much the mean score rises with it off.
    pub rises: Vec<f32>,
    pub n_head: usize,
}

impl HeadEffects {
    /// The head whose loss rises most, as `(layer, head)`, and by how much it
    /// leads the runner-up (the whole rise when there is one head).
    pub fn leader(&self) -> ((usize, usize), f32) {
        let mut order: Vec<usize> = (0..self.rises.len()).collect();
        order.sort_by(|&a, &b| self.rises[b].total_cmp(&self.rises[a]).then(a.cmp(&b)));
        let first = order[0];
        let lead = match order.get(1) {
            Some(&second) => self.rises[first] - self.rises[second],
            None => self.rises[first],
        };
        ((first / self.n_head, first % self.n_head), lead)
    }
}
