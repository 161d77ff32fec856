//! Replays: record a session, save it, load it, replay it bit for bit;
//! branch from any step; refuse damaged files with a clear message.

use std::time::Duration;

use bevy::prelude::*;

use crate::harness::{Game, Setup};
use raw_weights::brain::{OptimizerKind, Rand, Run};
use raw_weights::game::intent::{DriveReplay, OpenReplay, ReplayControl, SaveReplay, Setting, TogglePause};
use raw_weights::game::session::{Playback, Session, TrainingBudget};
use raw_weights::lesson::Activity;
use raw_weights::lesson::climbing::rivals;
use raw_weights::lesson::play::{Command, Play};
use raw_weights::lesson::replay::{Recorder, Replayer, verify};
use raw_weights::level::LevelSet;
use raw_weights::level::replay::{Event, ReplayError, ReplayFile};

use crate::cli::{assert_clear_error, raw_weights};

fn example(name: &str) -> (String, String) {
    let path = format!("{}/replays/{name}.replay.ron", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

/// A headless game with every level open, its time budget letting one step
/// through per tick (as a slow machine would).
fn app() -> Game {
    Game::new(Setup { unlocked: true, training_budget: Some(Duration::ZERO), ..Setup::default() })
}

fn run_for(g: &mut Game, updates: usize) {
    for _ in 0..updates {
        g.app.update();
    }
}

fn notice(g: &Game) -> String {
    g.app.world().resource::<Session>().play.notice_text().unwrap_or_default().to_string()
}

#[test]
fn a_recorded_session_saves_loads_and_replays_bit_for_bit() {
    let mut g = app();
    // Climb with the time budget letting one step through per tick (as a slow machine would),
    // change the learning rate and the climber mid-run, restart, change again.
    g.play("climbing");
    g.command(Command::Set(Setting::Speed(240)));
    run_for(&mut g, 70);
    g.command(Command::Set(Setting::LearningRate(0.03)));
    run_for(&mut g, 40);
    g.command(Command::Set(Setting::Optimizer(OptimizerKind::RmsProp)));
    run_for(&mut g, 30);
    g.command(Command::Restart);
    run_for(&mut g, 20);
    g.command(Command::Set(Setting::Beta1(0.7)));
    run_for(&mut g, 25);
    // Pause, so the weights on screen are the ones saved.
    g.trigger(TogglePause);
    g.trigger(SaveReplay);
    let said = notice(&g);
    let path = said.strip_prefix("Replay saved to ").expect(&said).to_string();
    assert!(path.ends_with("climbing-1.replay.ron"), "{path}");
    let final_checksum = g.session().play.run.checksum_hex();

    let (file, level) = ReplayFile::load(std::path::Path::new(&path)).unwrap();
    let commands = file.events.iter().filter(|e| matches!(e, Event::Do { .. })).count();
    assert_eq!(commands, 5, "speed, lr, climber, restart, beta1");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.len() < 12_000, "a session is a few kilobytes: {}", text.len());
    let done = verify(file, &level, &path).unwrap();
    assert_eq!(done.checksum, final_checksum, "the replay lands on the same weights");
    assert_eq!(done.runs, 2);
    assert!(done.checks >= 3, "checksums along the way: {}", done.checks);

    // A second save takes the next free name; nothing is overwritten.
    g.trigger(SaveReplay);
    let said = notice(&g);
    assert!(said.ends_with("climbing-2.replay.ron"), "{said}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn the_example_replays_verify_and_the_command_line_says_so() {
    for name in
        ["1-prediction", "2-voting", "3-scoring", "4-climbing", "5-performing", "6-looking", "7-sandbox"]
    {
        let (path, text) = example(name);
        let (file, level) = ReplayFile::parse(&path, &text).unwrap();
        verify(file, &level, &path).unwrap_or_else(|e| panic!("{e}"));
    }
    let (path, _) = example("2-voting");
    let out = raw_weights(&["replay", &path, "--verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("checksums match"));
}

#[test]
fn an_edited_checksum_is_caught_at_its_step() {
    let (path, text) = example("4-climbing");
    let (file, _) = ReplayFile::parse(&path, &text).unwrap();
    let (step, recorded) = file
        .events
        .iter()
        .find_map(|e| match e {
            Event::Check { step, checksum, .. } if *step == 300 => Some((*step, checksum.clone())),
            _ => None,
        })
        .unwrap();
    let tampered = text.replacen(&recorded, "0123456789abcdef", 1);
    let (file, level) = ReplayFile::parse("tampered.replay.ron", &tampered).unwrap();
    match verify(file, &level, "tampered.replay.ron") {
        Err(ReplayError::Mismatch { step: at, recorded, .. }) => {
            assert_eq!((at, recorded.as_str()), (step, "0123456789abcdef"));
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tampered.replay.ron");
    std::fs::write(&file, &tampered).unwrap();
    assert_clear_error(
        &raw_weights(&["replay", file.to_str().unwrap(), "--verify"]),
        "diverges from the recording at step 300",
    );
}

#[test]
fn damaged_replays_are_refused_with_the_file_and_the_problem() {
    let (_, text) = example("4-climbing");
    let cases: Vec<(String, &str)> = vec![
        (
            text.replacen("command:set(learning_rate(0.02))", "command:set(learning_speed(0.02))", 1),
            "learning_speed",
        ),
        (text.replacen("id: \"climbing\"", "id: \"Climbing!\"", 1), "must be lowercase"),
        (text.replacen("step:250,", "step:99999,", 1), "beyond the level's 1000 steps"),
        (text.replacen("check(run:0,step:250", "check(run:0,step:10", 1), "comes before"),
        (text.replacen("check(run:0,step:250", "check(run:3,step:250", 1), "begins without a restart"),
        (text.replacen("version: 1", "version: 7", 1), "version 7"),
        (text[..text.len() / 2].to_string(), "tampered.replay.ron:"),
        ("(".repeat(9 << 20), "too large"),
    ];
    for (damaged, needle) in cases {
        let err = ReplayFile::parse("tampered.replay.ron", &damaged).expect_err(needle);
        let message = err.to_string();
        assert!(message.starts_with("tampered.replay.ron"), "{message}");
        assert!(message.contains(needle), "{message:?} should mention {needle:?}");
    }
}

#[test]
fn scrubbing_back_and_forth_lands_on_the_same_weights() {
    let (path, text) = example("4-climbing");
    let (file, level) = ReplayFile::parse(&path, &text).unwrap();
    let (mut replayer, mut play) = Replayer::start(file.clone(), &level, &path).unwrap();
    replayer.seek(&mut play, 600).unwrap();
    let at_600 = play.run.checksum();
    replayer.seek(&mut play, file.total_steps()).unwrap();
    assert!(replayer.finished());
    assert_eq!(replayer.mismatch, None);
    replayer.seek(&mut play, 250).unwrap();
    replayer.seek(&mut play, 600).unwrap();
    assert_eq!(play.run.checksum(), at_600, "back to 250 and forward again: the same bits");
    assert_eq!(play.run.step_count(), 600);
}

#[test]
fn a_branch_keeps_the_prefix_and_diverges_after() {
    let (path, text) = example("4-climbing");
    let (file, level) = ReplayFile::parse(&path, &text).unwrap();
    let (mut replayer, mut play) = Replayer::start(file.clone(), &level, &path).unwrap();
    replayer.seek(&mut play, 400).unwrap();
    // Take over at step 400 and play on with another learning rate.
    let mut recorder = Recorder::new(&file.level, replayer.history());
    let branch_command = Command::Set(Setting::LearningRate(0.001));
    recorder.command(&play, &branch_command);
    play.execute(&branch_command).unwrap();
    for _ in 0..200 {
        play.step().unwrap();
        recorder.stepped(&play);
    }
    let branch = recorder.finish(&play);
    let checks = |f: &ReplayFile| -> Vec<(usize, String)> {
        f.events
            .iter()
            .filter_map(|e| match e {
                Event::Check { step, checksum, .. } => Some((*step, checksum.clone())),
                _ => None,
            })
            .collect()
    };
    let (old, new) = (checks(&file), checks(&branch));
    for (a, b) in old.iter().zip(&new).filter(|(a, _)| a.0 <= 400) {
        assert_eq!(a, b, "the prefix is the recording");
    }
    let after = |v: &[(usize, String)], s| v.iter().find(|c| c.0 == s).cloned();
    assert_ne!(after(&old, 550), after(&new, 550), "the branch diverges after step 400");
    // The branch is itself a replay that verifies.
    let text = branch.to_ron();
    let (branch, level) = ReplayFile::parse("branch.replay.ron", &text).unwrap();
    let done = verify(branch, &level, "branch.replay.ron").unwrap();
    assert_eq!(done.checksum, play.run.checksum_hex());
}

#[test]
fn playing_back_in_the_game_matches_and_taking_over_records_on() {
    let mut g = app();
    g.app.insert_resource(TrainingBudget(None));
    let (path, _) = example("4-climbing");
    g.trigger(OpenReplay(path.clone()));
    assert!(g.app.world().get_resource::<Playback>().is_some(), "playing back");
    assert_eq!(g.session().phase, raw_weights::game::session::Phase::Playing, "a replay opens past the card");
    g.trigger(DriveReplay(ReplayControl::Speed(8.0)));
    // A player's command is ignored while the replay drives.
    g.command(Command::Set(Setting::LearningRate(0.5)));
    run_for(&mut g, 150);
    let playback = g.app.world().resource::<Playback>();
    assert_eq!(playback.replayer.mismatch, None);
    assert!(playback.replayer.checked >= 10, "checked {}", playback.replayer.checked);
    assert_ne!(g.session().play.run.optimizer.config.lr, 0.5);
    g.trigger(DriveReplay(ReplayControl::Seek(500)));
    g.trigger(DriveReplay(ReplayControl::TakeOver));
    assert!(g.app.world().get_resource::<Playback>().is_none(), "the player drives again");
    g.command(Command::Set(Setting::LearningRate(0.005)));
    run_for(&mut g, 30);
    g.trigger(TogglePause);
    g.trigger(SaveReplay);
    let said = notice(&g);
    let saved = said.strip_prefix("Replay saved to ").expect(&said);
    let (file, level) = ReplayFile::load(std::path::Path::new(saved)).unwrap();
    let done = verify(file, &level, saved).unwrap();
    assert_eq!(done.checksum, g.session().play.run.checksum_hex(), "recorded on after taking over");
}

#[test]
fn a_replay_the_game_cannot_open_leaves_it_running() {
    let mut g = app();
    let broken = g.dir.path().join("broken.replay.ron");
    std::fs::write(&broken, "(version: 1, level: (").unwrap();
    g.trigger(OpenReplay(broken.display().to_string()));
    let notices = &g.app.world().resource::<raw_weights::game::levels::Notices>().0;
    assert!(notices.iter().any(|n| n.contains("broken.replay.ron")), "{notices:?}");
    assert!(g.app.world().get_resource::<Playback>().is_none());
}

#[test]
fn mutated_replays_never_panic_the_reader() {
    // Thousands of damaged variants of the examples: bytes changed, cut, doubled.
    let mut rng = Rand::new(2026, raw_weights::brain::Stream::Sampling);
    let sources: Vec<String> =
        ["2-voting", "3-scoring", "5-performing"].iter().map(|n| example(n).1).collect();
    let alphabet: Vec<char> = "(),:[]\"0123456789abcdefghijklmnopqrstuvwxyz_ -.\n".chars().collect();
    let mut parsed = 0;
    let inputs = 3000;
    for i in 0..inputs {
        let mut text: Vec<char> = sources[i % sources.len()].chars().collect();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(text.len());
            match rng.below(4) {
                0 => text[at] = alphabet[rng.below(alphabet.len())],
                1 => {
                    let end = (at + rng.below(40)).min(text.len());
                    text.drain(at..end);
                }
                2 => {
                    let end = (at + rng.below(40)).min(text.len());
                    let copy: Vec<char> = text[at..end].to_vec();
                    text.splice(at..at, copy);
                }
                _ => text.truncate(at),
            }
            if text.is_empty() {
                break;
            }
        }
        let text: String = text.into_iter().collect();
        if let Ok((file, level)) = ReplayFile::parse("fuzz.replay.ron", &text) {
            parsed += 1;
            // Whatever parses must replay or fail cleanly.
            let _ = verify(file, &level, "fuzz.replay.ron");
        }
    }
    assert!(parsed > 0 && parsed < inputs, "some mutations parse ({parsed} of {inputs}), most do not");
}

#[test]
fn a_replay_needs_its_run_to_restart_before_a_new_run() {
    // The recorder numbers runs after restarts, as the reader expects.
    let levels = LevelSet::builtin();
    let level = levels.get("climbing").unwrap();
    let mut play = Play::new(level, 0).unwrap();
    let mut recorder = Recorder::new(&level.file, Vec::new());
    for _ in 0..60 {
        play.step().unwrap();
        recorder.stepped(&play);
    }
    recorder.command(&play, &Command::Restart);
    play.execute(&Command::Restart).unwrap();
    for _ in 0..60 {
        play.step().unwrap();
        recorder.stepped(&play);
    }
    let file = recorder.finish(&play);
    assert_eq!(file.events.last(), Some(&Event::End { run: 1, step: 60 }));
    let (file, level) = ReplayFile::parse("r.replay.ron", &file.to_ron()).unwrap();
    assert_eq!(verify(file, &level, "r.replay.ron").unwrap().runs, 2);
}

/// Each ghost's climber, steps and checksum.
fn ghosts(play: &Play) -> Vec<(OptimizerKind, usize, String)> {
    let Activity::Climbing(race) = &play.activity else { panic!("not climbing") };
    race.ghosts.iter().map(|g| (g.kind, g.run.step_count(), g.run.checksum_hex())).collect()
}

#[test]
fn the_race_follows_the_students_climber_and_replays_the_same() {
    use OptimizerKind::*;
    let levels = LevelSet::builtin();
    let level = levels.get("climbing").unwrap();
    let mut play = Play::new(level, 0).unwrap();
    let mut recorder = Recorder::new(&level.file, Vec::new());
    let kinds = |play: &Play| ghosts(play).into_iter().map(|g| g.0).collect::<Vec<_>>();
    assert_eq!(kinds(&play), [Momentum, RmsProp, Adam], "SGD races the other climbers");
    // A plain run of one climber at lr 0.02 from the level's start.
    let alone = |kind, steps| {
        let mut config = level.run_config();
        config.optimizer.kind = kind;
        config.optimizer.lr = 0.02;
        let mut run = Run::new(config, &level.corpus).unwrap();
        run.train(steps).unwrap();
        run.checksum_hex()
    };
    let script = [
        (0, Setting::LearningRate(0.02)),
        (0, Setting::Optimizer(Sgd)),
        (30, Setting::Optimizer(AdamW)),
        (60, Setting::Optimizer(Momentum)),
        (60, Setting::Optimizer(Adam)),
        (90, Setting::Optimizer(RmsProp)),
    ];
    for step in 0..=120 {
        for (_, setting) in script.iter().filter(|(at, _)| *at == step) {
            let command = Command::Set(setting.clone());
            recorder.command(&play, &command);
            play.execute(&command).unwrap();
            let now = play.run.optimizer.config.kind;
            assert_eq!(kinds(&play), rivals(now), "after switching to {now:?}");
            assert!(!kinds(&play).contains(&now), "no twin of {now:?}");
            for (kind, steps, _) in ghosts(&play) {
                assert_eq!(steps, step, "{kind:?} caught up at the switch to {now:?}");
            }
        }
        if step == 30 {
            // The SGD ghost joined at step 30: a plain SGD run, from the start, at the student's lr.
            let sgd = ghosts(&play).into_iter().find(|g| g.0 == Sgd).unwrap();
            assert_eq!(sgd.2, alone(Sgd, 30), "the SGD ghost is a plain SGD run");
            // The student climbed with SGD for all of those steps: the ghost stands where it stands.
            assert_eq!(sgd.2, play.run.checksum_hex(), "the student's own 30 SGD steps");
        }
        if step < 120 {
            play.step().unwrap();
            recorder.stepped(&play);
        }
    }
    let adam = ghosts(&play).into_iter().find(|g| g.0 == Adam).unwrap();
    assert_eq!(adam.2, alone(Adam, 120), "the Adam ghost is a plain Adam run");
    // The replay of this session rebuilds the same race, bit for bit.
    let text = recorder.finish(&play).to_ron();
    let (file, level) = ReplayFile::parse("race.replay.ron", &text).unwrap();
    let (mut replayer, mut again) = Replayer::start(file.clone(), &level, "race.replay.ron").unwrap();
    replayer.seek(&mut again, file.total_steps()).unwrap();
    assert_eq!(replayer.mismatch, None);
    assert_eq!(ghosts(&again), ghosts(&play), "the ghosts replay bit for bit");
}

#[test]
fn taking_over_a_finished_replay_completes_nothing_and_records_a_loadable_session() {
    // The sandbox session restarts and retrains: take it over after its last retrain.
    let mut g = Game::new(Setup { training_budget: None, ..Setup::default() });
    let (path, _) = example("7-sandbox");
    g.trigger(OpenReplay(path));
    let total = g.app.world().resource::<Playback>().replayer.file.total_steps();
    g.trigger(DriveReplay(ReplayControl::Seek(total)));
    g.trigger(DriveReplay(ReplayControl::TakeOver));
    assert!(g.session().taken_over);
    run_for(&mut g, 80);
    g.trigger(TogglePause);
    g.trigger(SaveReplay);
    let said = notice(&g);
    let saved = said.strip_prefix("Replay saved to ").expect(&said);
    let (file, level) = ReplayFile::load(std::path::Path::new(saved)).unwrap_or_else(|e| panic!("{e}"));
    let done = verify(file, &level, saved).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(done.checksum, g.session().play.run.checksum_hex());
    // A shipped voting session whose goal is met at once: taking it over unlocks nothing.
    let mut g = Game::new(Setup::default());
    let (path, _) = example("2-voting");
    g.trigger(OpenReplay(path));
    run_for(&mut g, 5);
    g.trigger(DriveReplay(ReplayControl::TakeOver));
    run_for(&mut g, 200);
    let set = &g.app.world().resource::<raw_weights::game::levels::Levels>().set;
    assert!(!g.progress().is_unlocked(set, "scoring"), "someone else's session completes nothing");
}

#[test]
fn taking_over_right_after_a_restart_records_in_the_new_run() {
    let levels = LevelSet::builtin();
    let level = levels.get("climbing").unwrap();
    let (mut play, mut recorder) = (Play::new(level, 0).unwrap(), Recorder::new(&level.file, Vec::new()));
    for _ in 0..60 {
        play.step().unwrap();
        recorder.stepped(&play);
    }
    recorder.command(&play, &Command::Restart);
    play.execute(&Command::Restart).unwrap();
    for _ in 0..70 {
        play.step().unwrap();
        recorder.stepped(&play);
    }
    let text = recorder.finish(&play).to_ron();
    let (file, level) = ReplayFile::parse("r.replay.ron", &text).unwrap();
    // Go to just after the restart: the history ends with it, and the replay is in run 1.
    let (mut replayer, mut again) = Replayer::start(file.clone(), &level, "r.replay.ron").unwrap();
    replayer.seek(&mut again, 60).unwrap();
    assert_eq!(replayer.run, 1);
    assert!(matches!(replayer.history().last(), Some(Event::Do { command: Command::Restart, .. })));
    let mut taken = Recorder::resume(&file.level, replayer.history(), replayer.run);
    for _ in 0..55 {
        again.step().unwrap();
        taken.stepped(&again);
    }
    let branch = taken.finish(&again).to_ron();
    let (branch, level) = ReplayFile::parse("b.replay.ron", &branch).unwrap_or_else(|e| panic!("{e}"));
    let done = verify(branch, &level, "b.replay.ron").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((done.runs, done.checksum.clone()), (2, again.run.checksum_hex()));
    assert!(done.checks >= 2, "checksums in the new run from its first 50 steps: {}", done.checks);
}
