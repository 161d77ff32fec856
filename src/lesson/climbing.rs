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
    /// The race for a student climbing with `settings`: the ghosts of [`rivals`], each
    /// with the student's settings and its own method. Ghosts already racing keep
    /// their runs; a method that joins starts from `start` (the level's first
    /// weights and document order). Every ghost is then brought to `steps`: a ghost
    /// that joins mid-run trains its way there at once, a burst that happens only
    /// when the student changes climber. On an error the race is left as it was.
    pub fn follow(
        &mut self,
        settings: &OptimizerConfig,
        start: RunConfig,
        corpus: &Corpus,
        steps: usize,
    ) -> Result<(), BrainError> {
        let wanted = rivals(settings.kind);
        let climber = |kind| OptimizerConfig { kind, ..*settings };
        let mut joining = Vec::new();
        for &kind in wanted.iter().filter(|&&k| !self.ghosts.iter().any(|g| g.kind == k)) {
            let run = Run::new(RunConfig { optimizer: climber(kind), ..start }, corpus)?;
            joining.push(Ghost { kind, run, fell_at: None });
        }
        let mut pool = std::mem::take(&mut self.ghosts);
        pool.extend(joining);
        for kind in wanted {
            if let Some(i) = pool.iter().position(|g| g.kind == kind) {
                let mut ghost = pool.swap_remove(i);
                ghost.run.optimizer.config = climber(kind);
                self.ghosts.push(ghost);
            }
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
