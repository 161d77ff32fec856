//! The loss landscape under the student: the lesson's survey of it followed
//! each frame at its pace in game time ([`plugin`], headless) and shown as a
//! lit, coloured terrain mesh with the student's trail ([`view_plugin`]).

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::platform::time::Instant;
use bevy::prelude::*;

use super::FrameCost;
use super::session::Session;
use crate::landscape::{SlicePlane, bilinear};
use crate::lesson::terrain::Survey;

pub use crate::lesson::terrain::{EVAL_DOCS, EVAL_POSITIONS, GhostMark, RESOLUTION, SlicePace};

/// World units per start→now distance `L` (the slice window spans 1.6·L, so 16 units).
pub const WORLD_PER_SPAN: f32 = 10.0;
/// Half the width of the terrain in world units.
pub const HALF_WORLD: f32 = 0.8 * WORLD_PER_SPAN;
/// World height per unit of loss above the ground's base.
pub const HEIGHT_PER_LOSS: f32 = 3.0;
/// The base and the top of the terrain, in units of the uniform score ln V:
/// losses below the base sit at height 0, above the top (and non-finite
/// ones) form a flat cliff top.
const BASE: f32 = 0.4;
const TOP: f32 = 1.6;

/// The landscape of the session's run: the lesson's survey of it, as a resource.
#[derive(Resource, Debug, Deref, DerefMut)]
pub struct Terrain(pub Survey);

/// How fast slices are cut: [`SlicePace`]'s full re-slices per second of
/// game time (the default), or each at once (tests).
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct LandscapePace(pub SlicePace);

pub fn plugin(app: &mut App) {
    app.init_resource::<LandscapePace>();
    app.add_systems(Update, cut_slices.run_if(resource_exists::<Session>));
}

/// Follows the run (the survey's heights, trails and slices at the pace's
/// share of this frame's game time) and books the frame's work.
fn cut_slices(
    mut commands: Commands,
    session: Res<Session>,
    terrain: Option<ResMut<Terrain>>,
    pace: Res<LandscapePace>,
    time: Res<Time>,
    mut cost: ResMut<FrameCost>,
) {
    let started = Instant::now();
    let Some(mut terrain) = terrain.filter(|t| t.run_id == session.play.run_id) else {
        commands.insert_resource(Terrain(Survey::new(&session.play)));
        return;
    };
    let work = terrain.follow(&session.play, time.delta_secs(), pace.0);
    cost.landscape = started.elapsed();
    cost.cells += work.cells;
    cost.heights += work.heights;
    cost.slices += work.slices;
}

/// World position (x, z) of plane point (a, b): the start sits at x = −5,
/// the student (when the slice was cut) at x = +5. Points outside the window
/// (weights that ran far away) are held at its edge.
pub fn world_xz(plane: &SlicePlane, a: f32, b: f32) -> Vec2 {
    let xz = Vec2::new((a / plane.span - 0.5) * WORLD_PER_SPAN, b / plane.span * WORLD_PER_SPAN);
    if xz.is_finite() { xz.clamp(Vec2::splat(-HALF_WORLD), Vec2::splat(HALF_WORLD)) } else { Vec2::ZERO }
}

/// World height of a loss.
pub fn world_height(loss: f32, uniform: f32) -> f32 {
    let (base, top) = (BASE * uniform, TOP * uniform);
    HEIGHT_PER_LOSS * (if loss.is_finite() { loss.clamp(base, top) } else { top } - base)
}

/// Colour of the ground at `t ∈ [0, 1]` from the slice's lowest to its
/// highest point: deep teal valleys, green, ochre, red peaks.
pub fn ground_colour(t: f32) -> [f32; 4] {
    const STOPS: [(f32, [f32; 3]); 6] = [
        (0.0, [0.05, 0.28, 0.42]),
        (0.25, [0.16, 0.52, 0.50]),
        (0.45, [0.36, 0.66, 0.30]),
        (0.65, [0.86, 0.76, 0.36]),
        (0.85, [0.86, 0.44, 0.20]),
        (1.0, [0.55, 0.16, 0.14]),
    ];
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 1.0 };
    let i = STOPS.iter().rposition(|(at, _)| *at <= t).unwrap_or(0).min(STOPS.len() - 2);
    let (t0, c0) = STOPS[i];
    let (t1, c1) = STOPS[i + 1];
    let f = ((t - t0) / (t1 - t0)).clamp(0.0, 1.0);
    let mix = |k: usize| c0[k] + (c1[k] - c0[k]) * f;
    // The stops are sRGB; vertex colours are linear.
    Color::srgb(mix(0), mix(1), mix(2)).to_linear().to_f32_array()
}

// ---------------------------------------------------------------- the view

/// The terrain mesh: heights blend from the previous slice to the new one.
#[derive(Component, Debug)]
pub struct TerrainSurface {
    generation: u64,
    run_id: u64,
    from: Vec<f32>,
    to: Vec<f32>,
    blend: f32,
}

/// The heights on show (world units, `RESOLUTION²`, row-major `[i][j]`) and
/// the plane they belong to, for placing things on the ground.
#[derive(Resource, Clone, Debug, Default)]
pub struct Ground {
    pub plane: Option<SlicePlane>,
    pub heights: Vec<f32>,
}

impl Ground {
    /// Ground height under world point (x, z), by bilinear interpolation.
    pub fn height_at(&self, xz: Vec2) -> f32 {
        if self.heights.is_empty() {
            return 0.0;
        }
        let span = 2.0 * HALF_WORLD;
        bilinear(&self.heights, RESOLUTION, (xz.x + HALF_WORLD) / span, (xz.y + HALF_WORLD) / span)
    }
}

/// Seconds a new slice takes to settle in.
const BLEND_SECONDS: f32 = 0.5;

pub fn view_plugin(app: &mut App) {
    app.init_resource::<Ground>();
    app.add_systems(Startup, spawn_surface);
    app.add_systems(Update, (update_surface, draw_trail).chain().run_if(resource_exists::<Terrain>));
}

/// World (x, z) of grid point (i, j): the grid covers [−HALF_WORLD, HALF_WORLD]²,
/// which is where [`world_xz`] puts every slice's window.
fn grid_xz(i: usize, j: usize) -> Vec2 {
    let n = (RESOLUTION - 1) as f32;
    Vec2::new(-HALF_WORLD + 2.0 * HALF_WORLD * i as f32 / n, -HALF_WORLD + 2.0 * HALF_WORLD * j as f32 / n)
}

fn spawn_surface(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let flat = vec![0.0; RESOLUTION * RESOLUTION];
    let colours = vec![[0.5, 0.5, 0.5, 1.0]; RESOLUTION * RESOLUTION];
    commands.spawn((
        Name::new("Loss landscape"),
        Mesh3d(meshes.add(surface_mesh(&flat, colours))),
        MeshMaterial3d(materials.add(StandardMaterial {
            base_color: Color::WHITE,
            perceptual_roughness: 0.85,
            double_sided: true,
            cull_mode: None,
            ..default()
        })),
        TerrainSurface { generation: u64::MAX, run_id: u64::MAX, from: flat.clone(), to: flat, blend: 1.0 },
    ));
    // A pale floor far below, so the hill does not float in the sky.
    commands.spawn((
        Name::new("Floor"),
        Mesh3d(meshes.add(Plane3d::default().mesh().size(400.0, 400.0))),
        MeshMaterial3d(materials.add(StandardMaterial {
            base_color: Color::srgb(0.55, 0.60, 0.66),
            perceptual_roughness: 1.0,
            ..default()
        })),
        Transform::from_xyz(0.0, -0.05, 0.0),
    ));
}

/// The terrain: the height grid as a lit, vertex-coloured surface, standing
/// on walls down to the floor like a block of earth.
fn surface_mesh(heights: &[f32], colours: Vec<[f32; 4]>) -> Mesh {
    let n = RESOLUTION;
    let mut positions = Vec::with_capacity(n * n + 8 * n);
    for i in 0..n {
        for j in 0..n {
            let xz = grid_xz(i, j);
            positions.push([xz.x, heights[i * n + j], xz.y]);
        }
    }
    let mut normals = surface_normals(heights);
    let mut colours = colours;
    let mut indices = Vec::with_capacity((n - 1) * (n - 1) * 6 + 24 * n);
    for i in 0..n - 1 {
        for j in 0..n - 1 {
            let (p00, p01, p10, p11) = (
                (i * n + j) as u32,
                (i * n + j + 1) as u32,
                ((i + 1) * n + j) as u32,
                ((i + 1) * n + j + 1) as u32,
            );
            indices.extend_from_slice(&[p00, p01, p10, p10, p01, p11]);
        }
    }
    // The four walls: each edge of the grid, from the surface down to y = 0.
    let earth = Color::srgb(0.42, 0.33, 0.24).to_linear().to_f32_array();
    type Edge = Box<dyn Fn(usize) -> (usize, usize)>;
    let edges: [(Vec3, Edge); 4] = [
        (Vec3::NEG_X, Box::new(|k| (0, k))),
        (Vec3::X, Box::new(move |k| (n - 1, k))),
        (Vec3::NEG_Z, Box::new(|k| (k, 0))),
        (Vec3::Z, Box::new(move |k| (k, n - 1))),
    ];
    for (outward, at) in edges {
        let first = positions.len() as u32;
        for k in 0..n {
            let (i, j) = at(k);
            let xz = grid_xz(i, j);
            positions.push([xz.x, heights[i * n + j], xz.y]);
            positions.push([xz.x, 0.0, xz.y]);
            normals.extend([outward.to_array(); 2]);
            colours.extend([earth; 2]);
        }
        for k in 0..n as u32 - 1 {
            let (top0, bottom0, top1, bottom1) =
                (first + 2 * k, first + 2 * k + 1, first + 2 * k + 2, first + 2 * k + 3);
            indices.extend_from_slice(&[top0, bottom0, top1, top1, bottom0, bottom1]);
        }
    }
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colours)
        .with_inserted_indices(Indices::U32(indices))
}

/// Normals from central differences of the height grid.
fn surface_normals(heights: &[f32]) -> Vec<[f32; 3]> {
    let n = RESOLUTION;
    let step = grid_xz(1, 1) - grid_xz(0, 0);
    let h = |i: usize, j: usize| heights[i * n + j];
    let mut normals = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            let (i0, i1) = (i.saturating_sub(1), (i + 1).min(n - 1));
            let (j0, j1) = (j.saturating_sub(1), (j + 1).min(n - 1));
            let dx = (h(i1, j) - h(i0, j)) / (step.x * (i1 - i0) as f32);
            let dz = (h(i, j1) - h(i, j0)) / (step.y * (j1 - j0) as f32);
            normals.push(Vec3::new(-dx, 1.0, -dz).normalize().to_array());
        }
    }
    normals
}

fn update_surface(
    terrain: Res<Terrain>,
    time: Res<Time>,
    mut ground: ResMut<Ground>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut surfaces: Query<(&Mesh3d, &mut TerrainSurface)>,
) {
    let Ok((mesh, mut surface)) = surfaces.single_mut() else {
        return;
    };
    let Some(slice) = terrain.landscape.current.as_ref() else {
        return;
    };
    if surface.generation != terrain.landscape.generation || surface.run_id != terrain.run_id {
        let fresh_run = surface.run_id != terrain.run_id;
        let shown = current_heights(&surface);
        surface.to = slice.losses.iter().map(|&l| world_height(l, terrain.uniform)).collect();
        // A new run starts from its own ground; a new slice of the same run glides in.
        surface.from = if fresh_run { surface.to.clone() } else { shown };
        surface.blend = if fresh_run { 1.0 } else { 0.0 };
        surface.generation = terrain.landscape.generation;
        surface.run_id = terrain.run_id;
        ground.plane = Some(slice.plane.clone());
    } else if surface.blend >= 1.0 && !ground.heights.is_empty() {
        return;
    }
    surface.blend = (surface.blend + time.delta_secs() / BLEND_SECONDS).min(1.0);
    let heights = current_heights(&surface);
    let (lo, hi) =
        heights.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &h| (lo.min(h), hi.max(h)));
    let spread = (hi - lo).max(1e-3);
    let colours = heights.iter().map(|h| ground_colour((h - lo) / spread)).collect();
    if let Some(mut m) = meshes.get_mut(&mesh.0) {
        *m = surface_mesh(&heights, colours);
    }
    ground.heights = heights;
}

fn current_heights(surface: &TerrainSurface) -> Vec<f32> {
    let t = surface.blend * surface.blend * (3.0 - 2.0 * surface.blend);
    surface.from.iter().zip(&surface.to).map(|(a, b)| a + (b - a) * t).collect()
}

/// The student's path on the ground, and a flag where it started.
fn draw_trail(terrain: Res<Terrain>, ground: Res<Ground>, session: Res<Session>, mut gizmos: Gizmos) {
    let Some(plane) = ground.plane.as_ref() else {
        return;
    };
    let lift = Vec3::Y * 0.06;
    let on_ground = |weights: &[f32]| {
        let (a, b) = plane.project(weights);
        let xz = world_xz(plane, a, b);
        Vec3::new(xz.x, ground.height_at(xz), xz.y) + lift
    };
    let mut points: Vec<Vec3> = terrain.trail.points.iter().map(|p| on_ground(&p.weights)).collect();
    points.push(on_ground(&session.play.run.params.data));
    gizmos.linestrip(points, Color::srgb(1.0, 0.95, 0.55));

    let start = world_xz(plane, 0.0, 0.0);
    let base = Vec3::new(start.x, ground.height_at(start), start.y);
    let top = base + Vec3::Y * 1.6;
    gizmos.line(base, top, Color::srgb(0.25, 0.2, 0.15));
    gizmos.line(top, top + Vec3::new(0.55, -0.2, 0.0), Color::srgb(0.95, 0.3, 0.25));
    gizmos.line(top + Vec3::new(0.55, -0.2, 0.0), top - Vec3::Y * 0.4, Color::srgb(0.95, 0.3, 0.25));
}
