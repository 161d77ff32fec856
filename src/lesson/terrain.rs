//! The survey of the ground under the student (no Bevy): the landscape's
//! slices, cut a few cells at a time at a pace set in game time, and the true
//! heights and trails of the student and the ghost climbers. The game shows
//! it (`game::terrain`); `raw-weights bench --game` and the `bench` example
//! time it.
//!
//! The pace is work, not wall-clock time: [`SLICES_PER_SECOND`] full
//! re-slices per second of game time, so every machine sees the same ground
//! at the same moment of a lesson, and a slow machine's frame costs what a
//! fast machine's does in cells.

use crate::brain::OptimizerKind;
use crate::brain::math::uniform_score;
use crate::landscape::{Landscape, Trail, evaluation_documents};

use super::Activity;
use super::play::Play;

/// Grid points per side of a slice. With 33 the grid step is 0.05·L, so the
/// start (a = 0) and the student (a = L, b = 0) fall exactly on grid points:
/// the ground under the student is its true score when the slice is cut.
pub const RESOLUTION: usize = 33;
/// Cells in a slice.
pub const CELLS: usize = RESOLUTION * RESOLUTION;
/// Documents the height is measured on: up to 8, holding up to 64 scored positions.
pub const EVAL_DOCS: usize = 8;
pub const EVAL_POSITIONS: usize = 64;
/// Trail points kept (older ones are thinned out).
const TRAIL_POINTS: usize = 160;
/// Full re-slices per second of game time: the ground follows the student
/// twice a second.
pub const SLICES_PER_SECOND: f32 = 2.0;
/// How often a climber that moved has its height measured, a game second:
/// often enough that its marker glides, a third of the frames at 60 a second.
pub const HEIGHTS_PER_SECOND: f32 = 20.0;
/// The most cells one frame cuts: four sixtieths of a second's worth. Frames
/// slower than 15 a second slice less often rather than take ever longer.
pub const MAX_CELLS_PER_FRAME: usize = (CELLS as f32 * SLICES_PER_SECOND * 4.0 / 60.0) as usize + 1;

/// Where a ghost climber stands: its true height and its path.
#[derive(Debug)]
pub struct GhostMark {
    /// The ghost's climber.
    pub kind: OptimizerKind,
    pub step: usize,
    pub loss: f32,
    pub trail: Trail,
}

/// How fast the ground is cut.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SlicePace {
    /// Full re-slices per second of game time (at least one cell a frame).
    PerSecond(f32),
    /// Each slice finished the frame it starts (tests).
    AtOnce,
}

impl Default for SlicePace {
    fn default() -> Self {
        SlicePace::PerSecond(SLICES_PER_SECOND)
    }
}

/// The work one frame did on the ground.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroundWork {
    /// Slice cells evaluated (each: the score of one set of weights on the evaluation documents).
    pub cells: usize,
    /// Heights measured for climbers that moved (the student, the ghosts).
    pub heights: usize,
    /// Slices finished.
    pub slices: usize,
}

/// The landscape of a run, the student's height and trail, and the ghosts'.
#[derive(Debug)]
pub struct Survey {
    pub landscape: Landscape,
    pub trail: Trail,
    pub run_id: u64,
    /// The student's true height: the evaluation loss of its current weights.
    pub student_loss: f32,
    /// The step `student_loss` was measured at.
    pub student_step: usize,
    /// `ln V`, the score of knowing nothing.
    pub uniform: f32,
    /// The ghost climbers' heights and trails (climbing lesson).
    pub ghosts: Vec<GhostMark>,
    /// Cells owed by the game time gone by, not yet cut.
    owed: f32,
    /// Game seconds since the heights were last measured.
    since_heights: f32,
}

impl Survey {
    pub fn new(play: &Play) -> Self {
        let run = &play.run;
        let mut landscape = Landscape::new(
            &run.brain,
            run.params.len(),
            evaluation_documents(run, EVAL_DOCS, EVAL_POSITIONS),
            RESOLUTION,
            run.config.seed,
        );
        let student_loss = landscape.loss(&run.brain, &run.params.data);
        let mut trail = Trail::new(TRAIL_POINTS, 1);
        trail.offer(run.step_count(), &run.params.data, || student_loss);
        Self {
            landscape,
            trail,
            run_id: play.run_id,
            student_loss,
            student_step: run.step_count(),
            uniform: uniform_score(run.vocab.size()),
            ghosts: Vec::new(),
            owed: 0.0,
            since_heights: 0.0,
        }
    }

    /// Follows the play through `seconds` of game time: measures the
    /// student's (and each ghost's) height when it moved, records the
    /// trails, and cuts the cells the pace owes of the slice through start
    /// and now, starting a new one whenever the last one is done.
    pub fn follow(&mut self, play: &Play, seconds: f32, pace: SlicePace) -> GroundWork {
        let mut work = GroundWork::default();
        let run = &play.run;
        let step = run.step_count();
        // Heights HEIGHTS_PER_SECOND times a game second (every frame when cutting at once).
        self.since_heights += seconds.max(0.0);
        let measure = pace == SlicePace::AtOnce || self.since_heights >= 1.0 / HEIGHTS_PER_SECOND;
        if measure {
            self.since_heights = 0.0;
        }
        if measure && self.student_step != step {
            self.student_step = step;
            self.student_loss = self.landscape.loss(&run.brain, &run.params.data);
            work.heights += 1;
            let loss = self.student_loss;
            self.trail.offer(step, &run.params.data, || loss);
        }
        if let Activity::Climbing(race) = &play.activity {
            // A mark per racing ghost, found by its climber: a ghost that leaves the race
            // takes its path with it, one that joins starts a new one.
            self.ghosts.retain(|m| race.ghosts.iter().any(|g| g.kind == m.kind));
            for ghost in &race.ghosts {
                let at = match self.ghosts.iter().position(|m| m.kind == ghost.kind) {
                    Some(at) => at,
                    None => {
                        let trail = Trail::new(TRAIL_POINTS, 1);
                        self.ghosts.push(GhostMark { kind: ghost.kind, step: usize::MAX, loss: 0.0, trail });
                        self.ghosts.len() - 1
                    }
                };
                let mark = &mut self.ghosts[at];
                let step = ghost.run.step_count();
                // A new mark is measured at once, so it stands where its ghost is.
                if mark.step != step && (measure || mark.step == usize::MAX) {
                    mark.step = step;
                    mark.loss = self.landscape.loss(&run.brain, &ghost.run.params.data);
                    work.heights += 1;
                    let loss = mark.loss;
                    mark.trail.offer(step, &ghost.run.params.data, || loss);
                }
            }
        }
        let mut cells = match pace {
            SlicePace::AtOnce => usize::MAX,
            SlicePace::PerSecond(rate) => {
                self.owed =
                    (self.owed + rate * CELLS as f32 * seconds.max(0.0)).min(MAX_CELLS_PER_FRAME as f32);
                let due = (self.owed as usize).max(1);
                self.owed = (self.owed - due as f32).max(0.0);
                due
            }
        };
        while cells > 0 {
            let sliced_at = self.landscape.current.as_ref().map(|s| s.plane.step);
            if !self.landscape.is_cutting() {
                if sliced_at == Some(step) {
                    break;
                }
                self.landscape.begin(&run.init, &run.params.data, step);
            }
            // Asked after each cell: the cells left of this frame's share.
            let mut left = cells;
            let finished = self.landscape.advance(&run.brain, || {
                left -= 1;
                left == 0
            });
            work.cells += cells - left;
            work.slices += finished as usize;
            cells = left;
        }
        work
    }
}
