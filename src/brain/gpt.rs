//! The tiny GPT: the architecture of Karpathy's microgpt.
//!
//! ```text
//! x = rmsnorm(wte[token] + wpe[pos])
//! per layer:  x = x + attn_wo · attention(rmsnorm(x))        (causal, n_head heads)
//!             x = x + mlp_fc2 · relu(mlp_fc1 · rmsnorm(x))
//! votes (logits) = lm_head · x
//! ```
//! rmsnorm has no gain; there are no biases. Matrices are row-major with rows
//! as outputs (`y = W x`). Positions are processed one at a time, each seeing
//! itself and every earlier position, exactly as when the student reads.
//!
//! All buffers are allocated once in [`GptActivations`]; a training step
//! allocates nothing.

use serde::{Deserialize, Serialize};

use super::BrainError;
use super::formula::Formula;
use super::math::{
    axpy, dot, matvec, matvec_t_acc, outer_acc, rmsnorm, rmsnorm_backward, score_gradient, softmax,
    softmax_and_score,
};
use super::params::layout;
use super::vocab::TokenId;

/// The sizes of a tiny GPT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GptConfig {
    pub n_layer: usize,
    pub n_head: usize,
    pub n_embd: usize,
    /// The longest context, in positions.
    pub block_size: usize,
}

impl Default for GptConfig {
    fn default() -> Self {
        Self { n_layer: 1, n_head: 4, n_embd: 16, block_size: 16 }
    }
}

/// Largest sizes accepted, so a typo cannot ask for gigabytes: each size on
/// its own, and the attention weights kept for the backward pass
/// (`n_layer · n_head · block_size²` numbers) together.
const MAX_LAYERS: usize = 16;
const MAX_EMBD: usize = 512;
pub const MAX_BLOCK: usize = 512;
const MAX_ATTENTION_FLOATS: usize = 1 << 24;

impl GptConfig {
    pub fn validate(&self) -> Result<(), BrainError> {
        let check = |name, value: usize, max: usize| {
            if value == 0 || value > max {
                Err(BrainError::InvalidSetting {
                    name,
                    value: value.to_string(),
                    expected: "a whole number from 1 up to the documented maximum",
                })
            } else {
                Ok(())
            }
        };
        check("n_layer", self.n_layer, MAX_LAYERS)?;
        check("n_head", self.n_head, MAX_EMBD)?;
        check("n_embd", self.n_embd, MAX_EMBD)?;
        check("block_size", self.block_size, MAX_BLOCK)?;
        let attention = self.n_layer * self.n_head * self.block_size * self.block_size;
        if attention > MAX_ATTENTION_FLOATS {
            return Err(BrainError::InvalidSetting {
                name: "model size",
                value: format!(
                    "{} layers × {} heads × {}² positions",
                    self.n_layer, self.n_head, self.block_size
                ),
                expected: "at most 16.8 million attention weights: fewer layers, heads or positions",
            });
        }
        if !self.n_embd.is_multiple_of(self.n_head) {
            return Err(BrainError::InvalidSetting {
                name: "n_embd",
                value: self.n_embd.to_string(),
                expected: "a multiple of n_head (each head gets n_embd / n_head dimensions)",
            });
        }
        Ok(())
    }

    pub fn head_dim(&self) -> usize {
        self.n_embd / self.n_head
    }

    /// Width of the MLP's hidden layer: 4·n_embd.
    pub fn mlp_width(&self) -> usize {
        4 * self.n_embd
    }
}

/// Heads switched off for a measurement pass, as a bit per head
/// (`layer · n_head + head`, up to 64 heads in all; heads beyond are always on).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct HeadsOff(u64);

impl HeadsOff {
    /// Every head on.
    pub const NONE: HeadsOff = HeadsOff(0);

    /// Only head `head` of layer `layer` off, for a model with `n_head` heads a layer.
    pub fn only(layer: usize, head: usize, n_head: usize) -> Self {
        Self::NONE.with(layer, head, n_head, true)
    }

    /// The same switches with one head set off (`true`) or on.
    pub fn with(self, layer: usize, head: usize, n_head: usize, off: bool) -> Self {
        let bit = layer * n_head + head;
        if bit >= 64 {
            return self;
        }
        if off { HeadsOff(self.0 | 1 << bit) } else { HeadsOff(self.0 & !(1 << bit)) }
    }

    /// Whether head `head` of layer `layer` is off, for `n_head` heads a layer.
    pub fn is_off(&self, layer: usize, head: usize, n_head: usize) -> bool {
        let bit = layer * n_head + head;
        bit < 64 && (self.0 >> bit) & 1 == 1
    }

    pub fn any(&self) -> bool {
        self.0 != 0
    }
}

#[derive(Clone, Debug)]
struct LayerOffsets {
    attn_wq: usize,
    attn_wk: usize,
    attn_wv: usize,
    attn_wo: usize,
    mlp_fc1: usize,
    mlp_fc2: usize,
}

/// A tiny GPT over a vocabulary of `vocab_size` tokens: the architecture only;
/// the weights live in a [`super::Params`] passed to each call.
#[derive(Clone, Debug)]
pub struct Gpt {
    pub config: GptConfig,
    pub vocab_size: usize,
    wte: usize,
    wpe: usize,
    lm_head: usize,
    layers: Vec<LayerOffsets>,
}

impl Gpt {
    /// `config` must have passed [`GptConfig::validate`].
    pub fn new(config: GptConfig, vocab_size: usize) -> Self {
        let mut gpt = Self { config, vocab_size, wte: 0, wpe: 0, lm_head: 0, layers: Vec::new() };
        let offsets: std::collections::HashMap<String, usize> =
            layout(&gpt.shapes()).into_iter().map(|t| (t.name, t.offset)).collect();
        gpt.wte = offsets["wte"];
        gpt.wpe = offsets["wpe"];
        gpt.lm_head = offsets["lm_head"];
        gpt.layers = (0..config.n_layer)
            .map(|i| {
                let at = |part: &str| offsets[&format!("layer{i}.{part}")];
                LayerOffsets {
                    attn_wq: at("attn_wq"),
                    attn_wk: at("attn_wk"),
                    attn_wv: at("attn_wv"),
                    attn_wo: at("attn_wo"),
                    mlp_fc1: at("mlp_fc1"),
                    mlp_fc2: at("mlp_fc2"),
                }
            })
            .collect();
        gpt
    }

    /// Parameter names and shapes, in microgpt's order.
    pub fn shapes(&self) -> Vec<(String, usize, usize)> {
        let GptConfig { n_layer, n_embd: c, block_size, .. } = self.config;
        let f = self.config.mlp_width();
        let v = self.vocab_size;
        let mut shapes = vec![
            ("wte".to_string(), v, c),
            ("wpe".to_string(), block_size, c),
            ("lm_head".to_string(), v, c),
        ];
        for i in 0..n_layer {
            for (part, rows, cols) in [
                ("attn_wq", c, c),
                ("attn_wk", c, c),
                ("attn_wv", c, c),
                ("attn_wo", c, c),
                ("mlp_fc1", f, c),
                ("mlp_fc2", c, f),
            ] {
                shapes.push((format!("layer{i}.{part}"), rows, cols));
            }
        }
        shapes
    }

    pub fn new_activations(&self) -> GptActivations {
        GptActivations::new(&self.config, self.vocab_size)
    }

    /// Reads one more token at the next position (`act.len()`), sees it and
    /// every earlier position, and returns the votes for the token after it.
    /// Panics if the context is full; callers check [`GptActivations::is_full`].
    pub fn read<'a>(&self, p: &[f32], act: &'a mut GptActivations, token: usize) -> &'a [f32] {
        self.read_with(p, act, token, &HeadsOff::NONE)
    }

    /// [`Gpt::read`] with some heads switched off: their output is zeroed
    /// before `attn_wo` (their attention weights are still computed, for the
    /// view). Only measurement passes ([`Gpt::loss_measuring`]) switch heads off.
    fn read_with<'a>(
        &self,
        p: &[f32],
        act: &'a mut GptActivations,
        token: usize,
        off: &HeadsOff,
    ) -> &'a [f32] {
        let GptConfig { n_head, n_embd: c, block_size: bt, .. } = self.config;
        let hd = self.config.head_dim();
        let f = self.config.mlp_width();
        let v = self.vocab_size;
        let n_layer = self.config.n_layer;
        let t = act.len;
        assert!(t < bt, "context full: {bt} positions");
        assert!(token < v, "token {token} outside the vocabulary");
        let attn_scale = 1.0 / (hd as f32).sqrt();
        let a = act;
        a.tokens[t] = token;

        // x = rmsnorm(wte[token] + wpe[pos])
        {
            let emb = &mut a.emb[t * c..(t + 1) * c];
            let tok = &p[self.wte + token * c..][..c];
            let pos = &p[self.wpe + t * c..][..c];
            for ((e, x), y) in emb.iter_mut().zip(tok).zip(pos) {
                *e = x + y;
            }
            a.r0[t] = rmsnorm(&mut a.x[t * c..(t + 1) * c], emb);
        }

        for (l, w) in self.layers.iter().enumerate() {
            let lt = l * bt + t;
            let row = |buf_width: usize| lt * buf_width..(lt + 1) * buf_width;
            // Attention: h1 = rmsnorm(x); q, k, v = Wq h1, Wk h1, Wv h1.
            a.r1[lt] = rmsnorm(&mut a.h1[row(c)], &a.x[row(c)]);
            matvec(&mut a.q[row(c)], &p[w.attn_wq..][..c * c], &a.h1[row(c)]);
            matvec(&mut a.k[row(c)], &p[w.attn_wk..][..c * c], &a.h1[row(c)]);
            matvec(&mut a.v[row(c)], &p[w.attn_wv..][..c * c], &a.h1[row(c)]);
            for h in 0..n_head {
                let hs = h * hd;
                let q_h = &a.q[lt * c + hs..][..hd];
                // Scores of this position's query against every key so far.
                let scores = &mut a.scores[..=t];
                for (s, score) in scores.iter_mut().enumerate() {
                    let k_h = &a.k[(l * bt + s) * c + hs..][..hd];
                    *score = dot(q_h, k_h) * attn_scale;
                }
                let weights = &mut a.att[((l * n_head + h) * bt + t) * bt..][..=t];
                softmax(weights, scores);
                let out_h = &mut a.attn_out[lt * c + hs..][..hd];
                out_h.fill(0.0);
                if off.is_off(l, h, n_head) {
                    continue;
                }
                for (s, &weight) in weights.iter().enumerate() {
                    axpy(out_h, weight, &a.v[(l * bt + s) * c + hs..][..hd]);
                }
            }
            // x_mid = x + Wo · attention
            matvec(&mut a.x_mid[row(c)], &p[w.attn_wo..][..c * c], &a.attn_out[row(c)]);
            axpy(&mut a.x_mid[row(c)], 1.0, &a.x[row(c)]);
            // MLP: x_next = x_mid + fc2 · relu(fc1 · rmsnorm(x_mid))
            a.r2[lt] = rmsnorm(&mut a.h2[row(c)], &a.x_mid[row(c)]);
            matvec(&mut a.fc1_out[row(f)], &p[w.mlp_fc1..][..f * c], &a.h2[row(c)]);
            for (r, &z) in a.relu_out[row(f)].iter_mut().zip(&a.fc1_out[row(f)]) {
                // relu(z) = max(z, 0) as a comparison (WebAssembly would call
                // a function for `f32::max`); a NaN becomes 0 either way.
                *r = if z > 0.0 { z } else { 0.0 };
            }
            let next = ((l + 1) * bt + t) * c;
            let (_, x_next) = a.x.split_at_mut(next);
            let x_next = &mut x_next[..c];
            matvec(x_next, &p[w.mlp_fc2..][..c * f], &a.relu_out[row(f)]);
            axpy(x_next, 1.0, &a.x_mid[row(c)]);
        }

        // votes = lm_head · x
        let x_final = &a.x[(n_layer * bt + t) * c..][..c];
        matvec(&mut a.logits[t * v..(t + 1) * v], &p[self.lm_head..][..v * c], x_final);
        a.len += 1;
        &a.logits[t * v..(t + 1) * v]
    }

    /// Mean teacher's score over a document's positions, forward only.
    pub fn loss(&self, p: &[f32], act: &mut GptActivations, tokens: &[impl TokenId]) -> f32 {
        self.loss_measuring(p, act, tokens, &HeadsOff::NONE)
    }

    /// [`Gpt::loss`] with some heads switched off (their output zeroed before `attn_wo`):
    /// what the score would be without them. Leaves every activation in `act`.
    pub fn loss_measuring(
        &self,
        p: &[f32],
        act: &mut GptActivations,
        tokens: &[impl TokenId],
        off: &HeadsOff,
    ) -> f32 {
        let n = self.positions(tokens.len());
        let v = self.vocab_size;
        act.reset();
        let mut total = 0.0f32;
        for pos in 0..n {
            self.read_with(p, act, tokens[pos].id(), off);
            let (logits, probs) = (&act.logits[pos * v..][..v], &mut act.probs[pos * v..][..v]);
            total += softmax_and_score(probs, logits, tokens[pos + 1].id());
        }
        total * (1.0 / n as f32)
    }

    /// Number of positions trained on for a document of `n_tokens` tokens
    /// (BOS and both ends included): `min(block_size, n_tokens − 1)`.
    pub fn positions(&self, n_tokens: usize) -> usize {
        self.config.block_size.min(n_tokens.saturating_sub(1))
    }

    /// Forward and exact backward pass over one document: returns the mean
    /// score and writes its gradient for every weight into `g` (overwritten).
    pub fn loss_and_grad(
        &self,
        p: &[f32],
        g: &mut [f32],
        act: &mut GptActivations,
        tokens: &[impl TokenId],
    ) -> f32 {
        self.loss_and_grad_marked(p, g, act, tokens, || {})
    }

    /// [`Gpt::loss_and_grad`], calling `after_forward` between the forward
    /// and the backward pass (the bench times them apart).
    pub fn loss_and_grad_marked(
        &self,
        p: &[f32],
        g: &mut [f32],
        act: &mut GptActivations,
        tokens: &[impl TokenId],
        after_forward: impl FnOnce(),
    ) -> f32 {
        let loss = self.loss(p, act, tokens);
        after_forward();
        self.backward(p, g, act, tokens);
        loss
    }

    fn backward(&self, p: &[f32], g: &mut [f32], a: &mut GptActivations, tokens: &[impl TokenId]) {
        let GptConfig { n_head, n_embd: c, block_size: bt, n_layer } = self.config;
        let hd = self.config.head_dim();
        let f = self.config.mlp_width();
        let v = self.vocab_size;
        let n = a.len;
        let attn_scale = 1.0 / (hd as f32).sqrt();
        let weight = 1.0 / n as f32;
        g.fill(0.0);

        // The score's gradient w.r.t. the votes, then back through lm_head.
        // Each weight's gradient sums its positions in order, the
        // positions of a matrix all at once (see `outer_acc`).
        for t in 0..n {
            let dlogits = &mut a.d_logits[t * v..][..v];
            score_gradient(dlogits, &a.probs[t * v..][..v], tokens[t + 1].id(), weight);
        }
        let x_final = &a.x[n_layer * bt * c..][..n * c];
        outer_acc(&mut g[self.lm_head..][..v * c], &a.d_logits[..n * v], x_final, n);
        for t in 0..n {
            let dx = &mut a.d_x[t * c..][..c];
            dx.fill(0.0);
            matvec_t_acc(dx, &p[self.lm_head..][..v * c], &a.d_logits[t * v..][..v]);
        }

        for (l, w) in self.layers.iter().enumerate().rev() {
            // This layer's rows of a buffer `width` wide, for the n positions.
            let layer = |width: usize| l * bt * width..(l * bt + n) * width;
            // MLP block.
            outer_acc(&mut g[w.mlp_fc2..][..c * f], &a.d_x[..n * c], &a.relu_out[layer(f)], n);
            for t in 0..n {
                let lt = l * bt + t;
                let d_hidden = &mut a.d_hidden[t * f..][..f];
                d_hidden.fill(0.0);
                matvec_t_acc(d_hidden, &p[w.mlp_fc2..][..c * f], &a.d_x[t * c..][..c]);
                for (d, &z) in d_hidden.iter_mut().zip(&a.fc1_out[lt * f..][..f]) {
                    if z <= 0.0 {
                        *d = 0.0;
                    }
                }
            }
            outer_acc(&mut g[w.mlp_fc1..][..f * c], &a.d_hidden[..n * f], &a.h2[layer(c)], n);
            for t in 0..n {
                let lt = l * bt + t;
                let d_norm = &mut a.d_norm[..c];
                d_norm.fill(0.0);
                matvec_t_acc(d_norm, &p[w.mlp_fc1..][..f * c], &a.d_hidden[t * f..][..f]);
                rmsnorm_backward(&mut a.d_x[t * c..][..c], d_norm, &a.x_mid[lt * c..][..c], a.r2[lt]);
            }

            // Attention block: first back through attn_wo for every position...
            outer_acc(&mut g[w.attn_wo..][..c * c], &a.d_x[..n * c], &a.attn_out[layer(c)], n);
            for t in 0..n {
                let d_out = &mut a.d_attn_out[t * c..][..c];
                d_out.fill(0.0);
                matvec_t_acc(d_out, &p[w.attn_wo..][..c * c], &a.d_x[t * c..][..c]);
            }
            // ...then through the attention weights, which tie positions together.
            a.d_q[..n * c].fill(0.0);
            a.d_k[..n * c].fill(0.0);
            a.d_v[..n * c].fill(0.0);
            for h in 0..n_head {
                let hs = h * hd;
                for t in 0..n {
                    let weights = &a.att[((l * n_head + h) * bt + t) * bt..][..=t];
                    let d_out_h = &a.d_attn_out[t * c + hs..][..hd];
                    let d_weights = &mut a.scores[..=t];
                    for s in 0..=t {
                        let v_h = &a.v[(l * bt + s) * c + hs..][..hd];
                        d_weights[s] = dot(d_out_h, v_h);
                        axpy(&mut a.d_v[s * c + hs..][..hd], weights[s], d_out_h);
                    }
                    // Softmax backward: dscore_s = w_s · (dw_s − Σ_j w_j dw_j).
                    let mut weighted = 0.0f32;
                    for s in 0..=t {
                        weighted += weights[s] * d_weights[s];
                    }
                    let q_h = &a.q[(l * bt + t) * c + hs..][..hd];
                    for s in 0..=t {
                        let d_score = weights[s] * (d_weights[s] - weighted) * attn_scale;
                        let k_h = &a.k[(l * bt + s) * c + hs..][..hd];
                        axpy(&mut a.d_q[t * c + hs..][..hd], d_score, k_h);
                        axpy(&mut a.d_k[s * c + hs..][..hd], d_score, q_h);
                    }
                }
            }
            for (offset, d) in [(w.attn_wq, &a.d_q), (w.attn_wk, &a.d_k), (w.attn_wv, &a.d_v)] {
                outer_acc(&mut g[offset..][..c * c], &d[..n * c], &a.h1[layer(c)], n);
            }
            for t in 0..n {
                let lt = l * bt + t;
                let d_norm = &mut a.d_norm[..c];
                d_norm.fill(0.0);
                for (offset, d) in [(w.attn_wq, &a.d_q), (w.attn_wk, &a.d_k), (w.attn_wv, &a.d_v)] {
                    matvec_t_acc(d_norm, &p[offset..][..c * c], &d[t * c..][..c]);
                }
                let dx = &mut a.d_x[t * c..][..c];
                rmsnorm_backward(dx, d_norm, &a.x[lt * c..][..c], a.r1[lt]);
            }
        }

        // Back through the first rmsnorm into the token and position embeddings.
        for t in 0..n {
            let d_emb = &mut a.d_norm[..c];
            d_emb.fill(0.0);
            rmsnorm_backward(d_emb, &a.d_x[t * c..][..c], &a.emb[t * c..][..c], a.r0[t]);
            axpy(&mut g[self.wte + a.tokens[t] * c..][..c], 1.0, d_emb);
            axpy(&mut g[self.wpe + t * c..][..c], 1.0, d_emb);
        }
    }
}

/// Everything the forward pass computes, kept for the backward pass and for
/// the panels (attention weights, votes, shares), plus backward scratch.
/// Laid out `[layer][position][feature]`.
#[derive(Clone, Debug)]
pub struct GptActivations {
    len: usize,
    block_size: usize,
    config: GptConfig,
    vocab_size: usize,
    pub tokens: Vec<usize>,
    emb: Vec<f32>,
    r0: Vec<f32>,
    /// Residual stream entering each layer; layer `n_layer` is the final one.
    x: Vec<f32>,
    r1: Vec<f32>,
    h1: Vec<f32>,
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    /// Attention weights `[layer][head][query][key]`.
    pub att: Vec<f32>,
    attn_out: Vec<f32>,
    x_mid: Vec<f32>,
    r2: Vec<f32>,
    h2: Vec<f32>,
    fc1_out: Vec<f32>,
    relu_out: Vec<f32>,
    /// Votes for the next token at each position read.
    pub logits: Vec<f32>,
    /// Shares (softmax of the votes) at each position scored.
    pub probs: Vec<f32>,
    scores: Vec<f32>,
    d_logits: Vec<f32>,
    d_x: Vec<f32>,
    d_attn_out: Vec<f32>,
    d_q: Vec<f32>,
    d_k: Vec<f32>,
    d_v: Vec<f32>,
    d_hidden: Vec<f32>,
    d_norm: Vec<f32>,
}

impl GptActivations {
    fn new(cfg: &GptConfig, vocab_size: usize) -> Self {
        let GptConfig { n_layer: nl, n_head: nh, n_embd: c, block_size: bt } = *cfg;
        let f = cfg.mlp_width();
        let z = |n: usize| vec![0.0f32; n];
        Self {
            len: 0,
            block_size: bt,
            config: *cfg,
            vocab_size,
            tokens: vec![0; bt],
            emb: z(bt * c),
            r0: z(bt),
            x: z((nl + 1) * bt * c),
            r1: z(nl * bt),
            h1: z(nl * bt * c),
            q: z(nl * bt * c),
            k: z(nl * bt * c),
            v: z(nl * bt * c),
            att: z(nl * nh * bt * bt),
            attn_out: z(nl * bt * c),
            x_mid: z(nl * bt * c),
            r2: z(nl * bt),
            h2: z(nl * bt * c),
            fc1_out: z(nl * bt * f),
            relu_out: z(nl * bt * f),
            logits: z(bt * vocab_size),
            probs: z(bt * vocab_size),
            scores: z(bt),
            d_logits: z(bt * vocab_size),
            d_x: z(bt * c),
            d_attn_out: z(bt * c),
            d_q: z(bt * c),
            d_k: z(bt * c),
            d_v: z(bt * c),
            d_hidden: z(bt * f),
            d_norm: z(c),
        }
    }

    /// Forget the context (start reading a new document).
    pub fn reset(&mut self) {
        self.len = 0;
    }

    /// The sizes of the model these activations belong to.
    pub fn config(&self) -> GptConfig {
        self.config
    }

    /// Positions read so far.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when the context holds `block_size` positions and can read no more.
    pub fn is_full(&self) -> bool {
        self.len == self.block_size
    }

    /// What stage `stage` computed at position `pos` (for stages inside a
    /// layer, in layer `layer`; other stages ignore it). Positions not yet
    /// read hold stale numbers: callers ask only below [`GptActivations::len`].
    pub fn stage(&self, stage: Stage, layer: usize, pos: usize) -> &[f32] {
        let GptConfig { n_embd: c, block_size: bt, .. } = self.config;
        let f = self.config.mlp_width();
        let lt = layer * bt + pos;
        let width = |w: usize| lt * w..(lt + 1) * w;
        match stage {
            Stage::Embedding => &self.emb[pos * c..(pos + 1) * c],
            Stage::Input => &self.x[width(c)],
            Stage::AttnNorm => &self.h1[width(c)],
            Stage::Query => &self.q[width(c)],
            Stage::Key => &self.k[width(c)],
            Stage::Value => &self.v[width(c)],
            Stage::AttnOut => &self.attn_out[width(c)],
            Stage::AfterAttention => &self.x_mid[width(c)],
            Stage::MlpNorm => &self.h2[width(c)],
            Stage::Hidden => &self.fc1_out[width(f)],
            Stage::Fired => &self.relu_out[width(f)],
            Stage::AfterMlp => &self.x[((layer + 1) * bt + pos) * c..][..c],
            Stage::Votes => &self.logits[pos * self.vocab_size..(pos + 1) * self.vocab_size],
        }
    }

    /// The attention weights of head `head` in layer `layer` at query position
    /// `query` over keys `0..=query` ([`ATTENTION_WEIGHTS`]; the future is not
    /// in the row: its weights are exactly zero).
    pub fn attention(&self, layer: usize, head: usize, query: usize) -> &[f32] {
        let (nh, bt) = (self.config.n_head, self.block_size);
        &self.att[((layer * nh + head) * bt + query) * bt..][..=query]
    }

    /// The raw scores of head `head` at query `query` against keys `0..=query`
    /// ([`ATTENTION_SCORE`]), recomputed from the stored q and k with the
    /// forward pass's own arithmetic, into `out[..=query]`.
    pub fn attention_scores(&self, layer: usize, head: usize, query: usize, out: &mut [f32]) {
        let GptConfig { n_embd: c, block_size: bt, .. } = self.config;
        let hd = self.config.head_dim();
        let scale = 1.0 / (hd as f32).sqrt();
        let q = &self.q[(layer * bt + query) * c + head * hd..][..hd];
        for (s, out) in out[..=query].iter_mut().enumerate() {
            *out = dot(q, &self.k[(layer * bt + s) * c + head * hd..][..hd]) * scale;
        }
    }

    /// The mean entropy of the attention rows read so far
    /// ([`ATTENTION_ENTROPY`]), over every layer, head and query position
    /// after the first (position 0 can only look at itself). High: each head
    /// spreads its look evenly; low: each head picks a few letters.
    pub fn mean_attention_entropy(&self) -> f32 {
        let GptConfig { n_layer, n_head, .. } = self.config;
        let mut total = 0.0f32;
        let mut rows = 0usize;
        for l in 0..n_layer {
            for h in 0..n_head {
                for t in 1..self.len {
                    total += entropy(self.attention(l, h, t));
                    rows += 1;
                }
            }
        }
        if rows == 0 { 0.0 } else { total / rows as f32 }
    }
}

/// −Σ a ln a over one attention row (0 ln 0 counted as 0).
pub fn entropy(row: &[f32]) -> f32 {
    -row.iter().filter(|&&a| a > 0.0).map(|&a| a * libm::logf(a)).sum::<f32>()
}

/// One stage of the forward pass at one position, in the order the inside
/// view draws them. Each names the formula that made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// `wte[token] + wpe[pos]`.
    Embedding,
    /// The residual stream entering a layer (layer 0: the normalised embedding).
    Input,
    /// rmsnorm before attention.
    AttnNorm,
    Query,
    Key,
    Value,
    /// Each head's weighted sum of values, side by side.
    AttnOut,
    /// The residual stream after attention: `x + Wo · out`.
    AfterAttention,
    /// rmsnorm before the MLP.
    MlpNorm,
    /// `mlp_fc1 · h`, before the ReLU.
    Hidden,
    /// After the ReLU: the units that fire are positive.
    Fired,
    /// The residual stream after the MLP: `x' + fc2 · relu(...)`.
    AfterMlp,
    /// `lm_head · x`: one vote per token.
    Votes,
}

impl Stage {
    /// Stages inside each layer, in order.
    pub const IN_LAYER: [Stage; 10] = [
        Stage::AttnNorm,
        Stage::Query,
        Stage::Key,
        Stage::Value,
        Stage::AttnOut,
        Stage::AfterAttention,
        Stage::MlpNorm,
        Stage::Hidden,
        Stage::Fired,
        Stage::AfterMlp,
    ];

    /// Every stage of a model with `n_layer` layers, bottom to top, with its layer.
    pub fn all(n_layer: usize) -> Vec<(Stage, usize)> {
        let mut out = vec![(Stage::Embedding, 0), (Stage::Input, 0)];
        for l in 0..n_layer {
            out.extend(Self::IN_LAYER.iter().map(|&s| (s, l)));
        }
        out.push((Stage::Votes, n_layer.saturating_sub(1)));
        out
    }

    /// The stage's name as the inside view labels it.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Embedding => "token + position",
            Stage::Input => "rmsnorm",
            Stage::AttnNorm => "rmsnorm",
            Stage::Query => "q (queries)",
            Stage::Key => "k (keys)",
            Stage::Value => "v (values)",
            Stage::AttnOut => "attention",
            Stage::AfterAttention => "wo + residual",
            Stage::MlpNorm => "rmsnorm",
            Stage::Hidden => "mlp_fc1",
            Stage::Fired => "ReLU",
            Stage::AfterMlp => "mlp_fc2 + residual",
            Stage::Votes => "lm_head: the votes",
        }
    }

    /// The formula that computes one cell of the stage.
    pub fn formula(self) -> Formula {
        match self {
            Stage::Embedding => EMBEDDING,
            Stage::Input | Stage::AttnNorm | Stage::MlpNorm => RMSNORM,
            Stage::Query | Stage::Key | Stage::Value => QKV,
            Stage::AttnOut => ATTENTION_OUT,
            Stage::AfterAttention => AFTER_ATTENTION,
            Stage::Hidden => HIDDEN,
            Stage::Fired => RELU,
            Stage::AfterMlp => AFTER_MLP,
            Stage::Votes => VOTES,
        }
    }

    /// Whether the stage is computed per layer.
    pub fn in_layer(self) -> bool {
        Self::IN_LAYER.contains(&self)
    }
}

/// The formulas of the forward pass, as the inside view and lesson 6 write them.
pub const EMBEDDING: Formula = Formula { name: "embedding", text: "e = wte[token] + wpe[position]" };
pub const RMSNORM: Formula = Formula { name: "rmsnorm", text: "rmsnorm(x) = x / √(mean(x²) + 10⁻⁵)" };
pub const QKV: Formula = Formula { name: "qkv", text: "q = Wq·h,  k = Wk·h,  v = Wv·h" };
pub const ATTENTION_SCORE: Formula =
    Formula { name: "attention_score", text: "score(t, s) = q_t · k_s / √head_dim" };
pub const ATTENTION_WEIGHTS: Formula = Formula {
    name: "attention_weights",
    text: "a(t, s) = exp(score(t, s)) / Σ_{s′ ≤ t} exp(score(t, s′)),  a(t, s) = 0 for s > t",
};
pub const ATTENTION_OUT: Formula =
    Formula { name: "attention_out", text: "out_t = Σ_{s ≤ t} a(t, s) · v_s" };
pub const AFTER_ATTENTION: Formula = Formula { name: "after_attention", text: "x′ = x + Wo · out" };
pub const HIDDEN: Formula = Formula { name: "hidden", text: "z = mlp_fc1 · rmsnorm(x′)" };
pub const RELU: Formula = Formula { name: "relu", text: "relu(z) = max(z, 0)" };
pub const AFTER_MLP: Formula = Formula { name: "after_mlp", text: "x″ = x′ + mlp_fc2 · relu(z)" };
pub const VOTES: Formula = Formula { name: "votes", text: "votes = lm_head · x" };
pub const ATTENTION_ENTROPY: Formula =
    Formula { name: "attention_entropy", text: "H = −Σ_s a(t, s) · ln a(t, s)" };
pub const HEAD_OFF: Formula =
    Formula { name: "head_off", text: "head off: its out_t = 0, as if Wo's columns for it were zero" };
