//! The web page around the browser build: the address's link decides where
//! the game starts, replay files the player picks are opened, and the page
//! hears which screen is on show (the first one lifts its loading cover) and
//! what the brain cost each frame.

use bevy::prelude::*;

use super::Start;
use super::intent::OpenReplayText;
use super::levels::Notices;
use super::state::Screen;
use crate::web;

/// How the page's brain treats subnormal numbers, timed at start: WebAssembly
/// cannot ask the processor who made it, as the native build does.
static SUBNORMALS: std::sync::OnceLock<crate::brain::SubnormalTiming> = std::sync::OnceLock::new();

/// Plays the game in the page, starting where the address's link says.
pub fn run() -> AppExit {
    settle_subnormals();
    let (start, notice) = match Start::from_link(&web::hash()) {
        Ok(start) => (start, None),
        Err(why) => (Start::LevelMap, Some(why)),
    };
    super::run_with(start, false, |app| {
        app.add_plugins(plugin);
        if let Some(notice) = notice {
            app.insert_resource(Notices(vec![notice]));
        }
    })
}

fn plugin(app: &mut App) {
    app.add_systems(Update, (tell_page, open_picked));
    app.add_systems(Last, tell_cost);
}

/// The brain's work and time each frame, for the page's own measurements.
fn tell_cost(cost: Res<super::FrameCost>, time: Res<Time>) {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    web::frame_cost(
        &serde_json::json!({
            "seconds": time.delta_secs_f64(),
            "training_ms": ms(cost.training),
            "landscape_ms": ms(cost.landscape),
            "steps": cost.steps,
            "ghost_steps": cost.ghost_steps,
            "cells": cost.cells,
            "heights": cost.heights,
            "slices": cost.slices,
        })
        .to_string(),
    );
}

/// Tells the page each screen as it comes on show.
fn tell_page(screen: Res<State<Screen>>, mut told: Local<Option<Screen>>) {
    if *told != Some(*screen.get()) {
        *told = Some(*screen.get());
        web::shown(&format!("{:?}", screen.get()));
    }
}

/// Opens the replay files the player picked in the page's file dialog.
fn open_picked(mut commands: Commands) {
    for (name, text) in web::take_opened(web::Pick::Replay) {
        commands.trigger(OpenReplayText { name, text });
    }
}

/// Times the processor with subnormal numbers (a few tens of milliseconds,
/// once) and settles the way the brain's climbers take. Both ways give the
/// same bits, so the clock decides only the speed.
fn settle_subnormals() -> &'static crate::brain::SubnormalTiming {
    SUBNORMALS.get_or_init(|| {
        let started = bevy::platform::time::Instant::now();
        let timing = crate::brain::SubnormalTiming::measure(|| started.elapsed().as_secs_f64());
        crate::brain::Subnormals::settle(timing.choice);
        timing
    })
}

/// How the page's climbers treat subnormal numbers, and the timing that
/// decided it: the browser test prints it beside the page's training speed.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn subnormals() -> String {
    format!("subnormals {}", settle_subnormals().describe())
}

/// The checksums of the brain's reference runs, one per line: the browser
/// test compares them with the native build's.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn reference_checksums() -> String {
    crate::brain::reference::reference_runs()
        .into_iter()
        .map(|(label, config)| match crate::brain::reference::reference_checksum(config) {
            Ok(sum) => format!("{label}: {sum}"),
            Err(e) => format!("{label}: error {e}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks a replay file in the browser, as `raw-weights replay FILE --verify`
/// does natively, and prints the same line (or `error: <why>`).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn verify_replay(name: &str, text: &str) -> String {
    use crate::lesson::replay::verify;
    use crate::level::replay::ReplayFile;
    match ReplayFile::parse(name, text).and_then(|(file, level)| verify(file, &level, name)) {
        Ok(verified) => verified.summary(name),
        Err(e) => format!("error: {e}"),
    }
}

/// Trains the default model on the names corpus, `steps` steps of a run
/// planned for `planned`, and returns its checksum (or `error: <why>`): the
/// browser test times two of these to measure the brain's steps per second
/// in the page, beside native `raw-weights bench` (the same run).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn bench_training(planned: u32, steps: u32) -> String {
    use crate::brain::{Corpus, Run, RunConfig};
    let trained = Corpus::from_text(crate::corpora::NAMES, "names")
        .and_then(|corpus| Run::new(RunConfig { steps: planned as usize, ..RunConfig::default() }, &corpus))
        .and_then(|mut run| run.train(steps as usize).map(|()| run.checksum_hex()));
    trained.unwrap_or_else(|e| format!("error: {e}"))
}
