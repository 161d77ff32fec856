//! The race of climbers: ghost runs with other optimizers start from the
//! same weights, read the documents in the same order and take the same
//! number of steps as the student, so their paths and scores compare fairly.

use crate::brain::{BrainError, Corpus, OptimizerConfig, OptimizerKind, Run, RunConfig};

/// A rival climber.
#[derive(Clone, Debug)]
pub struct Ghost {
    pub kind: OptimizerKind,
    pub run: Run,
    /// The step at which its training diverged; it stops there.
    pub fell_at: Option<usize>,
}

/// The ghosts of a climbing level.
#[derive(Clone, Debug, Default)]
pub struct Race {
    pub ghosts: Vec<Ghost>,
}

/// The climbers a race draws its ghosts from, in the order the panels list them.
const CLIMBERS: [OptimizerKind; 4] =
    [OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::RmsProp, OptimizerKind::Adam];

/// The three ghosts that race a student climbing with `kind`: the classic climbers
/// other than its own (a student with AdamW races plain Adam instead of Momentum).
pub fn rivals(kind: OptimizerKind) -> Vec<OptimizerKind> {
    CLIMBERS
        .into_iter()
        .filter(|&k| k != kind && !(kind == OptimizerKind::AdamW && k == OptimizerKind::Momentum))
        .collect()
}

impl Race {
    /// One ghost per kind, each the student's run with only the optimizer changed.
    pub fn new(config: RunConfig, corpus: &Corpus, kinds: &[OptimizerKind]) -> Result<Self, BrainError> {
        let ghosts = kinds
            .iter()
            .map(|&kind| {
                let mut c = config;
                c.optimizer.kind = kind;
                Ok(Ghost { kind, run: Run::new(c, corpus)?, fell_at: None })
            })
            .collect::<Result<_, BrainError>>()?;
        Ok(Self { ghosts })
    }

    /// The student now climbs with `now`: the race becomes [`rivals`]`(now)`. Ghosts
    /// of a method still wanted keep their run; a method that joins starts from the
    /// same start (`config`, the student's first settings) with the settings the
    /// student has now, and catches up at once to `steps` (one burst of training, at
    /// the change of climber only).
    pub fn follow_student(
        &mut self,
        now: OptimizerKind,
        config: RunConfig,
        settings: &OptimizerConfig,
        corpus: &Corpus,
        steps: usize,
    ) -> Result<(), BrainError> {
        let wanted = rivals(now);
        if self.ghosts.iter().map(|g| g.kind).eq(wanted.iter().copied()) {
            return Ok(());
        }
        let mut old = std::mem::take(&mut self.ghosts);
        for kind in wanted {
            let ghost = match old.iter().position(|g| g.kind == kind) {
                Some(i) => old.swap_remove(i),
                None => {
                    let mut c = config;
                    c.optimizer = OptimizerConfig { kind, ..*settings };
                    Ghost { kind, run: Run::new(c, corpus)?, fell_at: None }
                }
            };
            self.ghosts.push(ghost);
        }
        self.catch_up(steps);
        Ok(())
    }

    /// Brings every standing ghost to `steps` training steps.
    pub fn catch_up(&mut self, steps: usize) {
        for ghost in &mut self.ghosts {
            while ghost.fell_at.is_none() && ghost.run.step_count() < steps && !ghost.run.is_finished() {
                if let Err(BrainError::Diverged { step, .. }) = ghost.run.step() {
                    ghost.fell_at = Some(step);
                }
            }
        }
    }

    /// Gives the ghosts the student's settings (learning rate, β1, β2, ε,
    /// weight decay, schedule), each keeping its own method.
    pub fn share_settings(&mut self, settings: &OptimizerConfig) {
        for ghost in &mut self.ghosts {
            ghost.run.optimizer.config = OptimizerConfig { kind: ghost.kind, ..*settings };
        }
    }
}

/// A few weights whose climb the panel follows: the first weight of the
/// token embedding, an attention matrix, the MLP and the output layer (or of
/// the bigram table's first rows). Returns `(label, index into the weights)`.
pub fn watched_weights(run: &Run) -> Vec<(String, usize)> {
    let wanted = ["wte", "layer0.attn_wq", "layer0.mlp_fc1", "lm_head"];
    let mut watched: Vec<(String, usize)> = wanted
        .iter()
        .filter_map(|name| run.params.find(name))
        .map(|t| (format!("{}[0,0]", t.name), t.offset))
        .collect();
    if watched.is_empty() {
        let v = run.vocab.size();
        watched = (0..4.min(v)).map(|r| (format!("votes[{},{}]", run.vocab.label(r), 0), r * v)).collect();
    }
    watched
}
