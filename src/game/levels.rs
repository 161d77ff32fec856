//! The level files and the player's progress, as resources.

use bevy::prelude::*;

use crate::level::{LevelSet, Progress, ProgressStore};

/// Every level that loaded, in play order, and the errors of those that did not.
#[derive(Resource, Clone, Debug, Default)]
pub struct Levels {
    pub set: LevelSet,
}

/// Progress, and where it is saved (`None`: kept for this session only).
#[derive(Resource, Clone, Debug, Default)]
pub struct ProgressRes {
    pub progress: Progress,
    pub store: Option<ProgressStore>,
}

impl ProgressRes {
    /// Saves progress where this build keeps it: a file natively, the
    /// browser's storage on the web (nowhere in tests without a store).
    pub fn save(&self) -> Result<(), String> {
        if let Some(store) = &self.store {
            return store.save(&self.progress);
        }
        #[cfg(target_arch = "wasm32")]
        return crate::level::progress::browser::save(&self.progress);
        #[cfg(not(target_arch = "wasm32"))]
        Ok(())
    }
}

/// The level being played (or last played).
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq)]
pub struct CurrentLevel(pub Option<String>);

/// Messages for the player that are not errors of a level file: a damaged
/// save set aside, a save that failed. Shown on screen and printed.
#[derive(Resource, Clone, Debug, Default)]
pub struct Notices(pub Vec<String>);

impl Notices {
    pub fn push(&mut self, message: String) {
        warn!("{message}");
        self.0.push(message);
    }
}

/// Overrides the folder levels are read from.
pub const LEVELS_DIR_VAR: &str = "RAW_WEIGHTS_LEVELS";

pub fn plugin(app: &mut App) {
    app.init_resource::<CurrentLevel>();
    app.init_resource::<Notices>();
    app.add_systems(Startup, load_levels);
}

/// Loads levels and progress unless a test (or the caller) provided them.
pub fn load_levels(
    mut commands: Commands,
    levels: Option<Res<Levels>>,
    progress: Option<Res<ProgressRes>>,
    mut notices: ResMut<Notices>,
) {
    if levels.is_none() {
        let set = discover_levels();
        for error in &set.errors {
            // Printed here; the level map shows them too.
            eprintln!("level error: {error}");
        }
        commands.insert_resource(Levels { set });
    }
    if progress.is_none() {
        let store = progress_store();
        let (progress, warning) = match &store {
            Some(store) => store.load(),
            #[cfg(target_arch = "wasm32")]
            None => crate::level::progress::browser::load(),
            #[cfg(not(target_arch = "wasm32"))]
            None => (Progress::default(), None),
        };
        if let Some(w) = warning {
            notices.push(w);
        }
        commands.insert_resource(ProgressRes { progress, store });
    }
}

/// `$RAW_WEIGHTS_LEVELS`, else `./levels` if it exists, else the built-in levels.
fn discover_levels() -> LevelSet {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let dir = std::env::var_os(LEVELS_DIR_VAR).map(std::path::PathBuf::from);
        let dir = dir.or_else(|| {
            let local = std::path::PathBuf::from("levels");
            local.is_dir().then_some(local)
        });
        if let Some(dir) = dir {
            return LevelSet::load_dir(&dir);
        }
    }
    LevelSet::builtin()
}

fn progress_store() -> Option<ProgressStore> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        ProgressStore::from_env()
    }
    #[cfg(target_arch = "wasm32")]
    {
        None
    }
}
