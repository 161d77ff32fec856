//! The command line: `raw-weights` plays; `train`, `sample`, `bench` and
//! `levels` use the brain and the level files without the game window.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use raw_weights::brain::sample::{is_memorised, write_samples};
use raw_weights::brain::{
    Corpus, GptConfig, ModelKind, OptimizerConfig, OptimizerKind, Rand, Run, RunConfig, RunExport,
    SampleSettings, Schedule, Stream,
};

use raw_weights::level::LevelSet;

use crate::bench;

#[derive(Parser, Debug)]
#[command(
    name = "raw-weights",
    version,
    about = "A robot student learns to write: a game that trains a real language model."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Play the game (the default when no command is given).
    Play(PlayArgs),
    /// Train a model on a corpus and print the loss as it falls.
    Train(TrainArgs),
    /// Train a model (or load an exported run) and let it write.
    Sample(SampleArgs),
    /// Measure training speed for the default model on the names corpus.
    Bench(bench::BenchArgs),
    /// Validate level files and list the levels in play order.
    Levels(LevelsArgs),
    /// Check a replay: recompute its run and compare every checksum.
    Replay(ReplayArgs),
    /// Read a text with a trained tiny GPT and print, as one JSON object, what it
    /// looks at: its tokens, every attention weight, the votes and the score.
    Attention(AttentionArgs),
}

#[derive(Args, Debug)]
pub struct AttentionArgs {
    /// An exported run (from `train --export`): its final weights and vocabulary are read.
    #[arg(long, value_name = "RUN.json", required_unless_present = "corpus", conflicts_with = "corpus")]
    pub load: Option<PathBuf>,
    /// A text file to train on first, one document per line (with the model options below).
    #[arg(long)]
    pub corpus: Option<PathBuf>,
    #[command(flatten)]
    pub model: ModelArgs,
    /// The text to read: the student reads BOS, then these letters.
    #[arg(long)]
    pub text: String,
}

#[derive(Args, Debug)]
pub struct ReplayArgs {
    /// A replay file (`*.replay.ron`), saved from the game with F6.
    pub file: PathBuf,
    /// Recompute the run without a window; exit 0 when every checksum matches.
    #[arg(long)]
    pub verify: bool,
}

#[derive(Args, Debug)]
pub struct PlayArgs {
    /// Where to start: `title`, `map`, `play:<level id>` (straight into a level, locked or not)
    /// or `replay:<file>`.
    #[arg(long, default_value = "title")]
    pub start: String,
    /// The lessons play themselves, slowly (for screenshots, or a screen left running in class).
    #[arg(long)]
    pub demo: bool,
    /// Presenter mode from the start (F5 in the game): larger type and world, for a projector.
    #[arg(long)]
    pub presenter: bool,
    /// Play back a replay file (saved from the game with F6).
    #[arg(long, value_name = "FILE", conflicts_with = "start")]
    pub replay: Option<PathBuf>,
    /// Open a shared link (F7 in the game, or the browser build's address):
    /// `'#level=climbing&lr=0.02&optimizer=sgd'` or `'#replay=4-climbing'`.
    #[arg(long, value_name = "LINK", conflicts_with_all = ["start", "replay"])]
    pub link: Option<String>,
}

impl Default for PlayArgs {
    fn default() -> Self {
        Self { start: "title".into(), demo: false, presenter: false, replay: None, link: None }
    }
}

impl PlayArgs {
    #[cfg(feature = "game")]
    pub fn start(&self) -> Result<raw_weights::game::Start, String> {
        use raw_weights::game::Start;
        if let Some(replay) = &self.replay {
            return Ok(Start::Replay(replay.display().to_string()));
        }
        if let Some(link) = &self.link {
            return match Start::from_link(link)? {
                Start::Title => Err(format!("the link {link:?} names no level and no replay")),
                start => Ok(start),
            };
        }
        match self.start.as_str() {
            "title" => Ok(Start::Title),
            "map" => Ok(Start::LevelMap),
            other => match (other.strip_prefix("play:"), other.strip_prefix("replay:")) {
                (Some(id), _) if !id.is_empty() => Ok(Start::Play(id.to_string())),
                (_, Some(path)) if !path.is_empty() => Ok(Start::Replay(path.to_string())),
                _ => {
                    Err(format!("unknown start {other:?}: use title, map, play:<level id> or replay:<file>"))
                }
            },
        }
    }

    #[cfg(not(feature = "game"))]
    pub fn start(&self) -> Result<(), String> {
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct LevelsArgs {
    /// Check every level file: print each level's id and title, and each error as
    /// path:line:column (the exit status is non-zero if any file is broken).
    #[arg(long)]
    pub check: bool,
    /// The folder of level files.
    #[arg(default_value = "levels")]
    pub dir: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct ModelArgs {
    /// Which brain: the bigram table or the tiny GPT.
    #[arg(long, default_value = "gpt", value_parser = ["gpt", "bigram"])]
    pub model: String,
    /// Training steps (one document per step).
    #[arg(long, default_value_t = 1000)]
    pub steps: usize,
    /// Seed for the initial weights, the document order and sampling.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    #[arg(long, default_value = "adam", value_parser = ["adam", "adamw", "sgd", "momentum", "rmsprop"])]
    pub optimizer: String,
    /// Learning rate.
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true)]
    pub lr: f32,
    #[arg(long, default_value_t = 0.85, allow_negative_numbers = true)]
    pub beta1: f32,
    #[arg(long, default_value_t = 0.99, allow_negative_numbers = true)]
    pub beta2: f32,
    #[arg(long, default_value_t = 1e-8, allow_negative_numbers = true)]
    pub eps: f32,
    /// AdamW's weight decay.
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true)]
    pub weight_decay: f32,
    /// Learning-rate schedule: linear decay to zero over the run, or constant.
    #[arg(long, default_value = "linear", value_parser = ["linear", "constant"])]
    pub schedule: String,
    #[arg(long, default_value_t = 1)]
    pub n_layer: usize,
    #[arg(long, default_value_t = 4)]
    pub n_head: usize,
    #[arg(long, default_value_t = 16)]
    pub n_embd: usize,
    #[arg(long, default_value_t = 16)]
    pub block_size: usize,
}

impl ModelArgs {
    pub fn run_config(&self) -> RunConfig {
        RunConfig {
            model: ModelKind::parse(&self.model).expect("clap checked the model name"),
            gpt: GptConfig {
                n_layer: self.n_layer,
                n_head: self.n_head,
                n_embd: self.n_embd,
                block_size: self.block_size,
            },
            optimizer: OptimizerConfig {
                kind: OptimizerKind::parse(&self.optimizer).expect("clap checked the optimizer"),
                lr: self.lr,
                beta1: self.beta1,
                beta2: self.beta2,
                eps: self.eps,
                weight_decay: self.weight_decay,
                schedule: if self.schedule == "constant" { Schedule::Constant } else { Schedule::Linear },
                bias_correction: true,
            },
            steps: self.steps,
            seed: self.seed,
            // The command line trains a document a line (an export lists them in order).
            data: raw_weights::brain::Data::Lines,
        }
    }
}

#[derive(Args, Debug)]
pub struct TrainArgs {
    /// A text file, one document per line.
    #[arg(long)]
    pub corpus: PathBuf,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Write the whole run (settings, documents, initial and final weights, losses) as JSON.
    #[arg(long, value_name = "RUN.json")]
    pub export: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SampleArgs {
    /// A text file to train on first, one document per line.
    #[arg(long, required_unless_present = "load")]
    pub corpus: Option<PathBuf>,
    /// An exported run (from `train --export`) to write with instead of training.
    #[arg(long, value_name = "RUN.json", conflicts_with = "corpus")]
    pub load: Option<PathBuf>,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Divides the votes before softmax: low is careful, high is adventurous, 0 always takes the top vote.
    #[arg(long, default_value_t = 0.5, allow_negative_numbers = true)]
    pub temperature: f32,
    /// Draw only from the k letters with the most votes (0: all letters).
    #[arg(long, default_value_t = 0)]
    pub top_k: usize,
    /// Letters the student starts from; it writes on from there.
    #[arg(long, default_value = "")]
    pub prefix: String,
    /// How many texts to write.
    #[arg(long, default_value_t = 10)]
    pub count: usize,
}

/// Runs a command-line command; `None` means "play the game".
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Play(_) => unreachable!("main starts the game"),
        Command::Train(args) => train(args),
        Command::Sample(args) => sample(args),
        Command::Bench(args) => bench::run(args).map_err(|e| e.to_string()),
        Command::Levels(args) => return levels(args),
        Command::Replay(args) => return replay(args),
        Command::Attention(args) => attention(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn replay(args: ReplayArgs) -> ExitCode {
    use raw_weights::lesson::replay::verify;
    use raw_weights::level::replay::ReplayFile;
    let name = args.file.display().to_string();
    let (file, level) = match ReplayFile::load(&args.file) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if !args.verify {
        let commands =
            file.events.iter().filter(|e| matches!(e, raw_weights::level::replay::Event::Do { .. })).count();
        println!(
            "{name}: level {} ({}), {commands} commands over {} steps",
            level.id(),
            level.file.title,
            file.total_steps()
        );
        println!("play it with: raw-weights play --replay {name}   (or check it with --verify)");
        return ExitCode::SUCCESS;
    }
    match verify(file, &level, &name) {
        Ok(done) => {
            println!("{}", done.summary(&name));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn levels(args: LevelsArgs) -> ExitCode {
    let mut set = LevelSet::load_dir(&args.dir);
    for level in &set.levels {
        println!("{:>2}  {:<12} {}", level.file.order, level.id(), level.file.title);
    }
    if args.check {
        // Goals with an answer the model gives: the level's own run must give it clearly.
        for level in &set.levels {
            match raw_weights::lesson::looking::answer(level) {
                Ok(None) => {}
                Ok(Some(answer)) if answer.holds() => println!("    {}: {}", level.id(), answer.describe()),
                Ok(Some(answer)) => set.errors.push(answer_error(
                    level,
                    format!(
                        "the level's own run does not give a clear answer: {}; \
                     change the seed, the steps or the margin",
                        answer.describe()
                    ),
                )),
                Err(e) => set.errors.push(answer_error(level, format!("the level's own run fails: {e}"))),
            }
        }
    }
    for error in &set.errors {
        eprintln!("{error}");
    }
    if set.levels.is_empty() && set.errors.is_empty() {
        eprintln!("{}: no level files (*.ron) found", args.dir.display());
        return ExitCode::FAILURE;
    }
    if set.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// An error about a level's answer, located at its goal's margin.
fn answer_error(level: &raw_weights::level::Level, message: String) -> raw_weights::level::LevelError {
    let text = std::fs::read_to_string(&level.path).unwrap_or_default();
    raw_weights::level::format::error_at(&level.path, &text, &["goal", "margin"], message)
}

fn train(args: TrainArgs) -> Result<(), String> {
    let config = args.model.run_config();
    let run = train_run(&args.corpus, config)?;
    println!("{}", summary(&run));
    if let Some(path) = &args.export {
        std::fs::write(path, RunExport::from_run(&run).to_json())
            .map_err(|e| format!("cannot write export {}: {e}", path.display()))?;
        eprintln!("run exported to {}", path.display());
    }
    Ok(())
}

fn attention(args: AttentionArgs) -> Result<(), String> {
    use raw_weights::brain::attention::Look;
    use raw_weights::brain::gpt::HeadsOff;
    use raw_weights::brain::{Brain, BrainError};
    let (vocab, brain, params) = match (&args.load, &args.corpus) {
        (Some(path), _) => {
            let (vocab, brain, params, _, _) = load_export(path)?;
            (vocab, brain, params)
        }
        (None, Some(corpus)) => {
            if args.model.model != "gpt" {
                return Err(BrainError::NotATransformer { what: "attention" }.to_string());
            }
            let run = train_run(corpus, args.model.run_config())?;
            eprintln!("{}", summary(&run));
            (run.vocab, run.brain, run.params)
        }
        (None, None) => unreachable!("clap requires --load or --corpus"),
    };
    let Brain::Gpt(gpt) = &brain else {
        return Err(BrainError::NotATransformer { what: "attention" }.to_string());
    };
    let mut look = Look::new(gpt);
    look.read(gpt, &params.data, &vocab, &args.text, HeadsOff::NONE).map_err(|e| e.to_string())?;
    println!("{}", serde_json::to_string(&look.report()).expect("the report is plain data"));
    Ok(())
}

/// Reads a run export: the trained student, its seed and its documents.
fn load_export(
    path: &Path,
) -> Result<
    (raw_weights::brain::Vocab, raw_weights::brain::Brain, raw_weights::brain::Params, u64, Vec<String>),
    String,
> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read run export {origin}: {e}"))?;
    let export = RunExport::from_json(&text, &origin).map_err(|e| e.to_string())?;
    let (vocab, brain, params) = export.trained_model(&origin).map_err(|e| e.to_string())?;
    Ok((vocab, brain, params, export.seed, export.docs))
}

fn sample(args: SampleArgs) -> Result<(), String> {
    let settings = SampleSettings { temperature: args.temperature, top_k: args.top_k };
    settings.validate().map_err(|e| e.to_string())?;
    let (vocab, brain, params, seed, docs) = match (&args.load, &args.corpus) {
        (Some(path), _) => load_export(path)?,
        (None, Some(corpus)) => {
            let run = train_run(corpus, args.model.run_config())?;
            eprintln!("{}", summary(&run));
            let docs = run.documents().map(String::from).collect();
            (run.vocab, run.brain, run.params, run.config.seed, docs)
        }
        (None, None) => unreachable!("clap requires --corpus or --load"),
    };
    let mut rng = Rand::new(seed, Stream::Sampling);
    let texts = write_samples(&brain, &params.data, &vocab, settings, &args.prefix, args.count, &mut rng)
        .map_err(|e| e.to_string())?;
    for text in texts {
        let memorised = is_memorised(&docs, &text);
        println!("{text}{}", if memorised { "    (from the training text)" } else { "" });
    }
    Ok(())
}

/// Loads a corpus and trains on it, showing progress on stderr.
fn train_run(corpus: &Path, config: RunConfig) -> Result<Run, String> {
    let started = std::time::Instant::now();
    let corpus = Corpus::load(corpus).map_err(|e| e.to_string())?;
    let mut run = Run::new(config, &corpus).map_err(|e| e.to_string())?;
    let (bytes, tokens) = corpus.sizes();
    eprintln!(
        "read, tokenized and shuffled {:.1} MB ({} documents, {tokens} tokens) in {:.2} s",
        bytes as f64 / 1e6,
        corpus.len(),
        started.elapsed().as_secs_f64()
    );
    let steps = config.steps;
    eprintln!(
        "training a {} on {} ({} documents, {} letters + BOS = {} tokens, {} weights) for {steps} steps",
        config.model.name(),
        corpus.origin(),
        run.document_count(),
        run.vocab.size() - 1,
        run.vocab.size(),
        run.params.len(),
    );
    eprintln!(
        "a student who knows nothing scores ln {} = {:.4}",
        run.vocab.size(),
        raw_weights::brain::math::uniform_score(run.vocab.size())
    );
    let report_every = (steps / 20).max(1);
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(steps as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40.cyan/blue} {pos}/{len} steps  {msg}  [{elapsed} < {eta}]")
                .expect("valid template")
                .progress_chars("█▉▊▋▌▍▎▏ "),
        );
        Some(bar)
    } else {
        None
    };
    let say = |line: String| match &bar {
        Some(bar) => bar.println(line),
        None => eprintln!("{line}"),
    };
    while !run.is_finished() {
        if let Err(e) = run.step() {
            if let Some(bar) = &bar {
                bar.abandon();
            }
            return Err(e.to_string());
        }
        let k = run.step_count();
        if let Some(bar) = &bar {
            bar.set_position(k as u64);
            if k % 10 == 0 {
                bar.set_message(format!("loss {:.4}", run.recent_loss(10).unwrap_or(0.0)));
            }
        }
        if k == 1 || k % report_every == 0 {
            let window = if k == 1 { 1 } else { report_every };
            say(format!(
                "step {k:>6}/{steps}  loss {:.4}  (mean of the last {window})",
                run.recent_loss(window).unwrap_or(0.0)
            ));
        }
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    Ok(run)
}

/// The run's result: its final loss and the checksum that names its weights.
fn summary(run: &Run) -> String {
    let window = 100.min(run.step_count());
    format!(
        "final loss {:.4} (mean of the last {window} steps; last step {:.4})\nchecksum {}",
        run.recent_loss(window).unwrap_or(0.0),
        run.losses.last().copied().unwrap_or(0.0),
        run.checksum_hex()
    )
}
