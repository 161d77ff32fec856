//! The command line: happy paths and every bad input, each a one-line error.

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn raw_weights(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raw-weights"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

pub fn temp_file(name: &str, contents: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

/// Asserts a clean failure: non-zero exit, one `error:` line naming `needle`, no panic.
#[track_caller]
pub fn assert_clear_error(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "should fail: {stderr}");
    assert!(!stderr.contains("panicked"), "panicked: {stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors.len(), 1, "one error line expected: {stderr}");
    assert!(errors[0].contains(needle), "{:?} should mention {needle:?}", errors[0]);
}

const NAMES: &str = "assets/corpora/names.txt";

#[test]
fn train_prints_the_falling_loss_the_final_loss_and_the_checksum() {
    let (_dir, export) = temp_file("run.json", "");
    let out =
        raw_weights(&["train", "--corpus", NAMES, "--steps", "60", "--export", export.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("step     60/60  loss"), "{stderr}");
    assert!(stdout.contains("final loss"), "{stdout}");
    let checksum = stdout.lines().find_map(|l| l.strip_prefix("checksum ")).expect("a checksum line");
    assert_eq!(checksum.len(), 16);
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    for key in ["config", "vocab", "docs", "init", "losses", "final"] {
        assert!(json.get(key).is_some(), "export lacks {key}");
    }
    assert_eq!(json["losses"].as_array().unwrap().len(), 60);
    assert_eq!(json["vocab"], "abcdefghijklmnopqrstuvwxyz");
    assert_eq!(json["checksum"], checksum);
    assert_eq!(
        json["init"]["layer0.mlp_fc1"].as_array().unwrap().len(),
        64,
        "rows first: [4·n_embd, n_embd]"
    );
}

#[test]
#[cfg(unix)]
fn output_into_a_pipe_nobody_reads_ends_the_command_quietly() {
    // As `raw-weights train ... | head -1` once did: a panic at the first
    // line the closed pipe refused.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_raw-weights"))
        .args(["train", "--corpus", NAMES, "--steps", "5"])
        .stdout(writer)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{:?}: {stderr}", out.status);
}

#[test]
fn sample_writes_the_requested_count_from_a_prefix_or_an_export() {
    let out = raw_weights(&["sample", "--corpus", NAMES, "--steps", "50", "--count", "4", "--prefix", "jo"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 4);
    assert!(stdout.lines().all(|l| l.starts_with("jo")), "{stdout}");

    let (_dir, export) = temp_file("run.json", "");
    let e = export.to_str().unwrap();
    assert!(raw_weights(&["train", "--corpus", NAMES, "--steps", "20", "--export", e]).status.success());
    let loaded = raw_weights(&["sample", "--load", e, "--count", "3", "--temperature", "0"]);
    assert!(loaded.status.success(), "{}", String::from_utf8_lossy(&loaded.stderr));
    assert_eq!(String::from_utf8_lossy(&loaded.stdout).lines().count(), 3);
}

#[test]
fn a_missing_corpus_is_a_clear_error() {
    assert_clear_error(&raw_weights(&["train", "--corpus", "no/such/file.txt"]), "no/such/file.txt");
}

#[test]
fn an_empty_corpus_is_a_clear_error() {
    let (_dir, path) = temp_file("empty.txt", "\n   \n\n");
    assert_clear_error(&raw_weights(&["train", "--corpus", path.to_str().unwrap()]), "empty");
}

#[test]
fn a_prefix_outside_the_vocabulary_is_a_clear_error() {
    let out = raw_weights(&["sample", "--corpus", NAMES, "--steps", "5", "--prefix", "Zoë"]);
    assert_clear_error(&out, "'Z' is not in the vocabulary");
}

#[test]
fn heads_that_do_not_divide_the_width_are_a_clear_error() {
    let out = raw_weights(&["train", "--corpus", NAMES, "--n-embd", "10", "--n-head", "4"]);
    assert_clear_error(&out, "multiple of n_head");
}

#[test]
fn negative_or_nan_learning_rates_and_zero_steps_are_clear_errors() {
    assert_clear_error(&raw_weights(&["train", "--corpus", NAMES, "--lr", "-0.01"]), "learning rate");
    assert_clear_error(&raw_weights(&["train", "--corpus", NAMES, "--lr", "NaN"]), "learning rate");
    assert_clear_error(&raw_weights(&["train", "--corpus", NAMES, "--steps", "0"]), "steps");
}

#[test]
fn a_diverging_run_says_at_which_step() {
    let out =
        raw_weights(&["train", "--corpus", NAMES, "--optimizer", "sgd", "--lr", "1e30", "--steps", "50"]);
    assert_clear_error(&out, "diverged at step");
}

#[test]
fn a_broken_export_is_a_clear_error() {
    let (_dir, path) = temp_file("run.json", "{\"model\": \"gpt\"");
    assert_clear_error(&raw_weights(&["sample", "--load", path.to_str().unwrap()]), "run.json");
}

#[test]
fn an_unknown_start_screen_is_a_clear_error() {
    assert_clear_error(&raw_weights(&["play", "--start", "somewhere"]), "unknown start");
}

#[test]
fn runs_too_long_or_models_too_big_are_clear_errors() {
    assert_clear_error(&raw_weights(&["train", "--corpus", NAMES, "--steps", "100000000000"]), "steps");
    let huge = [
        "train",
        "--corpus",
        NAMES,
        "--n-layer",
        "16",
        "--n-head",
        "512",
        "--n-embd",
        "512",
        "--block-size",
        "512",
    ];
    assert_clear_error(&raw_weights(&huge), "model size");
}

#[test]
fn an_export_with_weights_that_are_not_numbers_is_a_clear_error() {
    let (_dir, export) = temp_file("run.json", "");
    let e = export.to_str().unwrap();
    assert!(raw_weights(&["train", "--corpus", NAMES, "--steps", "5", "--export", e]).status.success());
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    json["final"]["wte"][0][0] = serde_json::json!(1e39);
    std::fs::write(&export, json.to_string()).unwrap();
    assert_clear_error(&raw_weights(&["sample", "--load", e, "--top-k", "3"]), "not a finite number");
}

#[test]
fn without_a_display_the_game_says_what_it_needs_in_one_line() {
    for display in [None, Some(":97")] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_raw-weights"));
        command.arg("play").current_dir(env!("CARGO_MANIFEST_DIR")).env_remove("WAYLAND_DISPLAY");
        match display {
            Some(d) => command.env("DISPLAY", d),
            None => command.env_remove("DISPLAY"),
        };
        let out = command.output().expect("the binary runs");
        assert_clear_error(&out, "needs an X11 display and a Vulkan or OpenGL driver");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{display:?}: one line: {stderr}");
        assert!(stderr.contains("replay --verify"), "it says what works instead: {stderr}");
        assert_eq!(out.status.code(), Some(2));
    }
}
