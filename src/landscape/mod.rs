//! The loss landscape: a 2D slice of the real model's loss. No Bevy.
//!
//! The slice is the plane through the starting weights θ₀ and the current
//! weights θ, spanned by `d1 = (θ − θ₀)/|θ − θ₀|` (start → now) and a fixed
//! random direction `d2` made orthogonal to `d1`. A point `(a, b)` of the
//! plane stands for the weights `θ₀ + a·d1 + b·d2`, and its height is the
//! mean teacher's score of those weights on a fixed set of evaluation
//! documents. Both the start and the student lie exactly on the plane when it
//! is cut. The grid is evaluated a few cells at a time, so cutting a new
//! slice never stalls a frame; the previous slice stays on show meanwhile.

use crate::brain::{Brain, Rand, Stream, Workspace};

/// Smallest half-length of the slice window, in weight-space units, so the
/// first slices (before the student has moved) still show the hill around it.
pub const MIN_SPAN: f32 = 0.5;

/// Where the window reaches, in units of the start→now distance `L`:
/// `a ∈ [−A_BEHIND·L, (1 + A_AHEAD)·L]`, `b ∈ [−B_SIDE·L, B_SIDE·L]`.
const A_BEHIND: f32 = 0.3;
const A_AHEAD: f32 = 0.3;
const B_SIDE: f32 = 0.8;

/// The plane and window of one slice.
#[derive(Clone, Debug, PartialEq)]
pub struct SlicePlane {
    /// The starting weights θ₀, the plane's origin.
    pub origin: Vec<f32>,
    /// Unit direction start → now.
    pub d1: Vec<f32>,
    /// Unit direction across, orthogonal to `d1`.
    pub d2: Vec<f32>,
    /// `L = |θ − θ₀|` when the slice was cut (at least [`MIN_SPAN`]).
    pub span: f32,
    /// The training step at which the slice was cut.
    pub step: usize,
    /// Grid points per side.
    pub resolution: usize,
}

impl SlicePlane {
    pub fn a_range(&self) -> (f32, f32) {
        (-A_BEHIND * self.span, (1.0 + A_AHEAD) * self.span)
    }

    pub fn b_range(&self) -> (f32, f32) {
        (-B_SIDE * self.span, B_SIDE * self.span)
    }

    /// Plane coordinates of grid point `(i, j)` (`i` along `d1`, `j` along `d2`).
    pub fn grid_point(&self, i: usize, j: usize) -> (f32, f32) {
        let n = (self.resolution - 1) as f32;
        let (a0, a1) = self.a_range();
        let (b0, b1) = self.b_range();
        (a0 + (a1 - a0) * i as f32 / n, b0 + (b1 - b0) * j as f32 / n)
    }

    /// The grid point nearest to plane point `(a, b)`, if it lies in the window.
    pub fn nearest_grid_point(&self, a: f32, b: f32) -> Option<(usize, usize)> {
        let n = (self.resolution - 1) as f32;
        let (a0, a1) = self.a_range();
        let (b0, b1) = self.b_range();
        let (u, v) = ((a - a0) / (a1 - a0) * n, (b - b0) / (b1 - b0) * n);
        ((0.0..=n).contains(&u) && (0.0..=n).contains(&v)).then(|| (u.round() as usize, v.round() as usize))
    }

    /// The weights at plane point `(a, b)`: `θ₀ + a·d1 + b·d2`.
    pub fn weights_at(&self, a: f32, b: f32, out: &mut [f32]) {
        for (((w, o), x), y) in out.iter_mut().zip(&self.origin).zip(&self.d1).zip(&self.d2) {
            *w = o + a * x + b * y;
        }
    }

    /// Projects weights onto the plane: `((θ − θ₀)·d1, (θ − θ₀)·d2)`.
    pub fn project(&self, weights: &[f32]) -> (f32, f32) {
        let (mut a, mut b) = (0.0f32, 0.0f32);
        for (((w, o), x), y) in weights.iter().zip(&self.origin).zip(&self.d1).zip(&self.d2) {
            let d = w - o;
            a += d * x;
            b += d * y;
        }
        (a, b)
    }
}

/// A finished slice: the plane and the loss at each grid point.
#[derive(Clone, Debug, PartialEq)]
pub struct Slice {
    pub plane: SlicePlane,
    /// Row-major `[i][j]`: `i` along `d1`, `j` along `d2`. Non-finite losses
    /// (weights where the model blows up) are stored as `f32::INFINITY`.
    pub losses: Vec<f32>,
}

impl Slice {
    pub fn loss(&self, i: usize, j: usize) -> f32 {
        self.losses[i * self.plane.resolution + j]
    }

    /// The loss between grid points, by bilinear interpolation (clamped to the window).
    pub fn loss_at(&self, a: f32, b: f32) -> f32 {
        let (a0, a1) = self.plane.a_range();
        let (b0, b1) = self.plane.b_range();
        bilinear(&self.losses, self.plane.resolution, (a - a0) / (a1 - a0), (b - b0) / (b1 - b0))
    }

    /// Lowest and highest finite loss on the grid.
    pub fn range(&self) -> (f32, f32) {
        self.losses
            .iter()
            .filter(|l| l.is_finite())
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &l| (lo.min(l), hi.max(l)))
    }
}

/// The landscape under the student: the slice on show, the one being cut,
/// and what is needed to evaluate the loss anywhere.
#[derive(Clone, Debug)]
pub struct Landscape {
    /// The latest finished slice, if any.
    pub current: Option<Slice>,
    /// Increases each time a new slice is finished (the view rebuilds its mesh).
    pub generation: u64,
    pending: Option<Slice>,
    next_cell: usize,
    eval_docs: Vec<Vec<usize>>,
    across: Vec<f32>,
    ws: Workspace,
    weights: Vec<f32>,
    resolution: usize,
}

impl Landscape {
    /// `eval_docs`: the documents (`BOS + letters + BOS`) the height is
    /// measured on. `seed` picks the direction across.
    pub fn new(
        brain: &Brain,
        n_params: usize,
        eval_docs: Vec<Vec<usize>>,
        resolution: usize,
        seed: u64,
    ) -> Self {
        assert!(resolution >= 2, "a grid needs at least 2 points per side");
        assert!(!eval_docs.is_empty(), "the landscape needs evaluation documents");
        let mut rng = Rand::new(seed, Stream::Landscape);
        let across = (0..n_params).map(|_| rng.normal(1.0)).collect();
        Self {
            current: None,
            generation: 0,
            pending: None,
            next_cell: 0,
            eval_docs,
            across,
            ws: brain.new_workspace(),
            weights: vec![0.0; n_params],
            resolution,
        }
    }

    /// The height of the landscape at some weights: the mean score over the
    /// evaluation documents.
    pub fn loss(&mut self, brain: &Brain, weights: &[f32]) -> f32 {
        evaluate(brain, &mut self.ws, &self.eval_docs, weights)
    }

    /// How many documents the heights are measured on.
    pub fn eval_doc_count(&self) -> usize {
        self.eval_docs.len()
    }

    /// True while a slice is being cut.
    pub fn is_cutting(&self) -> bool {
        self.pending.is_some()
    }

    /// Starts cutting the slice through `start` and `now` (abandoning any
    /// slice in progress).
    pub fn begin(&mut self, start: &[f32], now: &[f32], step: usize) {
        let n = start.len();
        let mut d1: Vec<f32> = now.iter().zip(start).map(|(x, y)| x - y).collect();
        let moved = norm(&d1);
        if moved > 1e-6 {
            d1.iter_mut().for_each(|x| *x /= moved);
        } else {
            // Not moved yet: any direction will do; use a fixed one.
            d1 = (0..n).map(|i| if i % 2 == 0 { 1.0 } else { -1.0 }).collect();
            let len = norm(&d1);
            d1.iter_mut().for_each(|x| *x /= len);
        }
        // d2: the fixed random direction minus its part along d1 (Gram–Schmidt).
        let along = dot(&self.across, &d1);
        let mut d2: Vec<f32> = self.across.iter().zip(&d1).map(|(r, x)| r - along * x).collect();
        let len = norm(&d2);
        d2.iter_mut().for_each(|x| *x /= len);
        let plane = SlicePlane {
            origin: start.to_vec(),
            d1,
            d2,
            span: moved.max(MIN_SPAN),
            step,
            resolution: self.resolution,
        };
        self.pending = Some(Slice { plane, losses: vec![0.0; self.resolution * self.resolution] });
        self.next_cell = 0;
    }

    /// Evaluates grid points of the slice in progress until `out_of_budget`
    /// says stop (it is asked after each point). Returns true when this call
    /// finished the slice, which then becomes [`Self::current`].
    pub fn advance(&mut self, brain: &Brain, mut out_of_budget: impl FnMut() -> bool) -> bool {
        let Some(slice) = self.pending.as_mut() else {
            return false;
        };
        let total = self.resolution * self.resolution;
        while self.next_cell < total {
            let (i, j) = (self.next_cell / self.resolution, self.next_cell % self.resolution);
            let (a, b) = slice.plane.grid_point(i, j);
            slice.plane.weights_at(a, b, &mut self.weights);
            let loss = evaluate(brain, &mut self.ws, &self.eval_docs, &self.weights);
            slice.losses[self.next_cell] = if loss.is_finite() { loss } else { f32::INFINITY };
            self.next_cell += 1;
            if out_of_budget() {
                break;
            }
        }
        if self.next_cell < total {
            return false;
        }
        self.current = self.pending.take();
        self.generation += 1;
        true
    }

    /// Fraction of the slice in progress already evaluated.
    pub fn progress(&self) -> f32 {
        match self.pending {
            Some(_) => self.next_cell as f32 / (self.resolution * self.resolution) as f32,
            None => 1.0,
        }
    }
}

/// Bilinear interpolation in a row-major `n × n` grid at fractions `(u, v)`
/// of its extent along rows and columns (clamped to `[0, 1]`).
pub fn bilinear(grid: &[f32], n: usize, u: f32, v: f32) -> f32 {
    let last = (n - 1) as f32;
    let (u, v) = ((u * last).clamp(0.0, last), (v * last).clamp(0.0, last));
    let (i, j) = ((u as usize).min(n - 2), (v as usize).min(n - 2));
    let (fu, fv) = (u - i as f32, v - j as f32);
    let at = |i: usize, j: usize| grid[i * n + j];
    (at(i, j) * (1.0 - fv) + at(i, j + 1) * fv) * (1.0 - fu)
        + (at(i + 1, j) * (1.0 - fv) + at(i + 1, j + 1) * fv) * fu
}

fn evaluate(brain: &Brain, ws: &mut Workspace, docs: &[Vec<usize>], weights: &[f32]) -> f32 {
    let mut total = 0.0f32;
    for tokens in docs {
        total += brain.loss(weights, ws, tokens);
    }
    total / docs.len() as f32
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    crate::brain::math::dot(a, b)
}

fn norm(a: &[f32]) -> f32 {
    dot(a, a).sqrt()
}

/// A fixed, evenly spread set of at most `count` documents of a run for
/// measuring heights, stopping once they hold `positions` scored positions
/// (long documents cost more per point of the grid).
pub fn evaluation_documents(run: &crate::brain::Run, count: usize, positions: usize) -> Vec<Vec<usize>> {
    let d = run.document_count();
    let count = count.min(d).max(1);
    let mut docs = Vec::new();
    let mut held = 0;
    for k in 0..count {
        let tokens = run.document_tokens(k * d / count);
        held += run.brain.positions(tokens.len());
        docs.push(tokens.iter().map(|&t| t as usize).collect());
        if held >= positions {
            break;
        }
    }
    docs
}

/// One remembered position of the student.
#[derive(Clone, Debug, PartialEq)]
pub struct TrailPoint {
    pub step: usize,
    pub weights: Vec<f32>,
    /// The landscape's height (evaluation loss) there when it was recorded.
    pub loss: f32,
}

/// The path the student walked, as weight snapshots that any slice can
/// project. Keeps at most `capacity` points: when full, every other point is
/// dropped and points are taken half as often.
#[derive(Clone, Debug)]
pub struct Trail {
    pub points: Vec<TrailPoint>,
    /// Steps between recorded points.
    pub interval: usize,
    capacity: usize,
}

impl Trail {
    pub fn new(capacity: usize, interval: usize) -> Self {
        Self { points: Vec::new(), interval: interval.max(1), capacity: capacity.max(2) }
    }

    /// Records the weights after `step` if at least `interval` steps have
    /// passed since the last point; returns true if recorded.
    pub fn offer(&mut self, step: usize, weights: &[f32], loss: impl FnOnce() -> f32) -> bool {
        let due =
            |points: &[TrailPoint], interval: usize| points.last().is_none_or(|p| step >= p.step + interval);
        if !due(&self.points, self.interval) {
            return false;
        }
        if self.points.len() == self.capacity {
            // Keep the start and every other point after it.
            let mut index = 0;
            self.points.retain(|_| {
                index += 1;
                index % 2 == 1
            });
            self.interval *= 2;
            if !due(&self.points, self.interval) {
                return false;
            }
        }
        self.points.push(TrailPoint { step, weights: weights.to_vec(), loss: loss() });
        true
    }
}
