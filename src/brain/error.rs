//! Everything that can go wrong in the brain, each with a one-line message.

use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum BrainError {
    /// The corpus file could not be read.
    CorpusUnreadable { path: String, reason: String },
    /// The corpus holds no document (no non-blank line).
    CorpusEmpty { origin: String },
    /// A corpus too big to hold (4 GB of text or tokens).
    CorpusTooLarge { origin: String, bytes: usize },
    /// More distinct letters than a token can name.
    TooManyLetters { origin: String, letters: usize },
    /// A prefix letter the student has never seen.
    PrefixOutsideVocab { letter: char, vocab: String },
    /// A prefix that does not leave room for a single new letter.
    PrefixTooLong { len: usize, block_size: usize },
    /// A text to read with a letter the student has never seen.
    LetterOutsideVocab { letter: char, vocab: String },
    /// A text longer than the context can hold with BOS and the closing prediction.
    TextTooLong { len: usize, most: usize, block_size: usize },
    /// Something only the tiny GPT has (attention, the inside view) asked of the bigram.
    NotATransformer { what: &'static str },
    /// A setting with a value it cannot take.
    InvalidSetting { name: &'static str, value: String, expected: &'static str },
    /// The training run produced a non-finite loss.
    Diverged { step: usize, loss: f32 },
    /// Weights that are not all finite numbers (the run diverged): the student cannot write.
    NonFiniteWeights,
    /// A run export that cannot be loaded.
    BadExport { origin: String, reason: String },
}

impl fmt::Display for BrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrainError::CorpusUnreadable { path, reason } => {
                write!(f, "cannot read corpus {path}: {reason}")
            }
            BrainError::CorpusEmpty { origin } => {
                write!(f, "corpus {origin} is empty: it needs at least one non-blank line")
            }
            BrainError::CorpusTooLarge { origin, bytes } => {
                write!(f, "corpus {origin} is too big to train on ({bytes} bytes; under 4 GB can be held)")
            }
            BrainError::TooManyLetters { origin, letters } => write!(
                f,
                "corpus {origin} uses {letters} different letters; a student can learn at most {}",
                super::vocab::MAX_LETTERS
            ),
            BrainError::PrefixOutsideVocab { letter, vocab } => write!(
                f,
                "prefix letter {letter:?} is not in the vocabulary; the student knows only {vocab:?}"
            ),
            BrainError::PrefixTooLong { len, block_size } => write!(
                f,
                "prefix of {len} letters leaves no room to write: the context holds {block_size} positions"
            ),
            BrainError::LetterOutsideVocab { letter, vocab } => {
                write!(f, "letter {letter:?} is not in the vocabulary; the student knows only {vocab:?}")
            }
            BrainError::TextTooLong { len, most, block_size } => write!(
                f,
                "the text has {len} letters but the student reads at most {most} at once \
                 (block_size {block_size} holds the start mark and the letters)"
            ),
            BrainError::NotATransformer { what } => {
                write!(f, "{what} needs the tiny GPT; this run's model is the bigram, which has no attention")
            }
            BrainError::InvalidSetting { name, value, expected } => {
                write!(f, "invalid {name} {value}: expected {expected}")
            }
            BrainError::Diverged { step, loss } => write!(
                f,
                "training diverged at step {step}: the loss became {loss} (try a smaller learning rate)"
            ),
            BrainError::NonFiniteWeights => {
                write!(
                    f,
                    "the weights are not all finite numbers (training diverged), so the student cannot write"
                )
            }
            BrainError::BadExport { origin, reason } => {
                write!(f, "cannot load run export {origin}: {reason}")
            }
        }
    }
}

impl std::error::Error for BrainError {}
