//! `levels/*.ron`: one lesson per file, written by teachers without touching code.
//!
//! ```ron
//! (
//!     id: "climbing",
//!     order: 4,
//!     title: "Climbing",
//!     tagline: "The intelligent climber",
//!     story: "…",
//!     learned: "…",
//!     corpus: builtin("names"),          // or file("assets/corpora/mine.txt"), or inline(["ada", "bob"])
//!     model: gpt,                        // or bigram
//!     gpt: (n_layer: 1, n_head: 4, n_embd: 16, block_size: 16),
//!     optimizer: (kind: adam, lr: 0.01, beta1: 0.85, beta2: 0.99, eps: 1e-8, schedule: linear),
//!     steps: 1000,                       // the step budget
//!     seed: 42,
//!     speed: 120,                        // training steps per second at the start
//!     controls: (shown: [speed, learning_rate, optimizer], locked: [optimizer]),
//!     goal: loss_below(loss: 2.6, window: 100),
//!     hints: ["…"],
//! )
//! ```
//! A malformed file is reported with its path, line and column; the other
//! levels still load.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::brain::{
    BrainError, Corpus, Data, GptConfig, ModelKind, OptimizerConfig, RunConfig, SampleSettings,
};
use crate::corpora;

/// Where a level's training text comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorpusSource {
    /// One of the corpora shipped with the game ("names", "sentences").
    Builtin(String),
    /// A text file, relative to the folder that holds `levels/`.
    File(String),
    /// The documents themselves.
    Inline(Vec<String>),
}

/// A control on the playing screen that a level may show, and may lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Control {
    /// Training steps per second.
    Speed,
    LearningRate,
    /// Which climber: SGD, momentum, RMSProp, Adam, AdamW.
    Optimizer,
    Beta1,
    Beta2,
    Eps,
    WeightDecay,
    Schedule,
    Temperature,
    TopK,
    Prefix,
    /// Setting votes by hand (voting and scoring lessons).
    Votes,
    /// The training text and the model's size (the sandbox).
    Model,
}

impl Control {
    pub fn label(self) -> &'static str {
        match self {
            Control::Speed => "speed",
            Control::LearningRate => "learning rate",
            Control::Optimizer => "climber",
            Control::Beta1 => "β1",
            Control::Beta2 => "β2",
            Control::Eps => "ε",
            Control::WeightDecay => "weight decay",
            Control::Schedule => "schedule",
            Control::Temperature => "temperature",
            Control::TopK => "top-k",
            Control::Prefix => "prefix",
            Control::Votes => "votes",
            Control::Model => "text and model",
        }
    }
}

impl Control {
    /// What the control changes, with the formula it enters (read from the brain, where
    /// the formula is computed).
    pub fn tooltip(self) -> String {
        use crate::brain::{math, optim, sample};
        match self {
            Control::Speed => {
                "Training steps per second ([ halves, ] doubles). Speed decides when steps happen, never what they compute."
                    .into()
            }
            Control::LearningRate => {
                format!("lr: the size of each step. Adam's {}.", optim::STEP_ADAM.text)
            }
            Control::Optimizer => format!(
                "How the gradient g becomes a step. SGD: {}; Momentum: {}; RMSProp: {}; Adam: {}; AdamW: {}.",
                optim::STEP_SGD.text,
                optim::STEP_MOMENTUM.text,
                optim::STEP_RMSPROP.text,
                optim::STEP_ADAM.text,
                optim::STEP_ADAMW.text
            ),
            Control::Beta1 => format!("{}: how long the climber remembers the slope's direction.", optim::M.text),
            Control::Beta2 => format!("{}: how long the climber remembers how steep the slope was.", optim::V.text),
            Control::Eps => "ε is added to √v_hat so a step stays finite where the ground is flat.".into(),
            Control::WeightDecay => "AdamW only: each step also pulls every weight towards 0 by lr·weight_decay·w.".into(),
            Control::Schedule => format!(
                "Decay to 0: {} at step k of N. Constant: lr at every step.",
                optim::LINEAR_DECAY.text
            ),
            Control::Temperature => format!(
                "{}. Low T: the top vote almost always wins (T = 0: always). High T: shares even out.",
                math::SHARES_AT_T.text
            ),
            Control::TopK => format!("Top-k: {}.", sample::TOP_K.text),
            Control::Prefix => "Letters the student reads before it starts to write; it continues from them.".into(),
            Control::Votes => {
                format!("The student's votes (logits) for each next letter; {}.", math::SHARES_AT_T.text)
            }
            Control::Model => "Your own training text (one document per line) and the model: bigram or a tiny GPT with its \
                 layers, heads, width (n_embd) and context (block_size)."
                .into(),
        }
    }
}

/// Which controls the playing screen shows, and which of those are locked
/// (visible but fixed at the level's value).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Controls {
    pub shown: Vec<Control>,
    pub locked: Vec<Control>,
}

impl Controls {
    pub fn shows(&self, c: Control) -> bool {
        self.shown.contains(&c)
    }

    /// Shown and free to change.
    pub fn allows(&self, c: Control) -> bool {
        self.shows(c) && !self.locked.contains(&c)
    }
}

/// What the player does in a level: which activity and panels it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lesson {
    /// Read documents a letter at a time with the future covered, guessing each next letter.
    Prediction,
    /// Set the votes after a letter by hand and draw letters from the shares.
    Voting,
    /// Set votes by hand to lower the teacher's score on a word.
    Scoring,
    /// Train with a climber, racing ghost climbers over the loss landscape.
    Climbing,
    /// Let the trained student write, letter by letter.
    Performing,
    /// Watch attention form while the tiny GPT learns, then switch heads off
    /// to find the one it needs most.
    Looking,
    /// Every control, your own text and model size.
    Sandbox,
}

impl Lesson {
    pub const ALL: [Lesson; 7] = [
        Lesson::Prediction,
        Lesson::Voting,
        Lesson::Scoring,
        Lesson::Climbing,
        Lesson::Performing,
        Lesson::Looking,
        Lesson::Sandbox,
    ];

    /// The lesson's name as level files write it.
    pub fn name(self) -> &'static str {
        match self {
            Lesson::Prediction => "prediction",
            Lesson::Voting => "voting",
            Lesson::Scoring => "scoring",
            Lesson::Climbing => "climbing",
            Lesson::Performing => "performing",
            Lesson::Looking => "looking",
            Lesson::Sandbox => "sandbox",
        }
    }

    /// Lessons where the player sets votes by hand (they need the bigram,
    /// whose votes are its weights).
    pub fn edits_votes(self) -> bool {
        matches!(self, Lesson::Voting | Lesson::Scoring)
    }

    /// The letter keys are the player's guesses (so the commands live in the pause menu).
    pub fn types_letters(self) -> bool {
        self == Lesson::Prediction
    }

    /// The lesson uses the arrow keys itself (the camera does not).
    pub fn uses_arrows(self) -> bool {
        self.types_letters() || self.edits_votes() || self == Lesson::Looking
    }

    /// The lesson is played at a board in the world (blackboard or voting
    /// box), seen square on, rather than on the landscape.
    pub fn at_a_board(self) -> bool {
        self.uses_arrows()
    }
}

/// A part of the playing screen, for presenter mode to hide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Panel {
    Story,
    Goal,
    Controls,
    Hints,
    /// The lesson's own panel (the guesses, the ballot, the climber, the performance).
    Lesson,
    /// The bottom panel (the loss chart, the tally, the heat strip, the stage).
    Chart,
}

fn default_presenter_hides() -> Vec<Panel> {
    vec![Panel::Story, Panel::Hints]
}

/// What unlocks the next level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    /// The mean teacher's score over the last `window` training steps falls
    /// below `loss` within the level's step budget.
    LossBelow { loss: f32, window: usize },
    /// Read `count` letters with the future covered.
    ReadLetters { count: usize },
    /// Guess `guesses` covered letters (looks do not count) and get more of them
    /// right than the student's top share does on the same letters.
    BeatTheStudent { guesses: usize },
    /// Give `letter` at least `share` of the shares after `after` at
    /// temperature 1, and draw at least `draws` letters to see it.
    ShareAtLeast { after: char, letter: char, share: f32, draws: u32 },
    /// Bring the mean score of `word` below `score` by setting votes.
    WordScoreBelow { word: String, score: f32 },
    /// Have the student perform `count` texts.
    Perform { count: usize },
    /// Have the student write `memorised` different texts of its training text
    /// word for word, and `new` different texts that are not in it.
    MemorisedAndNew { memorised: usize, new: usize },
    /// Once the student stops learning (at the step budget), name the head
    /// whose switching off raises the mean score on the first `probe`
    /// training texts most. `board` holds the texts the blackboard shows;
    /// `levels --check` verifies that the right head leads the next by at
    /// least `margin` in the level's own run.
    StrongestHead { board: Vec<String>, probe: usize, margin: f32 },
    /// No goal: free play.
    Explore,
}

impl Goal {
    /// One line for the screen.
    pub fn describe(&self, steps: usize) -> String {
        match self {
            Goal::LossBelow { loss, window } => {
                format!(
                    "bring the mean score of the last {window} steps below {loss:.2} within {steps} steps"
                )
            }
            Goal::ReadLetters { count } => {
                format!(
                    "read {count} letters: guess each one before the cover lifts (type a letter, or → to just look)"
                )
            }
            Goal::BeatTheStudent { guesses } => format!(
                "guess {guesses} covered letters and get more right than the student does on the same letters \
                 (type a letter; → looks without guessing and does not count)"
            ),
            Goal::ShareAtLeast { after, letter, share, draws } => format!(
                "make the student give '{letter}' at least {:.0}% of the shares after '{after}' at temperature 1, \
                 and draw {draws} letters to see it",
                share * 100.0
            ),
            Goal::WordScoreBelow { word, score } => {
                format!("set the votes so the teacher's mean score on \"{word}\" falls below {score:.2}")
            }
            Goal::Perform { count } => format!("have the student perform {count} texts"),
            Goal::MemorisedAndNew { memorised, new } => format!(
                "choose the temperature so the student writes {memorised} different names it read (memorised) \
                 and {new} names of its own (new)"
            ),
            Goal::StrongestHead { probe, .. } => format!(
                "when the student stops learning at step {steps}, switch its heads off one at a time and name \
                 the head whose loss (on {probe} chants) rises most"
            ),
            Goal::Explore => "no goal: train what you like".to_string(),
        }
    }

    /// A score as the screen writes it.
    pub fn format_score(&self, score: f32) -> String {
        match self {
            Goal::ReadLetters { .. } | Goal::BeatTheStudent { .. } => format!("{score:.0}%"),
            Goal::ShareAtLeast { .. } => format!("{:.1}%", score * 100.0),
            Goal::Perform { .. } | Goal::MemorisedAndNew { .. } => format!("{score:.0}"),
            _ => format!("{score:.3}"),
        }
    }

    /// What a completed level's score measures, and whether lower is better.
    pub fn score_meaning(&self) -> (&'static str, bool) {
        match self {
            Goal::LossBelow { .. } => ("mean score", true),
            Goal::ReadLetters { .. } | Goal::BeatTheStudent { .. } => ("your guesses right, %", false),
            Goal::ShareAtLeast { .. } => ("share reached", false),
            Goal::WordScoreBelow { .. } => ("the word's score", true),
            Goal::Perform { .. } => ("new texts written", false),
            Goal::StrongestHead { .. } => ("the loss rise of the head you named", false),
            Goal::MemorisedAndNew { .. } => ("performances it took", true),
            Goal::Explore => ("", true),
        }
    }
}

/// A level file as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelFile {
    pub id: String,
    pub order: u32,
    pub title: String,
    #[serde(default)]
    pub tagline: String,
    pub story: String,
    /// Shown when the level is complete: what the player now knows.
    #[serde(default)]
    pub learned: String,
    pub corpus: CorpusSource,
    /// How the text is read: `lines` (a document a line, the default) or
    /// `stream` (windows of block_size + 1 letters from the whole text).
    #[serde(default, skip_serializing_if = "Data::is_lines")]
    pub data: Data,
    pub lesson: Lesson,
    #[serde(default)]
    pub model: ModelKind,
    #[serde(default)]
    pub gpt: GptConfig,
    #[serde(default)]
    pub optimizer: OptimizerConfig,
    /// The step budget.
    pub steps: usize,
    /// Steps trained before the level opens (a student who has already studied).
    #[serde(default)]
    pub pretrain: usize,
    /// Whether the student keeps training while the level is played.
    #[serde(default = "default_true")]
    pub train_while_playing: bool,
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Training steps per second when the level starts.
    #[serde(default = "default_speed")]
    pub speed: u32,
    #[serde(default)]
    pub controls: Controls,
    /// How the student draws letters when it writes (temperature 1 and all
    /// letters unless the level says otherwise).
    #[serde(default)]
    pub sampling: SampleSettings,
    pub goal: Goal,
    #[serde(default)]
    pub hints: Vec<String>,
    /// The panels presenter mode (F5, for a projector) hides.
    #[serde(default = "default_presenter_hides")]
    pub presenter_hides: Vec<Panel>,
}

impl LevelFile {
    /// The training run this level starts.
    pub fn run_config(&self) -> RunConfig {
        RunConfig {
            model: self.model,
            gpt: self.gpt,
            optimizer: self.optimizer,
            steps: self.steps,
            seed: self.seed,
            data: self.data,
        }
    }
}

fn default_seed() -> u64 {
    42
}

fn default_true() -> bool {
    true
}

fn default_speed() -> u32 {
    60
}

/// Most letters (the end mark included) the voting box can show.
pub const MAX_BALLOT: usize = 40;

/// Fastest training the speed control offers, in steps per second.
pub const MAX_SPEED: u32 = 20_000;

/// A validated level, its corpus loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct Level {
    pub file: LevelFile,
    pub path: String,
    pub corpus: Corpus,
}

impl Level {
    pub fn id(&self) -> &str {
        &self.file.id
    }

    pub fn run_config(&self) -> RunConfig {
        self.file.run_config()
    }
}

/// A problem in a level file, located by line and column (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LevelError {
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for LevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.path, self.line, self.col, self.message)
    }
}

/// Every level that loaded, in play order, and every error of those that did not.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LevelSet {
    pub levels: Vec<Level>,
    pub errors: Vec<LevelError>,
}

/// The six lessons and the sandbox, built into the game (the browser build, and a game run
/// from elsewhere than the project folder, read these).
pub const BUILTIN: [(&str, &str); 7] = [
    ("levels/1-prediction.ron", include_str!("../../levels/1-prediction.ron")),
    ("levels/2-voting.ron", include_str!("../../levels/2-voting.ron")),
    ("levels/3-scoring.ron", include_str!("../../levels/3-scoring.ron")),
    ("levels/4-climbing.ron", include_str!("../../levels/4-climbing.ron")),
    ("levels/5-performing.ron", include_str!("../../levels/5-performing.ron")),
    ("levels/6-looking.ron", include_str!("../../levels/6-looking.ron")),
    ("levels/7-sandbox.ron", include_str!("../../levels/7-sandbox.ron")),
];

impl LevelSet {
    /// The built-in levels.
    pub fn builtin() -> Self {
        let sources: Vec<(String, String)> =
            BUILTIN.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
        Self::from_sources(&sources, None)
    }

    /// Every `*.ron` file of a folder, in name order. `file(..)` corpora are
    /// read relative to the folder's parent.
    pub fn load_dir(dir: &Path) -> Self {
        let mut set = LevelSet::default();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                set.errors.push(LevelError {
                    path: dir.display().to_string(),
                    line: 1,
                    col: 1,
                    message: format!("cannot read the level folder: {e}"),
                });
                return set;
            }
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ron"))
            .collect();
        paths.sort();
        let mut sources = Vec::new();
        for path in paths {
            match std::fs::read_to_string(&path) {
                Ok(text) => sources.push((path.display().to_string(), text)),
                Err(e) => set.errors.push(LevelError {
                    path: path.display().to_string(),
                    line: 1,
                    col: 1,
                    message: format!("cannot read: {e}"),
                }),
            }
        }
        let base = dir.parent().map(Path::to_path_buf).unwrap_or_default();
        let loaded = Self::from_sources(&sources, Some(&base));
        set.levels = loaded.levels;
        set.errors.extend(loaded.errors);
        set
    }

    /// Parses and validates `(path, text)` pairs. Levels come out sorted by
    /// `order`; ids and orders must be unique.
    pub fn from_sources(sources: &[(String, String)], base: Option<&Path>) -> Self {
        let mut set = LevelSet::default();
        for (path, text) in sources {
            match parse_level(path, text, base) {
                Ok(level) => {
                    let same_id = set.levels.iter().find(|l| l.file.id == level.file.id);
                    let same_order = set.levels.iter().find(|l| l.file.order == level.file.order);
                    if let Some(other) = same_id {
                        let message = format!("id {:?} is already used by {}", level.file.id, other.path);
                        set.errors.push(error_at(path, text, &["id"], message));
                    } else if let Some(other) = same_order {
                        let message = format!("order {} is already used by {}", level.file.order, other.path);
                        set.errors.push(error_at(path, text, &["order"], message));
                    } else {
                        set.levels.push(level);
                    }
                }
                Err(e) => set.errors.push(e),
            }
        }
        set.levels.sort_by_key(|l| l.file.order);
        set
    }

    pub fn get(&self, id: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.file.id == id)
    }

    /// The level after `id` in play order.
    pub fn next_after(&self, id: &str) -> Option<&Level> {
        let i = self.levels.iter().position(|l| l.file.id == id)?;
        self.levels.get(i + 1)
    }
}

/// Parses and validates one level file.
pub fn parse_level(path: &str, text: &str, base: Option<&Path>) -> Result<Level, LevelError> {
    let file: LevelFile = ron::from_str(text).map_err(|e| LevelError {
        path: path.to_string(),
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    })?;
    validate_level(file, path, text, base)
}

/// Checks a level read from `text` (a level file, or a replay that carries
/// one); errors are located at their key in `text`.
pub fn validate_level(
    mut file: LevelFile,
    path: &str,
    text: &str,
    base: Option<&Path>,
) -> Result<Level, LevelError> {
    let at = |keys: &[&str], message: String| error_at(path, text, keys, message);

    if file.id.is_empty()
        || !file.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    {
        return Err(at(&["id"], format!("id {:?} must be lowercase letters, digits, '-' or '_'", file.id)));
    }
    if file.title.trim().is_empty() {
        return Err(at(&["title"], "title is empty".into()));
    }
    // `{formula:NAME}` in a text is the brain's own writing of that formula.
    let fill = |text: &mut String, key: &'static str| -> Result<(), LevelError> {
        *text = crate::brain::formula::fill(text).map_err(|m| at(&[key], m))?;
        Ok(())
    };
    fill(&mut file.tagline, "tagline")?;
    fill(&mut file.story, "story")?;
    fill(&mut file.learned, "learned")?;
    for hint in &mut file.hints {
        fill(hint, "hints")?;
    }
    let corpus = load_corpus(&file.corpus, base).map_err(|m| at(&["corpus"], m))?;
    let config = file.run_config();
    config.validate().map_err(|e| {
        let keys: &[&str] = match &e {
            BrainError::InvalidSetting { name, .. } => match *name {
                "steps" => &["steps"],
                "learning rate" => &["optimizer", "lr"],
                "beta1" => &["optimizer", "beta1"],
                "beta2" => &["optimizer", "beta2"],
                "eps" => &["optimizer", "eps"],
                "weight decay" => &["optimizer", "weight_decay"],
                "n_layer" => &["gpt", "n_layer"],
                "n_head" => &["gpt", "n_head"],
                "n_embd" => &["gpt", "n_embd"],
                "block_size" => &["gpt", "block_size"],
                "model size" => &["gpt"],
                _ => &[],
            },
            _ => &[],
        };
        at(keys, e.to_string())
    })?;
    if file.speed == 0 || file.speed > MAX_SPEED {
        return Err(at(
            &["speed"],
            format!("speed {} must be from 1 to {MAX_SPEED} steps per second", file.speed),
        ));
    }
    if let Some(c) = file.controls.locked.iter().find(|c| !file.controls.shown.contains(c)) {
        return Err(at(&["controls", "locked"], format!("{:?} is locked but not shown", c.label())));
    }
    if file.pretrain > file.steps {
        return Err(at(
            &["pretrain"],
            format!("pretrain {} is more than the step budget ({})", file.pretrain, file.steps),
        ));
    }
    if file.lesson.edits_votes() {
        if file.model != ModelKind::Bigram {
            return Err(at(
                &["model"],
                "a lesson that sets votes by hand needs model: bigram (its votes are its weights)".into(),
            ));
        }
        if !file.controls.allows(Control::Votes) {
            return Err(at(
                &["controls"],
                "a lesson that sets votes by hand must show the votes control, unlocked".into(),
            ));
        }
        let letters = corpus.vocab().size();
        if letters > MAX_BALLOT {
            return Err(at(
                &["corpus"],
                format!(
                    "the voting box holds {MAX_BALLOT} letters; this corpus has {letters} (with the end mark)"
                ),
            ));
        }
    }
    if file.controls.shows(Control::Model) && file.lesson != Lesson::Sandbox {
        return Err(at(&["controls"], "only the sandbox lesson may show the model control".into()));
    }
    if file.lesson == Lesson::Looking {
        if !matches!(file.goal, Goal::StrongestHead { .. }) {
            return Err(at(&["goal"], "the looking-back lesson needs goal: strongest_head(..)".into()));
        }
        if file.gpt.n_layer * file.gpt.n_head > 64 {
            return Err(at(
                &["gpt"],
                "the looking-back lesson switches at most 64 heads off: fewer layers or heads".into(),
            ));
        }
        let most = file.gpt.block_size - 1;
        if !corpus.docs().any(|d| d.chars().count() <= most) {
            return Err(at(
                &["corpus"],
                format!(
                    "no text of the corpus fits the context ({most} letters): the heads cannot be measured"
                ),
            ));
        }
    }
    check_goal(&file, &corpus).map_err(|(keys, message)| at(keys, message))?;
    file.sampling.validate().map_err(|e| at(&["sampling"], e.to_string()))?;
    Ok(Level { file, path: path.to_string(), corpus })
}

/// The goal fits the lesson and the level, or says why not, and where.
fn check_goal(file: &LevelFile, corpus: &Corpus) -> Result<(), (&'static [&'static str], String)> {
    let vocab = corpus.vocab();
    let needs = |lesson: Lesson, goal: &str| {
        if file.lesson == lesson {
            Ok(())
        } else {
            Err((&["goal"][..], format!("goal {goal} needs lesson: {}", lesson.name())))
        }
    };
    let known = |c: char, key: &'static [&'static str]| {
        if vocab.id(c).is_some() {
            Ok(())
        } else {
            Err((key, format!("'{c}' is not a letter of the corpus")))
        }
    };
    match &file.goal {
        Goal::LossBelow { loss, window } => {
            if !(loss.is_finite() && *loss > 0.0) {
                return Err((&["goal", "loss"], format!("goal loss {loss} must be a positive number")));
            }
            if *window == 0 || *window > file.steps {
                return Err((
                    &["goal", "window"],
                    format!("goal window {window} must be from 1 to the step budget ({})", file.steps),
                ));
            }
            if !file.train_while_playing || file.pretrain >= file.steps {
                return Err((
                    &["goal"],
                    "a loss goal needs train_while_playing: true and steps left after pretrain".into(),
                ));
            }
        }
        Goal::ReadLetters { count } => {
            needs(Lesson::Prediction, "read_letters")?;
            if *count == 0 {
                return Err((&["goal", "count"], "count must be at least 1".into()));
            }
        }
        Goal::BeatTheStudent { guesses } => {
            needs(Lesson::Prediction, "beat_the_student")?;
            if *guesses == 0 {
                return Err((&["goal", "guesses"], "guesses must be at least 1".into()));
            }
        }
        Goal::ShareAtLeast { after, letter, share, .. } => {
            needs(Lesson::Voting, "share_at_least")?;
            known(*after, &["goal", "after"])?;
            known(*letter, &["goal", "letter"])?;
            if !(*share > 0.0 && *share < 1.0) {
                return Err((&["goal", "share"], format!("share {share} must be between 0 and 1")));
            }
        }
        Goal::WordScoreBelow { word, score } => {
            needs(Lesson::Scoring, "word_score_below")?;
            if word.is_empty() {
                return Err((&["goal", "word"], "the word is empty".into()));
            }
            for c in word.chars() {
                known(c, &["goal", "word"])?;
            }
            let mut tokens = Vec::new();
            vocab
                .encode_document(word, &mut tokens)
                .map_err(|c| (&["goal", "word"][..], format!("'{c}' is not a letter of the corpus")))?;
            let lowest = crate::brain::bigram::lowest_score(&tokens, vocab.size());
            if !(score.is_finite() && *score > lowest) {
                return Err((
                    &["goal", "score"],
                    format!(
                        "no votes can bring \"{word}\" below {lowest:.3}; the goal score {score} must be above that"
                    ),
                ));
            }
        }
        Goal::Perform { count } => {
            needs(Lesson::Performing, "perform")?;
            if *count == 0 {
                return Err((&["goal", "count"], "count must be at least 1".into()));
            }
        }
        Goal::MemorisedAndNew { memorised, new } => {
            needs(Lesson::Performing, "memorised_and_new")?;
            if *memorised == 0 && *new == 0 {
                return Err((&["goal"], "ask for at least one memorised or one new text".into()));
            }
        }
        Goal::StrongestHead { board, probe, margin } => {
            needs(Lesson::Looking, "strongest_head")?;
            if file.model != ModelKind::Gpt {
                return Err((
                    &["model"],
                    "the looking-back lesson needs model: gpt (the bigram has no heads)".into(),
                ));
            }
            if !file.train_while_playing || file.pretrain >= file.steps {
                return Err((
                    &["goal"],
                    "the student must learn while the player watches: train_while_playing: true and \
                     steps left after pretrain"
                        .into(),
                ));
            }
            if board.is_empty() {
                return Err((&["goal", "board"], "the board needs at least one text".into()));
            }
            let most = file.gpt.block_size - 1;
            for text in board {
                for c in text.chars() {
                    known(c, &["goal", "board"])?;
                }
                if text.is_empty() || text.chars().count() > most {
                    return Err((
                        &["goal", "board"],
                        format!("board text {text:?} must have from 1 to {most} letters (block_size − 1)"),
                    ));
                }
            }
            if *probe == 0 {
                return Err((&["goal", "probe"], "probe must be at least 1 text".into()));
            }
            if !(margin.is_finite() && *margin > 0.0) {
                return Err((&["goal", "margin"], format!("margin {margin} must be a positive number")));
            }
        }
        Goal::Explore => needs(Lesson::Sandbox, "explore")?,
    }
    Ok(())
}

fn load_corpus(source: &CorpusSource, base: Option<&Path>) -> Result<Corpus, String> {
    match source {
        CorpusSource::Builtin(name) => {
            let text = corpora::builtin(name).ok_or_else(|| {
                let known: Vec<&str> = corpora::BUILTIN.iter().map(|(n, _)| *n).collect();
                format!("no built-in corpus {name:?}; the game has {}", known.join(", "))
            })?;
            Corpus::from_text(text, name).map_err(|e| e.to_string())
        }
        CorpusSource::Inline(docs) => {
            Corpus::from_text(&docs.join("\n"), "inline").map_err(|e| e.to_string())
        }
        CorpusSource::File(rel) => match base {
            Some(base) => Corpus::load(&base.join(rel)).map_err(|e| e.to_string()),
            None => {
                Err(format!("corpus file {rel:?} cannot be read here: built-in levels use built-in corpora"))
            }
        },
    }
}

/// An error located at a (possibly nested) key: `["optimizer", "lr"]` finds
/// `lr:` after `optimizer:`. Falls back to the start of the file.
pub fn error_at(path: &str, text: &str, keys: &[&str], message: String) -> LevelError {
    let mut from = 0;
    let mut found = None;
    for key in keys {
        match find_key(text, key, from) {
            Some(offset) => {
                found = Some(offset);
                from = offset + key.len();
            }
            None => break,
        }
    }
    let offset = found.unwrap_or(0);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
    LevelError { path: path.to_string(), line, col, message }
}

/// Byte offset of `key` followed by `:` as a whole word, outside `//` comments.
fn find_key(text: &str, key: &str, from: usize) -> Option<usize> {
    let mut line_start = text[..from].rfind('\n').map_or(0, |i| i + 1);
    for line in text[line_start..].split_inclusive('\n') {
        let code_end = line.find("//").unwrap_or(line.len());
        let code = &line[..code_end];
        let mut search = from.saturating_sub(line_start);
        while let Some(i) = code.get(search..).and_then(|s| s.find(key)) {
            let start = search + i;
            let end = start + key.len();
            let word_before =
                code[..start].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_');
            let rest = code[end..].trim_start();
            if !word_before && rest.starts_with(':') {
                return Some(line_start + start);
            }
            search = end;
        }
        line_start += line.len();
    }
    None
}
