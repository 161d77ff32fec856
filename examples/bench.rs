//! The brain's training speed without the game, as `raw-weights bench`
//! prints it: built natively (`cargo build --release --no-default-features
//! --example bench`) and for WebAssembly exactly as the browser build compiles
//! the brain (`--profile wasm-release --target wasm32-wasip1`, run with
//! `node scripts/wasi-run.mjs`), the two `training N steps/s` lines give the
//! browser's share of native speed without a browser.
//!
//! Then the climbing lesson's frames (its steps, ghosts and ground, the work
//! of each game second and its CPU time per 1/60 s).
//!
//!   bench [STEPS]   (default 20000; the bigger student trains a twentieth of them)

use raw_weights::brain::bench::{BIG, TrainingBench};
use raw_weights::brain::{Corpus, GptConfig, RunConfig};
use raw_weights::corpora;
use raw_weights::lesson::bench::FramesBench;
use raw_weights::level::LevelSet;

fn main() {
    let steps = match std::env::args().nth(1).map(|s| s.parse::<usize>()) {
        None => 20_000,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: bench [STEPS]  (a whole number above 0)");
            std::process::exit(2);
        }
    };
    let corpus = Corpus::from_text(corpora::NAMES, "names").expect("the names corpus reads");
    let target = if cfg!(target_arch = "wasm32") { "wasm32" } else { std::env::consts::ARCH };
    println!("bench example ({target}): the default gpt and a bigger student, adam, names corpus, 1 thread");
    for (gpt, warmup, steps) in [(GptConfig::default(), 1_000, steps), (BIG, 50, (steps / 20).max(1))] {
        let config = RunConfig { gpt, ..RunConfig::default() };
        match TrainingBench::run(config, &corpus, warmup, steps) {
            Ok(bench) => println!("{}\n", bench.report()),
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
    }
    // The climbing lesson's frames at its own pace: the student, its three
    // ghosts and the ground under them, 10 game seconds.
    let levels = LevelSet::builtin();
    let climbing = levels.get("climbing").expect("the climbing level ships with the game");
    match FramesBench::run(climbing, 600) {
        Ok(frames) => println!("{}", frames.report()),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
