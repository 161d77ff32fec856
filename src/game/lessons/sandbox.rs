//! The sandbox: every control, the player's own training text and the
//! model's size; the robot climbs its own landscape and performs on it.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::climbing::{CLIMBING_CONTROLS, climber, ground};
use super::performing::{focus_prefix, perform, perform_on_stage, performance, written};
use crate::brain::{Data, GptConfig, ModelKind};
use crate::game::camera::Shot;
use crate::game::charts::loss_chart;
use crate::game::consts::{BAD, GOLD, MUTED};
use crate::game::hud::{self, TEXT_FIELD, UiSet, heading, key_button};
use crate::game::intent::{Command, Do, Retrain};
use crate::game::keys::{LessonKeys, climber_keys, performer_keys};
use crate::game::labels::{Label, WorldLabels};
use crate::game::session::Session;
use crate::game::state::InLesson;
use crate::game::student::{HEAD_HEIGHT, Post, Student};
use crate::game::terrain::Terrain;
use crate::game::view::{Screenful, Seen};
use crate::lesson::keys as bind;
use crate::lesson::view;
use crate::level::{Control, Lesson};

const HERE: InLesson = InLesson(Lesson::Sandbox);

/// The text and model being edited, before a new student is trained on them.
#[derive(Resource, Clone, Debug)]
pub struct Draft {
    pub text: String,
    pub model: ModelKind,
    pub gpt: GptConfig,
    /// Read as lines or as a stream.
    pub data: Data,
    pub path: String,
    pub load_error: Option<String>,
    /// The run the draft last saw.
    pub run_id: Option<u64>,
    /// The text's documents counted, for a text of this many bytes (a book
    /// is counted once, not every frame).
    counted: Option<(usize, usize)>,
}

/// Texts longer than this (in bytes) show a preview instead of an editor.
pub const EDIT_LIMIT: usize = 100_000;
/// Lines the preview shows.
const PREVIEW_LINES: usize = 12;

impl Draft {
    /// Documents in the text: its non-blank lines.
    pub fn documents(&mut self) -> usize {
        let len = self.text.len();
        match self.counted {
            Some((at, docs)) if at == len && len > EDIT_LIMIT => docs,
            _ => {
                let docs = self.text.lines().filter(|l| !l.trim().is_empty()).count();
                self.counted = Some((len, docs));
                docs
            }
        }
    }
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            text: String::new(),
            model: ModelKind::Gpt,
            gpt: GptConfig::default(),
            data: Data::Lines,
            path: String::new(),
            load_error: None,
            run_id: None,
            counted: None,
        }
    }
}

/// A model size the sandbox offers: its name, the field, its range, what it is.
type Size = (&'static str, fn(&mut GptConfig) -> &mut usize, usize, usize, &'static str);

/// The model sizes the sandbox offers.
const SIZES: [Size; 4] = [
    ("layers", |g| &mut g.n_layer, 1, 4, "n_layer: attention + MLP blocks stacked"),
    ("heads", |g| &mut g.n_head, 1, 8, "n_head: attention heads per layer; must divide the width"),
    ("width", |g| &mut g.n_embd, 4, 64, "n_embd: numbers per letter inside the model"),
    ("context", |g| &mut g.block_size, 4, 64, "block_size: how many letters back it can see"),
];

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Draft>();
    app.add_systems(OnEnter(HERE), set_the_scene);
    app.add_systems(
        Update,
        (follow_the_run, keys).chain().run_if(in_state(HERE)).in_set(crate::game::keys::KeySet),
    );
}

pub(super) fn view_plugin(app: &mut App) {
    app.add_systems(Update, (perform_on_stage, focus_prefix, focus_text, speak).run_if(in_state(HERE)));
    app.add_systems(EguiPrimaryContextPass, panel.in_set(UiSet::Panel).run_if(in_state(HERE)));
}

fn set_the_scene(mut commands: Commands) {
    commands.insert_resource(Post::OnTheGround);
    commands.insert_resource(Shot::Follow);
}

/// A new run that the draft did not start (the level opened again, or
/// restarted) brings its own text and model into the draft.
fn follow_the_run(session: Option<Res<Session>>, mut draft: ResMut<Draft>) {
    let Some(session) = session else { return };
    let play = &session.play;
    if draft.run_id == Some(play.run_id) {
        return;
    }
    let from_draft = draft.text.trim_end() == play.level.corpus.docs().collect::<Vec<_>>().join("\n");
    if !from_draft {
        draft.text = play.level.corpus.docs().collect::<Vec<_>>().join("\n");
        draft.model = play.run.brain.kind();
        draft.gpt = play.run.config.gpt;
        draft.data = play.run.config.data;
    }
    draft.run_id = Some(play.run_id);
}

fn keys(lesson: LessonKeys, mut draft: ResMut<Draft>, mut commands: Commands) {
    let Some((keys, session)) = lesson.live() else { return };
    climber_keys(&keys, &session.play, &mut commands);
    performer_keys(&keys, &session.play, &mut commands);
    if keys.pressed(KeyCode::KeyG) {
        draft.model = match draft.model {
            ModelKind::Bigram => ModelKind::Gpt,
            ModelKind::Gpt => ModelKind::Bigram,
        };
    }
    for ((_, size, lo, hi, _), key) in
        SIZES.iter().zip([KeyCode::KeyZ, KeyCode::KeyX, KeyCode::KeyC, KeyCode::KeyU])
    {
        if let Some(up) = keys.up_or_down(key) {
            let value = size(&mut draft.gpt);
            *value = if up { (*value + 1).min(*hi) } else { value.saturating_sub(1).max(*lo) };
        }
    }
    if keys.pressed(KeyCode::F8) {
        commands.trigger(Do(Command::Retrain(Retrain {
            text: draft.text.clone(),
            model: draft.model,
            gpt: draft.gpt,
            data: draft.data,
        })));
    }
}

/// N puts the keyboard in the training text (Esc gives it back).
fn focus_text(lesson: LessonKeys, mut wanted: ResMut<hud::WantFocus>) {
    if lesson.live().is_some_and(|(keys, _)| keys.pressed(KeyCode::KeyN)) {
        wanted.0 = Some(TEXT_FIELD);
    }
}

/// What it writes, over its head.
fn speak(
    session: Option<Res<Session>>,
    students: Query<&Transform, With<Student>>,
    mut labels: ResMut<WorldLabels>,
) {
    let (Some(session), Ok(robot)) = (session, students.single()) else { return };
    let Some(stage) = view::stage(&session.play) else { return };
    labels.add(
        Label::new(robot.translation + Vec3::Y * (HEAD_HEIGHT + 0.8), stage.reading.concat(), 0.4, GOLD)
            .plate(egui::Color32::from_rgba_unmultiplied(16, 18, 26, 225))
            .anchor(egui::Align2::CENTER_BOTTOM)
            .monospace()
            .min_points(14.0),
    );
}

#[allow(clippy::too_many_arguments)]
fn panel(
    mut contexts: EguiContexts,
    mut commands: Commands,
    screenful: Res<Screenful>,
    seen: Res<Seen>,
    session: Option<Res<Session>>,
    terrain: Option<Res<Terrain>>,
    mut draft: ResMut<Draft>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(session) = session else { return Ok(()) };
    hud::lesson_panel(ctx, &screenful, &seen, &session, &mut commands, |ui, commands| {
        your_student(ui, &session, &mut draft, commands);
        ui.add_space(4.0);
        egui::CollapsingHeader::new(egui::RichText::new("Training").strong().color(GOLD))
            .default_open(true)
            .show(ui, |ui| {
                hud::controls(ui, &session, &CLIMBING_CONTROLS, commands);
            });
        climber(ui, &session);
        ground(ui, &session, terrain.as_deref());
        ui.add_space(4.0);
        perform(ui, &session, commands);
        hud::controls(ui, &session, &[Control::Temperature, Control::TopK, Control::Prefix], commands);
        performance(ui, &session);
        written(ui, &session);
    });
    hud::overlay(ctx, &screenful, &seen, "sandbox chart", |ui| loss_chart(ui, &session.play));
    Ok(())
}

/// The training text and the model's size, then a new student trained on them.
fn your_student(ui: &mut egui::Ui, session: &Session, draft: &mut Draft, commands: &mut Commands) {
    heading(ui, "Your student", "The training text (one document per line) and the brain it trains.");
    if draft.text.len() > EDIT_LIMIT {
        // A book-sized text: a preview of its start, trained on whole.
        let preview: Vec<&str> = draft.text.lines().take(PREVIEW_LINES).collect();
        egui::ScrollArea::vertical().id_salt("sandbox_text").max_height(130.0).show(ui, |ui| {
            ui.label(egui::RichText::new(preview.join("\n")).monospace().size(11.0));
        });
        let docs = draft.documents();
        ui.label(
            egui::RichText::new(format!(
                "{docs} documents, {:.1} MB: the first {PREVIEW_LINES} lines above. A text this long trains whole; it is not edited here.",
                draft.text.len() as f64 / 1e6
            ))
            .small()
            .color(MUTED),
        );
        if ui.button("Start a new text").on_hover_text("Empties the text, to type one of your own").clicked()
        {
            draft.text.clear();
            draft.path.clear();
        }
    } else {
        egui::ScrollArea::vertical().id_salt("sandbox_text").max_height(130.0).show(ui, |ui| {
            ui.add(
                egui::TextEdit::multiline(&mut draft.text)
                    .id(TEXT_FIELD.into())
                    .desired_rows(5)
                    .desired_width(f32::INFINITY)
                    .code_editor(),
            );
        });
        let docs = draft.documents();
        ui.label(
            egui::RichText::new(format!(
                "{docs} documents  ·  {}: edit  ·  or drop a .txt on the window",
                bind::EDIT_TEXT.keys
            ))
            .small()
            .color(MUTED),
        );
    }
    #[cfg(target_arch = "wasm32")]
    {
        ui.horizontal(|ui| {
            let limit = crate::lesson::play::text_limit_note(crate::lesson::play::TEXT_LIMIT);
            if ui.button("Load a text file…").on_hover_text(format!("A .txt file: {limit}")).clicked() {
                crate::web::pick(crate::web::Pick::Text);
            }
            if !draft.path.is_empty() {
                ui.label(egui::RichText::new(format!("from {}", draft.path)).small().color(MUTED));
            }
        });
        if let Some((name, text)) = crate::web::take_opened(crate::web::Pick::Text).pop() {
            draft.path = name;
            draft.text = text;
            draft.load_error = None;
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut draft.path)
                .id(hud::PATH_FIELD.into())
                .hint_text("a text file…")
                .desired_width(160.0),
        );
        let limit = crate::lesson::play::text_limit_note(crate::lesson::play::TEXT_LIMIT);
        if ui
            .button("Load")
            .on_hover_text(format!("Reads the text file named at the left: {limit}"))
            .clicked()
        {
            match std::fs::read_to_string(draft.path.trim()) {
                Ok(text) => {
                    draft.text = text;
                    draft.load_error = None;
                }
                Err(e) => draft.load_error = Some(format!("cannot read {}: {e}", draft.path.trim())),
            }
        }
    });
    if let Some(e) = &draft.load_error {
        ui.label(egui::RichText::new(e).color(BAD));
    }
    ui.horizontal(|ui| {
        ui.label("read it as");
        ui.selectable_value(&mut draft.data, Data::Lines, "lines")
            .on_hover_text("Each step one line: a name, a sentence, a document of its own");
        ui.selectable_value(&mut draft.data, Data::Stream, "a stream").on_hover_text(
            "Each step a window of context + 1 letters from anywhere in the whole text, across line ends (¶): how a book is read",
        );
    });
    ui.horizontal(|ui| {
        ui.selectable_value(&mut draft.model, ModelKind::Bigram, "bigram");
        ui.selectable_value(&mut draft.model, ModelKind::Gpt, "tiny GPT");
        ui.label(egui::RichText::new(bind::MODEL.keys).small().color(MUTED));
    });
    if draft.model == ModelKind::Gpt {
        let keys = [bind::LAYERS, bind::HEADS, bind::WIDTH, bind::CONTEXT];
        egui::Grid::new("model_size").num_columns(2).show(ui, |ui| {
            for ((name, size, lo, hi, tip), key) in SIZES.iter().zip(keys) {
                ui.label(*name).on_hover_text(format!("{tip}\nkey: {}", key.keys));
                ui.add(egui::Slider::new(size(&mut draft.gpt), *lo..=*hi));
                ui.end_row();
            }
        });
    }
    if key_button(ui, "Train on this", bind::TRAIN) {
        commands.trigger(Do(Command::Retrain(Retrain {
            text: draft.text.clone(),
            model: draft.model,
            gpt: draft.gpt,
            data: draft.data,
        })));
    }
    if let Some(notice) = session.play.notice_text() {
        ui.label(egui::RichText::new(notice).color(BAD));
    }
    if let Some(managed) = session.pace.lagging() {
        ui.label(egui::RichText::new(lag_warning(managed, session.play.speed)).color(BAD));
    }
}

/// What the sandbox says when training has stayed behind its speed.
pub fn lag_warning(managed: f32, speed: u32) -> String {
    format!(
        "Training is behind: this student takes about {managed:.0} steps a second on this computer, \
         not the {speed} asked for, so the steps owed pile up. Lower the speed, or pick a smaller size and train again."
    )
}
