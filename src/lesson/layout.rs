//! Who gets which part of the window while a lesson plays: the HUD line along
//! the top, one compact panel on the right (Tab puts it away), and the 3D
//! scene in the rest. One function decides it; the panels take their sizes
//! from it, the camera renders into its scene rectangle, the ready line
//! reports its share, and the tests check it. Logical pixels throughout.

/// A rectangle in logical pixels, from the window's top-left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl Rect {
    pub fn area(&self) -> f32 {
        self.width.max(0.0) * self.height.max(0.0)
    }

    pub fn right(&self) -> f32 {
        self.x + self.width
    }

    pub fn bottom(&self) -> f32 {
        self.y + self.height
    }

    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x && x <= self.right() && y >= self.y && y <= self.bottom()
    }
}

/// The parts of the window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub window: Rect,
    /// egui's zoom: panel sizes in egui points are logical pixels / zoom.
    pub zoom: f32,
    pub hud: Rect,
    /// The lesson's panel, when open.
    pub panel: Option<Rect>,
    /// What the camera renders into.
    pub scene: Rect,
}

/// What the layout depends on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutInput {
    /// The window in logical pixels.
    pub width: f32,
    pub height: f32,
    /// Presenter mode: larger type, for a projector.
    pub presenter: bool,
    /// The screen shows a HUD line and a panel (a lesson playing); otherwise the
    /// scene takes the window and the screen's cards float over it.
    pub playing: bool,
    /// Tab put the panel away.
    pub panel_hidden: bool,
}

/// The HUD line's height in egui points (it grows with the zoom).
pub const HUD_POINTS: f32 = 38.0;
/// The panel's width in logical pixels: at most this, and at most a quarter of a narrow window.
pub const PANEL_PIXELS: f32 = 300.0;
/// In presenter mode the type is larger (zoom) and the panel a little narrower,
/// so the scene never loses room to the larger HUD line.
pub const PRESENTER_ZOOM: f32 = 1.15;
pub const PRESENTER_PANEL_PIXELS: f32 = 290.0;
/// The panel never takes more than this share of the window's width.
const MAX_PANEL_SHARE: f32 = 0.3;

/// The layout of a window.
pub fn layout(input: LayoutInput) -> Layout {
    let window = Rect { x: 0.0, y: 0.0, width: input.width.max(1.0), height: input.height.max(1.0) };
    let zoom = if input.presenter { PRESENTER_ZOOM } else { 1.0 };
    if !input.playing {
        let none = Rect { x: 0.0, y: 0.0, width: window.width, height: 0.0 };
        return Layout { window, zoom, hud: none, panel: None, scene: window };
    }
    let hud_height = (HUD_POINTS * zoom).min(window.height / 4.0);
    let hud = Rect { x: 0.0, y: 0.0, width: window.width, height: hud_height };
    let below = window.height - hud_height;
    let wanted = if input.presenter { PRESENTER_PANEL_PIXELS } else { PANEL_PIXELS };
    let panel_width = wanted.min(window.width * MAX_PANEL_SHARE);
    let panel = (!input.panel_hidden).then_some(Rect {
        x: window.width - panel_width,
        y: hud_height,
        width: panel_width,
        height: below,
    });
    let scene_width = window.width - panel.map_or(0.0, |p| p.width);
    let scene = Rect { x: 0.0, y: hud_height, width: scene_width, height: below };
    Layout { window, zoom, hud, panel, scene }
}

impl Layout {
    /// The scene's share of the window, 0 to 1.
    pub fn scene_share(&self) -> f32 {
        self.scene.area() / self.window.area()
    }

    /// The scene's share as the ready line writes it: `64%`.
    pub fn scene_percent(&self) -> String {
        format!("{:.0}%", 100.0 * self.scene_share())
    }
}
