//! The ghost climbers of the climbing lesson: translucent figures where
//! their weights stand on the slice on show, at their true score, each its
//! own colour and shape, with its trail and a name that never overlaps another.

use bevy::prelude::*;
use bevy_egui::egui::{Align2, Color32};

use crate::brain::OptimizerKind;
use crate::game::consts::ghost_rgb;
use crate::game::labels::{Label, WorldLabels};
use crate::game::session::Session;
use crate::game::terrain::{Ground, Terrain, world_height, world_xz};
use crate::lesson::Activity;

/// The ghosts of a race; spawned by a lesson, it brings one figure per climber.
#[derive(Component, Clone, Copy, Debug, Default)]
#[require(Transform, Visibility)]
pub struct Ghosts;

/// The figure of the ghost climbing with this method (those not racing hide).
#[derive(Component)]
struct Ghost(OptimizerKind);

pub fn plugin(app: &mut App) {
    app.add_observer(build);
    app.add_systems(Update, place_ghosts);
}

/// A shape per climber, so they are told apart without their colours too.
fn body(kind: OptimizerKind) -> Mesh {
    match kind {
        OptimizerKind::Sgd => Cuboid::new(0.7, 1.1, 0.7).into(),
        OptimizerKind::Momentum => Sphere::new(0.55).into(),
        OptimizerKind::RmsProp => Cone { radius: 0.55, height: 1.3 }.into(),
        OptimizerKind::Adam => Capsule3d::new(0.32, 0.7).into(),
        OptimizerKind::AdamW => Cylinder::new(0.45, 1.1).into(),
    }
}

fn build(
    add: On<Add, Ghosts>,
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let head = meshes.add(Sphere::new(0.26));
    commands.entity(add.entity).with_children(|ghosts| {
        for kind in OptimizerKind::ALL {
            let [r, g, b] = ghost_rgb(kind);
            let colour = Color::srgba_u8(r, g, b, 170);
            let material = materials.add(StandardMaterial {
                base_color: colour,
                alpha_mode: AlphaMode::Blend,
                emissive: LinearRgba::from(colour) * 0.35,
                ..default()
            });
            ghosts.spawn((
                Name::new("Ghost climber"),
                Ghost(kind),
                Transform::default(),
                Visibility::Hidden,
                children![
                    (
                        Mesh3d(meshes.add(body(kind))),
                        MeshMaterial3d(material.clone()),
                        Transform::from_xyz(0.0, 0.65, 0.0)
                    ),
                    (Mesh3d(head.clone()), MeshMaterial3d(material), Transform::from_xyz(0.0, 1.5, 0.0)),
                ],
            ));
        }
    });
}

fn place_ghosts(
    session: Option<Res<Session>>,
    terrain: Option<Res<Terrain>>,
    ground: Res<Ground>,
    time: Res<Time>,
    mut ghosts: Query<(&Ghost, &mut Transform, &mut Visibility)>,
    mut labels: ResMut<WorldLabels>,
    mut gizmos: Gizmos,
) {
    let race = session.as_ref().and_then(|s| match &s.play.activity {
        Activity::Climbing(race) => Some(race),
        _ => None,
    });
    for (ghost, mut transform, mut visibility) in &mut ghosts {
        let (Some(race), Some(terrain), Some(plane)) = (race, terrain.as_ref(), ground.plane.as_ref()) else {
            *visibility = Visibility::Hidden;
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
        let bob = 0.12 * (time.elapsed_secs() * 2.0 + slot as f32).sin();
        let target = Vec3::new(xz.x, world_height(mark.loss, terrain.uniform) + 0.2 + bob, xz.y);
        let k = 1.0 - (-5.0 * time.delta_secs()).exp();
        transform.translation =
            if transform.translation == Vec3::ZERO { target } else { transform.translation.lerp(target, k) };
        // A fallen ghost lies down.
        transform.rotation = if g.fell_at.is_some() { Quat::from_rotation_z(1.4) } else { Quat::IDENTITY };
        let [r, gr, bl] = ghost_rgb(g.kind);
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
        gizmos.linestrip(trail, Color::srgb_u8(r, gr, bl));
        let name = if g.fell_at.is_some() {
            format!("{} (fell)", g.kind.label())
        } else {
            g.kind.label().to_string()
        };
        labels.add(
            Label::new(transform.translation + Vec3::Y * 2.1, name, 0.34, Color32::from_rgb(r, gr, bl))
                .plate(Color32::from_rgba_unmultiplied(16, 18, 26, 210))
                .anchor(Align2::CENTER_BOTTOM)
                .apart()
                .min_points(12.0),
        );
    }
}
