//! What the player asks for, as observer events: keys and panels trigger
//! them (`commands.trigger(..)`), and the plugin that owns each concern
//! observes it. Whatever changes the run or the lesson is a [`Command`] (the
//! replay's vocabulary) sent as [`Do`].

use bevy::prelude::*;

pub use crate::level::command::{Command, Guess, MAX_DRAW, Retrain, Setting};

/// Carry out a player's command, between training steps, recorded with its step.
#[derive(Event, Clone, Debug, PartialEq)]
pub struct Do(pub Command);

// Moving between screens (`screens`).
#[derive(Event, Clone, Copy, Debug)]
pub struct OpenTitle;
#[derive(Event, Clone, Copy, Debug)]
pub struct OpenMap;
/// Play a level by id (once unlocked).
#[derive(Event, Clone, Debug)]
pub struct PlayLevel(pub String);
/// Play the level after the current one.
#[derive(Event, Clone, Copy, Debug)]
pub struct PlayNext;
/// The level just completed, once more.
#[derive(Event, Clone, Copy, Debug)]
pub struct PlayAgain;
/// Close the game (not offered in the browser).
#[derive(Event, Clone, Copy, Debug)]
pub struct Quit;
#[derive(Event, Clone, Copy, Debug)]
pub struct TogglePause;
/// Play back a replay file.
#[derive(Event, Clone, Debug)]
pub struct OpenReplay(pub String);
/// Play back a replay given as text (a file picked or dropped, a shipped session).
#[derive(Event, Clone, Debug)]
pub struct OpenReplayText {
    pub name: String,
    pub text: String,
}
/// A text file for the sandbox (dropped on the window or picked in the page).
#[derive(Event, Clone, Debug)]
pub struct OpenText {
    pub name: String,
    pub text: String,
}

// The lesson in play (`session`).
/// Close the story card and begin.
#[derive(Event, Clone, Copy, Debug)]
pub struct Begin;
/// Show the story card again (the lesson waits).
#[derive(Event, Clone, Copy, Debug)]
pub struct ShowCard;
/// After a missed try: the level again, with the player's settings.
#[derive(Event, Clone, Copy, Debug)]
pub struct Retry;
#[derive(Event, Clone, Copy, Debug)]
pub struct NextHint;
/// Save the session so far as a replay file.
#[derive(Event, Clone, Copy, Debug)]
pub struct SaveReplay;
/// A link that opens this level with its settings as they are now.
#[derive(Event, Clone, Copy, Debug)]
pub struct CopyLink;
/// Drive the replay being played back.
#[derive(Event, Clone, Copy, Debug, PartialEq)]
pub struct DriveReplay(pub ReplayControl);

/// The controls of a replay being played back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ReplayControl {
    /// Play or pause the playback.
    PlayPause,
    /// One training step (or the next command, if one is due first).
    Step,
    /// Playback speed, as a multiple of the level's speed (0.25 to 8).
    Speed(f32),
    /// Go to a point of the session, counted in training steps from its start.
    Seek(usize),
    /// Stop playing back and play on from here; the recording continues.
    TakeOver,
}

// What the player sees (`view`).
/// Large type and a larger world, for a projector.
#[derive(Event, Clone, Copy, Debug)]
pub struct TogglePresenter;
/// Put the panel away, or bring it back.
#[derive(Event, Clone, Copy, Debug)]
pub struct TogglePanel;
/// The chart overlay.
#[derive(Event, Clone, Copy, Debug)]
pub struct ToggleChart;
/// The list of keys.
#[derive(Event, Clone, Copy, Debug)]
pub struct ToggleHelp;
