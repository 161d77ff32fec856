//! A lesson's frames without the game: the steps its pace owes each 1/60 s
//! (the student's, which bring the ghosts along) and the ground's survey at
//! its pace, timed. The `bench` example runs it natively and in WebAssembly
//! under Node; `raw-weights bench --game` times the same work inside the game.
//! It reads the wall clock, so nothing in the game uses it.

use std::time::{Duration, Instant};

use crate::brain::BrainError;
use crate::level::Level;

use super::play::Play;
use super::terrain::{SlicePace, Survey};

/// Frames a second.
const FPS: u32 = 60;

/// What a stretch of a lesson's frames did and cost.
#[derive(Clone, Debug)]
pub struct FramesBench {
    pub level: String,
    pub frames: usize,
    pub steps: usize,
    pub ghost_steps: usize,
    pub cells: usize,
    pub heights: usize,
    pub slices: usize,
    /// CPU time of each frame: training, then the ground.
    pub training: Vec<Duration>,
    pub ground: Vec<Duration>,
}

impl FramesBench {
    /// Plays `frames` frames of `level` at 60 a second: each owes
    /// `speed / 60` steps (in whole steps, the rest carried, as the game's
    /// pace does) and its 1/60 s of the ground's pace.
    pub fn run(level: &Level, frames: usize) -> Result<Self, BrainError> {
        let mut play = Play::new(level, 0)?;
        let mut survey = Survey::new(&play);
        let mut bench = Self {
            level: level.id().to_string(),
            frames,
            steps: 0,
            ghost_steps: 0,
            cells: 0,
            heights: 0,
            slices: 0,
            training: Vec::with_capacity(frames),
            ground: Vec::with_capacity(frames),
        };
        let mut remainder = 0;
        for _ in 0..frames {
            let started = Instant::now();
            remainder += play.speed;
            let due = remainder / FPS;
            remainder %= FPS;
            let (before, ghosts_before) = (play.run.step_count(), play.ghost_steps());
            for _ in 0..due {
                if play.run.is_finished() {
                    break;
                }
                play.step()?;
            }
            bench.steps += play.run.step_count() - before;
            bench.ghost_steps += play.ghost_steps() - ghosts_before;
            let trained = Instant::now();
            let work = survey.follow(&play, 1.0 / FPS as f32, SlicePace::default());
            bench.ground.push(trained.elapsed());
            bench.training.push(trained - started);
            bench.cells += work.cells;
            bench.heights += work.heights;
            bench.slices += work.slices;
        }
        Ok(bench)
    }

    /// The work per game second and the CPU milliseconds per 1/60 s.
    pub fn report(&self) -> String {
        let seconds = self.frames as f64 / FPS as f64;
        let ms = |d: &Duration| d.as_secs_f64() * 1e3;
        let mean = |v: &[Duration]| v.iter().map(ms).sum::<f64>() / v.len().max(1) as f64;
        let mut both: Vec<f64> = self.training.iter().zip(&self.ground).map(|(t, g)| ms(t) + ms(g)).collect();
        both.sort_by(f64::total_cmp);
        let p95 = both.get((both.len() * 95 / 100).min(both.len().saturating_sub(1))).copied().unwrap_or(0.0);
        [
            format!("frames            {} ({:.0} game seconds at 60 a second), level {}", self.frames, seconds, self.level),
            format!(
                "per game second   {:.0} student steps, {:.0} ghost steps, {:.0} landscape cells, {:.0} heights, {:.2} full re-slices",
                self.steps as f64 / seconds,
                self.ghost_steps as f64 / seconds,
                self.cells as f64 / seconds,
                self.heights as f64 / seconds,
                self.slices as f64 / seconds
            ),
            format!(
                "per 1/60 s        {:.3} ms CPU (training {:.3} ms, ground {:.3} ms), p95 {:.3} ms",
                mean(&self.training) + mean(&self.ground),
                mean(&self.training),
                mean(&self.ground),
                p95
            ),
        ]
        .join("\n")
    }
}
