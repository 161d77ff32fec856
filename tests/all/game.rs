//! The game's rules, headless: `MinimalPlugins` + `StatesPlugin`, fixed timesteps.

use std::time::Duration;

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use bevy::time::TimeUpdateStrategy;

use raw_weights::brain::Run;
use raw_weights::game;
use raw_weights::game::actions::{Action, Setting};
use raw_weights::game::levels::{CurrentLevel, Levels, ProgressRes};
use raw_weights::game::screens::{Pause, Screen};
use raw_weights::game::session::{FALL_TICKS, Phase, Session, TrainingBudget};
use raw_weights::game::terrain::{LandscapeBudget, Terrain};
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
        progress.record(level.id(), 2.0);
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
        self.app.world_mut().resource_mut::<ButtonInput<KeyCode>>().press(key);
        self.app.update();
        let mut keys = self.app.world_mut().resource_mut::<ButtonInput<KeyCode>>();
        keys.release(key);
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

    fn run_until(&mut self, max_updates: usize, done: impl Fn(&Game) -> bool) -> usize {
        for n in 0..max_updates {
            if done(self) {
                return n;
            }
            self.app.update();
        }
        panic!("not done after {max_updates} updates");
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

#[test]
fn meeting_the_goal_completes_the_level_saves_progress_and_unlocks_the_next() {
    let levels = levels_with(0, |t| {
        t.replace("goal: loss_below(loss: 2.8, window: 100)", "goal: loss_below(loss: 3.25, window: 10)")
            .replace("speed: 30,", "speed: 600,")
    });
    let mut g = game(levels, 1);
    g.act(Action::Play("prediction".into()));
    assert_eq!(g.screen(), Screen::Playing);
    g.run_until(3000, |g| g.screen() == Screen::Complete);
    let Phase::Cheering { score, .. } = g.session().phase else { panic!("{:?}", g.session().phase) };
    assert!(score < 3.25);
    let progress = &g.app.world().resource::<ProgressRes>().progress;
    assert_eq!(progress.best.get("prediction"), Some(&score));
    let (saved, warning) = ProgressStore::in_dir(g.dir.path()).load();
    assert_eq!((saved.best.get("prediction"), warning), (Some(&score), None), "saved to disk");
    g.press(KeyCode::Enter);
    assert_eq!(g.screen(), Screen::Playing);
    assert_eq!(g.session().level.id(), "voting", "the next level is open");
    assert_eq!(g.app.world().resource::<CurrentLevel>().0.as_deref(), Some("voting"));
}

/// Fixed ticks spent playing.
#[derive(Resource, Default)]
struct PlayingTicks(u32);

fn count_ticks(mut ticks: ResMut<PlayingTicks>) {
    ticks.0 += 1;
}

/// Plays "scoring" at `speed` steps per second for `updates` frames of
/// `ticks` fixed ticks each; returns the ticks spent playing, the steps
/// taken and the weights' checksum.
fn train_for(speed: u32, ticks: u32, updates: usize) -> (u32, usize, u64) {
    let levels = levels_with(2, |t| t.replace("speed: 60,", &format!("speed: {speed},")));
    let mut g = game_with_progress(levels, ticks, true);
    g.app.init_resource::<PlayingTicks>();
    g.app.add_systems(FixedUpdate, count_ticks.run_if(in_state(Screen::Playing)));
    g.app.world_mut().write_message(Action::Play("scoring".into()));
    for _ in 0..updates {
        g.app.update();
    }
    let s = g.session();
    (g.app.world().resource::<PlayingTicks>().0, s.run.step_count(), s.run.checksum())
}

#[test]
fn training_advances_by_steps_whatever_the_frame_rate() {
    // 90 steps per second: one step and a half per tick, however the ticks fall into frames.
    let level = LevelSet::builtin().get("scoring").unwrap().clone();
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
    assert_eq!(g.session().speed, 30, "a locked control keeps the level's value");
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
    assert_eq!(g.session().phase, Phase::Training, "a fresh run");
    assert_eq!(g.screen(), Screen::Playing);
}

#[test]
fn running_out_of_steps_is_reported() {
    let levels = levels_with(0, |t| {
        t.replace("steps: 800,", "steps: 40,")
            .replace("goal: loss_below(loss: 2.8, window: 100)", "goal: loss_below(loss: 0.5, window: 20)")
            .replace("speed: 30,", "speed: 600,")
    });
    let mut g = game(levels, 1);
    g.act(Action::Play("prediction".into()));
    g.run_until(100, |g| g.session().phase == Phase::OutOfSteps);
    assert_eq!(g.session().run.step_count(), 40);
    let run_id = g.session().run_id;
    g.press(KeyCode::KeyR);
    assert_eq!(g.session().run_id, run_id + 1, "R restarts the level");
    assert!(g.session().run.step_count() < 40);
    assert_eq!(g.session().phase, Phase::Training);
}

#[test]
fn the_student_stands_on_the_ground_at_its_true_score() {
    let mut g = game_with_progress(LevelSet::builtin(), 1, true);
    // An unlimited budget cuts a whole slice every frame, at the current step.
    g.app.insert_resource(LandscapeBudget(None));
    g.act(Action::Play("scoring".into()));
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
}

#[test]
fn a_time_budget_delays_steps_but_never_changes_them() {
    // A zero budget lets one step through per tick; the rest wait.
    let levels = levels_with(2, |t| t.replace("speed: 60,", "speed: 240,"));
    let mut g = game_with_progress(levels, 1, true);
    g.app.insert_resource(TrainingBudget(Some(Duration::ZERO)));
    g.act(Action::Play("scoring".into()));
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
fn sgd_at_the_highest_learning_rate_the_slider_offers_falls() {
    let mut g = game_with_progress(LevelSet::builtin(), 1, true);
    g.act(Action::Play("climbing".into()));
    g.act(Action::Set(Setting::Optimizer(raw_weights::brain::OptimizerKind::Sgd)));
    g.act(Action::Set(Setting::LearningRate(10.0)));
    g.act(Action::Set(Setting::Speed(600)));
    g.run_until(300, |g| matches!(g.session().phase, Phase::Fallen { .. }));
}

#[test]
fn the_student_writes_from_the_prefix_when_asked() {
    let mut g = game_with_progress(LevelSet::builtin(), 1, true);
    g.act(Action::Play("performing".into()));
    g.act(Action::Set(Setting::Prefix("ma".into())));
    g.press(KeyCode::KeyW);
    let s = g.session();
    assert_eq!(s.writings.len(), raw_weights::game::session::WRITINGS_PER_REQUEST);
    assert!(s.writings.iter().all(|w| w.text.starts_with("ma")), "{:?}", s.writings);
    g.act(Action::Set(Setting::Prefix("Ma".into())));
    g.act(Action::Write);
    let error = g.session().write_error.clone().expect("M is not a letter the student knows");
    assert!(error.contains("'M'"), "{error}");
}

#[test]
fn brackets_change_the_speed_and_h_shows_the_next_hint() {
    let mut g = game(LevelSet::builtin(), 1);
    g.act(Action::Play("prediction".into()));
    g.press(KeyCode::BracketRight);
    assert_eq!(g.session().speed, 60);
    g.press(KeyCode::BracketLeft);
    g.press(KeyCode::BracketLeft);
    assert_eq!(g.session().speed, 15);
    g.press(KeyCode::KeyH);
    assert_eq!(g.session().hint, 1);
}
