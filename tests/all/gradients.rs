//! Every gradient tensor of both models against central finite differences.

use raw_weights::brain::{Brain, GptConfig, ModelKind, Params, Rand, Stream, Vocab};

/// Finite differences for every weight of `tensor`, against the analytic
/// gradient. Returns the tensor's relative error `‖fd − g‖ / max(‖fd‖, ‖g‖)`
/// over its smooth weights, and how many weights no difference explains.
///
/// Each weight is nudged by three step sizes and the closest central
/// difference counts. A nudge can carry a hidden unit across ReLU's kink,
/// where central differences mean nothing; such a weight passes if a
/// one-sided difference on the kink-free side matches instead.
fn check_tensor(
    brain: &Brain,
    params: &Params,
    tokens: &[usize],
    tensor: usize,
    grad: &[f32],
) -> (f64, usize) {
    let mut ws = brain.new_workspace();
    let base = brain.loss(&params.data, &mut ws, tokens) as f64;
    let t = &params.tensors[tensor];
    let mut p = params.data.clone();
    let (mut diff2, mut fd2, mut g2, mut unexplained) = (0.0f64, 0.0f64, 0.0f64, 0usize);
    for i in t.range() {
        let g = grad[i] as f64;
        let mut loss_at = |h: f32| {
            let orig = p[i];
            p[i] = orig + h;
            let loss = brain.loss(&p, &mut ws, tokens) as f64;
            p[i] = orig;
            loss
        };
        let mut central = Vec::new();
        let mut one_sided = Vec::new();
        for h in [1e-2f32, 3e-3, 1e-3] {
            let (up, down) = (loss_at(h), loss_at(-h));
            let h = h as f64;
            central.push((up - down) / (2.0 * h));
            one_sided.push((up - base) / h);
            one_sided.push((base - down) / h);
        }
        let closest =
            |v: &[f64]| v.iter().copied().min_by(|a, b| (a - g).abs().total_cmp(&(b - g).abs())).unwrap();
        let fd = closest(&central);
        // f32 rounding in the losses limits what a difference can resolve.
        if (fd - g).abs() <= 2e-3 + 1e-2 * g.abs() {
            diff2 += (fd - g) * (fd - g);
            fd2 += fd * fd;
            g2 += g * g;
        } else if (closest(&one_sided) - g).abs() > 1e-2 + 3e-2 * g.abs() {
            unexplained += 1;
        }
    }
    (diff2.sqrt() / fd2.sqrt().max(g2.sqrt()).max(1e-12), unexplained)
}

fn analytic_gradient(brain: &Brain, params: &Params, tokens: &[usize]) -> Vec<f32> {
    let mut grad = vec![0.0; params.len()];
    brain.loss_and_grad(&params.data, &mut grad, &mut brain.new_workspace(), tokens);
    grad
}

fn check_model(brain: &Brain, params: &Params, tokens: &[usize]) {
    assert!(!params.tensors.is_empty());
    let grad = analytic_gradient(brain, params, tokens);
    for (i, t) in params.tensors.iter().enumerate() {
        let (rel, unexplained) = check_tensor(brain, params, tokens, i, &grad);
        assert!(rel < 5e-3, "{}: relative error {rel:.2e} between analytic and numeric gradients", t.name);
        assert_eq!(
            unexplained,
            0,
            "{}: {unexplained} of {} weights disagree with every difference",
            t.name,
            t.len()
        );
    }
}

/// Weights drawn larger than the game's N(0, 0.08) so every gradient is well
/// above the resolution of f32 differences.
fn random_params(brain: &Brain, seed: u64) -> Params {
    let mut params = Params::zeros(&brain.shapes());
    params.init_normal(&mut Rand::new(seed, Stream::Init), 0.5);
    params
}

fn tokens(vocab: &Vocab, doc: &str) -> Vec<usize> {
    let mut out = Vec::new();
    vocab.encode_document(doc, &mut out).unwrap();
    out
}

#[test]
fn bigram_gradient_matches_finite_differences() {
    let vocab = Vocab::from_docs(&["abcd"]);
    let brain = Brain::new(ModelKind::Bigram, GptConfig::default(), vocab.size());
    let params = random_params(&brain, 1);
    // Repeated letters: one row of the table collects several gradients.
    check_model(&brain, &params, &tokens(&vocab, "abacabad"));
}

#[test]
fn gpt_gradient_matches_finite_differences_at_several_sizes() {
    let vocab = Vocab::from_docs(&["abcdef"]);
    let sizes = [
        GptConfig { n_layer: 1, n_head: 1, n_embd: 4, block_size: 4 },
        GptConfig { n_layer: 2, n_head: 2, n_embd: 8, block_size: 6 },
        GptConfig { n_layer: 1, n_head: 4, n_embd: 16, block_size: 16 },
    ];
    for (seed, config) in sizes.into_iter().enumerate() {
        config.validate().unwrap();
        let brain = Brain::new(ModelKind::Gpt, config, vocab.size());
        let params = random_params(&brain, seed as u64 + 10);
        // Longer than the smaller contexts, so the cut at block_size is checked too.
        check_model(&brain, &params, &tokens(&vocab, "abcabfed"));
    }
}

#[test]
fn the_gradient_check_catches_a_wrong_gradient() {
    // The check above must be able to fail: a tensor 10% off, or a single
    // weight with its sign flipped.
    let vocab = Vocab::from_docs(&["abcdef"]);
    let config = GptConfig { n_layer: 1, n_head: 2, n_embd: 8, block_size: 8 };
    let brain = Brain::new(ModelKind::Gpt, config, vocab.size());
    let params = random_params(&brain, 3);
    let toks = tokens(&vocab, "fadebc");
    let grad = analytic_gradient(&brain, &params, &toks);
    let fc1 = params.tensors.iter().position(|t| t.name == "layer0.mlp_fc1").unwrap();
    let range = params.tensors[fc1].range();

    let mut scaled = grad.clone();
    scaled[range.clone()].iter_mut().for_each(|g| *g *= 1.1);
    let (rel, unexplained) = check_tensor(&brain, &params, &toks, fc1, &scaled);
    assert!(rel >= 5e-3 || unexplained > 0, "a 10% error must be caught");

    let mut flipped = grad.clone();
    let biggest = range.max_by(|&a, &b| grad[a].abs().total_cmp(&grad[b].abs())).unwrap();
    flipped[biggest] = -flipped[biggest];
    let (_, unexplained) = check_tensor(&brain, &params, &toks, fc1, &flipped);
    assert!(unexplained > 0, "one wrong weight must be caught");
}

#[test]
fn reading_letter_by_letter_gives_the_votes_used_in_training() {
    // The game shows votes from `read`; training scores them in `loss`.
    let vocab = Vocab::from_docs(&["abcdef"]);
    let brain = Brain::new(ModelKind::Gpt, GptConfig::default(), vocab.size());
    let params = brain.init_params(7);
    let toks = tokens(&vocab, "facade");
    let mut ws = brain.new_workspace();
    let loss = brain.loss(&params.data, &mut ws, &toks);
    let mut reader = brain.new_workspace();
    let mut total = 0.0f32;
    for pair in toks.windows(2) {
        let votes = brain.read(&params.data, &mut reader, pair[0]).to_vec();
        let mut shares = vec![0.0; votes.len()];
        total += raw_weights::brain::math::softmax_and_score(&mut shares, &votes, pair[1]);
    }
    assert_eq!(loss, total * (1.0 / (toks.len() - 1) as f32));
}
