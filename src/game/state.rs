//! The game's states: the screen, whether play is paused, and the lesson on
//! screen, derived from the two so each lesson's views live exactly while it
//! plays (`OnEnter(InLesson(..))`, `DespawnOnExit(InLesson(..))`).

use bevy::prelude::*;

use crate::level::Lesson;

/// The screens: title → level map → playing → level complete → map.
#[derive(States, Clone, Copy, Default, PartialEq, Eq, Hash, Debug)]
pub enum Screen {
    #[default]
    Title,
    LevelMap,
    Playing,
    Complete,
}

/// Whether training runs while playing: running, paused (the pause menu),
/// or waiting while the player looks inside the brain.
#[derive(SubStates, Clone, Copy, Default, PartialEq, Eq, Hash, Debug)]
#[source(Screen = Screen::Playing)]
pub enum Pause {
    #[default]
    Running,
    Paused,
    Inside,
}

/// The lesson of the level being played (or last played).
#[derive(States, Clone, Copy, Default, PartialEq, Eq, Hash, Debug)]
pub struct Studying(pub Option<Lesson>);

/// A lesson on screen: the playing screen, with the lesson being studied.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct InLesson(pub Lesson);

impl ComputedStates for InLesson {
    type SourceStates = (Screen, Studying);

    fn compute((screen, studying): (Screen, Studying)) -> Option<Self> {
        match (screen, studying.0) {
            (Screen::Playing, Some(lesson)) => Some(InLesson(lesson)),
            _ => None,
        }
    }
}

pub fn plugin(app: &mut App) {
    app.init_state::<Screen>();
    app.add_sub_state::<Pause>();
    app.init_state::<Studying>();
    app.add_computed_state::<InLesson>();
}
