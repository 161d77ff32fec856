//! Links and sharing: a link's settings applied as the player's own when its
//! level starts (so the replay records them), and F7's link to this level
//! with the settings as they are now.

use bevy::prelude::*;

use super::{Recording, Session};
use crate::game::intent::{Command, CopyLink};
use crate::lesson::share::{SharedStart, link};

/// A link's settings, waiting for its level to start.
#[derive(Resource, Clone, Debug)]
pub struct PendingLink(pub SharedStart);

pub fn plugin(app: &mut App) {
    app.add_observer(copy_link);
}

/// Applies a link's settings to a session just started, and says which the level does not allow.
pub(super) fn apply(session: &mut Session, recording: &mut Recording, shared: &SharedStart) {
    let controls = session.play.level.file.controls.clone();
    for setting in shared.settings.iter().filter(|s| controls.allows(s.control())) {
        // Settings never fail: a value out of range is left out.
        let _ = session.execute(&Command::Set(setting.clone()), Some(recording));
    }
    let ignored = shared.ignored(&controls);
    if !ignored.is_empty() {
        session.play.say(format!(
            "This level sets its own {}: the link's value{} left out.",
            ignored.join(", "),
            if ignored.len() == 1 { " was" } else { "s were" }
        ));
    }
}

fn copy_link(_: On<CopyLink>, session: Option<ResMut<Session>>) {
    let Some(mut session) = session else { return };
    let link = link(&session.play);
    session.play.say(hand_over(&link));
}

/// Hands a link to the player: in the browser it goes in the address bar and
/// the clipboard; natively the message shows the command that opens it.
fn hand_over(link: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let address = crate::web::set_hash(link);
        if crate::web::copy(&address) {
            format!("Link copied (it is in the address bar too): {address}")
        } else {
            format!("Link in the address bar: {address}")
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        format!("Link to this level with these settings: raw-weights play --link '{link}'")
    }
}
