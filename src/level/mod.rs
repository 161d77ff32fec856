//! Level files, their validation, and the player's progress. No Bevy.

pub mod format;
pub mod progress;
pub mod replay;

pub use format::{
    Control, Controls, CorpusSource, Goal, Lesson, Level, LevelError, LevelFile, LevelSet, Panel,
};
pub use progress::{Progress, ProgressStore};
