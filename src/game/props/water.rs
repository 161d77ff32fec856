//! The goal as a thing in the world: a water line over the landscape at the
//! height of the goal's score. Below the water, the goal is met.

use bevy::prelude::*;
use bevy_egui::egui::{Align2, Color32};

use crate::game::labels::{Label, WorldLabels};
use crate::game::session::Session;
use crate::game::terrain::{HALF_WORLD, Terrain, world_height};
use crate::level::Goal;

/// The water line; spawned by a lesson with a loss goal.
#[derive(Component, Clone, Copy, Debug, Default)]
#[require(Transform, Visibility)]
pub struct WaterLine;

pub fn plugin(app: &mut App) {
    app.add_observer(build);
    app.add_systems(Update, rise_to_the_goal);
}

fn build(
    add: On<Add, WaterLine>,
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let water = materials.add(StandardMaterial {
        base_color: Color::srgba(0.25, 0.55, 0.95, 0.38),
        alpha_mode: AlphaMode::Blend,
        perceptual_roughness: 0.2,
        double_sided: true,
        cull_mode: None,
        ..default()
    });
    // Wider than the landscape: a sea around the island at the goal's height,
    // and a lake wherever the ground dips below it.
    let size = 2.0 * HALF_WORLD + 7.0;
    commands
        .entity(add.entity)
        .insert((Mesh3d(meshes.add(Cuboid::new(size, 0.04, size))), MeshMaterial3d(water)));
}

fn rise_to_the_goal(
    session: Option<Res<Session>>,
    terrain: Option<Res<Terrain>>,
    mut water: Query<&mut Transform, With<WaterLine>>,
    mut labels: ResMut<WorldLabels>,
) {
    let (Some(session), Some(terrain), Ok(mut transform)) = (session, terrain, water.single_mut()) else {
        return;
    };
    let Goal::LossBelow { loss, window } = session.play.level.file.goal else { return };
    let y = world_height(loss, terrain.uniform);
    transform.translation = Vec3::new(0.0, y, 0.0);
    labels.add(
        Label::new(
            Vec3::new(-HALF_WORLD - 2.0, y + 0.1, 0.0),
            format!("the water line: the goal, a mean score of {loss:.2} over {window} steps"),
            0.32,
            Color32::from_rgb(170, 215, 255),
        )
        .plate(Color32::from_rgba_unmultiplied(14, 30, 60, 200))
        .anchor(Align2::CENTER_BOTTOM)
        .min_points(12.0),
    );
}
