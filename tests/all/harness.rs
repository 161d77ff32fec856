//! A headless game for the tests: `MinimalPlugins` + `StatesPlugin`, fixed
//! timesteps, the game's logic plugins, and the player's keys and intents.

use std::time::Duration;

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use bevy::time::TimeUpdateStrategy;

use raw_weights::game::intent::{Begin, Command, Do, PlayLevel};
use raw_weights::game::levels::{Levels, ProgressRes};
use raw_weights::game::session::{Phase, Session, TrainingBudget};
use raw_weights::game::state::Screen;
use raw_weights::game::terrain::{LandscapePace, SlicePace};
use raw_weights::game::{self, Start};
use raw_weights::level::{LevelSet, Progress, ProgressStore};

pub struct Game {
    pub app: App,
    pub dir: tempfile::TempDir,
}

/// The built-in levels with `edit` applied to the text of level `index`.
pub fn levels_with(index: usize, edit: impl Fn(String) -> String) -> LevelSet {
    let sources: Vec<(String, String)> = raw_weights::level::format::BUILTIN
        .iter()
        .enumerate()
        .map(|(i, (p, t))| (p.to_string(), if i == index { edit(t.to_string()) } else { t.to_string() }))
        .collect();
    let set = LevelSet::from_sources(&sources, None);
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    set
}

/// Progress with every level completed, so any level opens.
pub fn all_done(levels: &LevelSet) -> Progress {
    let mut progress = Progress::default();
    for level in &levels.levels {
        progress.record(level.id(), 2.0, true);
    }
    progress
}

/// What a test game is set up with.
pub struct Setup {
    pub levels: LevelSet,
    pub ticks_per_update: u32,
    pub unlocked: bool,
    pub training_budget: Option<Duration>,
    pub start: Start,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            levels: LevelSet::builtin(),
            ticks_per_update: 1,
            unlocked: false,
            training_budget: None,
            start: Start::Title,
        }
    }
}

pub fn game(levels: LevelSet, ticks_per_update: u32) -> Game {
    Game::new(Setup { levels, ticks_per_update, ..Setup::default() })
}

/// A game with every level open.
pub fn open_game(levels: LevelSet, ticks_per_update: u32) -> Game {
    Game::new(Setup { levels, ticks_per_update, unlocked: true, ..Setup::default() })
}

impl Game {
    pub fn new(setup: Setup) -> Game {
        let dir = tempfile::tempdir().unwrap();
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, StatesPlugin));
        app.insert_resource(TimeUpdateStrategy::FixedTimesteps(setup.ticks_per_update));
        app.insert_resource(ButtonInput::<KeyCode>::default());
        let progress = if setup.unlocked { all_done(&setup.levels) } else { Progress::default() };
        app.insert_resource(Levels { set: setup.levels });
        app.insert_resource(ProgressRes { progress, store: Some(ProgressStore::in_dir(dir.path())) });
        app.insert_resource(TrainingBudget(setup.training_budget));
        app.insert_resource(LandscapePace(SlicePace::PerSecond(0.0)));
        app.insert_resource(setup.start);
        app.add_plugins(game::logic);
        app.update();
        Game { app, dir }
    }

    pub fn screen(&self) -> Screen {
        *self.app.world().resource::<State<Screen>>().get()
    }

    pub fn press(&mut self, key: KeyCode) {
        self.press_with(&[], key);
    }

    /// Presses `key` while holding `modifiers`.
    pub fn press_with(&mut self, modifiers: &[KeyCode], key: KeyCode) {
        let mut keys = self.app.world_mut().resource_mut::<ButtonInput<KeyCode>>();
        for m in modifiers {
            keys.press(*m);
        }
        keys.press(key);
        self.app.update();
        let mut keys = self.app.world_mut().resource_mut::<ButtonInput<KeyCode>>();
        keys.release_all();
        keys.clear();
        // A state change lands on the next frame.
        self.app.update();
    }

    /// Triggers an intent, as a panel's button would, and lets it land.
    pub fn trigger<'a, E: Event<Trigger<'a>: Default>>(&mut self, intent: E) {
        self.app.world_mut().trigger(intent);
        self.app.update();
        self.app.update();
    }

    /// A player's command, as a panel would send it.
    pub fn command(&mut self, command: Command) {
        self.trigger(Do(command));
    }

    /// Opens a level (as the map does) and begins it past its story card.
    pub fn play(&mut self, id: &str) {
        self.trigger(PlayLevel(id.into()));
        assert_eq!(self.screen(), Screen::Playing, "{id} opens");
        if self.session().phase == Phase::Card {
            self.trigger(Begin);
        }
        assert_eq!(self.session().phase, Phase::Playing, "{id} plays");
    }

    pub fn session(&self) -> &Session {
        self.app.world().resource::<Session>()
    }

    pub fn progress(&self) -> &Progress {
        &self.app.world().resource::<ProgressRes>().progress
    }

    pub fn run_until(&mut self, max_updates: usize, done: impl Fn(&Game) -> bool) -> usize {
        for n in 0..max_updates {
            if done(self) {
                return n;
            }
            self.app.update();
        }
        panic!("not done after {max_updates} updates");
    }

    /// Waits out the cheer, then checks the level is complete and the next one open.
    pub fn completes(&mut self, next: &str) {
        self.run_until(400, |g| g.screen() == Screen::Complete);
        let set = &self.app.world().resource::<Levels>().set;
        assert!(self.progress().is_unlocked(set, next), "{next} unlocks");
    }
}
