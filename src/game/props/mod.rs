//! The objects lessons put in the world, each its own plugin: a lesson spawns
//! the prop's component (scoped to the lesson), and the prop builds itself
//! and shows the session's numbers. The school yard stands in front of the
//! landscape, on the floor.

use bevy::prelude::*;

pub mod ballot;
pub mod blackboard;
pub mod ghosts;
pub mod mark_board;
pub mod stage;
pub mod threads;
pub mod water;

/// Where the lessons' objects stand: in front of the landscape's block.
pub const YARD: Vec3 = Vec3::new(0.0, 0.0, 16.0);

pub fn plugin(app: &mut App) {
    app.add_plugins((
        blackboard::plugin,
        ballot::plugin,
        mark_board::plugin,
        stage::plugin,
        water::plugin,
        ghosts::plugin,
        threads::plugin,
    ));
}

/// A plain material.
pub fn matte(materials: &mut Assets<StandardMaterial>, rgb: [f32; 3]) -> Handle<StandardMaterial> {
    materials.add(StandardMaterial {
        base_color: Color::srgb(rgb[0], rgb[1], rgb[2]),
        perceptual_roughness: 0.9,
        ..default()
    })
}
