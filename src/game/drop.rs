//! Files dropped onto the window: a replay (`*.replay.ron`) plays back, a
//! text (`*.txt`) opens in the sandbox (or the player hears why not). The
//! browser's page hands dropped files over the same way (`web/bridge.js`).

use bevy::prelude::*;
use bevy::window::FileDragAndDrop;

#[cfg(target_arch = "wasm32")]
use super::intent::OpenReplayText;
use super::intent::{OpenReplay, OpenText};
use super::levels::Notices;

pub fn plugin(app: &mut App) {
    app.add_systems(Update, dropped);
    #[cfg(target_arch = "wasm32")]
    app.add_systems(Update, dropped_in_the_page);
}

/// What a dropped file is for, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dropped {
    Replay,
    Text,
    Unknown,
}

pub fn kind_of(name: &str) -> Dropped {
    let name = name.to_ascii_lowercase();
    if name.ends_with(".replay.ron") || name.ends_with(".ron") {
        Dropped::Replay
    } else if name.ends_with(".txt") {
        Dropped::Text
    } else {
        Dropped::Unknown
    }
}

/// The message for a file the game cannot use.
pub fn unknown(name: &str) -> String {
    format!(
        "{name}: drop a replay (.replay.ron) to play it back, or a text (.txt) to train the sandbox on it"
    )
}

fn dropped(mut drops: MessageReader<FileDragAndDrop>, mut commands: Commands, mut notices: ResMut<Notices>) {
    for drop in drops.read() {
        let FileDragAndDrop::DroppedFile { path_buf, .. } = drop else { continue };
        let name = path_buf.display().to_string();
        match kind_of(&name) {
            Dropped::Replay => commands.trigger(OpenReplay(name)),
            Dropped::Text => match std::fs::read_to_string(path_buf) {
                Ok(text) => commands.trigger(OpenText { name, text }),
                Err(e) => notices.push(format!("cannot read {name}: {e}")),
            },
            Dropped::Unknown => notices.push(unknown(&name)),
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn dropped_in_the_page(mut commands: Commands, mut notices: ResMut<Notices>) {
    for (name, text) in crate::web::take_opened(crate::web::Pick::Dropped) {
        match kind_of(&name) {
            Dropped::Replay => commands.trigger(OpenReplayText { name, text }),
            Dropped::Text => commands.trigger(OpenText { name, text }),
            Dropped::Unknown => notices.push(unknown(&name)),
        }
    }
}
