//! `raw-weights bench`: training speed of the default model and a bigger
//! student on the names corpus, single-threaded, with a breakdown of where a
//! step's time goes (`brain::bench`); `--game` and `--replay` time the game.

use std::time::{Duration, Instant};

use clap::Args;

use raw_weights::brain::bench::{self, TrainingBench};
use raw_weights::brain::{BrainError, Corpus, GptConfig, RunConfig, SubnormalTiming, Subnormals};
use raw_weights::corpora;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Training steps to time (after a warm-up of 1,000).
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub steps: u64,
    /// Instead: the time per frame the game's training and landscape systems take, per level.
    #[arg(long)]
    pub game: bool,
    /// Instead: how long a replay takes to scrub to its end and back to its middle.
    #[arg(long, value_name = "FILE")]
    pub replay: Option<std::path::PathBuf>,
    /// Frames per level for --game.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub frames: u64,
    /// Instead: writes a big training text of made-up names to FILE (the same
    /// text every time), for timing `train` on it: 2,000,000 lines, about 17 MB.
    #[arg(long, value_name = "FILE")]
    pub write_text: Option<std::path::PathBuf>,
    /// Lines for --write-text.
    #[arg(long, default_value_t = 2_000_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub lines: u64,
}

pub fn run(args: BenchArgs) -> Result<(), BrainError> {
    let steps = args.steps as usize;
    if let Some(path) = &args.replay {
        scrub(path);
        return Ok(());
    }
    if let Some(path) = &args.write_text {
        let text = made_up_names(args.lines as usize);
        if let Err(e) = std::fs::write(path, &text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
        println!("wrote {} lines, {} bytes, to {}", args.lines, text.len(), path.display());
        return Ok(());
    }
    if args.game {
        #[cfg(feature = "game")]
        game_frames::run(args.frames as usize);
        #[cfg(not(feature = "game"))]
        eprintln!("this build has no game (built without the `game` feature)");
        return Ok(());
    }
    let corpus = Corpus::from_text(corpora::NAMES, "names")?;
    println!(
        "bench: the default gpt and a bigger student, adam, names corpus, 1 thread{}",
        if cfg!(debug_assertions) { "  [debug build: use --release for real figures]" } else { "" }
    );
    const WARMUP: usize = 1_000;
    for (gpt, warmup, steps) in [(GptConfig::default(), WARMUP, steps), (bench::BIG, 50, (steps / 20).max(1))]
    {
        let config = RunConfig { gpt, ..RunConfig::default() };
        println!("{}\n", TrainingBench::run(config, &corpus, warmup, steps)?.report());
    }
    // The page cannot ask the processor who made it: it times the same
    // arithmetic on subnormal and normal numbers at start and goes the way
    // that gives. What that timing decides on this processor:
    let started = Instant::now();
    let timing = SubnormalTiming::measure(|| started.elapsed().as_secs_f64());
    println!(
        "in the browser     subnormals {} (timed in {:.0} ms)",
        timing.describe(),
        started.elapsed().as_secs_f64() * 1e3
    );
    // Where this processor computes subnormals at speed, the default model
    // the careful way too: what a page whose timing finds them slow trains at.
    if Subnormals::of_this_processor() == Subnormals::Computed {
        let avoided =
            TrainingBench::run_with(RunConfig::default(), &corpus, WARMUP, steps, Subnormals::Avoided)?;
        println!(
            "kept out          {:>10.0} steps/s   the default model with subnormals kept out of the arithmetic (checksum {})",
            avoided.steps_per_second(),
            avoided.checksum
        );
    }
    Ok(())
}

/// `lines` made-up names, one a line, from seeded syllables: a text as big as
/// a book or a census, the same every time.
fn made_up_names(lines: usize) -> String {
    use raw_weights::brain::{Rand, Stream};
    const ONSETS: [&str; 16] =
        ["b", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z"];
    const NUCLEI: [&str; 8] = ["a", "e", "i", "o", "u", "ai", "ea", "ou"];
    const CODAS: [&str; 8] = ["", "", "", "n", "r", "s", "l", "th"];
    let mut rng = Rand::new(2, Stream::DataOrder);
    let mut text = String::with_capacity(lines * 9);
    for _ in 0..lines {
        for _ in 0..2 + rng.below(3) {
            text.push_str(ONSETS[rng.below(ONSETS.len())]);
            text.push_str(NUCLEI[rng.below(NUCLEI.len())]);
        }
        text.push_str(CODAS[rng.below(CODAS.len())]);
        text.push('\n');
    }
    text
}

fn time(mut f: impl FnMut()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}

/// `raw-weights bench --game`: the brain's share of a frame in the game.
#[cfg(feature = "game")]
pub mod game_frames {
    use std::time::Duration;

    use bevy::prelude::*;
    use bevy::state::app::StatesPlugin;
    use bevy::time::TimeUpdateStrategy;

    use raw_weights::game::intent::{Command, Do, Setting};
    use raw_weights::game::levels::{Levels, ProgressRes};
    use raw_weights::game::session::Session;
    use raw_weights::game::{self, FrameCost, Start};
    use raw_weights::level::Goal;
    use raw_weights::level::format::MAX_SPEED;
    use raw_weights::level::{LevelSet, Progress};

    /// Plays each level headless at 60 frames per second, one fixed tick per
    /// frame, with the game's own budgets and pace, and prints the brain's
    /// work per game second (training steps of the student and the ghosts,
    /// landscape cells and heights, full re-slices) and what it cost in CPU
    /// milliseconds per 1/60 s.
    pub fn run(frames: usize) {
        let levels = LevelSet::builtin();
        println!(
            "bench --game: {frames} frames per level at 60 fps, headless; the brain's work per game second and its CPU time per 1/60 s{}",
            if cfg!(debug_assertions) { "  [debug build: use --release for real figures]" } else { "" }
        );
        println!(
            "level            steps/s  ghost/s  cells/s heights/s slices/s   train ms   land ms   both ms    p95 ms    max ms"
        );
        // Each level at its own pace; then the climbing level at the fastest
        // speed the speed control offers, with a budget of a million steps and
        // a goal out of reach, so training fills its time budget every frame.
        let mut stress = levels.get("climbing").cloned();
        if let Some(level) = stress.as_mut() {
            level.file.steps = 1_000_000;
            level.file.goal = Goal::LossBelow { loss: 0.01, window: 100 };
        }
        let rows =
            levels.levels.iter().map(|l| (l, None)).chain(stress.as_ref().map(|l| (l, Some(MAX_SPEED))));
        for (level, speed) in rows {
            let mut app = App::new();
            app.add_plugins((MinimalPlugins, StatesPlugin));
            app.insert_resource(TimeUpdateStrategy::FixedTimesteps(1));
            app.insert_resource(Start::Play(level.id().to_string()));
            if speed.is_some() {
                app.insert_resource(Levels {
                    set: LevelSet { levels: vec![level.clone()], errors: Vec::new() },
                });
            }
            app.insert_resource(ProgressRes { progress: Progress::default(), store: None });
            app.add_plugins(game::logic);
            if let Some(speed) = speed {
                app.update();
                app.world_mut().trigger(Do(Command::Set(Setting::Speed(speed))));
            }
            let mut costs = Vec::with_capacity(frames);
            for _ in 0..frames + 3 {
                app.update();
                costs.push(*app.world().resource::<FrameCost>());
            }
            // Skip the frames that load the level.
            let costs = &costs[3..];
            let ms = |d: Duration| d.as_secs_f64() * 1e3;
            let mut both: Vec<f64> = costs.iter().map(|c| ms(c.training + c.landscape)).collect();
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            let train: Vec<f64> = costs.iter().map(|c| ms(c.training)).collect();
            let land: Vec<f64> = costs.iter().map(|c| ms(c.landscape)).collect();
            let seconds = frames as f64 / 60.0;
            let per_second = |f: fn(&FrameCost) -> usize| costs.iter().map(f).sum::<usize>() as f64 / seconds;
            let mean_both = mean(&both);
            both.sort_by(f64::total_cmp);
            let p95 = both[(both.len() * 95 / 100).min(both.len() - 1)];
            let session = app.world().resource::<Session>();
            let label = match speed {
                Some(_) => format!("{} (max)", session.play.level.id()),
                None => session.play.level.id().to_string(),
            };
            println!(
                "{:<16} {:>7.0} {:>8.0} {:>8.0} {:>9.0} {:>8.2} {:>10.3} {:>9.3} {:>9.3} {:>9.3} {:>9.3}",
                label,
                per_second(|c| c.steps),
                per_second(|c| c.ghost_steps),
                per_second(|c| c.cells),
                per_second(|c| c.heights),
                per_second(|c| c.slices),
                mean(&train),
                mean(&land),
                mean_both,
                p95,
                both.last().copied().unwrap_or(0.0),
            );
        }
        inside_view(&levels);
    }

    /// The inside view at the default size: what opening it costs (one
    /// forward pass and every row) and what a key costs (every row again);
    /// the view's systems add their own per-frame figure to the game's log.
    fn inside_view(levels: &LevelSet) {
        use raw_weights::lesson::inside::Inside;
        use raw_weights::lesson::play::Play;
        let Some(level) = levels.get("performing") else { return };
        let Ok(play) = Play::new(level, 0) else { return };
        let vocab = &play.run.vocab;
        let n = 200;
        let started = std::time::Instant::now();
        let mut rows = 0;
        for _ in 0..n {
            let inside = Inside::open(&play).expect("the default GPT opens");
            rows = inside.view().len();
            std::hint::black_box(inside.selected(vocab));
        }
        let open = started.elapsed() / n;
        let mut inside = Inside::open(&play).expect("the default GPT opens");
        let started = std::time::Instant::now();
        for i in 0..n {
            inside.step_cell(i % 2 == 0);
            std::hint::black_box((inside.view(), inside.selected(vocab)));
        }
        let key = started.elapsed() / n;
        println!(
            "inside view ({rows} rows): open {:.3} ms, a key {:.3} ms",
            open.as_secs_f64() * 1e3,
            key.as_secs_f64() * 1e3
        );
    }
}

/// Times scrubbing a replay: to its end from the start, back to its middle
/// (from the nearest kept snapshot), and a full verification.
fn scrub(path: &std::path::Path) {
    use raw_weights::lesson::replay::Replayer;
    use raw_weights::level::replay::ReplayFile;
    let name = path.display().to_string();
    let (file, level) = match ReplayFile::load(path) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("error: {e}");
            return;
        }
    };
    let total = file.total_steps();
    let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    let (mut replayer, mut play) = Replayer::start(file, &level, &name).expect("the level starts");
    let to_end = time(|| replayer.seek(&mut play, total).expect("the replay plays"));
    let back = time(|| replayer.seek(&mut play, total / 2).expect("the replay plays"));
    let forward_again = time(|| replayer.seek(&mut play, total).expect("the replay plays"));
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "bench --replay {name}: {bytes} bytes, {total} steps, level {}{}",
        level.id(),
        if cfg!(debug_assertions) { "  [debug build: use --release for real figures]" } else { "" }
    );
    println!("scrub start -> end      {:>9.1} ms", ms(to_end));
    println!("scrub end -> middle     {:>9.1} ms", ms(back));
    println!("scrub middle -> end     {:>9.1} ms", ms(forward_again));
    println!("checksums compared      {:>9}", replayer.checked);
    println!("mismatch                {:>9}", if replayer.mismatch.is_some() { "yes" } else { "none" });
}
