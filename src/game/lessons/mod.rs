//! The lessons, one file each: what the lesson puts in the world when it
//! starts playing (scoped to `InLesson`, so it leaves with the lesson), its
//! keys, its camera shot and robot's place, and its panel. Its rules are in
//! `crate::lesson`, its variants in the level format. Adding a lesson is
//! adding a file here and one line in each plugin list below.

use bevy::prelude::*;

use super::camera::Shot;
use super::state::InLesson;
use super::student::{Pose, Post};
use crate::level::Lesson;

pub mod climbing;
pub mod looking;
pub mod performing;
pub mod prediction;
pub mod sandbox;
pub mod scoring;
pub mod voting;

/// The lessons' rules that need no window: their scenes' objects and their keys.
pub fn plugin(app: &mut App) {
    // Leaving a lesson (not the screen: a replay of the same lesson opened
    // while it plays keeps its scene), the robot goes back to the ground.
    for lesson in Lesson::ALL {
        app.add_systems(OnExit(InLesson(lesson)), leave_the_scene);
    }
    app.add_plugins((
        prediction::plugin,
        voting::plugin,
        scoring::plugin,
        climbing::plugin,
        performing::plugin,
        looking::plugin,
        sandbox::plugin,
    ));
}

/// What the lessons show: the robot's acts, the camera's shots, the panels.
pub fn view_plugin(app: &mut App) {
    app.add_plugins((
        prediction::view_plugin,
        voting::view_plugin,
        scoring::view_plugin,
        climbing::view_plugin,
        performing::view_plugin,
        looking::view_plugin,
        sandbox::view_plugin,
    ));
}

fn leave_the_scene(mut commands: Commands) {
    commands.insert_resource(Post::OnTheGround);
    commands.insert_resource(Pose::Stand);
    commands.insert_resource(Shot::Follow);
}
