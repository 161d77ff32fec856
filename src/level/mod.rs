//! Level files, their validation, and the player's progress. No Bevy.

pub mod format;
pub mod progress;

pub use format::{Control, Controls, CorpusSource, Goal, Lesson, Level, LevelError, LevelFile, LevelSet};
pub use progress::{Progress, ProgressStore};
