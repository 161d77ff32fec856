//! The ghost climbers of the climbing lesson: translucent figures where
//! their weights stand on the slice on show, at their true score, each with
//! its trail and its name.

use bevy::prelude::*;

use super::ghost_rgb;
use super::session::Session;
use super::terrain::{Ground, Terrain, world_height, world_xz};
use crate::brain::OptimizerKind;
use crate::lesson::Activity;

/// The figure of the ghost climbing with this method (one per method; those not racing hide).
#[derive(Component)]
struct Ghost(OptimizerKind);

pub fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_ghosts);
    app.add_systems(Update, place_ghosts);
}

fn spawn_ghosts(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let body = meshes.add(Capsule3d::new(0.32, 0.7));
    let head = meshes.add(Sphere::new(0.3));
    for kind in OptimizerKind::ALL {
        let rgb = ghost_rgb(kind);
        let colour = Color::srgba_u8(rgb[0], rgb[1], rgb[2], 150);
        let material = materials.add(StandardMaterial {
            base_color: colour,
            alpha_mode: AlphaMode::Blend,
            emissive: LinearRgba::from(colour) * 0.3,
            ..default()
        });
        commands.spawn((
            Name::new("Ghost climber"),
            Ghost(kind),
            Transform::default(),
            Visibility::Hidden,
            children![
                (Mesh3d(body.clone()), MeshMaterial3d(material.clone()), Transform::from_xyz(0.0, 0.7, 0.0)),
                (Mesh3d(head.clone()), MeshMaterial3d(material), Transform::from_xyz(0.0, 1.55, 0.0)),
            ],
        ));
    }
}

fn place_ghosts(
    session: Option<Res<Session>>,
    terrain: Option<Res<Terrain>>,
    ground: Res<Ground>,
    time: Res<Time>,
    mut ghosts: Query<(&Ghost, &mut Transform, &mut Visibility)>,
    mut gizmos: Gizmos,
) {
    let race = session.as_ref().and_then(|s| match &s.activity {
        Activity::Climbing(race) => Some(race),
        _ => None,
    });
    for (ghost, mut transform, mut visibility) in &mut ghosts {
        let (Some(race), Some(terrain), Some(plane)) = (race, terrain.as_ref(), ground.plane.as_ref()) else {
            *visibility = Visibility::Hidden;
            transform.translation = Vec3::ZERO;
            continue;
        };
        let slot = race.ghosts.iter().position(|g| g.kind == ghost.0);
        let mark = terrain.ghosts.iter().find(|m| m.kind == ghost.0);
        let (Some(slot), Some(mark)) = (slot, mark) else {
            // Out of the race: when it races again it appears where it stands then.
            *visibility = Visibility::Hidden;
            transform.translation = Vec3::ZERO;
            continue;
        };
        let g = &race.ghosts[slot];
        *visibility = Visibility::Inherited;
        let (a, b) = plane.project(&g.run.params.data);
        let xz = world_xz(plane, a, b);
        let bob = 0.15 * (time.elapsed_secs() * 2.0 + slot as f32).sin();
        let target = Vec3::new(xz.x, world_height(mark.loss, terrain.uniform) + 0.3 + bob, xz.y);
        let k = 1.0 - (-5.0 * time.delta_secs()).exp();
        transform.translation =
            if transform.translation == Vec3::ZERO { target } else { transform.translation.lerp(target, k) };
        // A fallen ghost lies down.
        transform.rotation = if g.fell_at.is_some() { Quat::from_rotation_z(1.4) } else { Quat::IDENTITY };
        let [r, gr, bl] = ghost_rgb(g.kind);
        let colour = Color::srgb_u8(r, gr, bl);
        let trail: Vec<Vec3> = mark
            .trail
            .points
            .iter()
            .map(|p| {
                let (a, b) = plane.project(&p.weights);
                let xz = world_xz(plane, a, b);
                Vec3::new(xz.x, world_height(p.loss, terrain.uniform) + 0.05, xz.y)
            })
            .collect();
        gizmos.linestrip(trail, colour);
        gizmos.text(
            // Names stacked by place in the race, so ghosts side by side stay readable.
            Isometry3d::from_translation(transform.translation + Vec3::Y * (2.3 + 0.6 * slot as f32)),
            g.kind.name(),
            0.45,
            Vec2::ZERO,
            colour,
        );
    }
}
