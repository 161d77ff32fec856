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
use super::math::{
    axpy, dot, matvec, matvec_t_acc, outer_acc, rmsnorm, rmsnorm_backward, score_gradient, softmax,
    softmax_and_score,
};
use super::params::layout;

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
const MAX_BLOCK: usize = 512;
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
                for (s, &weight) in weights.iter().enumerate() {
                    axpy(out_h, weight, &a.v[(l * bt + s) * c + hs..][..hd]);
                }
            }
            // x_mid = x + Wo · attention
            matvec(&mut a.x_mid[row(c)], &p[w.attn_wo..][..c * c], &a.attn_out[row(c)]);
            for (y, x) in a.x_mid[row(c)].iter_mut().zip(&a.x[row(c)]) {
                *y += x;
            }
            // MLP: x_next = x_mid + fc2 · relu(fc1 · rmsnorm(x_mid))
            a.r2[lt] = rmsnorm(&mut a.h2[row(c)], &a.x_mid[row(c)]);
            matvec(&mut a.fc1_out[row(f)], &p[w.mlp_fc1..][..f * c], &a.h2[row(c)]);
            for (r, &z) in a.relu_out[row(f)].iter_mut().zip(&a.fc1_out[row(f)]) {
                *r = z.max(0.0);
            }
            let next = ((l + 1) * bt + t) * c;
            let (_, x_next) = a.x.split_at_mut(next);
            let x_next = &mut x_next[..c];
            matvec(x_next, &p[w.mlp_fc2..][..c * f], &a.relu_out[row(f)]);
            for (y, x) in x_next.iter_mut().zip(&a.x_mid[row(c)]) {
                *y += x;
            }
        }

        // votes = lm_head · x
        let x_final = &a.x[(n_layer * bt + t) * c..][..c];
        matvec(&mut a.logits[t * v..(t + 1) * v], &p[self.lm_head..][..v * c], x_final);
        a.len += 1;
        &a.logits[t * v..(t + 1) * v]
    }

    /// Mean teacher's score over a document's positions, forward only.
    pub fn loss(&self, p: &[f32], act: &mut GptActivations, tokens: &[usize]) -> f32 {
        let n = self.positions(tokens.len());
        let v = self.vocab_size;
        act.reset();
        let mut total = 0.0f32;
        for pos in 0..n {
            self.read(p, act, tokens[pos]);
            let (logits, probs) = (&act.logits[pos * v..][..v], &mut act.probs[pos * v..][..v]);
            total += softmax_and_score(probs, logits, tokens[pos + 1]);
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
    pub fn loss_and_grad(&self, p: &[f32], g: &mut [f32], act: &mut GptActivations, tokens: &[usize]) -> f32 {
        let loss = self.loss(p, act, tokens);
        self.backward(p, g, act, tokens);
        loss
    }

    fn backward(&self, p: &[f32], g: &mut [f32], a: &mut GptActivations, tokens: &[usize]) {
        let GptConfig { n_head, n_embd: c, block_size: bt, n_layer } = self.config;
        let hd = self.config.head_dim();
        let f = self.config.mlp_width();
        let v = self.vocab_size;
        let n = a.len;
        let attn_scale = 1.0 / (hd as f32).sqrt();
        let weight = 1.0 / n as f32;
        g.fill(0.0);

        // The score's gradient w.r.t. the votes, then back through lm_head.
        for t in 0..n {
            let dlogits = &mut a.d_logits[..v];
            score_gradient(dlogits, &a.probs[t * v..][..v], tokens[t + 1], weight);
            let x_final = &a.x[(n_layer * bt + t) * c..][..c];
            outer_acc(&mut g[self.lm_head..][..v * c], dlogits, x_final);
            let dx = &mut a.d_x[t * c..][..c];
            dx.fill(0.0);
            matvec_t_acc(dx, &p[self.lm_head..][..v * c], dlogits);
        }

        for (l, w) in self.layers.iter().enumerate().rev() {
            // MLP block, position by position.
            for t in 0..n {
                let lt = l * bt + t;
                let dx = &mut a.d_x[t * c..][..c];
                outer_acc(&mut g[w.mlp_fc2..][..c * f], dx, &a.relu_out[lt * f..][..f]);
                let d_hidden = &mut a.d_hidden[..f];
                d_hidden.fill(0.0);
                matvec_t_acc(d_hidden, &p[w.mlp_fc2..][..c * f], dx);
                for (d, &z) in d_hidden.iter_mut().zip(&a.fc1_out[lt * f..][..f]) {
                    if z <= 0.0 {
                        *d = 0.0;
                    }
                }
                outer_acc(&mut g[w.mlp_fc1..][..f * c], d_hidden, &a.h2[lt * c..][..c]);
                let d_norm = &mut a.d_norm[..c];
                d_norm.fill(0.0);
                matvec_t_acc(d_norm, &p[w.mlp_fc1..][..f * c], d_hidden);
                rmsnorm_backward(dx, d_norm, &a.x_mid[lt * c..][..c], a.r2[lt]);
            }

            // Attention block: first back through attn_wo for every position...
            for t in 0..n {
                let lt = l * bt + t;
                let dx = &a.d_x[t * c..][..c];
                outer_acc(&mut g[w.attn_wo..][..c * c], dx, &a.attn_out[lt * c..][..c]);
                let d_out = &mut a.d_attn_out[t * c..][..c];
                d_out.fill(0.0);
                matvec_t_acc(d_out, &p[w.attn_wo..][..c * c], dx);
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
            for t in 0..n {
                let lt = l * bt + t;
                let h1 = &a.h1[lt * c..][..c];
                let d_norm = &mut a.d_norm[..c];
                d_norm.fill(0.0);
                for (offset, d) in [(w.attn_wq, &a.d_q), (w.attn_wk, &a.d_k), (w.attn_wv, &a.d_v)] {
                    let d = &d[t * c..][..c];
                    outer_acc(&mut g[offset..][..c * c], d, h1);
                    matvec_t_acc(d_norm, &p[offset..][..c * c], d);
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
            d_logits: z(vocab_size),
            d_x: z(bt * c),
            d_attn_out: z(bt * c),
            d_q: z(bt * c),
            d_k: z(bt * c),
            d_v: z(bt * c),
            d_hidden: z(f),
            d_norm: z(c),
        }
    }

    /// Forget the context (start reading a new document).
    pub fn reset(&mut self) {
        self.len = 0;
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
}
