//! The game's rules, headless: `MinimalPlugins` + `StatesPlugin`, fixed
//! timesteps. Each lesson is driven to its goal with the player's own keys and
//! actions, and what its panels show is checked against the brain.

use std::time::Duration;

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use bevy::time::TimeUpdateStrategy;

use raw_weights::brain::math::{argmax, cross_entropy, softmax, softmax_with_temperature};
use raw_weights::brain::{OptimizerKind, Run};
use raw_weights::game;
use raw_weights::game::actions::{Action, Retrain, Setting};
use raw_weights::game::levels::{CurrentLevel, Levels, ProgressRes};
use raw_weights::game::screens::{Pause, Screen};
use raw_weights::game::session::{FALL_TICKS, Phase, Session, TrainingBudget};
use raw_weights::game::terrain::{LandscapeBudget, Terrain};
use raw_weights::lesson::climbing::rivals;
use raw_weights::lesson::{Activity, ballot_view, bigram_votes};
use raw_weights::level::{LevelSet, Progress, ProgressStore};

struct Game {
    app: App,
    dir: tempfile::TempDir,
}

/// The built-in levels with `edit` applied to the text of level `index`.
fn levels_with(index: usize, edit: impl Fn(String) -> String) -> LevelSet {
    let sources: Vec<(String, String)> = raw_weights::level::format::BUILTIN
        .iter()
        .enumerate()
        .map(|(i, (p, t))| (p.to_string(), if i == index { edit(t.to_string()) } else { t.to_string() }))
        .collect();
    let set = LevelSet::from_sources(&sources, None);
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    set
}

/// Progress with every level completed, so any level opens.
fn all_done(levels: &LevelSet) -> Progress {
    let mut progress = Progress::default();
    for level in &levels.levels {
        progress.record(level.id(), 2.0, true);
    }
    progress
}

fn game(levels: LevelSet, ticks_per_update: u32) -> Game {
    game_with_progress(levels, ticks_per_update, false)
}

fn game_with_progress(levels: LevelSet, ticks_per_update: u32, unlocked: bool) -> Game {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, StatesPlugin));
    app.insert_resource(TimeUpdateStrategy::FixedTimesteps(ticks_per_update));
    app.insert_resource(ButtonInput::<KeyCode>::default());
    let progress = if unlocked { all_done(&levels) } else { Progress::default() };
    app.insert_resource(Levels { set: levels });
    app.insert_resource(ProgressRes { progress, store: Some(ProgressStore::in_dir(dir.path())) });
    app.insert_resource(TrainingBudget(None));
    app.insert_resource(LandscapeBudget(Some(Duration::ZERO)));
    app.add_plugins(game::logic);
    app.update();
    Game { app, dir }
}

impl Game {
    fn screen(&self) -> Screen {
        *self.app.world().resource::<State<Screen>>().get()
    }

    fn press(&mut self, key: KeyCode) {
        self.press_with(&[], key);
    }

    /// Presses `key` while holding `modifiers`.
    fn press_with(&mut self, modifiers: &[KeyCode], key: KeyCode) {
        let mut keys = self.app.world_mut().resource_mut::<ButtonInput<KeyCode>>();
        for m in modifiers {
            keys.press(*m);
        }
        keys.press(key);
        self.app.update();
        let mut keys = self.app.world_mut().resource_mut::<ButtonInput<KeyCode>>();
        keys.release_all();
        keys.clear();
        // The state change lands on the next frame.
        self.app.update();
    }

    fn act(&mut self, action: Action) {
        self.app.world_mut().write_message(action);
        self.app.update();
        self.app.update();
    }

    fn session(&self) -> &Session {
        self.app.world().resource::<Session>()
    }

    fn progress(&self) -> &Progress {
        &self.app.world().resource::<ProgressRes>().progress
    }

    fn run_until(&mut self, max_updates: usize, done: impl Fn(&Game) -> bool) -> usize {
        for n in 0..max_updates {
            if done(self) {
                return n;
            }
            self.app.update();
        }
        panic!("not done after {max_updates} updates");
    }

    /// Waits out the cheer, then checks the level is complete and the next one open.
    fn completes(&mut self, next: &str) {
        self.run_until(400, |g| g.screen() == Screen::Complete);
        let set = &self.app.world().resource::<Levels>().set;
        assert!(self.progress().is_unlocked(set, next), "{next} unlocks");
    }
}

#[test]
fn every_screen_is_reached_by_keys() {
    let mut g = game(LevelSet::builtin(), 1);
    assert_eq!(g.screen(), Screen::Title);
    g.press(KeyCode::Enter);
    assert_eq!(g.screen(), Screen::LevelMap);
    g.press(KeyCode::Digit1);
    assert_eq!(g.screen(), Screen::Playing);
    assert_eq!(g.session().level.id(), "prediction");
    g.press(KeyCode::Space);
    assert_eq!(*g.app.world().resource::<State<Pause>>().get(), Pause::Paused);
    g.press(KeyCode::Space);
    assert_eq!(*g.app.world().resource::<State<Pause>>().get(), Pause::Running);
    // In the prediction lesson letters are guesses: the map is in the pause menu.
    g.press(KeyCode::Escape);
    g.press(KeyCode::KeyM);
    assert_eq!(g.screen(), Screen::LevelMap);
    g.press(KeyCode::Escape);
    assert_eq!(g.screen(), Screen::Title);
    g.press(KeyCode::Escape);
    let exits: Vec<AppExit> = g.app.world_mut().resource_mut::<Messages<AppExit>>().drain().collect();
    assert_eq!(exits, [AppExit::Success], "Esc on the title quits");
}

#[test]
fn a_locked_level_does_not_open() {
    let mut g = game(LevelSet::builtin(), 1);
    g.press(KeyCode::Enter);
    g.press(KeyCode::Digit3);
    assert_eq!(g.screen(), Screen::LevelMap, "scoring is locked until voting is done");
    g.act(Action::Play("scoring".into()));
    assert_eq!(g.screen(), Screen::LevelMap);
}

// ------------------------------------------------------------ the lessons

#[test]
fn prediction_is_read_by_typing_guesses_and_unlocks_voting() {
    // A student that studied 300 steps and holds still, so each guess can be checked.
    let levels = levels_with(0, |t| {
        t.replace("steps: 2000,", "steps: 2000,\n    pretrain: 300,\n    train_while_playing: false,")
    });
    let mut g = game(levels, 1);
    g.press(KeyCode::Enter);
    g.press(KeyCode::Digit1);
    // What the panel shows is the bigram's softmax after the letter before the cursor.
    {
        let s = g.session();
        let Activity::Reading(reading) = &s.activity else { panic!("a reading") };
        let context = reading.tokens(&s.run)[reading.cursor];
        let mut shares = vec![0.0; s.run.vocab.size()];
        softmax(&mut shares, bigram_votes(&s.run, context));
        assert_eq!(reading.shares(&s.run), shares);
    }
    // Read 30 letters: a guess of 'a' each time, an Enter or a look now and then.
    let keys = [KeyCode::KeyA, KeyCode::KeyE, KeyCode::Enter, KeyCode::ArrowRight, KeyCode::KeyN];
    for (i, key) in keys.iter().cycle().take(30).enumerate() {
        let expected_student = {
            let s = g.session();
            let Activity::Reading(reading) = &s.activity else { panic!() };
            (argmax(&reading.shares(&s.run)), reading.covered(&s.run))
        };
        g.press(*key);
        let s = g.session();
        let Activity::Reading(reading) = &s.activity else { panic!() };
        if s.phase == Phase::Playing {
            assert_eq!(reading.read, i + 1);
            let last = reading.history.last().unwrap();
            assert_eq!((last.student, last.truth), expected_student, "the student's guess is its top share");
        }
    }
    let s = g.session();
    let Activity::Reading(reading) = &s.activity else { panic!() };
    assert_eq!(reading.read, 30);
    assert_eq!(reading.player_guesses, 24, "six of the thirty were looks");
    g.completes("voting");
    let best = g.progress().best["prediction"];
    let (saved, warning) = ProgressStore::in_dir(g.dir.path()).load();
    assert_eq!((saved.best.get("prediction"), warning), (Some(&best), None), "saved to disk");
    let Activity::Reading(reading) = &g.session().activity else { panic!() };
    assert_eq!(
        best,
        100.0 * reading.player_hits as f32 / reading.player_guesses as f32,
        "the score is your hit rate"
    );
}

#[test]
fn voting_shares_follow_the_votes_and_the_draws_follow_the_shares() {
    let mut g = game_with_progress(LevelSet::builtin(), 1, true);
    g.act(Action::Play("voting".into()));
    let (m, o) = (g.session().run.vocab.id('m').unwrap(), g.session().run.vocab.id('o').unwrap());
    // Pick 'o' with the arrow keys: from 'a' (0), right 14 times.
    for _ in 0..o {
        g.press(KeyCode::ArrowRight);
    }
    assert_eq!(g.session().selected, o);
    // Raise its votes with Shift+↑ until it holds half the shares.
    for _ in 0..40 {
        let s = g.session();
        let Activity::Voting(ballot) = &s.activity else { panic!() };
        if ballot.shares(&s.run, 1.0)[o] >= 0.5 {
            break;
        }
        g.press_with(&[KeyCode::ShiftLeft], KeyCode::ArrowUp);
    }
    let s = g.session();
    let Activity::Voting(ballot) = &s.activity else { panic!() };
    let votes = bigram_votes(&s.run, m);
    assert_eq!(ballot.context, m);
    // The panel and the 3D box show `ballot_view`: the brain's softmax of the row at T.
    let view = ballot_view(&s.activity, &s.run, s.sampling.temperature).unwrap();
    let mut want = vec![0.0; votes.len()];
    softmax_with_temperature(&mut want, votes, s.sampling.temperature);
    assert_eq!((view.votes.as_slice(), view.shares.as_slice()), (votes, want.as_slice()));
    // The shares on show are the brain's softmax of the votes at the temperature.
    for t in [1.0, 0.3, 2.0] {
        let mut want = vec![0.0; votes.len()];
        softmax_with_temperature(&mut want, votes, t);
        assert_eq!(ballot.shares(&s.run, t), want);
        assert!((want.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
    assert!(ballot.shares(&s.run, 1.0)[o] >= 0.5);
    assert_eq!(s.phase, Phase::Playing, "drawing is part of the goal");
    // Draw 100 letters with Shift+D: the tally follows the shares.
    g.press_with(&[KeyCode::ShiftLeft], KeyCode::KeyD);
    let s = g.session();
    let Activity::Voting(ballot) = &s.activity else { panic!() };
    assert_eq!(ballot.draws(), 100);
    assert!(ballot.tally[o] > 30, "'o' drawn {} times in 100 at a share of at least 50%", ballot.tally[o]);
    g.completes("scoring");
    assert!(g.progress().best["voting"] >= 0.5);
}

#[test]
fn scoring_shows_the_score_and_its_gradient_and_is_lowered_by_hand() {
    let mut g = game_with_progress(LevelSet::builtin(), 1, true);
    g.act(Action::Play("scoring".into()));
    let start = {
        let s = g.session();
        let Activity::Scoring(marking) = &s.activity else { panic!() };
        // Each letter's score is −ln p(true) and its gradient p − onehot.
        for mark in marking.marks(&s.run) {
            let votes = bigram_votes(&s.run, mark.context);
            assert_eq!(mark.score, cross_entropy(votes, mark.truth));
            assert!((mark.score + mark.shares[mark.truth].ln()).abs() < 1e-4);
            for (i, g) in mark.gradient.iter().enumerate() {
                let onehot = if i == mark.truth { 1.0 } else { 0.0 };
                assert_eq!(*g, mark.shares[i] - onehot);
            }
        }
        // The box shows the marked letter's row, its plain shares and its gradient.
        let view = ballot_view(&s.activity, &s.run, 0.3).unwrap();
        let mark = marking.mark(&s.run, marking.position);
        assert_eq!((view.context, view.temperature), (mark.context, 1.0), "the teacher scores at T = 1");
        assert_eq!((view.shares, view.gradient), (mark.shares.clone(), Some(mark.gradient.clone())));
        marking.mean_score(&s.run)
    };
    assert!(start > 1.2);
    // For each letter of "anna" (. walks along it), raise the true letter's votes, by keys.
    for position in 0..5 {
        let (context, truth) = {
            let s = g.session();
            let Activity::Scoring(marking) = &s.activity else { panic!() };
            assert_eq!(marking.position, position);
            (marking.tokens[position], marking.tokens[position + 1])
        };
        // → to the true letter's column, then Shift+↑ three times: +3 votes.
        let now = bigram_votes(&g.session().run, context)[truth];
        let v = g.session().run.vocab.size();
        let steps = (truth + v - g.session().selected) % v;
        for _ in 0..steps {
            g.press(KeyCode::ArrowRight);
        }
        assert_eq!(g.session().selected, truth);
        for _ in 0..3 {
            g.press_with(&[KeyCode::ShiftLeft], KeyCode::ArrowUp);
        }
        if g.screen() != Screen::Playing || g.session().phase != Phase::Playing {
            break;
        }
        assert!((bigram_votes(&g.session().run, context)[truth] - (now + 3.0)).abs() < 1e-5);
        g.press(KeyCode::Period);
    }
    g.completes("climbing");
    assert!(g.progress().best["scoring"] < 1.2);
}

#[test]
fn climbing_races_ghosts_that_match_separate_runs_and_unlocks_performing() {
    let mut g = game_with_progress(LevelSet::builtin(), 1, true);
    g.act(Action::Play("climbing".into()));
    g.act(Action::Set(Setting::Speed(6000)));
    g.completes("performing");
    let s = g.session();
    let Activity::Climbing(race) = &s.activity else { panic!() };
    let kinds: Vec<_> = race.ghosts.iter().map(|g| g.kind).collect();
    assert_eq!(
        kinds,
        [OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::RmsProp],
        "Adam races the others"
    );
    for ghost in &race.ghosts {
        assert_eq!(ghost.run.step_count(), s.run.step_count(), "{:?} took as many steps", ghost.kind);
        let mut config = s.level.run_config();
        config.optimizer.kind = ghost.kind;
        let mut alone = Run::new(config, &s.level.corpus).unwrap();
        alone.train(s.run.step_count()).unwrap();
        assert_eq!(
            alone.losses, ghost.run.losses,
            "{:?}: the ghost is a plain run of that climber",
            ghost.kind
        );
        assert_eq!(alone.init, s.run.init, "same start");
    }
    assert!(s.run.recent_loss(100).unwrap() < 2.45);
}

#[test]
fn performing_writes_letter_by_letter_from_the_prefix_and_unlocks_the_sandbox() {
    let mut g = game_with_progress(LevelSet::builtin(), 1, true);
    g.act(Action::Play("performing".into()));
    assert_eq!(g.session().run.step_count(), 1500, "the student studied before the lesson");
    g.act(Action::Set(Setting::Prefix("ma".into())));
    g.press(KeyCode::KeyW);
    // Letters come one per few ticks, each read back in.
    let first = g.session().recital.stage.as_ref().map(|s| s.drawn.len()).unwrap();
    // One letter every few ticks: after a letter's worth of updates, one more letter.
    for _ in 0..raw_weights::game::session::LETTER_TICKS {
        g.app.update();
    }
    let s = g.session();
    let stage = s.recital.stage.as_ref().expect("a name takes more than two letters");
    assert_eq!(stage.drawn.len(), first + 1, "letters are drawn one at a time");
    g.press(KeyCode::Enter);
    assert!(g.session().recital.stage.is_none(), "Enter finishes the performance");
    assert!(g.session().recital.written[0].text.starts_with("ma"));
    g.act(Action::Set(Setting::Prefix(String::new())));
    for _ in 0..7 {
        g.press(KeyCode::KeyW);
        g.press(KeyCode::Enter);
    }
    g.completes("sandbox");
    let s = g.session();
    assert_eq!(s.recital.performed(), 8);
    for w in &s.recital.written {
        assert_eq!(w.memorised, s.run.docs.contains(&w.text), "{}", w.text);
    }
}

#[test]
fn the_sandbox_trains_on_your_text_or_says_why_not() {
    let mut g = game_with_progress(LevelSet::builtin(), 1, true);
    g.act(Action::Play("sandbox".into()));
    let before = g.session().run_id;
    let gpt = raw_weights::brain::GptConfig { n_layer: 1, n_head: 2, n_embd: 8, block_size: 12 };
    let mine =
        Retrain { text: "robot\nrobin\nrocket\n".into(), model: raw_weights::brain::ModelKind::Gpt, gpt };
    g.act(Action::Retrain(Box::new(mine)));
    let s = g.session();
    assert_eq!(s.notice, None);
    assert_eq!(s.run_id, before + 1);
    assert_eq!(s.run.vocab.letters(), "bceiknort");
    assert_eq!(s.run.config.gpt, gpt);
    let id = s.run_id;
    for (text, gpt, why) in [
        ("\n  \n", gpt, "empty"),
        ("words", raw_weights::brain::GptConfig { n_head: 3, ..gpt }, "multiple of n_head"),
    ] {
        let spec = Retrain { text: text.into(), model: raw_weights::brain::ModelKind::Gpt, gpt };
        g.act(Action::Retrain(Box::new(spec)));
        let s = g.session();
        assert!(s.notice.as_deref().is_some_and(|n| n.contains(why)), "{:?}", s.notice);
        assert_eq!(s.run_id, id, "the run is kept");
    }
}

// ------------------------------------------------------------ training rules

/// Fixed ticks spent playing.
#[derive(Resource, Default)]
struct PlayingTicks(u32);

fn count_ticks(mut ticks: ResMut<PlayingTicks>) {
    ticks.0 += 1;
}

/// Plays "climbing" at `speed` steps per second for `updates` frames of
/// `ticks` fixed ticks each; returns the ticks spent playing, the steps
/// taken and the weights' checksum.
fn train_for(speed: u32, ticks: u32, updates: usize) -> (u32, usize, u64) {
    let levels = levels_with(3, |t| t.replace("speed: 60,", &format!("speed: {speed},")));
    let mut g = game_with_progress(levels, ticks, true);
    g.app.init_resource::<PlayingTicks>();
    g.app.add_systems(FixedUpdate, count_ticks.run_if(in_state(Screen::Playing)));
    g.app.world_mut().write_message(Action::Play("climbing".into()));
    for _ in 0..updates {
        g.app.update();
    }
    let s = g.session();
    (g.app.world().resource::<PlayingTicks>().0, s.run.step_count(), s.run.checksum())
}

#[test]
fn training_advances_by_steps_whatever_the_frame_rate() {
    // 90 steps per second: one step and a half per tick, however the ticks fall into frames.
    let level = LevelSet::builtin().get("climbing").unwrap().clone();
    for (ticks, updates) in [(1, 61), (3, 21), (7, 9)] {
        let (played, steps, checksum) = train_for(90, ticks, updates);
        assert_eq!(steps, (played * 90 / 60) as usize, "{ticks} ticks per frame: {played} ticks played");
        // The game trains exactly as the brain does on its own.
        let mut exact = Run::new(level.run_config(), &level.corpus).unwrap();
        exact.train(steps).unwrap();
        assert_eq!(exact.checksum(), checksum, "{ticks} ticks per frame");
    }
    // One second of play at any frame rate: 90 steps.
    assert_eq!(train_for(90, 1, 61).1, 90);
    assert_eq!(train_for(90, 4, 16).1, 90);
}

#[test]
fn a_time_budget_delays_steps_but_never_changes_them() {
    // A zero budget lets one step through per tick; the rest wait.
    let levels = levels_with(3, |t| t.replace("speed: 60,", "speed: 240,"));
    let mut g = game_with_progress(levels, 1, true);
    g.app.insert_resource(TrainingBudget(Some(Duration::ZERO)));
    g.act(Action::Play("climbing".into()));
    let before = g.session().run.step_count();
    for _ in 0..30 {
        g.app.update();
    }
    let session = g.session();
    assert_eq!(session.run.step_count() - before, 30, "one step per tick instead of four");
    let mut exact = Run::new(session.level.run_config(), &session.level.corpus).unwrap();
    exact.train(session.run.step_count()).unwrap();
    assert_eq!(exact.checksum(), session.run.checksum());
}

#[test]
fn pausing_stops_training_and_settings_apply_between_steps() {
    let mut g = game_with_progress(LevelSet::builtin(), 1, true);
    g.act(Action::Play("climbing".into()));
    g.press(KeyCode::Space);
    let before = g.session().run.step_count();
    for _ in 0..30 {
        g.app.update();
    }
    assert_eq!(g.session().run.step_count(), before, "no step while paused");
    g.act(Action::Set(Setting::LearningRate(0.2)));
    g.act(Action::Set(Setting::Speed(600)));
    assert_eq!(g.session().run.optimizer.config.lr, 0.2);
    assert_eq!(g.session().speed, 600);
    let Activity::Climbing(race) = &g.session().activity else { panic!() };
    assert!(race.ghosts.iter().all(|gh| gh.run.optimizer.config.lr == 0.2), "the ghosts share the settings");
    g.act(Action::Set(Setting::LearningRate(f32::NAN)));
    assert_eq!(g.session().run.optimizer.config.lr, 0.2, "a NaN rate is ignored");
}

#[test]
fn a_control_the_level_does_not_show_changes_nothing() {
    let mut g = game(LevelSet::builtin(), 1);
    g.act(Action::Play("prediction".into()));
    let lr = g.session().run.optimizer.config.lr;
    g.act(Action::Set(Setting::LearningRate(0.5)));
    assert_eq!(g.session().run.optimizer.config.lr, lr, "prediction shows no learning-rate control");
    let locked = levels_with(0, |t| {
        t.replace("controls: (shown: [speed], locked: [])", "controls: (shown: [speed], locked: [speed])")
    });
    let mut g = game(locked, 1);
    g.act(Action::Play("prediction".into()));
    g.act(Action::Set(Setting::Speed(900)));
    assert_eq!(g.session().speed, 20, "a locked control keeps the level's value");
}

#[test]
fn a_diverging_run_makes_the_student_fall_and_the_level_restart() {
    let levels = levels_with(3, |t| t.replace("kind: adam, lr: 0.01", "kind: sgd, lr: 1e30"));
    let mut g = game_with_progress(levels, 1, true);
    g.act(Action::Play("climbing".into()));
    let first_run = g.session().run_id;
    g.run_until(200, |g| matches!(g.session().phase, Phase::Fallen { .. }));
    assert!(g.session().notice.as_deref().is_some_and(|n| n.contains("fell")));
    g.run_until(FALL_TICKS as usize + 5, |g| g.session().run_id != first_run);
    assert_eq!(g.session().phase, Phase::Playing, "a fresh run");
    assert_eq!(g.screen(), Screen::Playing);
}

#[test]
fn the_race_never_has_the_students_twin() {
    for kind in OptimizerKind::ALL {
        let ghosts = rivals(kind);
        assert_eq!(ghosts.len(), 3, "{kind:?}");
        assert!(!ghosts.contains(&kind), "{kind:?} races {ghosts:?}");
        assert!(!ghosts.contains(&OptimizerKind::AdamW));
    }
    assert!(rivals(OptimizerKind::AdamW).contains(&OptimizerKind::Adam), "AdamW races plain Adam");

    // In the game: a teacher's settings, then SGD; the ground follows each ghost by its climber.
    let mut g = game_with_progress(LevelSet::builtin(), 1, true);
    g.act(Action::Play("climbing".into()));
    g.act(Action::Set(Setting::LearningRate(0.02)));
    g.act(Action::Set(Setting::Optimizer(OptimizerKind::Sgd)));
    g.act(Action::Set(Setting::Speed(600)));
    g.run_until(200, |g| g.session().run.step_count() >= 40);
    let s = g.session();
    let Activity::Climbing(race) = &s.activity else { panic!() };
    let kinds: Vec<_> = race.ghosts.iter().map(|g| g.kind).collect();
    assert_eq!(kinds, [OptimizerKind::Momentum, OptimizerKind::RmsProp, OptimizerKind::Adam]);
    let adam = &race.ghosts[2];
    assert_eq!(adam.run.step_count(), s.run.step_count());
    assert_eq!(adam.run.optimizer.config.lr, 0.02, "the ghosts climb at the student's lr");
    let terrain = g.app.world().resource::<Terrain>();
    for ghost in &race.ghosts {
        let mark = terrain.ghosts.iter().find(|m| m.kind == ghost.kind);
        assert!(
            mark.is_some_and(|m| m.step == ghost.run.step_count()),
            "{:?} stands on the ground",
            ghost.kind
        );
    }
    assert_eq!(terrain.ghosts.len(), 3, "and no mark of the ghost that left");
}

#[test]
fn sgd_at_the_highest_learning_rate_the_slider_offers_falls() {
    let mut g = game_with_progress(LevelSet::builtin(), 1, true);
    g.act(Action::Play("climbing".into()));
    g.act(Action::Set(Setting::Optimizer(OptimizerKind::Sgd)));
    g.act(Action::Set(Setting::LearningRate(10.0)));
    g.act(Action::Set(Setting::Speed(600)));
    g.run_until(300, |g| matches!(g.session().phase, Phase::Fallen { .. }));
}

#[test]
fn running_out_of_steps_is_reported() {
    let levels = levels_with(3, |t| {
        t.replace("steps: 1000,", "steps: 40,")
            .replace("goal: loss_below(loss: 2.45, window: 100)", "goal: loss_below(loss: 0.5, window: 20)")
            .replace("speed: 60,", "speed: 600,")
    });
    let mut g = game_with_progress(levels, 1, true);
    g.act(Action::Play("climbing".into()));
    g.run_until(100, |g| g.session().phase == Phase::OutOfSteps);
    assert_eq!(g.session().run.step_count(), 40);
    let run_id = g.session().run_id;
    g.press(KeyCode::KeyR);
    assert_eq!(g.session().run_id, run_id + 1, "R restarts the level");
    assert!(g.session().run.step_count() < 40);
    assert_eq!(g.session().phase, Phase::Playing);
}

#[test]
fn the_student_stands_on_the_ground_at_its_true_score() {
    let mut g = game_with_progress(LevelSet::builtin(), 1, true);
    // An unlimited budget cuts a whole slice every frame, at the current step.
    g.app.insert_resource(LandscapeBudget(None));
    g.act(Action::Play("climbing".into()));
    for _ in 0..30 {
        g.app.update();
    }
    let step = g.session().run.step_count();
    assert!(step >= 30);
    let terrain = g.app.world().resource::<Terrain>();
    let slice = terrain.landscape.current.as_ref().expect("a slice is on show");
    assert_eq!(slice.plane.step, step, "the slice is cut through the current weights");
    assert_eq!(terrain.student_step, step);
    // The student's weights are the grid point (L, 0): the ground there is its score.
    let under = slice.loss(26, 16);
    assert!(
        (under - terrain.student_loss).abs() < 1e-4,
        "ground {under} vs student {}",
        terrain.student_loss
    );
    let start_height = slice.loss(6, 16);
    assert!(
        start_height > terrain.student_loss,
        "the start is higher up: {start_height} vs {}",
        terrain.student_loss
    );
    assert!(terrain.trail.points.len() >= 2);
    assert_eq!(terrain.ghosts.len(), 3, "the ghosts stand on the ground too");
}

#[test]
fn brackets_change_the_speed_and_f1_shows_the_next_hint() {
    let mut g = game(LevelSet::builtin(), 1);
    g.act(Action::Play("prediction".into()));
    g.press(KeyCode::BracketRight);
    assert_eq!(g.session().speed, 40);
    g.press(KeyCode::BracketLeft);
    g.press(KeyCode::BracketLeft);
    assert_eq!(g.session().speed, 10);
    g.press(KeyCode::F1);
    assert_eq!(g.session().hint, 1);
    assert_eq!(g.app.world().resource::<CurrentLevel>().0.as_deref(), Some("prediction"));
}

#[test]
fn a_prefix_the_student_cannot_read_is_explained() {
    let mut g = game_with_progress(LevelSet::builtin(), 1, true);
    g.act(Action::Play("performing".into()));
    g.act(Action::Set(Setting::Prefix("Ma".into())));
    g.act(Action::Write);
    let error = g.session().write_error.clone().expect("M is not a letter the student knows");
    assert!(error.contains("'M'"), "{error}");
    g.act(Action::Set(Setting::Prefix("ma".into())));
    g.act(Action::Write);
    assert_eq!(g.session().write_error, None, "a good prefix clears the message");
}

#[test]
fn while_paused_the_lesson_waits() {
    let mut g = game_with_progress(LevelSet::builtin(), 1, true);
    g.act(Action::Play("voting".into()));
    g.press(KeyCode::Space);
    g.press(KeyCode::KeyD);
    g.act(Action::Write);
    let s = g.session();
    let Activity::Voting(ballot) = &s.activity else { panic!() };
    assert_eq!(ballot.draws(), 0, "no draw while paused");
    assert!(s.recital.stage.is_none(), "no performance while paused");
    g.press(KeyCode::Space);
    g.press(KeyCode::KeyD);
    let Activity::Voting(ballot) = &g.session().activity else { panic!() };
    assert_eq!(ballot.draws(), 10);
}

#[test]
fn only_a_loss_goal_runs_out_of_steps() {
    let levels =
        levels_with(5, |t| t.replace("steps: 3000,", "steps: 30,").replace("speed: 120,", "speed: 600,"));
    let mut g = game_with_progress(levels, 1, true);
    g.act(Action::Play("sandbox".into()));
    g.run_until(100, |g| g.session().run.is_finished());
    for _ in 0..5 {
        g.app.update();
    }
    assert_eq!(g.session().phase, Phase::Playing, "the sandbox has no goal to miss");
}

#[test]
fn restart_after_retraining_keeps_your_text() {
    let mut g = game_with_progress(LevelSet::builtin(), 1, true);
    g.act(Action::Play("sandbox".into()));
    let gpt = raw_weights::brain::GptConfig { n_layer: 1, n_head: 2, n_embd: 8, block_size: 12 };
    let mine = Retrain { text: "robot\nrobin\n".into(), model: raw_weights::brain::ModelKind::Gpt, gpt };
    g.act(Action::Retrain(Box::new(mine)));
    g.press(KeyCode::KeyR);
    let s = g.session();
    assert_eq!(s.run.vocab.letters(), "binort", "R restarts on your text, not the level's");
    assert!(s.run.step_count() < 5, "a fresh run");
}
