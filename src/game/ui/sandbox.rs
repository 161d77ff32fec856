//! The sandbox's own controls: your training text and the model's size.

use bevy_egui::egui;

use super::lessons::heading;
use super::{BAD, MUTED, key_button};
use crate::brain::{Corpus, GptConfig, ModelKind};
use crate::game::actions::{Action, Retrain};
use crate::game::session::Session;

/// The text and model being edited, before they are trained on.
#[derive(Clone, Debug)]
pub(super) struct Draft {
    pub text: String,
    pub model: ModelKind,
    pub gpt: GptConfig,
    pub path: String,
    pub load_error: Option<String>,
    /// The run the draft last saw.
    pub run_id: Option<u64>,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            text: String::new(),
            model: ModelKind::Gpt,
            gpt: GptConfig::default(),
            path: String::new(),
            load_error: None,
            run_id: None,
        }
    }
}

/// The sandbox panel: edit the draft, then train on it.
pub(super) fn panel(ui: &mut egui::Ui, session: &Session, draft: &mut Draft, actions: &mut Vec<Action>) {
    // A new run that the draft did not start (the level opened again, or
    // restarted) brings its own text and model into the draft.
    let from_draft = draft.text.trim_end() == session.level.corpus.docs.join("\n");
    if draft.run_id != Some(session.run_id) && !from_draft {
        draft.text = session.level.corpus.docs.join("\n");
        draft.model = session.run.brain.kind();
        draft.gpt = session.run.config.gpt;
    }
    draft.run_id = Some(session.run_id);
    heading(ui, "Your student", "The training text (one document per line) and the brain it trains.");
    egui::ScrollArea::vertical().id_salt("sandbox_text").max_height(150.0).show(ui, |ui| {
        ui.add(
            egui::TextEdit::multiline(&mut draft.text)
                .id(super::TEXT_FIELD.into())
                .desired_rows(6)
                .desired_width(f32::INFINITY)
                .code_editor(),
        );
    });
    let docs = Corpus::from_text(&draft.text, "your text").map_or(0, |c| c.docs.len());
    ui.label(egui::RichText::new(format!("{docs} documents")).small().color(MUTED));
    #[cfg(target_arch = "wasm32")]
    {
        ui.horizontal(|ui| {
            if ui.button("Load a text file…").clicked() {
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
                .id(super::PATH_FIELD.into())
                .hint_text("a text file…")
                .desired_width(170.0),
        );
        if ui.button("Load").clicked() {
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
        ui.selectable_value(&mut draft.model, ModelKind::Bigram, "bigram");
        ui.selectable_value(&mut draft.model, ModelKind::Gpt, "tiny GPT");
    });
    if draft.model == ModelKind::Gpt {
        egui::Grid::new("model_size").num_columns(2).show(ui, |ui| {
            let sizes: [(&str, &mut usize, std::ops::RangeInclusive<usize>, &str); 4] = [
                ("layers", &mut draft.gpt.n_layer, 1..=4, "n_layer: attention + MLP blocks stacked"),
                (
                    "heads",
                    &mut draft.gpt.n_head,
                    1..=8,
                    "n_head: attention heads per layer; must divide the width",
                ),
                ("width", &mut draft.gpt.n_embd, 4..=64, "n_embd: numbers per letter inside the model"),
                (
                    "context",
                    &mut draft.gpt.block_size,
                    4..=64,
                    "block_size: how many letters back it can see",
                ),
            ];
            for (name, value, range, tip) in sizes {
                ui.label(name).on_hover_text(tip);
                ui.add(egui::Slider::new(value, range));
                ui.end_row();
            }
        });
    }
    if key_button(ui, "Train on this", "") {
        actions.push(Action::Retrain(Box::new(Retrain {
            text: draft.text.clone(),
            model: draft.model,
            gpt: draft.gpt,
        })));
    }
    if let Some(notice) = &session.notice {
        ui.label(egui::RichText::new(notice).color(BAD));
    }
}
