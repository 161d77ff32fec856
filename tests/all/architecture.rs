//! The shape of the code (docs/architecture.md): imports run one way,
//! brain ← landscape ← level ← lesson ← game, and only the game knows Bevy.

use std::path::{Path, PathBuf};

/// Each top-level module and its layer: a module may use its own layer and those below.
/// `web` is the browser page's bridge (storage, files): a leaf the levels' progress and the game use.
const LAYERS: [(&str, u8); 7] =
    [("brain", 0), ("corpora", 0), ("web", 0), ("landscape", 1), ("level", 2), ("lesson", 3), ("game", 4)];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a source file belongs to.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy().to_string();
    Some(first.trim_end_matches(".rs").to_string())
}

/// Every `crate::<module>` a file names, outside comments.
fn crate_paths(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                found.push(name);
            } else if let Some(braced) = after.strip_prefix('{') {
                // `use crate::{a, b}`: every name in the braces.
                let inner = braced.split('}').next().unwrap_or("");
                for part in inner.split(',') {
                    let name: String =
                        part.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    if !name.is_empty() {
                        found.push(name);
                    }
                }
            }
            rest = after;
        }
    }
    found
}

#[test]
fn imports_run_one_way_and_only_the_game_knows_bevy() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut checked = 0;
    let mut wrong = Vec::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else { continue };
        let Some(own) = layer(&module) else { continue };
        let text = std::fs::read_to_string(file).unwrap();
        checked += 1;
        for used in crate_paths(&text) {
            if let Some(theirs) = layer(&used)
                && theirs > own
            {
                wrong.push(format!("{} ({module}) uses crate::{used}", file.display()));
            }
        }
        if own < 4 && text.lines().any(|l| l.trim_start().starts_with("use bevy") || l.contains("bevy::")) {
            wrong.push(format!("{} ({module}) uses Bevy", file.display()));
        }
    }
    assert!(checked > 30, "the source files were found ({checked})");
    assert!(wrong.is_empty(), "imports against the layers:\n{}", wrong.join("\n"));
}

#[test]
fn the_games_shared_constants_are_a_leaf() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/game/consts.rs")).unwrap();
    for line in text.lines().filter(|l| l.trim_start().starts_with("use ")) {
        assert!(
            !line.contains("super::") && !line.contains("crate::game"),
            "consts.rs imports the game: {line}"
        );
    }
}

#[test]
fn the_layer_check_sees_a_wrong_import() {
    // The check itself: a level file reaching into the lesson is caught.
    let names =
        crate_paths("use crate::lesson::play::Play;\nuse crate::{brain, game};\n// crate::game in a comment");
    assert_eq!(names, ["lesson", "brain", "game"]);
    assert!(layer("lesson") > layer("level"));
}
