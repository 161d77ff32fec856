//! The student's brain: either model, behind one interface.

use serde::{Deserialize, Serialize};

use super::bigram::{Bigram, BigramWorkspace};
use super::gpt::{Gpt, GptActivations, GptConfig};
use super::params::Params;
use super::rng::{Rand, Stream};
use super::vocab::TokenId;

/// Which model the student thinks with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// The future-blind reader: votes depend on the current letter only.
    Bigram,
    /// The tiny transformer: votes depend on every letter so far.
    #[default]
    Gpt,
}

impl ModelKind {
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Bigram => "bigram",
            ModelKind::Gpt => "gpt",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "bigram" => Some(ModelKind::Bigram),
            "gpt" => Some(ModelKind::Gpt),
            _ => None,
        }
    }
}

/// Standard deviation of the GPT's initial weights.
pub const INIT_STD: f32 = 0.08;

/// A model's architecture (the weights are a separate [`Params`]).
#[derive(Clone, Debug)]
pub enum Brain {
    Bigram(Bigram),
    Gpt(Gpt),
}

/// Scratch and activations for one model.
#[derive(Clone, Debug)]
pub enum Workspace {
    Bigram(BigramWorkspace),
    Gpt(Box<GptActivations>),
}

impl Brain {
    /// `gpt` must have passed [`GptConfig::validate`]; it is ignored by the bigram.
    pub fn new(kind: ModelKind, gpt: GptConfig, vocab_size: usize) -> Self {
        match kind {
            ModelKind::Bigram => Brain::Bigram(Bigram { vocab_size }),
            ModelKind::Gpt => Brain::Gpt(Gpt::new(gpt, vocab_size)),
        }
    }

    pub fn kind(&self) -> ModelKind {
        match self {
            Brain::Bigram(_) => ModelKind::Bigram,
            Brain::Gpt(_) => ModelKind::Gpt,
        }
    }

    pub fn vocab_size(&self) -> usize {
        match self {
            Brain::Bigram(b) => b.vocab_size,
            Brain::Gpt(g) => g.vocab_size,
        }
    }

    /// How many letters the model can hold in view; `None` for the bigram,
    /// which looks only at the current letter and can read forever.
    pub fn context_len(&self) -> Option<usize> {
        match self {
            Brain::Bigram(_) => None,
            Brain::Gpt(g) => Some(g.config.block_size),
        }
    }

    pub fn shapes(&self) -> Vec<(String, usize, usize)> {
        match self {
            Brain::Bigram(b) => b.shapes(),
            Brain::Gpt(g) => g.shapes(),
        }
    }

    /// Fresh weights: the GPT's drawn from N(0, 0.08²) on the seed's init
    /// stream; the bigram's all zero (every letter gets the same votes).
    pub fn init_params(&self, seed: u64) -> Params {
        let mut params = Params::zeros(&self.shapes());
        if let Brain::Gpt(_) = self {
            params.init_normal(&mut Rand::new(seed, Stream::Init), INIT_STD);
        }
        params
    }

    pub fn new_workspace(&self) -> Workspace {
        match self {
            Brain::Bigram(b) => Workspace::Bigram(b.new_workspace()),
            Brain::Gpt(g) => Workspace::Gpt(Box::new(g.new_activations())),
        }
    }

    /// Positions scored for a document of `n_tokens` tokens.
    pub fn positions(&self, n_tokens: usize) -> usize {
        match self {
            Brain::Bigram(b) => b.positions(n_tokens),
            Brain::Gpt(g) => g.positions(n_tokens),
        }
    }

    /// Mean teacher's score over a document (`BOS + letters + BOS`).
    pub fn loss(&self, p: &[f32], ws: &mut Workspace, tokens: &[impl TokenId]) -> f32 {
        match (self, ws) {
            (Brain::Bigram(b), Workspace::Bigram(w)) => b.loss(p, w, tokens),
            (Brain::Gpt(g), Workspace::Gpt(a)) => g.loss(p, a, tokens),
            _ => panic!("workspace made for another model"),
        }
    }

    /// Mean score and its gradient (written into `grad`).
    pub fn loss_and_grad(
        &self,
        p: &[f32],
        grad: &mut [f32],
        ws: &mut Workspace,
        tokens: &[impl TokenId],
    ) -> f32 {
        self.loss_and_grad_marked(p, grad, ws, tokens, || {})
    }

    /// [`Brain::loss_and_grad`], calling `after_forward` once the forward pass
    /// is done (the bigram scores and differentiates together: at its end).
    pub fn loss_and_grad_marked(
        &self,
        p: &[f32],
        grad: &mut [f32],
        ws: &mut Workspace,
        tokens: &[impl TokenId],
        after_forward: impl FnOnce(),
    ) -> f32 {
        match (self, ws) {
            (Brain::Bigram(b), Workspace::Bigram(w)) => {
                let loss = b.loss_and_grad(p, grad, w, tokens);
                after_forward();
                loss
            }
            (Brain::Gpt(g), Workspace::Gpt(a)) => g.loss_and_grad_marked(p, grad, a, tokens, after_forward),
            _ => panic!("workspace made for another model"),
        }
    }

    /// Start reading a new text.
    pub fn reset(&self, ws: &mut Workspace) {
        match ws {
            Workspace::Bigram(w) => w.current = None,
            Workspace::Gpt(a) => a.reset(),
        }
    }

    /// True when the model cannot read another letter (its context is full).
    pub fn is_full(&self, ws: &Workspace) -> bool {
        match ws {
            Workspace::Bigram(_) => false,
            Workspace::Gpt(a) => a.is_full(),
        }
    }

    /// Reads one letter; returns the votes for the next letter.
    pub fn read<'a>(&self, p: &'a [f32], ws: &'a mut Workspace, token: usize) -> &'a [f32] {
        match (self, ws) {
            (Brain::Bigram(b), Workspace::Bigram(w)) => b.read(p, w, token),
            (Brain::Gpt(g), Workspace::Gpt(a)) => g.read(p, a, token),
            _ => panic!("workspace made for another model"),
        }
    }
}
