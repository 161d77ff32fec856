//! A training run: a corpus, a model, a climber, and the step counter that
//! drives them. Progress is counted in steps, never in time.

use serde::{Deserialize, Serialize};

use super::BrainError;
use super::gpt::GptConfig;
use super::model::{Brain, ModelKind, Workspace};
use super::optim::{Optimizer, OptimizerConfig};
use super::params::{Params, checksum_hex};
use super::rng::{Rand, Stream};
use super::vocab::{Corpus, Token, Vocab};

/// The longest run accepted.
pub const MAX_STEPS: usize = 100_000_000;

/// Everything that determines a run, bit for bit (with the corpus).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunConfig {
    pub model: ModelKind,
    pub gpt: GptConfig,
    pub optimizer: OptimizerConfig,
    /// Planned steps (the linear schedule reaches zero here).
    pub steps: usize,
    pub seed: u64,
    /// How the text is read: a line a step, or a window of the whole text.
    #[serde(skip_serializing_if = "Data::is_lines")]
    pub data: Data,
}

/// How a run reads its text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Data {
    /// Each step one document (a line): `BOS + letters + BOS`, in shuffled order.
    #[default]
    Lines,
    /// Each step a window of `block_size + 1` tokens from anywhere in the
    /// whole text (lines joined by BOS, which stands for the line's end), as
    /// nanoGPT reads Shakespeare. Where a window starts is drawn from the
    /// run's seed and the step number alone.
    Stream,
}

impl Data {
    pub fn is_lines(&self) -> bool {
        *self == Data::Lines
    }
}

impl Default for RunConfig {
    fn default() -> Self {
        Self {
            model: ModelKind::Gpt,
            gpt: GptConfig::default(),
            optimizer: OptimizerConfig::default(),
            steps: 1000,
            seed: 42,
            data: Data::Lines,
        }
    }
}

impl RunConfig {
    pub fn validate(&self) -> Result<(), BrainError> {
        if self.steps == 0 || self.steps > MAX_STEPS {
            return Err(BrainError::InvalidSetting {
                name: "steps",
                value: self.steps.to_string(),
                expected: "from 1 to 100 million",
            });
        }
        if self.model == ModelKind::Gpt {
            self.gpt.validate()?;
        }
        self.optimizer.validate()
    }
}

/// The parts of a training step, in order (see [`Run::step_marked`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepPart {
    Forward,
    Backward,
    Update,
}

/// A model in training.
#[derive(Clone, Debug)]
pub struct Run {
    pub config: RunConfig,
    pub vocab: Vocab,
    /// The documents, shared with the level and every copy of the run.
    pub corpus: Corpus,
    /// Training order: step `k` uses document `order[k % n]` of the corpus
    /// (the corpus' order shuffled by the run's seed; shared by copies).
    order: std::sync::Arc<[u32]>,
    pub brain: Brain,
    pub params: Params,
    /// The weights before the first step.
    pub init: Vec<f32>,
    /// The gradient of the latest step.
    pub grad: Vec<f32>,
    pub optimizer: Optimizer,
    /// The loss of every step taken, in order.
    pub losses: Vec<f32>,
    ws: Workspace,
}

impl Run {
    pub fn new(config: RunConfig, corpus: &Corpus) -> Result<Self, BrainError> {
        config.validate()?;
        // The documents' indices shuffled, with the same draws a shuffle of
        // the documents themselves takes.
        let mut order: Vec<u32> = (0..corpus.len() as u32).collect();
        Rand::new(config.seed, Stream::DataOrder).shuffle(&mut order);
        let brain = Brain::new(config.model, config.gpt, corpus.vocab().size());
        let params = brain.init_params(config.seed);
        Ok(Self::assemble(config, corpus.clone(), order.into(), brain, params))
    }

    /// A run from known parts: the corpus and its training order.
    pub fn assemble(
        config: RunConfig,
        corpus: Corpus,
        order: std::sync::Arc<[u32]>,
        brain: Brain,
        params: Params,
    ) -> Self {
        let n = params.len();
        Self {
            optimizer: Optimizer::new(config.optimizer, n, config.steps),
            init: params.data.clone(),
            grad: vec![0.0; n],
            ws: brain.new_workspace(),
            losses: Vec::new(),
            config,
            vocab: corpus.vocab(),
            corpus,
            order,
            brain,
            params,
        }
    }

    /// Steps taken so far.
    pub fn step_count(&self) -> usize {
        self.losses.len()
    }

    /// True once the planned steps are done.
    pub fn is_finished(&self) -> bool {
        self.step_count() >= self.config.steps
    }

    /// Tokens trained at step `k`: its document's `BOS + letters + BOS`
    /// (or, reading a stream, its window).
    pub fn document_tokens(&self, k: usize) -> &[Token] {
        tokens_at(&self.corpus, &self.order, &self.config, k)
    }

    /// The document trained at step `k` (reading a stream: the line its window starts in).
    pub fn document(&self, k: usize) -> &str {
        match self.config.data {
            Data::Lines => self.corpus.doc(self.order[k % self.order.len()] as usize),
            Data::Stream => self.corpus.doc(self.corpus.line_at(window_start(&self.corpus, &self.config, k))),
        }
    }

    /// How many documents the run cycles through.
    pub fn document_count(&self) -> usize {
        self.order.len()
    }

    /// The documents in training order.
    pub fn documents(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.order.iter().map(|&i| self.corpus.doc(i as usize))
    }

    /// One training step: score the next document, take the gradient, climb.
    /// A non-finite loss stops the run: nothing is updated and the error says
    /// at which step (0-based) it happened.
    pub fn step(&mut self) -> Result<f32, BrainError> {
        self.step_marked(|_| {})
    }

    /// [`Run::step`], calling `mark` as each part of it is done: the forward
    /// pass, the backward pass, the climber's update (the bench times them).
    pub fn step_marked(&mut self, mut mark: impl FnMut(StepPart)) -> Result<f32, BrainError> {
        let k = self.step_count();
        let tokens = tokens_at(&self.corpus, &self.order, &self.config, k);
        let loss =
            self.brain.loss_and_grad_marked(&self.params.data, &mut self.grad, &mut self.ws, tokens, || {
                mark(StepPart::Forward)
            });
        mark(StepPart::Backward);
        if !loss.is_finite() {
            return Err(BrainError::Diverged { step: k, loss });
        }
        self.optimizer.update(&mut self.params.data, &self.grad);
        mark(StepPart::Update);
        self.losses.push(loss);
        Ok(loss)
    }

    /// Takes up to `n` steps, stopping early at the planned end.
    pub fn train(&mut self, n: usize) -> Result<(), BrainError> {
        for _ in 0..n {
            if self.is_finished() {
                break;
            }
            self.step()?;
        }
        Ok(())
    }

    /// The mean loss over the last `window` steps.
    pub fn recent_loss(&self, window: usize) -> Option<f32> {
        let start = self.losses.len().saturating_sub(window);
        let recent = &self.losses[start..];
        (!recent.is_empty()).then(|| super::math::mean(recent))
    }

    /// The loss of the current weights on the document of step `k`, without training.
    pub fn loss_on(&mut self, k: usize) -> f32 {
        let tokens = tokens_at(&self.corpus, &self.order, &self.config, k);
        self.brain.loss(&self.params.data, &mut self.ws, tokens)
    }

    pub fn checksum(&self) -> u64 {
        self.params.checksum()
    }

    pub fn checksum_hex(&self) -> String {
        checksum_hex(self.checksum())
    }

    /// True if `text` is one of the training documents word for word (the
    /// student remembered it rather than invented it).
    pub fn is_memorised(&self, text: &str) -> bool {
        self.corpus.contains(text)
    }
}

/// The tokens of step `k` (see [`Data`]).
fn tokens_at<'a>(corpus: &'a Corpus, order: &[u32], config: &RunConfig, k: usize) -> &'a [Token] {
    match config.data {
        Data::Lines => corpus.tokens(order[k % order.len()] as usize),
        Data::Stream => {
            let all = corpus.all_tokens();
            let start = window_start(corpus, config, k);
            &all[start..start + window_len(all.len(), config)]
        }
    }
}

/// Tokens in a stream's window: `block_size + 1` (the whole text if shorter).
fn window_len(tokens: usize, config: &RunConfig) -> usize {
    (config.gpt.block_size + 1).min(tokens)
}

/// Where step `k`'s window starts: SplitMix64 of the seed and the step, so
/// any step's window is known without the ones before it.
fn window_start(corpus: &Corpus, config: &RunConfig, k: usize) -> usize {
    let tokens = corpus.all_tokens().len();
    let starts = (tokens - window_len(tokens, config) + 1) as u64;
    let mut z = config.seed ^ (k as u64).wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % starts) as usize
}
