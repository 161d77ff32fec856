//! Text in the world: lessons and props place labels at points of the 3D
//! scene, and one egui pass draws them where the camera sees those points,
//! sized like the objects they belong to (with a legible floor), on plates
//! where they need contrast, and moved apart when they would overlap.
//!
//! Why egui rather than Bevy's 3D text or stroke letters: the panels' fonts
//! are already in the download (no extra bytes, no text pipeline in the
//! browser build), the letters are filled and anti-aliased at any size, and
//! a language with other scripts needs one font added to egui's list for the
//! world and the panels alike.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::view::{Screenful, Seen};

/// A label at a point of the world.
#[derive(Clone, Debug)]
pub struct Label {
    pub at: Vec3,
    pub text: String,
    /// The text's height in world units: it grows and shrinks with the camera's distance.
    pub height: f32,
    pub colour: egui::Color32,
    /// A plate behind the text, for contrast.
    pub plate: Option<egui::Color32>,
    /// Which point of the label sits at `at`.
    pub anchor: egui::Align2,
    /// Labels marked apart are moved up until they overlap no other such label.
    pub apart: bool,
    /// The smallest size it may shrink to, in points.
    pub min_points: f32,
    pub monospace: bool,
    /// Part of the inside view: while it is open, only these are drawn.
    pub inside: bool,
}

impl Label {
    pub fn new(at: Vec3, text: impl Into<String>, height: f32, colour: egui::Color32) -> Self {
        Self {
            at,
            text: text.into(),
            height,
            colour,
            plate: None,
            anchor: egui::Align2::CENTER_CENTER,
            apart: false,
            min_points: 12.0,
            monospace: false,
            inside: false,
        }
    }

    pub fn plate(mut self, fill: egui::Color32) -> Self {
        self.plate = Some(fill);
        self
    }

    pub fn anchor(mut self, anchor: egui::Align2) -> Self {
        self.anchor = anchor;
        self
    }

    pub fn apart(mut self) -> Self {
        self.apart = true;
        self
    }

    pub fn min_points(mut self, points: f32) -> Self {
        self.min_points = points;
        self
    }

    pub fn inside(mut self) -> Self {
        self.inside = true;
        self
    }

    pub fn monospace(mut self) -> Self {
        self.monospace = true;
        self
    }
}

/// The labels of this frame: cleared at its start, drawn at its end.
#[derive(Resource, Default, Debug)]
pub struct WorldLabels(pub Vec<Label>);

impl WorldLabels {
    pub fn add(&mut self, label: Label) {
        self.0.push(label);
    }
}

/// The largest a label gets, in points.
const MAX_POINTS: f32 = 72.0;

pub fn plugin(app: &mut App) {
    app.init_resource::<WorldLabels>();
    app.add_systems(First, |mut labels: ResMut<WorldLabels>| labels.0.clear());
    app.add_systems(EguiPrimaryContextPass, draw.in_set(super::hud::UiSet::World));
}

fn draw(
    mut contexts: EguiContexts,
    labels: Res<WorldLabels>,
    screenful: Res<Screenful>,
    seen: Res<Seen>,
    cameras: Query<(&Camera, &GlobalTransform, &Projection), With<Camera3d>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Ok((camera, at, projection)) = cameras.single() else { return Ok(()) };
    let layout = screenful.0;
    let zoom = layout.zoom;
    let scene = layout.scene;
    let clip = egui::Rect::from_min_size(
        egui::pos2(scene.x / zoom, scene.y / zoom),
        egui::vec2(scene.width / zoom, scene.height / zoom),
    );
    let fov = match projection {
        Projection::Perspective(p) => p.fov,
        _ => std::f32::consts::FRAC_PI_4,
    };
    // Points per world unit at distance 1.
    let scale = scene.height / (2.0 * (fov / 2.0).tan()) / zoom * if seen.presenter { 1.15 } else { 1.0 };
    let painter =
        ctx.layer_painter(egui::LayerId::new(egui::Order::Background, egui::Id::new("world labels")));
    let painter = painter.with_clip_rect(clip);
    let mut taken: Vec<egui::Rect> = Vec::new();
    for label in labels.0.iter().filter(|l| l.inside || !seen.inside) {
        let Ok(point) = camera.world_to_viewport_with_depth(at, label.at) else { continue };
        let size = (label.height * scale / point.z.max(0.1)).clamp(label.min_points, MAX_POINTS);
        let font =
            if label.monospace { egui::FontId::monospace(size) } else { egui::FontId::proportional(size) };
        let galley = painter.layout_no_wrap(label.text.clone(), font, label.colour);
        let pad = egui::vec2(size * 0.3, size * 0.12);
        let anchor = egui::pos2(point.x / zoom, point.y / zoom);
        let mut rect = label.anchor.anchor_size(anchor, galley.size() + 2.0 * pad);
        if label.apart {
            while let Some(hit) = taken.iter().find(|r| r.intersects(rect)) {
                rect = rect.translate(egui::vec2(0.0, hit.top() - rect.bottom() - 2.0));
            }
            taken.push(rect);
        }
        if !clip.intersects(rect) {
            continue;
        }
        if let Some(fill) = label.plate {
            painter.rect_filled(rect, size * 0.25, fill);
        }
        painter.galley(rect.min + pad, galley, label.colour);
    }
    Ok(())
}
