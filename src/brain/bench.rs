//! How fast the brain trains: steps per second of a run, and where a step's
//! time goes. `raw-weights bench`, the `bench` example (native and
//! wasm32-wasip1) and nothing in the game use it: it reads the wall clock,
//! so it never decides anything a run does.

use std::time::{Duration, Instant};

use super::gpt::GptConfig;
use super::optim::Subnormals;
use super::run::StepPart;
use super::{BrainError, Corpus, Run, RunConfig};

/// A bigger student than the default: what the sandbox's largest sizes cost.
pub const BIG: GptConfig = GptConfig { n_layer: 4, n_head: 4, n_embd: 64, block_size: 32 };

/// A timed stretch of training.
#[derive(Clone, Debug)]
pub struct TrainingBench {
    pub config: RunConfig,
    pub weights: usize,
    /// How the climber treated subnormal numbers (the bits are the same either way).
    pub subnormals: Subnormals,
    pub steps: usize,
    /// Positions scored over the timed steps (BOS and letters, capped by block_size).
    pub positions: usize,
    /// Wall time of the timed steps, all of it.
    pub total: Duration,
    /// Of which: scoring the document (the forward pass),
    pub forward: Duration,
    /// its gradient (the backward pass),
    pub backward: Duration,
    /// and the climber's update.
    pub update: Duration,
    pub checksum: String,
}

impl TrainingBench {
    /// Trains `warmup` untimed steps, then times `steps` more, each step's
    /// forward pass, backward pass and update apart. The run is the same run
    /// `raw-weights train` makes, with subnormals treated as this processor
    /// does it fastest.
    pub fn run(config: RunConfig, corpus: &Corpus, warmup: usize, steps: usize) -> Result<Self, BrainError> {
        Self::run_with(config, corpus, warmup, steps, Subnormals::of_this_processor())
    }

    /// [`TrainingBench::run`] with subnormals treated the given way.
    pub fn run_with(
        config: RunConfig,
        corpus: &Corpus,
        warmup: usize,
        steps: usize,
        subnormals: Subnormals,
    ) -> Result<Self, BrainError> {
        let config = RunConfig { steps: warmup + steps, ..config };
        let mut run = Run::new(config, corpus)?;
        run.optimizer.subnormals = subnormals;
        run.train(warmup)?;
        let positions =
            (warmup..warmup + steps).map(|k| run.brain.positions(run.document_tokens(k).len())).sum();
        let (mut forward, mut backward, mut update) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
        let started = Instant::now();
        for _ in 0..steps {
            let mut last = Instant::now();
            run.step_marked(|part| {
                let now = Instant::now();
                *match part {
                    StepPart::Forward => &mut forward,
                    StepPart::Backward => &mut backward,
                    StepPart::Update => &mut update,
                } += now - last;
                last = now;
            })?;
        }
        let total = started.elapsed();
        Ok(Self {
            config,
            weights: run.params.len(),
            subnormals,
            steps,
            positions,
            total,
            forward,
            backward,
            update,
            checksum: run.checksum_hex(),
        })
    }

    pub fn steps_per_second(&self) -> f64 {
        self.steps as f64 / self.total.as_secs_f64()
    }

    /// `training N steps/s` and the breakdown, as `raw-weights bench` prints them.
    pub fn report(&self) -> String {
        let per_step = |d: Duration| d.as_secs_f64() * 1e6 / self.steps as f64;
        let other = self.total.saturating_sub(self.forward + self.backward + self.update);
        let g = &self.config.gpt;
        [
            format!(
                "model             n_layer {}, n_head {}, n_embd {}, block_size {}; {} weights, {}",
                g.n_layer,
                g.n_head,
                g.n_embd,
                g.block_size,
                self.weights,
                self.config.optimizer.kind.name()
            ),
            format!("steps timed       {}", self.steps),
            format!(
                "training          {:>10.0} steps/s   {:>10.0} tokens/s",
                self.steps_per_second(),
                self.positions as f64 / self.total.as_secs_f64()
            ),
            format!(
                "time per step     {:>10.2} µs  ({:.1} positions on average) =",
                per_step(self.total),
                self.positions as f64 / self.steps as f64
            ),
            format!("  forward         {:>10.2} µs", per_step(self.forward)),
            format!("  backward        {:>10.2} µs", per_step(self.backward)),
            format!("  update          {:>10.2} µs", per_step(self.update)),
            format!("  the rest        {:>10.2} µs  (the loop, the clock, the loss kept)", per_step(other)),
            format!(
                "subnormals        {}",
                match self.subnormals {
                    Subnormals::Avoided =>
                        "kept out of the arithmetic (the way for a processor slow with them)",
                    Subnormals::Computed =>
                        "computed like other numbers (the way for a processor as fast with them)",
                }
            ),
            format!("checksum          {}", self.checksum),
        ]
        .join("\n")
    }
}
