//! What the student looks at: attention weights, votes and scores read from
//! the brain, against a forward pass written here separately (in f64, over
//! whole matrices with a causal mask), and heads switched off.

use raw_weights::brain::attention::{Look, check_text, head_effects};
use raw_weights::brain::gpt::{Gpt, HeadsOff, Stage};
use raw_weights::brain::math::softmax;
use raw_weights::brain::{Brain, Corpus, GptConfig, ModelKind, Params, Run, RunConfig, Vocab};

use crate::cli::{assert_clear_error, raw_weights, temp_file};

/// The test's own forward pass: returns `[layer][head][query][key]` over the
/// full square (future entries 0), the logits `[position][token]` and the
/// mean score on `tokens[1..]` as targets.
struct Reference {
    attention: Vec<Vec<Vec<Vec<f64>>>>,
    logits: Vec<Vec<f64>>,
    score: f64,
}

fn reference_forward(
    params: &Params,
    cfg: GptConfig,
    tokens: &[usize],
    off: Option<(usize, usize)>,
) -> Reference {
    let c = cfg.n_embd;
    let hd = c / cfg.n_head;
    let w = |name: &str| -> Vec<Vec<f64>> {
        let t = params.find(name).unwrap_or_else(|| panic!("no tensor {name}"));
        let data = &params.data[t.range()];
        (0..t.rows).map(|r| data[r * t.cols..(r + 1) * t.cols].iter().map(|&x| x as f64).collect()).collect()
    };
    let mul = |m: &[Vec<f64>], x: &[f64]| -> Vec<f64> {
        m.iter().map(|row| row.iter().zip(x).map(|(a, b)| a * b).sum()).collect()
    };
    let norm = |x: &[f64]| -> Vec<f64> {
        let ms = x.iter().map(|v| v * v).sum::<f64>() / x.len() as f64;
        let s = 1.0 / (ms + 1e-5).sqrt();
        x.iter().map(|v| v * s).collect()
    };
    let n = tokens.len() - 1;
    let (wte, wpe, lm_head) = (w("wte"), w("wpe"), w("lm_head"));
    let mut xs: Vec<Vec<f64>> = (0..n)
        .map(|t| norm(&wte[tokens[t]].iter().zip(&wpe[t]).map(|(a, b)| a + b).collect::<Vec<_>>()))
        .collect();
    let mut attention = Vec::new();
    for l in 0..cfg.n_layer {
        let at = |part: &str| w(&format!("layer{l}.{part}"));
        let (wq, wk, wv, wo, fc1, fc2) =
            (at("attn_wq"), at("attn_wk"), at("attn_wv"), at("attn_wo"), at("mlp_fc1"), at("mlp_fc2"));
        let hs: Vec<Vec<f64>> = xs.iter().map(|x| norm(x)).collect();
        let (q, k, v): (Vec<_>, Vec<_>, Vec<_>) = (
            hs.iter().map(|h| mul(&wq, h)).collect(),
            hs.iter().map(|h| mul(&wk, h)).collect(),
            hs.iter().map(|h| mul(&wv, h)).collect(),
        );
        let mut heads = Vec::new();
        let mut out = vec![vec![0.0f64; c]; n];
        for h in 0..cfg.n_head {
            let cols = h * hd..(h + 1) * hd;
            let mut square = vec![vec![0.0f64; n]; n];
            for t in 0..n {
                let scores: Vec<f64> = (0..n)
                    .map(|s| {
                        if s > t {
                            f64::NEG_INFINITY
                        } else {
                            cols.clone().map(|i| q[t][i] * k[s][i]).sum::<f64>() / (hd as f64).sqrt()
                        }
                    })
                    .collect();
                let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
                let total: f64 = e.iter().sum();
                square[t] = e.iter().map(|x| x / total).collect();
                if off != Some((l, h)) {
                    for s in 0..=t {
                        for i in cols.clone() {
                            out[t][i] += square[t][s] * v[s][i];
                        }
                    }
                }
            }
            heads.push(square);
        }
        attention.push(heads);
        for t in 0..n {
            let mid: Vec<f64> = mul(&wo, &out[t]).iter().zip(&xs[t]).map(|(a, b)| a + b).collect();
            let hidden: Vec<f64> = mul(&fc1, &norm(&mid)).into_iter().map(|z| z.max(0.0)).collect();
            xs[t] = mul(&fc2, &hidden).iter().zip(&mid).map(|(a, b)| a + b).collect();
        }
    }
    let logits: Vec<Vec<f64>> = xs.iter().map(|x| mul(&lm_head, x)).collect();
    let score = (0..n)
        .map(|t| {
            let max = logits[t].iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let lse = max + logits[t].iter().map(|z| (z - max).exp()).sum::<f64>().ln();
            lse - logits[t][tokens[t + 1]]
        })
        .sum::<f64>()
        / n as f64;
    Reference { attention, logits, score }
}

fn trained(config: GptConfig, steps: usize) -> Run {
    let corpus = Corpus::from_text(include_str!("../../assets/corpora/names.txt"), "names").unwrap();
    let mut run = Run::new(RunConfig { steps, gpt: config, ..RunConfig::default() }, &corpus).unwrap();
    while !run.is_finished() {
        run.step().unwrap();
    }
    run
}

fn gpt_of(run: &Run) -> &Gpt {
    match &run.brain {
        Brain::Gpt(gpt) => gpt,
        Brain::Bigram(_) => panic!("a GPT run"),
    }
}

#[test]
fn attention_rows_sum_to_one_never_look_ahead_and_match_a_separate_forward_pass() {
    for config in [GptConfig::default(), GptConfig { n_layer: 2, n_head: 2, n_embd: 8, block_size: 12 }] {
        let run = trained(config, 120);
        let gpt = gpt_of(&run);
        let mut look = Look::new(gpt);
        for text in ["anna", "", "christopher"] {
            let score = look.read(gpt, &run.params.data, &run.vocab, text, HeadsOff::NONE).unwrap();
            let reference = reference_forward(&run.params, config, &look.tokens, None);
            let n = text.len() + 1;
            assert_eq!(look.positions(), n);
            for l in 0..config.n_layer {
                for h in 0..config.n_head {
                    for t in 0..n {
                        let row = look.act.attention(l, h, t);
                        assert_eq!(row.len(), t + 1, "query {t} lists keys 0..={t} only");
                        let sum: f32 = row.iter().sum();
                        assert!((sum - 1.0).abs() < 1e-5, "row {t} of head {h} sums to {sum}");
                        for s in 0..n {
                            let want = reference.attention[l][h][t][s];
                            let got = row.get(s).copied().unwrap_or(0.0) as f64;
                            if s > t {
                                assert_eq!(want, 0.0, "the reference's future weight");
                            }
                            assert!(
                                (got - want).abs() < 1e-5,
                                "layer {l} head {h} a({t},{s}): {got} vs {want}"
                            );
                        }
                    }
                }
            }
            for t in 0..n {
                for (got, want) in look.act.stage(Stage::Votes, 0, t).iter().zip(&reference.logits[t]) {
                    assert!((*got as f64 - want).abs() < 1e-4 * want.abs().max(1.0), "votes at {t}");
                }
            }
            assert!((score as f64 - reference.score).abs() < 1e-5, "{score} vs {}", reference.score);
        }
    }
}

#[test]
fn the_reference_pass_would_catch_a_wrong_attention() {
    // The comparison above can fail: with a head's output dropped, the
    // reference's logits move away from the brain's.
    let run = trained(GptConfig::default(), 120);
    let gpt = gpt_of(&run);
    let mut look = Look::new(gpt);
    look.read(gpt, &run.params.data, &run.vocab, "anna", HeadsOff::NONE).unwrap();
    let reference = reference_forward(&run.params, run.config.gpt, &look.tokens, Some((0, 1)));
    let worst = (0..5)
        .flat_map(|t| {
            let got = look.act.stage(Stage::Votes, 0, t).to_vec();
            reference.logits[t].iter().zip(got).map(|(w, g)| (w - g as f64).abs()).collect::<Vec<_>>()
        })
        .fold(0.0f64, f64::max);
    assert!(worst > 1e-3, "dropping a head changes the votes by {worst}");
}

#[test]
fn a_head_switched_off_scores_as_if_its_wo_columns_were_zero() {
    let config = GptConfig { n_layer: 2, n_head: 4, n_embd: 16, block_size: 16 };
    let run = trained(config, 200);
    let gpt = gpt_of(&run);
    let hd = config.head_dim();
    let mut look = Look::new(gpt);
    for (layer, head) in [(0, 0), (0, 3), (1, 2)] {
        let off =
            look.read(gpt, &run.params.data, &run.vocab, "isabella", HeadsOff::only(layer, head, 4)).unwrap();
        let mut zeroed = run.params.clone();
        let wo = zeroed.find(&format!("layer{layer}.attn_wo")).unwrap().clone();
        for row in 0..wo.rows {
            for col in head * hd..(head + 1) * hd {
                zeroed.data[wo.offset + row * wo.cols + col] = 0.0;
            }
        }
        let whole = look.read(gpt, &zeroed.data, &run.vocab, "isabella", HeadsOff::NONE).unwrap();
        assert_eq!(off.to_bits(), whole.to_bits(), "head {layer}.{head} off: {off} vs zeroed Wo {whole}");
        let on = look.read(gpt, &run.params.data, &run.vocab, "isabella", HeadsOff::NONE).unwrap();
        assert_ne!(on, off, "switching head {layer}.{head} off changes the score");
    }
}

#[test]
fn measuring_with_heads_off_leaves_training_unchanged() {
    let corpus = Corpus::from_text(include_str!("../../assets/corpora/names.txt"), "names").unwrap();
    let config = RunConfig { steps: 80, ..RunConfig::default() };
    let mut plain = Run::new(config, &corpus).unwrap();
    let mut watched = Run::new(config, &corpus).unwrap();
    let Brain::Gpt(gpt) = watched.brain.clone() else { panic!("a GPT run") };
    let mut look = Look::new(&gpt);
    let texts = ["emma", "olivia", "noah"];
    while !plain.is_finished() {
        plain.step().unwrap();
        watched.step().unwrap();
        let effects = head_effects(&gpt, &watched.params.data, &watched.vocab, &texts, &mut look).unwrap();
        assert_eq!(effects.rises.len(), 4);
    }
    assert_eq!(plain.checksum_hex(), watched.checksum_hex());
    assert_eq!(plain.losses, watched.losses);
}

#[test]
fn attention_entropy_falls_as_the_student_learns() {
    let corpus = Corpus::from_text(include_str!("../../assets/corpora/names.txt"), "names").unwrap();
    let mut run = Run::new(RunConfig { steps: 1000, ..RunConfig::default() }, &corpus).unwrap();
    let Brain::Gpt(gpt) = run.brain.clone() else { panic!("a GPT run") };
    let mut look = Look::new(&gpt);
    let mean_entropy = |run: &Run, look: &mut Look| {
        let texts = ["emma", "olivia", "isabella", "sophia", "alexander"];
        texts
            .iter()
            .map(|t| {
                look.read(&gpt, &run.params.data, &run.vocab, t, HeadsOff::NONE).unwrap();
                look.act.mean_attention_entropy()
            })
            .sum::<f32>()
            / texts.len() as f32
    };
    let before = mean_entropy(&run, &mut look);
    while !run.is_finished() {
        run.step().unwrap();
    }
    let after = mean_entropy(&run, &mut look);
    // Fresh weights look almost evenly (ln of the letters in view); trained heads pick.
    assert!(before > 1.2, "near uniform at the start: {before}");
    assert!(after < before - 0.1, "entropy {before} → {after}");
}

#[test]
fn a_text_the_student_cannot_read_whole_is_refused() {
    let vocab = Vocab::from_docs(&["abc"]);
    let gpt = Gpt::new(GptConfig { block_size: 4, ..GptConfig::default() }, vocab.size());
    assert!(check_text(&gpt, &vocab, "abc").is_ok(), "three letters fit a context of four");
    let long = check_text(&gpt, &vocab, "abca").unwrap_err().to_string();
    assert!(long.contains("at most 3"), "{long}");
    let outside = check_text(&gpt, &vocab, "abd").unwrap_err().to_string();
    assert!(outside.contains("'d'"), "{outside}");
    let _ = ModelKind::Gpt;
}

#[test]
fn the_attention_command_prints_tokens_attention_votes_and_score() {
    let (dir, export) = temp_file("run.json", "");
    let out = raw_weights(&[
        "train",
        "--corpus",
        "assets/corpora/names.txt",
        "--steps",
        "150",
        "--export",
        export.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = raw_weights(&["attention", "--load", export.to_str().unwrap(), "--text", "anna"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let tokens: Vec<usize> = serde_json::from_value(json["tokens"].clone()).unwrap();
    assert_eq!(tokens, vec![26, 0, 13, 13, 0], "BOS, then a n n a");
    let attention: Vec<Vec<Vec<Vec<f32>>>> = serde_json::from_value(json["attention"].clone()).unwrap();
    assert_eq!((attention.len(), attention[0].len()), (1, 4), "[layer][head]");
    for (t, row) in attention[0][2].iter().enumerate() {
        assert_eq!(row.len(), t + 1, "query {t} lists keys 0..={t}");
    }
    let votes: Vec<Vec<f32>> = serde_json::from_value(json["votes"].clone()).unwrap();
    assert_eq!((votes.len(), votes[0].len()), (5, 27), "[position][token]");

    // Softmax of the printed votes is the brain's shares for the same text.
    let text = std::fs::read_to_string(&export).unwrap();
    let export = raw_weights::brain::RunExport::from_json(&text, "run.json").unwrap();
    let (vocab, brain, params) = export.trained_model("run.json").unwrap();
    let mut ws = brain.new_workspace();
    brain.reset(&mut ws);
    let mut shares = vec![0.0f32; 27];
    let mut printed = vec![0.0f32; 27];
    for (t, &token) in tokens.iter().enumerate() {
        softmax(&mut shares, brain.read(&params.data, &mut ws, token));
        softmax(&mut printed, &votes[t]);
        assert_eq!(shares, printed, "shares at position {t}");
    }
    let score = json["score"].as_f64().unwrap() as f32;
    let mut doc = Vec::new();
    vocab.encode_document("anna", &mut doc).unwrap();
    assert_eq!(score, brain.loss(&params.data, &mut ws, &doc), "the training loss on BOS anna BOS");

    let path = export_path(&dir);
    assert_clear_error(
        &raw_weights(&["attention", "--load", &path, "--text", "Anna"]),
        "'A' is not in the vocabulary",
    );
    assert_clear_error(
        &raw_weights(&["attention", "--load", &path, "--text", "abcdefghijklmnop"]),
        "at most 15",
    );
    let bigram = dir.path().join("bigram.json");
    let out = raw_weights(&[
        "train",
        "--corpus",
        "assets/corpora/names.txt",
        "--model",
        "bigram",
        "--steps",
        "5",
        "--export",
        bigram.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert_clear_error(
        &raw_weights(&["attention", "--load", bigram.to_str().unwrap(), "--text", "anna"]),
        "tiny GPT",
    );
    assert_clear_error(
        &raw_weights(&["attention", "--load", "no-such-run.json", "--text", "anna"]),
        "no-such-run.json",
    );
}

fn export_path(dir: &tempfile::TempDir) -> String {
    dir.path().join("run.json").to_str().unwrap().to_string()
}
