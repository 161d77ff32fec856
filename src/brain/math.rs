//! The formulas the panels name, each written once.
//!
//! Every reduction here runs in a fixed order, and every transcendental
//! function comes from `libm`, so a result has the same bits on any machine
//! and in the browser (docs/architecture.md, "Determinism").

use super::lanes::{F32x4, Lanes};

/// The dot product `Σ a[i]·b[i]`, summed in a fixed order: eight interleaved
/// partial sums (`i mod 8`, in two [`F32x4`]s), combined pairwise as
/// `((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))`, then the tail in index
/// order. The order is part of the result: changing it changes the last bits
/// of every run. Written once in [`F32x4`], so it has the same bits natively
/// and in the browser.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let n = a.len().min(b.len());
    let ((a8, a_tail), (b8, b_tail)) = (a[..n].as_chunks::<8>(), b[..n].as_chunks::<8>());
    let (mut low, mut high) = (F32x4::splat(0.0), F32x4::splat(0.0));
    for (x, y) in a8.iter().zip(b8) {
        let ((x_low, x_high), (y_low, y_high)) = (F32x4::pair_from_eight(x), F32x4::pair_from_eight(y));
        low = low + x_low * y_low;
        high = high + x_high * y_high;
    }
    let mut sum = (low + high).sum_in_pairs();
    // The tail: four of its products at once where it has four (the same
    // products, added in the same order). An attention head's dot (head_dim
    // 4) is all tail, and the browser's compiler makes a slow loop of single
    // products: this way the page trains about 2% faster, natively about the same.
    let ((a4, a_rest), (b4, b_rest)) = (a_tail.as_chunks::<4>(), b_tail.as_chunks::<4>());
    if let (Some(x), Some(y)) = (a4.first(), b4.first()) {
        for p in (F32x4::from_four(x) * F32x4::from_four(y)).to_array() {
            sum += p;
        }
    }
    for (x, y) in a_rest.iter().zip(b_rest) {
        sum += x * y;
    }
    sum
}

/// `y += alpha · x`, element by element.
#[inline(always)]
pub fn axpy(y: &mut [f32], alpha: f32, x: &[f32]) {
    debug_assert_eq!(y.len(), x.len());
    // Exactly four (an attention head's, head_dim 4): the one four at once,
    // without the loops' setting up, which the browser build pays for.
    if let (Ok(y), Ok(x)) = (<&mut [f32; 4]>::try_from(&mut *y), <&[f32; 4]>::try_from(x)) {
        (F32x4::from_four(y) + F32x4::splat(alpha) * F32x4::from_four(x)).into_four(y);
        return;
    }
    let n = y.len().min(x.len());
    let ((y4, y_tail), (x4, x_tail)) = (y[..n].as_chunks_mut::<4>(), x[..n].as_chunks::<4>());
    let a = F32x4::splat(alpha);
    for (y, x) in y4.iter_mut().zip(x4) {
        (F32x4::from_four(y) + a * F32x4::from_four(x)).into_four(y);
    }
    for (y, x) in y_tail.iter_mut().zip(x_tail) {
        *y += alpha * x;
    }
}

/// `y = W x` for a row-major matrix `W [rows, cols]` (rows are outputs).
#[inline]
pub fn matvec(y: &mut [f32], w: &[f32], x: &[f32]) {
    let cols = x.len();
    debug_assert_eq!(w.len(), y.len() * cols);
    // Four rows at a time, each summed exactly as `dot` sums it: the same
    // partial sums in the same order, combined four rows at once.
    let (x8, x_tail) = x.as_chunks::<8>();
    let mut rows = w.chunks_exact(cols);
    let (y4, y_tail) = y.as_chunks_mut::<4>();
    for y4 in y4 {
        let four: [&[f32]; 4] = core::array::from_fn(|_| rows.next().expect("a row for every output"));
        let [a, b, c, d] = four.map(|row| row.as_chunks::<8>().0);
        let zero = F32x4::splat(0.0);
        let (mut low_a, mut low_b, mut low_c, mut low_d) = (zero, zero, zero, zero);
        let (mut high_a, mut high_b, mut high_c, mut high_d) = (zero, zero, zero, zero);
        // Written out row by row: the browser build's size-optimised link
        // would keep a loop over the rows, and the partial sums in memory.
        for ((((x, a), b), c), d) in x8.iter().zip(a).zip(b).zip(c).zip(d) {
            let (x_low, x_high) = F32x4::pair_from_eight(x);
            let [(a_low, a_high), (b_low, b_high), (c_low, c_high), (d_low, d_high)] =
                [a, b, c, d].map(F32x4::pair_from_eight);
            low_a = low_a + a_low * x_low;
            high_a = high_a + a_high * x_high;
            low_b = low_b + b_low * x_low;
            high_b = high_b + b_high * x_high;
            low_c = low_c + c_low * x_low;
            high_c = high_c + c_high * x_high;
            low_d = low_d + d_low * x_low;
            high_d = high_d + d_high * x_high;
        }
        let pairs = [low_a + high_a, low_b + high_b, low_c + high_c, low_d + high_d];
        let sums = F32x4::sums_in_pairs(pairs);
        if x_tail.is_empty() {
            // Whole eights of columns (every matrix of the default model):
            // the four sums stored at once, not lane by lane as the tail needs.
            sums.into_four(y4);
            continue;
        }
        let mut sums = sums.to_array();
        for (sum, row) in sums.iter_mut().zip(four) {
            for (wj, xj) in row[cols - x_tail.len()..].iter().zip(x_tail) {
                *sum += wj * xj;
            }
        }
        *y4 = sums;
    }
    for (yi, row) in y_tail.iter_mut().zip(rows) {
        *yi = dot(row, x);
    }
}

/// `dx += Wᵀ dy` for a row-major `W [rows, cols]`: the gradient that flows back
/// through `y = W x` to its input.
///
/// Element `j` of `dx` gets `dy[i]·W[i][j]` added for each row `i` in
/// increasing order, as an [`axpy`] of each row would add them, with the
/// sums kept in registers across the rows, sixteen columns at a time. Rows
/// whose `dy` is zero add ±0, which changes no sum (see [`outer_acc`]), so
/// none is skipped: skipping would cost a guessed branch per row.
#[inline]
pub fn matvec_t_acc(dx: &mut [f32], w: &[f32], dy: &[f32]) {
    let cols = dx.len();
    debug_assert_eq!(w.len(), dy.len() * cols);
    if cols == 0 {
        return;
    }
    // The rows beside their dy, paired once: each sixteen columns walk a copy.
    let rows = dy.iter().zip(w.chunks_exact(cols));
    let (dx16, dx_tail) = dx.as_chunks_mut::<16>();
    for (k, d) in dx16.iter_mut().enumerate() {
        let mut sums = F32x4::four_from_sixteen(d);
        for (&g, row) in rows.clone() {
            let (g, row) = (F32x4::splat(g), F32x4::four_from_sixteen(&row.as_chunks::<16>().0[k]));
            for (s, r) in sums.iter_mut().zip(row) {
                *s = *s + g * r;
            }
        }
        F32x4::four_into_sixteen(sums, d);
    }
    if !dx_tail.is_empty() {
        let start = cols - dx_tail.len();
        for (&g, row) in rows {
            for (d, wj) in dx_tail.iter_mut().zip(&row[start..]) {
                *d += g * wj;
            }
        }
    }
}

/// `dW += Σₜ dyₜ ⊗ xₜ` over `n` positions: the gradient of `y = W x` with
/// respect to `W [rows, cols]`, for `dys` holding `n` rows of `rows` numbers
/// and `xs` `n` rows of `cols`.
///
/// Element `(i, j)` gets `dyₜ[i]·xₜ[j]` added for each position in
/// increasing order, as an [`axpy`] per position would add them, with the
/// sums kept in registers across the positions, sixteen columns at a time.
/// A zero `dyₜ[i]` adds ±0, which leaves every bit as it is: gradient
/// buffers start at +0, a sum of IEEE numbers is −0 only when both are, so
/// an accumulator is never −0, and adding ±0 to one never changes it (the
/// inputs are finite; a run whose aren't has diverged and is not updated).
#[inline]
pub fn outer_acc(dw: &mut [f32], dys: &[f32], xs: &[f32], n: usize) {
    if n == 0 {
        return;
    }
    let (rows, cols) = (dys.len() / n, xs.len() / n);
    debug_assert_eq!(dw.len(), rows * cols);
    if rows == 0 || cols == 0 {
        return;
    }
    // The positions' rows, paired once: each row of dW walks a copy.
    let positions = dys.chunks_exact(rows).zip(xs.chunks_exact(cols));
    for (i, row) in dw.chunks_exact_mut(cols).enumerate() {
        let (row16, row_tail) = row.as_chunks_mut::<16>();
        for (k, d) in row16.iter_mut().enumerate() {
            let mut sums = F32x4::four_from_sixteen(d);
            for (dy, x) in positions.clone() {
                let (g, x) = (F32x4::splat(dy[i]), F32x4::four_from_sixteen(&x.as_chunks::<16>().0[k]));
                for (s, x) in sums.iter_mut().zip(x) {
                    *s = *s + g * x;
                }
            }
            F32x4::four_into_sixteen(sums, d);
        }
        if !row_tail.is_empty() {
            let start = cols - row_tail.len();
            for (dy, x) in positions.clone() {
                for (d, xj) in row_tail.iter_mut().zip(&x[start..]) {
                    *d += dy[i] * xj;
                }
            }
        }
    }
}

/// rmsnorm's scale `r = 1 / √(mean(x²) + ε)`, ε = 1e-5. rmsnorm(x) = r·x (no gain).
#[inline]
pub fn rms_scale(x: &[f32]) -> f32 {
    let mean_square = dot(x, x) / x.len() as f32;
    1.0 / (mean_square + RMS_EPS).sqrt()
}

/// rmsnorm's ε.
pub const RMS_EPS: f32 = 1e-5;

/// `y = rmsnorm(x) = x · r`, returning `r` for the backward pass. Four at a
/// time: the browser build's compiler left these element-by-element loops
/// (here and in the backward pass) one number at a time.
#[inline]
pub fn rmsnorm(y: &mut [f32], x: &[f32]) -> f32 {
    let r = rms_scale(x);
    let n = y.len().min(x.len());
    let ((y4, y_tail), (x4, x_tail)) = (y[..n].as_chunks_mut::<4>(), x[..n].as_chunks::<4>());
    let r4 = F32x4::splat(r);
    for (y, x) in y4.iter_mut().zip(x4) {
        (F32x4::from_four(x) * r4).into_four(y);
    }
    for (y, x) in y_tail.iter_mut().zip(x_tail) {
        *y = x * r;
    }
    r
}

/// Backward of `y = x·r(x)`: `dx += r·dy − r³·x·(dy·x)/n`.
#[inline]
pub fn rmsnorm_backward(dx: &mut [f32], dy: &[f32], x: &[f32], r: f32) {
    let n = x.len() as f32;
    let coupling = r * r * r * dot(dy, x) / n;
    let m = dx.len().min(dy.len()).min(x.len());
    let (d4, d_tail) = dx[..m].as_chunks_mut::<4>();
    let ((g4, g_tail), (x4, x_tail)) = (dy[..m].as_chunks::<4>(), x[..m].as_chunks::<4>());
    let (r4, c4) = (F32x4::splat(r), F32x4::splat(coupling));
    for ((d, g), x) in d4.iter_mut().zip(g4).zip(x4) {
        (F32x4::from_four(d) + (r4 * F32x4::from_four(g) - c4 * F32x4::from_four(x))).into_four(d);
    }
    for ((d, g), x) in d_tail.iter_mut().zip(g_tail).zip(x_tail) {
        *d += r * g - coupling * x;
    }
}

/// `exp((z_i − max z) / T)` for every vote, handed to `each` in id order;
/// returns `(max z, Σ exp)`. The one place the voting box's exponentials are
/// taken, so shares and scores computed from the same votes agree bit for bit.
#[inline]
fn shifted_exps(votes: &[f32], temperature: f32, mut each: impl FnMut(usize, f32)) -> (f32, f32) {
    // A comparison, not `f32::max` (which WebAssembly calls a function for):
    // the same largest vote, NaN votes passed over; only which zero wins a
    // tie of +0 and −0 may differ, and z − max and exp read both alike.
    let max = votes.iter().fold(f32::NEG_INFINITY, |max, &z| if z > max { z } else { max });
    let (fours, tail) = votes.as_chunks::<4>();
    let mut total = 0.0f32;
    for (c, z) in fours.iter().enumerate() {
        for (l, e) in
            exp_four(shifted(F32x4::from_four(z), max, temperature)).to_array().into_iter().enumerate()
        {
            each(4 * c + l, e);
            total += e;
        }
    }
    // The last n mod 4 in a four of their own, the rest of it max (exp 1, unused).
    if !tail.is_empty() {
        let mut z = [max; 4];
        z[..tail.len()].copy_from_slice(tail);
        let e = exp_four(shifted(F32x4::from_four(&z), max, temperature)).to_array();
        for (i, &e) in e[..tail.len()].iter().enumerate() {
            each(4 * fours.len() + i, e);
            total += e;
        }
    }
    (max, total)
}

/// A vote (or four) as `exp` takes it: `(z − max) / T` rather than
/// `z/T − max/T`, since the difference is what must stay finite when T is
/// tiny. Dividing by T = 1 changes no bit, so it is left out.
#[inline(always)]
fn shifted<L: Lanes>(z: L, max: f32, temperature: f32) -> L {
    let z = z - L::splat(max);
    if temperature == 1.0 { z } else { z / L::splat(temperature) }
}

/// `exp(x)` of every `x`, into `out`: the bits of `libm::expf`, four at a time.
pub fn exps(out: &mut [f32], x: &[f32]) {
    debug_assert_eq!(out.len(), x.len());
    let (out4, out_tail) = out.as_chunks_mut::<4>();
    let (x4, x_tail) = x.as_chunks::<4>();
    for (y, x) in out4.iter_mut().zip(x4) {
        exp_four(F32x4::from_four(x)).into_four(y);
    }
    for (y, &x) in out_tail.iter_mut().zip(x_tail) {
        *y = libm::expf(x);
    }
}

/// `libm::expf` of four numbers at once, with its bits: the same algorithm
/// (FreeBSD's `e_expf.c`, as the `libm` crate has it), each of its f32
/// operations done in every lane, its branches taken as lane masks. A lane
/// beyond ±80 (or NaN), where `expf` over- or underflows or `2ᵏ·y` would
/// leave the normal numbers, is handed to `libm::expf` itself.
#[inline(always)]
fn exp_four(x: F32x4) -> F32x4 {
    // The constants by their bits, as e_expf.c gives them.
    const LN2_HI: f32 = f32::from_bits(0x3f31_7200); // 6.9314575195e-01
    const LN2_LO: f32 = f32::from_bits(0x35bf_be8e); // 1.4286067653e-06
    const INV_LN2: f32 = f32::from_bits(0x3fb8_aa3b); // 1.4426950216e+00
    // x·(eˣ + 1)/(eˣ − 1) on [−0.34568, 0.34568] as 2 + x²/6 − … (P1, P2)
    const P1: f32 = f32::from_bits(0x3e2a_aa8f); // 1.6666625440e-1
    const P2: f32 = f32::from_bits(0xbb35_5215); // -2.7667332906e-3
    let s = F32x4::splat;
    let size = x.abs();
    let far = !size.at_most(s(80.0));
    let negative = s(0.0).greater(x);
    // k = round(x / ln 2) beyond 1.5·ln 2, ±1 beyond 0.5·ln 2, else 0 (no reduction).
    let beyond_half = size.greater(s(f32::from_bits(0x3eb1_7218)));
    let beyond_one_and_half = size.greater(s(f32::from_bits(0x3f85_1592)));
    let half = F32x4::select(negative, s(-0.5), s(0.5));
    let k_far = (s(INV_LN2) * x + half).trunc();
    let k_one = F32x4::select(negative, s(-1.0), s(1.0));
    let k = F32x4::select(beyond_one_and_half, k_far, F32x4::select(beyond_half, k_one, s(0.0)));
    // x = hi − lo, with k·ln2_hi exact (for k = 0: hi = x, lo = +0, as the
    // unreduced branch has them).
    let hi = x - k * s(LN2_HI);
    let lo = k * s(LN2_LO);
    let r = hi - lo;
    let rr = r * r;
    let c = r - rr * (s(P1) + rr * s(P2));
    let y = s(1.0) + (r * c / (s(2.0) - c) - lo + hi);
    // 2ᵏ·y is scalbnf(y, k) for |k| ≤ 116, where both are normal numbers.
    let scaled = y * k.power_of_two();
    // |x| ≤ 2⁻¹⁴: 1 + x.
    let tiny = size.at_most(s(f32::from_bits(0x3900_0000)));
    let e = F32x4::select(tiny, s(1.0) + x, scaled);
    if far.any() {
        let (mut e, x) = (e.to_array(), x.to_array());
        for l in far.lanes() {
            e[l] = libm::expf(x[l]);
        }
        F32x4::from_four(&e)
    } else {
        e
    }
}

use super::formula::Formula;

/// How the panels write [`softmax`]: votes (logits) become shares (probabilities).
pub const SHARES: Formula = Formula { name: "shares", text: "shares = softmax(votes)" };
/// How the panels write [`softmax_with_temperature`].
pub const SHARES_AT_T: Formula = Formula { name: "shares_at_t", text: "shares = softmax(votes / T)" };
/// How the panels write [`cross_entropy`].
pub const SCORE: Formula = Formula { name: "score", text: "score = −ln p(true letter)" };
/// The mean of [`cross_entropy`] over a text: the loss training lowers.
pub const MEAN_SCORE: Formula =
    Formula { name: "mean_score", text: "mean score = (1/n) · Σ −ln p(true letter)" };
/// How the panels write [`score_gradient`].
pub const SCORE_GRADIENT: Formula =
    Formula { name: "score_gradient", text: "∂score/∂votes = p − onehot(true letter)" };
/// How the panels write [`uniform_score`].
pub const KNOWING_NOTHING: Formula = Formula { name: "knowing_nothing", text: "knowing nothing: ln V" };

/// The voting box's shares: `softmax(z)_i = exp(z_i − max z) / Σ_j exp(z_j − max z)`.
///
/// Subtracting the largest vote first keeps every `exp` at most 1, so the
/// result is finite for any finite votes, however large. Votes of −∞ (letters
/// ruled out by top-k) get a share of exactly 0.
pub fn softmax(shares: &mut [f32], votes: &[f32]) {
    softmax_with_temperature(shares, votes, 1.0);
}

/// Softmax of the votes divided by a temperature `T > 0`: low `T` sharpens the
/// shares towards the top vote, high `T` flattens them towards uniform.
/// `T = 0` means "always the top vote" (the limit as `T → 0`); ties go to the
/// lowest letter id.
pub fn softmax_with_temperature(shares: &mut [f32], votes: &[f32], temperature: f32) {
    debug_assert_eq!(shares.len(), votes.len());
    if temperature == 0.0 {
        shares.fill(0.0);
        shares[argmax(votes)] = 1.0;
        return;
    }
    let (_, total) = shifted_exps(votes, temperature, |i, e| shares[i] = e);
    for s in shares.iter_mut() {
        *s /= total;
    }
}

/// Index of the largest value; the first one on ties.
pub fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}

/// The teacher's score for one letter: the cross-entropy `−ln p(true)`, where
/// `p = softmax(votes)`. Computed as `ln Σ_j exp(z_j − max) − (z_true − max)`,
/// which equals `−ln p(true)` but stays finite when `p(true)` underflows.
pub fn cross_entropy(votes: &[f32], target: usize) -> f32 {
    let (max, total) = shifted_exps(votes, 1.0, |_, _| {});
    libm::logf(total) - (votes[target] - max)
}

/// The shares (softmax) and the teacher's score of the true letter, from one
/// pass of `exp`: the same bits as [`softmax`] and [`cross_entropy`] give.
pub fn softmax_and_score(shares: &mut [f32], votes: &[f32], target: usize) -> f32 {
    let (max, total) = shifted_exps(votes, 1.0, |i, e| shares[i] = e);
    for s in shares.iter_mut() {
        *s /= total;
    }
    libm::logf(total) - (votes[target] - max)
}

/// The score of a student who knows nothing: every letter equally likely,
/// `−ln(1/V) = ln V`.
pub fn uniform_score(vocab_size: usize) -> f32 {
    libm::logf(vocab_size as f32)
}

/// Gradient of the teacher's score with respect to the votes: `p − onehot(true)`,
/// scaled by `weight` (1/n when the score is a mean over n letters).
pub fn score_gradient(dvotes: &mut [f32], shares: &[f32], target: usize, weight: f32) {
    for (d, &p) in dvotes.iter_mut().zip(shares) {
        *d = p * weight;
    }
    dvotes[target] -= weight;
}

/// Keep the `k` largest votes and set the rest to −∞ (top-k sampling).
/// Ties at the cut are kept in letter-id order; `k = 0` or `k ≥ len` keeps all.
pub fn top_k_mask(votes: &mut [f32], k: usize) {
    let n = votes.len();
    if k == 0 || k >= n {
        return;
    }
    // Rank letters by (vote descending, id ascending) in IEEE total order, so
    // every letter has a distinct rank; the one ranked k−1 is the last kept.
    // V is small, so counting ranks beats sorting a copy.
    let before = |j: usize, i: usize| votes[j].total_cmp(&votes[i]).then(i.cmp(&j)).is_gt();
    let rank = |i: usize| (0..n).filter(|&j| before(j, i)).count();
    let Some(last_kept) = (0..n).find(|&i| rank(i) == k - 1) else { return };
    let masked: Vec<bool> = (0..n).map(|i| i != last_kept && before(last_kept, i)).collect();
    for (v, out) in votes.iter_mut().zip(masked) {
        if out {
            *v = f32::NEG_INFINITY;
        }
    }
}

/// Mean of a slice (0 for an empty one), summed in index order.
pub fn mean(values: &[f32]) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    values.iter().sum::<f32>() / values.len() as f32
}

/// The mean of the `window` values ending at each index in `at` (fewer at
/// the start): the smoothed score curve of the loss chart.
pub fn trailing_means(values: &[f32], window: usize, at: impl Iterator<Item = usize>) -> Vec<(usize, f32)> {
    let window = window.max(1);
    at.filter(|&i| i < values.len()).map(|i| (i, mean(&values[(i + 1).saturating_sub(window)..=i]))).collect()
}
