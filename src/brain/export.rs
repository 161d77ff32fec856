//! A run written as one JSON object, so any framework can reproduce it:
//! the settings, the vocabulary, the documents in training order, the initial
//! weights, the loss of every step and the final weights.

use serde::{Deserialize, Serialize};

use super::BrainError;
use super::gpt::GptConfig;
use super::model::{Brain, ModelKind};
use super::optim::{OptimizerConfig, OptimizerKind, Schedule};
use super::params::{NamedTensors, Params};
use super::run::{Run, RunConfig};
use super::vocab::Vocab;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportConfig {
    pub n_layer: usize,
    pub n_head: usize,
    pub n_embd: usize,
    pub block_size: usize,
    pub lr: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub steps: usize,
    pub weight_decay: f32,
    pub bias_correction: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunExport {
    pub model: ModelKind,
    pub optimizer: OptimizerKind,
    pub schedule: Schedule,
    pub seed: u64,
    pub config: ExportConfig,
    /// The letters in id order; BOS is id `vocab.len()`.
    pub vocab: String,
    /// Step `k` trained on `docs[k % docs.len()]`.
    pub docs: Vec<String>,
    pub init: NamedTensors,
    pub losses: Vec<f32>,
    #[serde(rename = "final")]
    pub final_params: NamedTensors,
    /// FNV-1a of the final weights' bits, as printed by `train`.
    pub checksum: String,
}

impl RunExport {
    pub fn from_run(run: &Run) -> Self {
        let c = run.config;
        let mut init = run.params.clone();
        init.data.copy_from_slice(&run.init);
        Self {
            model: c.model,
            optimizer: c.optimizer.kind,
            schedule: c.optimizer.schedule,
            seed: c.seed,
            config: ExportConfig {
                n_layer: c.gpt.n_layer,
                n_head: c.gpt.n_head,
                n_embd: c.gpt.n_embd,
                block_size: c.gpt.block_size,
                lr: c.optimizer.lr,
                beta1: c.optimizer.beta1,
                beta2: c.optimizer.beta2,
                eps: c.optimizer.eps,
                steps: c.steps,
                weight_decay: c.optimizer.weight_decay,
                bias_correction: c.optimizer.bias_correction,
            },
            vocab: run.vocab.letters(),
            docs: run.documents().map(String::from).collect(),
            init: init.to_named(),
            losses: run.losses.clone(),
            final_params: run.params.to_named(),
            checksum: run.checksum_hex(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a run export is plain data")
    }

    pub fn from_json(text: &str, origin: &str) -> Result<Self, BrainError> {
        serde_json::from_str(text)
            .map_err(|e| BrainError::BadExport { origin: origin.to_string(), reason: e.to_string() })
    }

    pub fn run_config(&self) -> RunConfig {
        let c = &self.config;
        RunConfig {
            model: self.model,
            gpt: GptConfig {
                n_layer: c.n_layer,
                n_head: c.n_head,
                n_embd: c.n_embd,
                block_size: c.block_size,
            },
            optimizer: OptimizerConfig {
                kind: self.optimizer,
                lr: c.lr,
                beta1: c.beta1,
                beta2: c.beta2,
                eps: c.eps,
                weight_decay: c.weight_decay,
                schedule: self.schedule,
                bias_correction: c.bias_correction,
            },
            steps: c.steps,
            seed: self.seed,
            // An export lists its documents in training order: a run of lines.
            data: super::Data::Lines,
        }
    }

    /// The trained student, ready to write: its vocabulary, architecture and final weights.
    pub fn trained_model(&self, origin: &str) -> Result<(Vocab, Brain, Params), BrainError> {
        let bad = |reason: String| BrainError::BadExport { origin: origin.to_string(), reason };
        let config = self.run_config();
        config.validate().map_err(|e| bad(e.to_string()))?;
        let vocab = Vocab::from_id_order(&self.vocab).map_err(bad)?;
        let brain = Brain::new(config.model, config.gpt, vocab.size());
        let mut params = Params::zeros(&brain.shapes());
        params.load_named(&self.final_params).map_err(|e| bad(format!("final: {e}")))?;
        Ok((vocab, brain, params))
    }
}
