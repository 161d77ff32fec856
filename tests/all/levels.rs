//! Level files and progress: validation with line and column, and saves that never lose anything.

use raw_weights::level::format::parse_level;
use raw_weights::level::{LevelSet, Progress, ProgressStore};

use crate::cli::raw_weights;

/// 1-based line of the first line containing `needle`.
fn text_line(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

fn builtin_sources() -> Vec<(String, String)> {
    raw_weights::level::format::BUILTIN.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect()
}

#[test]
fn the_six_lessons_and_the_sandbox_load_in_order() {
    let set = LevelSet::builtin();
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    let ids: Vec<&str> = set.levels.iter().map(|l| l.id()).collect();
    assert_eq!(ids, ["prediction", "voting", "scoring", "climbing", "performing", "looking", "sandbox"]);
    // The folder and the built-in copies are the same files.
    let dir = LevelSet::load_dir(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/levels")));
    assert!(dir.errors.is_empty(), "{:?}", dir.errors);
    assert_eq!(
        dir.levels.iter().map(|l| &l.file).collect::<Vec<_>>(),
        set.levels.iter().map(|l| &l.file).collect::<Vec<_>>()
    );
}

#[test]
fn a_syntax_error_names_the_line_and_column() {
    let text = builtin_sources()[3].1.replace("steps: 1000,", "steps: 1000");
    let err = parse_level("levels/4-climbing.ron", &text, None).unwrap_err();
    let line_of_next_field = text.lines().position(|l| l.trim_start().starts_with("seed:")).unwrap() + 1;
    assert_eq!((err.line, err.col), (line_of_next_field, 5), "{err}");
    assert!(err.to_string().starts_with(&format!("levels/4-climbing.ron:{line_of_next_field}:5: ")), "{err}");
}

#[test]
fn a_bad_value_is_located_at_its_key() {
    let text = builtin_sources()[3].1.replace("lr: 0.01,", "lr: -0.01,");
    let err = parse_level("levels/4-climbing.ron", &text, None).unwrap_err();
    let line = text.lines().position(|l| l.contains("lr: -0.01")).unwrap() + 1;
    let col = text.lines().nth(line - 1).unwrap().find("lr:").unwrap() + 1;
    assert_eq!((err.line, err.col), (line, col), "{err}");
    assert!(err.message.contains("learning rate"), "{err}");

    let text = builtin_sources()[0].1.replace("builtin(\"names\")", "builtin(\"poems\")");
    let err = parse_level("x.ron", &text, None).unwrap_err();
    assert!(err.message.contains("no built-in corpus \"poems\""), "{err}");

    let text = builtin_sources()[0].1.replace("speed: 20,", "sped: 20,");
    let err = parse_level("x.ron", &text, None).unwrap_err();
    assert!(err.message.contains("sped"), "a misspelt field is refused: {err}");
}

#[test]
fn one_broken_file_leaves_the_others_playable() {
    let mut sources = builtin_sources();
    sources[1].1 = sources[1].1.replace("title: \"Voting\",", "title: \"Voting\"");
    sources[4].1 = sources[4].1.replace("id: \"performing\"", "id: \"climbing\"");
    let set = LevelSet::from_sources(&sources, None);
    let ids: Vec<&str> = set.levels.iter().map(|l| l.id()).collect();
    assert_eq!(ids, ["prediction", "scoring", "climbing", "looking", "sandbox"]);
    assert_eq!(set.errors.len(), 2);
    assert!(set.errors[0].path.ends_with("2-voting.ron"));
    assert!(set.errors[1].message.contains("already used by levels/4-climbing.ron"), "{}", set.errors[1]);
}

#[test]
fn levels_check_lists_the_levels_or_every_error() {
    let out = raw_weights(&["levels", "--check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Seven levels, and the looking-back lesson's answer with its margin.
    assert_eq!(stdout.lines().count(), 8, "{stdout}");
    assert!(stdout.contains("looking: head") && stdout.contains("(margin 0.1)"), "{stdout}");
    assert!(stdout.lines().nth(3).unwrap().contains("climbing") && stdout.contains("Climbing"));

    let dir = tempfile::tempdir().unwrap();
    for (i, (path, text)) in builtin_sources().into_iter().enumerate() {
        let name = std::path::Path::new(&path).file_name().unwrap().to_owned();
        let text = if i == 3 { text.replace("n_head: 4", "n_head: 5") } else { text };
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = raw_weights(&["levels", "--check", dir.path().to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = text_line(&builtin_sources()[3].1, "n_head: 4");
    let expected = format!("4-climbing.ron:{line}:");
    assert!(stderr.lines().count() == 1 && stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains("multiple of n_head") && !stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        7,
        "the other levels (and the answer) are still listed"
    );
}

#[test]
fn progress_survives_a_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProgressStore::in_dir(&dir.path().join("nested"));
    let mut progress = Progress::default();
    assert!(progress.record("prediction", 2.7, true));
    assert!(!progress.record("prediction", 2.9, true), "a worse score is not a best");
    assert!(progress.record("prediction", 2.5, true));
    assert!(progress.record("voting", 0.6, false));
    assert!(progress.record("voting", 0.8, false), "higher is better for a share");
    assert!(!progress.record("voting", 0.7, false));
    store.save(&progress).unwrap();
    let (loaded, warning) = store.load();
    assert_eq!(warning, None);
    assert_eq!(loaded, progress);
    assert!(
        !dir.path().join("nested/progress.ron.tmp").exists(),
        "the temporary file was renamed into place"
    );

    let set = LevelSet::builtin();
    assert!(loaded.is_unlocked(&set, "prediction"));
    assert_eq!(loaded.best.get("voting"), Some(&0.8));
    assert!(loaded.is_unlocked(&set, "voting"), "completing a level unlocks the next");
    assert!(loaded.is_unlocked(&set, "scoring"), "voting is done too");
    assert!(!loaded.is_unlocked(&set, "climbing"));
}

#[test]
fn a_corrupt_save_is_set_aside_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProgressStore::in_dir(dir.path());
    std::fs::write(&store.path, "(best: {\"prediction\": 2.5").unwrap();
    let (progress, warning) = store.load();
    assert_eq!(progress, Progress::default());
    let warning = warning.expect("the player is told");
    assert!(warning.contains("damaged") && warning.contains("progress.ron.corrupt"), "{warning}");
    let aside = dir.path().join("progress.ron.corrupt");
    assert_eq!(std::fs::read_to_string(&aside).unwrap(), "(best: {\"prediction\": 2.5");
    assert!(!store.path.exists());

    // A second damaged save does not overwrite the first one set aside.
    std::fs::write(&store.path, "garbage").unwrap();
    let (_, warning) = store.load();
    assert!(warning.unwrap().contains("progress.ron.corrupt-2"));
    assert_eq!(std::fs::read_to_string(&aside).unwrap(), "(best: {\"prediction\": 2.5");
}

#[test]
fn a_goal_must_fit_its_lesson() {
    let sources = builtin_sources();
    let wrong_goal = sources[0].1.replace("goal: beat_the_student(guesses: 20)", "goal: perform(count: 3)");
    let err = parse_level("x.ron", &wrong_goal, None).unwrap_err();
    assert!(err.message.contains("needs lesson: performing"), "{err}");
    let gpt_votes = sources[1].1.replace("model: bigram,", "model: gpt,");
    let err = parse_level("x.ron", &gpt_votes, None).unwrap_err();
    assert!(err.message.contains("needs model: bigram"), "{err}");
    let odd_word = sources[2].1.replace("word: \"anna\"", "word: \"Anna\"");
    let err = parse_level("x.ron", &odd_word, None).unwrap_err();
    assert!(err.message.contains("'A' is not a letter"), "{err}");
    let line = text_line(&odd_word, "word: \"Anna\"");
    assert_eq!(err.line, line, "located at the word: {err}");
    let no_votes = sources[1].1.replace(
        "controls: (shown: [votes, temperature], locked: []),",
        "controls: (shown: [temperature], locked: []),",
    );
    let err = parse_level("x.ron", &no_votes, None).unwrap_err();
    assert!(err.message.contains("votes control"), "{err}");
    let out_of_reach = sources[2].1.replace("score: 1.2)", "score: 0.3)");
    let err = parse_level("x.ron", &out_of_reach, None).unwrap_err();
    assert!(err.message.contains("no votes can bring \"anna\" below 0.5"), "{err}");
    let model_elsewhere =
        sources[3].1.replace("controls: (shown: [speed,", "controls: (shown: [model, speed,");
    let err = parse_level("x.ron", &model_elsewhere, None).unwrap_err();
    assert!(err.message.contains("only the sandbox"), "{err}");
    let many_letters: Vec<String> = (0..45).map(|i| char::from_u32(0x3b1 + i).unwrap().to_string()).collect();
    let wide =
        sources[1].1.replace("corpus: builtin(\"names\"),", &format!("corpus: inline({many_letters:?}),"));
    let err = parse_level("x.ron", &wide, None).unwrap_err();
    assert!(err.message.contains("holds 40 letters"), "{err}");
    let too_much = sources[4].1.replace("pretrain: 1500,", "pretrain: 9000,");
    let err = parse_level("x.ron", &too_much, None).unwrap_err();
    assert!(err.message.contains("pretrain 9000"), "{err}");
}

#[test]
fn a_level_text_may_name_a_formula_and_gets_the_brains_own_writing() {
    use raw_weights::brain::{formula, optim};
    assert_eq!(
        formula::fill("Adam: {formula:step_adam}.").unwrap(),
        format!("Adam: {}.", optim::STEP_ADAM.text)
    );
    assert_eq!(formula::fill("no formula here").unwrap(), "no formula here");
    let err = formula::fill("{formula:stepp}").unwrap_err();
    assert!(err.contains("unknown formula `stepp`") && err.contains("step_adam"), "{err}");
    assert!(formula::fill("{formula:m").unwrap_err().contains("not closed"));
    // Every formula the table names can be filled in, and the names are unique.
    let names = formula::names();
    for name in &names {
        assert_eq!(
            formula::fill(&format!("{{formula:{name}}}")).unwrap(),
            formula::named(name).unwrap().text
        );
        assert_eq!(names.iter().filter(|n| *n == name).count(), 1, "{name}");
    }
    // In a level file: the story reads the brain's text; an unknown name is located at its key.
    let sources = builtin_sources();
    let level = parse_level("x.ron", &sources[3].1, None).unwrap();
    assert!(level.file.learned.contains(optim::STEP_ADAM.text), "{}", level.file.learned);
    assert!(!level.file.learned.contains("{formula:"));
    let broken = sources[3].1.replace("{formula:step_adam}", "{formula:step_adma}");
    let err = parse_level("x.ron", &broken, None).unwrap_err();
    assert_eq!(err.line, text_line(&broken, "learned:"), "{err}");
    assert!(err.message.contains("unknown formula `step_adma`"), "{err}");
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("4-climbing.ron"), &broken).unwrap();
    let out = raw_weights(&["levels", "--check", folder.path().to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown formula `step_adma`"));
}

#[test]
fn a_looking_back_level_needs_its_goal_a_gpt_and_texts_that_fit() {
    let sources = builtin_sources();
    let (path, text) = sources.iter().find(|(p, _)| p.ends_with("6-looking.ron")).unwrap();
    let with = |from: &str, to: &str| parse_level(path, &text.replace(from, to), None);
    assert!(with("", "").is_ok());
    let line = text.lines().find(|l| l.trim_start().starts_with("goal:")).unwrap();
    let err = with(line, "    goal: loss_below(loss: 1.0, window: 10),").unwrap_err();
    assert!(err.message.contains("strongest_head"), "{err}");
    let err = with("model: gpt,", "model: bigram,").unwrap_err();
    assert!(err.message.contains("gpt"), "{err}");
    let err = with("margin: 0.1", "margin: 0.0").unwrap_err();
    assert!(err.message.contains("margin"), "{err}");
    let err = with("\"dodo\"", "\"dodododododododododo\"").unwrap_err();
    assert!(err.message.contains("block_size"), "{err}");
}
