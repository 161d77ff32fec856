//! Attention threads over the blackboard: from the letter being read, one
//! thread per head runs back to each letter before it (and a loop to
//! itself), as wide and as bright as the attention weight, one colour per
//! head. The picked head is drawn in front, switched-off heads go dark.
//! One mesh, rebuilt each frame from the session's numbers.

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;

use super::blackboard::{Blackboard, CELL, letter_point};
use crate::game::session::Session;
use crate::lesson::view;

/// The threads of the looking-back lesson; spawned by the lesson beside its board.
#[derive(Component, Clone, Copy, Debug, Default)]
#[require(Transform, Visibility)]
pub struct Threads;

/// Points along each thread.
const SAMPLES: usize = 18;

/// Head `i`'s colour, as linear RGB; the panel uses the same.
pub fn head_rgb(i: usize) -> [u8; 3] {
    const PALETTE: [[u8; 3]; 8] = [
        [255, 150, 40],
        [60, 200, 255],
        [235, 90, 220],
        [140, 235, 80],
        [255, 230, 90],
        [120, 130, 255],
        [255, 100, 110],
        [80, 240, 190],
    ];
    PALETTE[i % PALETTE.len()]
}

pub fn plugin(app: &mut App) {
    app.add_observer(build);
    app.add_systems(Update, weave);
}

#[derive(Component)]
struct Weave(Handle<Mesh>);

fn build(
    add: On<Add, Threads>,
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let mesh = meshes.add(empty_mesh());
    let material = materials.add(StandardMaterial {
        base_color: Color::WHITE,
        unlit: true,
        alpha_mode: AlphaMode::Blend,
        double_sided: true,
        cull_mode: None,
        ..default()
    });
    commands.entity(add.entity).insert((Mesh3d(mesh.clone()), MeshMaterial3d(material), Weave(mesh)));
}

fn empty_mesh() -> Mesh {
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, Vec::<[f32; 3]>::new())
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, Vec::<[f32; 3]>::new())
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, Vec::<[f32; 4]>::new())
        .with_inserted_indices(Indices::U32(Vec::new()))
}

/// Rebuilds the threads from the attention weights at the cursor.
fn weave(
    session: Option<Res<Session>>,
    boards: Query<&GlobalTransform, With<Blackboard>>,
    weaves: Query<(&Weave, &GlobalTransform)>,
    mut meshes: ResMut<Assets<Mesh>>,
) {
    let (Some(session), Ok(board)) = (session, boards.single()) else { return };
    let Ok((weave, origin)) = weaves.single() else { return };
    let (Some(content), Some(panel)) = (view::board(&session.play), view::looking(&session.play)) else {
        return;
    };
    let Some(mut mesh) = meshes.get_mut(&weave.0) else { return };
    let to_local = origin.affine().inverse();
    let (up, forward, right) = (board.up().as_vec3(), board.back().as_vec3(), board.right().as_vec3());
    let mut ribbons = Ribbons::default();
    let Some(query) = letter_point(board, &content, panel.cursor) else { return };
    let top = |p: Vec3| p + up * 0.55;
    let n = panel.heads.len();
    // The picked head last, so it is drawn over the others.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| panel.heads[i].picked);
    for &i in &order {
        let head = &panel.heads[i];
        let row = &session_row(&session, head.layer, head.head, panel.cursor);
        let [r, g, b] = head_rgb(head.index);
        let colour = if head.off {
            [0.25, 0.25, 0.28]
        } else {
            [r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0]
        };
        let lift = 1.1 + 0.75 * i as f32;
        let depth = forward * (0.12 + 0.05 * i as f32);
        // Heads leave and reach each letter side by side.
        let beside = right * (0.09 * (i as f32 - (n as f32 - 1.0) / 2.0));
        for (key, &weight) in row.iter().enumerate() {
            let Some(at) = letter_point(board, &content, key) else { continue };
            let (from, to) = (top(query) + depth + beside, top(at) + depth + beside);
            let span = (from - to).length() / CELL;
            let (a, c) =
                if key == panel.cursor { (from - right * 0.22, from + right * 0.22) } else { (from, to) };
            let height = lift + 0.45 * span.min(10.0);
            let control = (a + c) / 2.0 + up * height;
            let weight = weight.clamp(0.0, 1.0);
            let alpha = if head.off { 0.3 } else { 0.3 + 0.7 * weight };
            let alpha = if head.picked { alpha } else { alpha * 0.75 };
            let width = 0.04 + (if head.picked { 0.34 } else { 0.22 }) * weight;
            ribbons.curve(a, control, c, forward, width, [colour[0], colour[1], colour[2], alpha], &to_local);
        }
    }
    ribbons.into_mesh(&mut mesh);
}

/// One head's attention row at the cursor, from the session.
fn session_row(session: &Session, layer: usize, head: usize, cursor: usize) -> Vec<f32> {
    match &session.play.activity {
        crate::lesson::Activity::Looking(lens) => lens.look.act.attention(layer, head, cursor).to_vec(),
        _ => Vec::new(),
    }
}

#[derive(Default)]
struct Ribbons {
    positions: Vec<[f32; 3]>,
    normals: Vec<[f32; 3]>,
    colours: Vec<[f32; 4]>,
    indices: Vec<u32>,
}

impl Ribbons {
    /// A flat ribbon along the quadratic curve a → c bent towards `control`,
    /// facing `facing`, `width` wide.
    #[allow(clippy::too_many_arguments)]
    fn curve(
        &mut self,
        a: Vec3,
        control: Vec3,
        c: Vec3,
        facing: Vec3,
        width: f32,
        rgba: [f32; 4],
        to_local: &bevy::math::Affine3A,
    ) {
        let base = self.positions.len() as u32;
        for i in 0..=SAMPLES {
            let t = i as f32 / SAMPLES as f32;
            let p = a * (1.0 - t) * (1.0 - t) + control * 2.0 * t * (1.0 - t) + c * t * t;
            let tangent = (control - a) * 2.0 * (1.0 - t) + (c - control) * 2.0 * t;
            let side = tangent.cross(facing).normalize_or_zero() * (width / 2.0);
            // Threads fade in from the letters they leave and reach.
            let ends = (t.min(1.0 - t) * 8.0).min(1.0);
            let colour = [rgba[0], rgba[1], rgba[2], rgba[3] * (0.35 + 0.65 * ends)];
            for q in [p - side, p + side] {
                self.positions.push(to_local.transform_point3(q).to_array());
                self.normals.push(facing.to_array());
                self.colours.push(colour);
            }
            if i > 0 {
                let k = base + 2 * i as u32;
                self.indices.extend_from_slice(&[k - 2, k - 1, k, k - 1, k + 1, k]);
            }
        }
    }

    fn into_mesh(self, mesh: &mut Mesh) {
        mesh.insert_attribute(Mesh::ATTRIBUTE_POSITION, self.positions);
        mesh.insert_attribute(Mesh::ATTRIBUTE_NORMAL, self.normals);
        mesh.insert_attribute(Mesh::ATTRIBUTE_COLOR, self.colours);
        mesh.insert_indices(Indices::U32(self.indices));
    }
}
