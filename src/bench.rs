//! `raw-weights bench`: training speed of the default model on the names
//! corpus, single-threaded, with a breakdown of where a step's time goes.

use std::time::{Duration, Instant};

use clap::Args;

use raw_weights::brain::{BrainError, Corpus, Run, RunConfig};
use raw_weights::corpora;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Training steps to time (after a warm-up of 1,000).
    #[arg(long, default_value_t = 20_000)]
    pub steps: usize,
}

pub fn run(args: BenchArgs) -> Result<(), BrainError> {
    let corpus = Corpus::from_text(corpora::NAMES, "names")?;
    let warmup = 1_000;
    let config = RunConfig {
        steps: warmup + args.steps,
        ..RunConfig::default()
    };
    let mut run = Run::new(config, &corpus)?;
    println!(
        "bench: default gpt (n_layer {}, n_head {}, n_embd {}, block_size {}; {} weights), adam, names corpus, 1 thread{}",
        config.gpt.n_layer,
        config.gpt.n_head,
        config.gpt.n_embd,
        config.gpt.block_size,
        run.params.len(),
        if cfg!(debug_assertions) {
            "  [debug build: use --release for real figures]"
        } else {
            ""
        }
    );
    run.train(warmup)?;

    let positions: usize = (warmup..warmup + args.steps)
        .map(|k| run.brain.positions(run.document_tokens(k).len()))
        .sum();
    let started = Instant::now();
    run.train(args.steps)?;
    let total = started.elapsed();

    // Where the time goes: the same documents, one part of the step at a time.
    let (brain, params) = (run.brain.clone(), run.params.clone());
    let mut ws = brain.new_workspace();
    let mut grad = vec![0.0; params.len()];
    let docs: Vec<Vec<usize>> = (warmup..warmup + args.steps)
        .map(|k| run.document_tokens(k).to_vec())
        .collect();
    let forward = time(|| {
        for tokens in &docs {
            std::hint::black_box(brain.loss(&params.data, &mut ws, tokens));
        }
    });
    let forward_backward = time(|| {
        for tokens in &docs {
            std::hint::black_box(brain.loss_and_grad(&params.data, &mut grad, &mut ws, tokens));
        }
    });
    let mut optimizer = run.optimizer.clone();
    let mut weights = params.data.clone();
    let update = time(|| {
        for _ in 0..args.steps {
            optimizer.update(&mut weights, &grad);
        }
    });

    let per_step = |d: Duration| d.as_secs_f64() * 1e6 / args.steps as f64;
    let steps_per_s = args.steps as f64 / total.as_secs_f64();
    println!("steps timed       {}", args.steps);
    println!(
        "training          {:>10.0} steps/s   {:>10.0} tokens/s",
        steps_per_s,
        positions as f64 / total.as_secs_f64()
    );
    println!(
        "time per step     {:>10.2} µs  ({:.1} positions on average)",
        per_step(total),
        positions as f64 / args.steps as f64
    );
    println!("  forward         {:>10.2} µs", per_step(forward));
    println!(
        "  backward        {:>10.2} µs",
        per_step(forward_backward.saturating_sub(forward))
    );
    println!("  adam update     {:>10.2} µs", per_step(update));
    println!("checksum          {}", run.checksum_hex());
    Ok(())
}

fn time(mut f: impl FnMut()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}
