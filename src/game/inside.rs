//! Inside the brain: from any lesson with the tiny GPT, I (or the HUD's
//! button) opens the robot's head into a cut-away of the network for the
//! lesson's text at one position: a tower of cells from the embeddings up to
//! the votes, each coloured by its value. Training waits while it is open
//! (`Pause::Inside`). Its rules and numbers: `crate::lesson::inside`.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::camera::{OrbitCamera, Shot};
use super::consts::{GOLD, PANEL_FILL};
use super::hud::{self, UiSet, heading, key_button, key_button_text};
use super::keys::KeySet;
use super::labels::{Label, WorldLabels};
use super::levels::Notices;
use super::props::threads::head_rgb;
use super::session::{Phase, Playback, Session};
use super::state::Pause;
use super::student::{HEAD_HEIGHT, Student};
use super::view::{Screenful, Seen};
use crate::lesson::inside::{Inside, RowView, Selected};
use crate::lesson::keys as bind;

/// Open the cut-away, or close it.
#[derive(Event, Clone, Copy, Debug)]
pub struct ToggleInside;

/// The cut-away while it is open: the text read, and what each row shows.
#[derive(Resource, Clone, Debug)]
pub struct InsideView {
    /// The run it was opened on: a restart or a new text closes it.
    pub run_id: u64,
    pub inside: Inside,
    pub rows: Vec<RowView>,
    pub selected: Selected,
    pub letters: Vec<String>,
}

impl InsideView {
    fn new(inside: Inside, session: &Session) -> Self {
        let vocab = &session.play.run.vocab;
        Self {
            run_id: session.play.run_id,
            rows: inside.view(),
            selected: inside.selected(vocab),
            letters: inside.letters(vocab),
            inside,
        }
    }

    fn refresh(&mut self, session: &Session) {
        *self = Self::new(self.inside.clone(), session);
    }
}

/// What the cut-away's view systems cost while it is open (logged when it closes).
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct InsideCost {
    pub frames: u32,
    pub labels: std::time::Duration,
    pub builds: u32,
    pub building: std::time::Duration,
}

impl InsideCost {
    /// One line: the mean cost per frame, and per rebuild of the tower.
    pub fn summary(&self) -> String {
        let ms = |d: std::time::Duration, n: u32| d.as_secs_f64() * 1e3 / n.max(1) as f64;
        format!(
            "inside view: {} frames, {:.3} ms a frame (labels) + {:.3} ms a frame (tower rebuilds: {} of {:.3} ms)",
            self.frames,
            ms(self.labels, self.frames),
            ms(self.building, self.frames),
            self.builds,
            ms(self.building, self.builds),
        )
    }
}

/// A link asked for the inside view (`inside=on`): it opens once play begins.
#[derive(Resource, Clone, Copy, Debug)]
pub struct OpenInsideSoon;

/// The cut-away's logic: opening and closing it, and its keys.
pub fn plugin(app: &mut App) {
    app.add_observer(toggle);
    app.add_systems(OnExit(super::state::Screen::Playing), |mut commands: Commands| {
        commands.remove_resource::<OpenInsideSoon>();
    });
    // A restart or a new text while it is open: the cut-away shows another run, so it closes.
    app.add_systems(
        Update,
        (|view: Option<Res<InsideView>>,
          session: Option<Res<Session>>,
          mut next: ResMut<NextState<Pause>>| {
            if let (Some(view), Some(session)) = (view, session)
                && view.run_id != session.play.run_id
            {
                next.set(Pause::Running);
            }
        })
        .run_if(in_state(Pause::Inside)),
    );
    app.add_systems(
        Update,
        (|session: Res<Session>, mut commands: Commands| {
            if session.phase == Phase::Playing {
                commands.remove_resource::<OpenInsideSoon>();
                commands.trigger(ToggleInside);
            }
        })
        .run_if(resource_exists::<OpenInsideSoon>.and_then(resource_exists::<Session>))
        .run_if(in_state(Pause::Running)),
    );
    app.add_observer(
        |key: On<InsideKey>, view: Option<ResMut<InsideView>>, session: Option<Res<Session>>| {
            if let (Some(mut view), Some(session)) = (view, session)
                && apply_key(&mut view.inside, key.event().0)
            {
                view.refresh(&session);
            }
        },
    );
    app.add_observer(
        |pick: On<InsideSelect>, view: Option<ResMut<InsideView>>, session: Option<Res<Session>>| {
            if let (Some(mut view), Some(session)) = (view, session) {
                let cell = view.inside.cell.min(view.inside.cells(pick.event().0).saturating_sub(1));
                view.inside.select(pick.event().0, cell);
                view.refresh(&session);
            }
        },
    );
    app.add_systems(OnExit(Pause::Inside), |mut commands: Commands| commands.remove_resource::<InsideView>());
    app.add_systems(Update, keys.run_if(in_state(Pause::Inside)).in_set(KeySet));
}

/// The tower in the world, the camera on it, the panel.
pub fn view_plugin(app: &mut App) {
    app.add_systems(
        OnEnter(Pause::Inside),
        (frame_the_tower, |mut seen: ResMut<Seen>, mut commands: Commands| {
            seen.inside = true;
            commands.insert_resource(InsideCost::default());
        }),
    );
    app.add_systems(
        OnExit(Pause::Inside),
        (back_to_the_lesson, |mut seen: ResMut<Seen>, cost: Option<Res<InsideCost>>| {
            seen.inside = false;
            if let Some(cost) = cost {
                info!("{}", cost.summary());
            }
        }),
    );
    app.add_systems(
        Update,
        (build_tower.run_if(resource_exists_and_changed::<InsideView>), label_tower)
            .chain()
            .run_if(in_state(Pause::Inside)),
    );
    app.add_systems(EguiPrimaryContextPass, panel.in_set(UiSet::Panel).run_if(in_state(Pause::Inside)));
}

fn toggle(
    _: On<ToggleInside>,
    mut commands: Commands,
    pause: Option<Res<State<Pause>>>,
    mut next: ResMut<NextState<Pause>>,
    session: Option<Res<Session>>,
    playback: Option<Res<Playback>>,
    mut notices: ResMut<Notices>,
) {
    let (Some(pause), Some(session)) = (pause, session) else { return };
    match pause.get() {
        Pause::Inside => next.set(Pause::Running),
        Pause::Running
            if (session.phase == Phase::Playing && session.play.goal() == crate::lesson::GoalState::Open)
                || playback.is_some() =>
        {
            match Inside::open(&session.play) {
                Ok(inside) => {
                    commands.insert_resource(InsideView::new(inside, &session));
                    next.set(Pause::Inside);
                }
                Err(e) => notices.push(format!("The inside view cannot open: {e}")),
            }
        }
        _ => {}
    }
}

/// ↑ ↓ a row, ← → a cell, , . the position; I closes (Space and Esc too, in `keys`).
fn keys(input: Res<ButtonInput<KeyCode>>, mut commands: Commands) {
    if input.just_pressed(KeyCode::KeyI) {
        commands.trigger(ToggleInside);
        return;
    }
    for code in [
        KeyCode::ArrowUp,
        KeyCode::ArrowDown,
        KeyCode::ArrowRight,
        KeyCode::ArrowLeft,
        KeyCode::Period,
        KeyCode::Comma,
    ] {
        if input.just_pressed(code) {
            commands.trigger(InsideKey(code));
        }
    }
}

/// What a key does to the cut-away; false if nothing.
fn apply_key(inside: &mut Inside, code: KeyCode) -> bool {
    match code {
        KeyCode::ArrowUp => inside.step_row(true),
        KeyCode::ArrowDown => inside.step_row(false),
        KeyCode::ArrowRight => inside.step_cell(true),
        KeyCode::ArrowLeft => inside.step_cell(false),
        KeyCode::Period => inside.step_cursor(true),
        KeyCode::Comma => inside.step_cursor(false),
        _ => return false,
    }
    true
}

/// The tower's root: above the robot's head.
#[derive(Component)]
struct Tower;

/// Row spacing and cell pitch, world units.
const ROW_GAP: f32 = 0.62;
const PITCH: f32 = 0.2;
const CELL: f32 = 0.16;
/// Room for the row names, left of the widest row.
const LABELS_WIDTH: f32 = 3.4;
/// Extra room between the heads' slices of a row.
const SPLIT_GAP: f32 = 0.12;

/// Where the tower stands: over the robot, and what the camera does then.
#[derive(Resource, Clone, Copy)]
struct ShotBefore(Shot);

fn tower_base(students: &Query<&Transform, With<Student>>) -> Vec3 {
    students.single().map_or(Vec3::ZERO, |t| t.translation) + Vec3::Y * (HEAD_HEIGHT + 1.9)
}

fn frame_the_tower(
    mut commands: Commands,
    shot: Res<Shot>,
    view: Option<Res<InsideView>>,
    students: Query<&Transform, With<Student>>,
) {
    commands.insert_resource(ShotBefore(*shot));
    let rows = view.map_or(14, |v| v.rows.len()) as f32;
    let base = tower_base(&students);
    commands.insert_resource(Shot::Frame(OrbitCamera {
        yaw: 0.0,
        pitch: 0.05,
        distance: 6.0 + rows * 0.85,
        focus: base + Vec3::Y * (rows * ROW_GAP / 2.0),
    }));
}

fn back_to_the_lesson(
    mut commands: Commands,
    before: Option<Res<ShotBefore>>,
    screen: Res<State<super::state::Screen>>,
    towers: Query<Entity, With<Tower>>,
) {
    // Back to the lesson's own shot, unless the lesson itself is being left.
    if let Some(before) = before
        && *screen.get() == super::state::Screen::Playing
    {
        commands.insert_resource(before.0);
    }
    commands.remove_resource::<ShotBefore>();
    for tower in &towers {
        commands.entity(tower).despawn();
    }
}

/// A cell's x offset in its row (centred), with gaps between heads' slices.
fn cell_x(row: &RowView, i: usize) -> f32 {
    let gaps = |k: usize| row.split.map_or(0, |s| k / s.max(1)) as f32 * SPLIT_GAP;
    let n = row.values.len();
    let width = (n.saturating_sub(1)) as f32 * PITCH + gaps(n.saturating_sub(1));
    i as f32 * PITCH + gaps(i) - width / 2.0
}

/// A value's colour: blue below zero, orange above, dark at zero; ReLU's
/// firing units lit; attention weights in their head's colour.
fn cell_colour(view: &InsideView, r: usize, i: usize) -> Color {
    let row = &view.rows[r];
    let v = row.values[i];
    let x = (v / row.scale).clamp(-1.0, 1.0);
    let dark = Vec3::new(0.16, 0.17, 0.21);
    let mix = |c: [u8; 3], t: f32| {
        let c = Vec3::new(c[0] as f32, c[1] as f32, c[2] as f32) / 255.0;
        let m = dark.lerp(c, t);
        Color::srgb(m.x, m.y, m.z)
    };
    match view.inside.rows()[r] {
        crate::lesson::inside::Row::Attention(layer) => {
            let per = view.inside.cursor + 1;
            let n_head = view.inside.look.act.config().n_head;
            mix(head_rgb(layer * n_head + (i * row.group) / per), v.clamp(0.0, 1.0).sqrt())
        }
        crate::lesson::inside::Row::Stage(crate::brain::gpt::Stage::Fired, _) => {
            if v > 0.0 {
                mix([255, 236, 120], 0.35 + 0.65 * x)
            } else {
                mix([0, 0, 0], 0.0)
            }
        }
        _ if x >= 0.0 => mix([255, 150, 40], x.sqrt()),
        _ => mix([70, 140, 255], (-x).sqrt()),
    }
}

#[allow(clippy::too_many_arguments)]
fn build_tower(
    mut commands: Commands,
    mut cost: Option<ResMut<InsideCost>>,
    view: Res<InsideView>,
    towers: Query<Entity, With<Tower>>,
    students: Query<&Transform, With<Student>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let started = bevy::platform::time::Instant::now();
    for tower in &towers {
        commands.entity(tower).despawn();
    }
    let base = tower_base(&students);
    let cube = meshes.add(Cuboid::new(CELL, CELL, CELL));
    let backing = meshes.add(Cuboid::new(1.0, 1.0, 0.04));
    let back = materials.add(StandardMaterial {
        base_color: Color::srgba(0.05, 0.06, 0.09, 0.94),
        unlit: true,
        alpha_mode: AlphaMode::Blend,
        fog_enabled: false,
        ..default()
    });
    commands
        .spawn((
            Name::new("Inside the brain"),
            Tower,
            Transform::from_translation(base),
            Visibility::default(),
        ))
        .with_children(|tower| {
            let widest = view
                .rows
                .iter()
                .map(|r| cell_x(r, r.values.len().saturating_sub(1)) * 2.0)
                .fold(0.0, f32::max);
            // A dark backing from the row names on the left to the right edge, the text below.
            let (left, right) = (-widest / 2.0 - LABELS_WIDTH, widest / 2.0 + 0.5);
            let (bottom, top) = (-1.3, view.rows.len() as f32 * ROW_GAP);
            tower.spawn((
                Mesh3d(backing),
                MeshMaterial3d(back),
                Transform::from_xyz((left + right) / 2.0, (bottom + top) / 2.0 - 0.2, -0.25)
                    .with_scale(Vec3::new(right - left, top - bottom, 1.0)),
            ));
            for (r, row) in view.rows.iter().enumerate() {
                for i in 0..row.values.len() {
                    let selected = r == view.selected.row && i == view.selected.cell;
                    let material = materials.add(StandardMaterial {
                        base_color: cell_colour(&view, r, i),
                        emissive: if selected { LinearRgba::rgb(0.6, 0.45, 0.1) } else { LinearRgba::BLACK },
                        perceptual_roughness: 0.8,
                        fog_enabled: false,
                        ..default()
                    });
                    let scale = if selected { 1.7 } else { 1.0 };
                    tower.spawn((
                        Mesh3d(cube.clone()),
                        MeshMaterial3d(material),
                        Transform::from_xyz(cell_x(row, i), r as f32 * ROW_GAP, 0.0)
                            .with_scale(Vec3::splat(scale)),
                    ));
                }
            }
        });
    if let Some(cost) = cost.as_deref_mut() {
        cost.builds += 1;
        cost.building += started.elapsed();
    }
}

/// Each row's name at its left, the selected cell's value over it, the text along the bottom.
fn label_tower(
    view: Option<Res<InsideView>>,
    towers: Query<&Transform, With<Tower>>,
    mut labels: ResMut<WorldLabels>,
    cost: Option<ResMut<InsideCost>>,
) {
    // The root's own transform (it has no parent): right on the frame it is rebuilt, too.
    let (Some(view), Ok(tower)) = (view, towers.single()) else { return };
    let tower = GlobalTransform::from(*tower);
    let started = bevy::platform::time::Instant::now();
    label_rows(&view, &tower, &mut labels);
    if let Some(mut cost) = cost {
        cost.frames += 1;
        cost.labels += started.elapsed();
    }
}

fn label_rows(view: &InsideView, tower: &GlobalTransform, labels: &mut WorldLabels) {
    let widest = view.rows.iter().map(|r| -cell_x(r, 0)).fold(0.0, f32::max);
    for (r, row) in view.rows.iter().enumerate() {
        let at = tower.transform_point(Vec3::new(-widest - 0.3, r as f32 * ROW_GAP, 0.0));
        let name = if row.group > 1 {
            format!("{} (×{} grouped)", row.label, row.group)
        } else {
            row.label.clone()
        };
        let colour = if r == view.selected.row { GOLD } else { egui::Color32::from_rgb(210, 216, 226) };
        labels.add(
            Label::new(at, name, 0.26, colour).anchor(egui::Align2::RIGHT_CENTER).min_points(12.0).inside(),
        );
    }
    let s = &view.selected;
    let row = &view.rows[s.row];
    let at = tower.transform_point(Vec3::new(cell_x(row, s.cell), s.row as f32 * ROW_GAP + 0.25, 0.1));
    labels.add(
        Label::new(at, format!("{:+.3}", s.value), 0.26, GOLD)
            .plate(egui::Color32::from_rgba_unmultiplied(16, 18, 26, 230))
            .anchor(egui::Align2::CENTER_BOTTOM)
            .min_points(13.0)
            .inside(),
    );
    // The top votes: their letters under the votes row.
    if let Some((r, votes)) = view.rows.iter().enumerate().next_back().filter(|(_, r)| r.group == 1) {
        let mut order: Vec<usize> = (0..votes.values.len()).collect();
        order.sort_by(|&a, &b| votes.values[b].total_cmp(&votes.values[a]));
        for &i in order.iter().take(3) {
            let at = tower.transform_point(Vec3::new(cell_x(votes, i), r as f32 * ROW_GAP - 0.24, 0.1));
            let letter = view.inside.letter_of_vote(i);
            labels.add(
                Label::new(at, letter, 0.22, GOLD).anchor(egui::Align2::CENTER_TOP).min_points(11.0).inside(),
            );
        }
    }
    // The text read, the position shown underlined by brightness.
    let n = view.letters.len();
    for (i, letter) in view.letters.iter().enumerate() {
        let at = tower.transform_point(Vec3::new((i as f32 - (n as f32 - 1.0) / 2.0) * 0.6, -0.8, 0.0));
        let colour = if i == view.inside.cursor { GOLD } else { egui::Color32::from_rgb(210, 216, 226) };
        let size = if i == view.inside.cursor { 0.55 } else { 0.4 };
        labels.add(Label::new(at, letter.clone(), size, colour).min_points(14.0).inside());
    }
}

fn panel(
    mut contexts: EguiContexts,
    mut commands: Commands,
    screenful: Res<Screenful>,
    view: Option<Res<InsideView>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let (Some(view), Some(rect)) = (view, screenful.0.panel) else { return Ok(()) };
    let rect = hud::points(rect, screenful.0.zoom);
    let mut ui = hud::fixed_ui(ctx, "inside panel", rect, PANEL_FILL, 10.0);
    let width = ui.available_width();
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(&mut ui, |ui| {
        ui.set_width(width - 8.0);
        let reading = view.letters.get(view.inside.cursor).cloned().unwrap_or_default();
        heading(
            ui,
            "Inside the student",
            "Every cell is a number its tiny GPT computed reading this letter. Training waits while you look.",
        );
        ui.label(format!("reading '{reading}' of \"{}\" ({})", view.inside.text, view.inside.source));
        ui.horizontal(|ui| {
            if key_button_text(ui, "◀ letter", ",") {
                commands.trigger(InsideKey(KeyCode::Comma));
            }
            if key_button_text(ui, "letter ▶", ".") {
                commands.trigger(InsideKey(KeyCode::Period));
            }
        });
        heading(ui, "The selected cell", "Blue below zero, orange above; lit ReLU units fire.");
        let row = &view.rows[view.selected.row];
        ui.label(egui::RichText::new(&row.label).strong().color(GOLD));
        ui.label(egui::RichText::new(&view.selected.says).monospace());
        ui.label(egui::RichText::new(view.selected.formula).small());
        ui.horizontal_wrapped(|ui| {
            for (label, key, code) in [
                ("▲ row", "↑", KeyCode::ArrowUp),
                ("▼ row", "↓", KeyCode::ArrowDown),
                ("◀ cell", "←", KeyCode::ArrowLeft),
                ("cell ▶", "→", KeyCode::ArrowRight),
            ] {
                if key_button_text(ui, label, key) {
                    commands.trigger(InsideKey(code));
                }
            }
        });
        heading(ui, "The stages, bottom to top", "Click one to select it.");
        for (r, row) in view.rows.iter().enumerate().rev() {
            let picked = r == view.selected.row;
            let text = egui::RichText::new(&row.label).color(if picked { GOLD } else { egui::Color32::WHITE });
            if ui.selectable_label(picked, text).on_hover_text(row.formula.text).clicked() {
                commands.trigger(InsideSelect(r));
            }
        }
        ui.add_space(6.0);
        if key_button(ui, "close the inside view", bind::INSIDE) {
            commands.trigger(ToggleInside);
        }
    });
    Ok(())
}

/// A panel button standing in for a key of the inside view.
#[derive(Event, Clone, Copy, Debug)]
pub struct InsideKey(pub KeyCode);

/// A row picked in the panel.
#[derive(Event, Clone, Copy, Debug)]
pub struct InsideSelect(pub usize);
