//! Links a teacher sends (`#level=climbing&lr=0.02`): they read back the
//! settings they were made from, open their level with those settings (as the
//! player's own, so the replay records them), and bad links say what is wrong.
//! Also the sessions shipped with the game, which links and the map open.

use std::time::Duration;

use bevy::prelude::*;

use crate::harness::{Game, Setup};
use raw_weights::brain::{OptimizerKind, Schedule};
use raw_weights::game::Start;
use raw_weights::game::hud::{NOTICE_SECONDS, NoticeClock};
use raw_weights::game::intent::{Begin, OpenReplayText};
use raw_weights::game::levels::Notices;
use raw_weights::game::session::{Phase, Playback, Recording, Session};
use raw_weights::game::state::Screen;
use raw_weights::lesson::play::{Command, Play, Setting};
use raw_weights::lesson::share::{Shared, SharedStart, link, parse};
use raw_weights::level::LevelSet;
use raw_weights::level::replay::{Event, ReplayFile, SHIPPED, shipped, shipped_name};

use crate::cli::{assert_clear_error, raw_weights};

fn play(id: &str) -> Play {
    let levels = LevelSet::builtin();
    Play::new(levels.get(id).unwrap(), 1).unwrap()
}

fn level_link(text: &str) -> SharedStart {
    match parse(text) {
        Ok(Some(Shared::Level(shared))) => shared,
        other => panic!("{text}: {other:?}"),
    }
}

/// A headless game that starts as `start` says, with nothing unlocked.
fn app_starting(start: Start) -> (App, tempfile::TempDir) {
    let mut g = Game::new(Setup { start, training_budget: Some(Duration::ZERO), ..Setup::default() });
    for _ in 0..2 {
        g.app.update();
    }
    (g.app, g.dir)
}

fn screen(app: &App) -> Screen {
    *app.world().resource::<State<Screen>>().get()
}

#[test]
fn a_link_reads_back_the_settings_it_was_made_from() {
    let mut climbing = play("climbing");
    assert_eq!(link(&climbing), "#level=climbing", "an unchanged level links to itself alone");
    for setting in [
        Setting::Speed(240),
        Setting::Optimizer(OptimizerKind::Sgd),
        Setting::LearningRate(0.0123),
        Setting::Beta1(0.7),
        Setting::Eps(1e-6),
        Setting::Schedule(Schedule::Constant),
    ] {
        climbing.execute(&Command::Set(setting)).unwrap();
    }
    let shared = level_link(&link(&climbing));
    assert_eq!(shared.level, "climbing");
    let mut opened = play("climbing");
    for setting in &shared.settings {
        opened.execute(&Command::Set(setting.clone())).unwrap();
    }
    assert_eq!(opened.run.optimizer.config, climbing.run.optimizer.config);
    assert_eq!(opened.speed, 240);
    assert_eq!(link(&opened), link(&climbing));

    // Text with the link's own punctuation survives the trip.
    let mut performing = play("performing");
    for setting in [Setting::Prefix("an & a=b #c%".into()), Setting::Temperature(0.25), Setting::TopK(3)] {
        performing.execute(&Command::Set(setting)).unwrap();
    }
    let text = link(&performing);
    let shared = level_link(&format!("https://example.org/raw-weights/{text}"));
    assert!(shared.settings.contains(&Setting::Prefix("an & a=b #c%".into())), "{text}");
    assert!(shared.settings.contains(&Setting::Temperature(0.25)), "{text}");
    assert!(shared.settings.contains(&Setting::TopK(3)), "{text}");
}

#[test]
fn bad_links_name_what_is_wrong() {
    assert_eq!(parse(""), Ok(None));
    assert_eq!(parse("#"), Ok(None));
    assert_eq!(parse("https://example.org/raw-weights/"), Ok(None));
    assert_eq!(parse("#replay=4-climbing"), Ok(Some(Shared::Replay("4-climbing".into()))));
    for (text, needle) in [
        ("#level=climbing&lr=fast", "`lr=fast`"),
        ("#level=climbing&lr=NaN", "`lr=NaN`"),
        ("#level=climbing&optimizer=lion", "sgd, momentum"),
        ("#level=climbing&colour=red", "unknown key `colour`"),
        ("#lr=0.1", "names no level"),
        ("#level=climbing&replay=4-climbing", "both a level and a replay"),
        ("#replay=4-climbing&lr=0.1", "takes no settings"),
        ("#level=climbing&speed", "`speed` has no value"),
        ("#level=climbing&prefix=%zz", "`prefix` is not valid text"),
    ] {
        let error = parse(text).expect_err(text);
        assert!(error.contains(needle), "{text}: {error}");
    }
}

#[test]
fn a_link_opens_its_level_even_locked_with_its_settings_recorded() {
    let shared = level_link("#level=climbing&lr=0.02&optimizer=sgd&speed=30&temperature=0.5");
    let (mut app, _dir) = app_starting(Start::Link(shared));
    assert_eq!(screen(&app), Screen::Playing);
    let session = &app.world().resource::<Session>().play;
    assert_eq!(session.level.id(), "climbing");
    assert_eq!(session.run.optimizer.config.lr, 0.02);
    assert_eq!(session.run.optimizer.config.kind, OptimizerKind::Sgd);
    assert_eq!(session.speed, 30);
    // Climbing has no temperature control: the player is told the link's value was left out.
    let notice = session.notice_text().unwrap_or_default();
    assert!(notice.contains("temperature"), "{notice}");
    assert_eq!(session.sampling.temperature, session.level.file.sampling.temperature);
    // The settings are the session's first commands, so its replay starts as the link did.
    let recording = app.world().resource::<Recording>();
    let sets: Vec<_> = recording
        .0
        .events()
        .iter()
        .filter_map(|e| match e {
            Event::Do { step: 0, command: Command::Set(s), .. } => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        sets,
        [Setting::LearningRate(0.02), Setting::Optimizer(OptimizerKind::Sgd), Setting::Speed(30)]
    );
    assert_eq!(app.world().resource::<Session>().play.run.step_count(), 0, "its story card holds it");
    app.world_mut().trigger(Begin);
    for _ in 0..30 {
        app.update();
    }
    assert!(app.world().resource::<Session>().play.run.step_count() > 0, "the level trains once begun");
}

#[test]
fn a_link_to_a_missing_level_or_replay_says_so_on_the_map() {
    for (start, needle) in [
        (Start::Link(level_link("#level=flying&lr=0.1")), "no level `flying`"),
        (Start::Shipped("9-dancing".into()), "no replay `9-dancing`"),
    ] {
        let (app, _dir) = app_starting(start);
        assert_eq!(screen(&app), Screen::LevelMap);
        let notices = &app.world().resource::<Notices>().0;
        assert!(notices.iter().any(|n| n.contains(needle)), "{notices:?}");
    }
}

#[test]
fn a_replay_link_plays_a_shipped_session_back() {
    let (mut app, _dir) = app_starting(Start::from_link("#replay=4-climbing").unwrap());
    assert_eq!(screen(&app), Screen::Playing);
    assert!(app.world().get_resource::<Playback>().is_some(), "it plays back");
    assert_eq!(app.world().resource::<Session>().play.level.id(), "climbing");
    for _ in 0..30 {
        app.update();
    }
    let playback = app.world().resource::<Playback>();
    assert!(playback.replayer.position > 0 && playback.error.is_none(), "{:?}", playback.error);
}

#[test]
fn every_level_ships_a_session_and_each_opens_from_the_map() {
    let levels = LevelSet::builtin();
    assert_eq!(SHIPPED.len(), levels.levels.len());
    for ((path, text), level) in SHIPPED.iter().zip(&levels.levels) {
        let (file, opened) = ReplayFile::parse(path, text).unwrap();
        assert_eq!(opened.id(), level.id(), "{path}");
        assert!(file.total_steps() > 0, "{path}");
        assert_eq!(shipped(shipped_name(path)).map(|(p, _)| p), Some(*path));
    }
    let (mut app, _dir) = app_starting(Start::LevelMap);
    let (path, text) = SHIPPED[1];
    app.world_mut().trigger(OpenReplayText { name: path.into(), text: text.into() });
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Playing);
    assert_eq!(app.world().resource::<Session>().play.level.id(), "voting");
    assert!(app.world().get_resource::<Playback>().is_some());
}

#[test]
fn a_damaged_replay_picked_as_text_is_named_with_line_and_column() {
    let (mut app, _dir) = app_starting(Start::LevelMap);
    let (_, text) = SHIPPED[0];
    let broken = text.replacen("do(run", "do((run", 1);
    app.world_mut().trigger(OpenReplayText { name: "picked.replay.ron".into(), text: broken });
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::LevelMap);
    let notices = &app.world().resource::<Notices>().0;
    assert!(notices.iter().any(|n| n.starts_with("picked.replay.ron:")), "{notices:?}");
}

#[test]
fn a_damaged_replay_dropped_while_a_lesson_plays_says_why_on_the_lesson() {
    let mut g = Game::new(Setup { start: Start::Play("climbing".into()), ..Setup::default() });
    g.app.update();
    let (_, text) = SHIPPED[0];
    let broken = text.replacen("do(run", "do((run", 1);
    g.app.world_mut().trigger(OpenReplayText { name: "dropped.replay.ron".into(), text: broken });
    g.app.update();
    g.app.update();
    assert_eq!(screen(&g.app), Screen::Playing);
    assert_eq!(g.session().play.level.id(), "climbing", "the lesson goes on");
    let notice = g.session().play.notice_text().unwrap_or_default().to_string();
    // file:line:column: what is wrong
    let parts: Vec<&str> = notice.splitn(4, ':').collect();
    assert_eq!(parts[0], "dropped.replay.ron", "{notice}");
    assert!(parts.len() == 4 && parts[1..3].iter().all(|n| n.parse::<usize>().is_ok()), "{notice}");
}

#[test]
fn the_share_key_makes_a_link_that_opens_the_same_settings() {
    let mut g = Game::new(Setup { start: Start::Play("climbing".into()), ..Setup::default() });
    g.app.update();
    g.command(Command::Set(Setting::LearningRate(0.015)));
    g.press(KeyCode::F7);
    let notice = g.session().play.notice_text().unwrap_or_default().to_string();
    let text = notice.split('\'').nth(1).unwrap_or_else(|| panic!("{notice}"));
    assert_eq!(text, "#level=climbing&lr=0.015");
}

#[test]
fn play_with_a_bad_link_is_a_clear_error() {
    let out = raw_weights(&["play", "--link", "#lr=0.1"]);
    assert_clear_error(&out, "names no level");
    let out = raw_weights(&["play", "--link", "https://example.org/"]);
    assert_clear_error(&out, "names no level and no replay");
}

#[test]
fn a_replay_opened_while_a_lesson_plays_takes_over_the_screen() {
    let shared =
        match raw_weights::lesson::share::parse("#level=climbing&optimizer=momentum&lr=0.02&card=off") {
            Ok(Some(raw_weights::lesson::share::Shared::Level(s))) => s,
            other => panic!("{other:?}"),
        };
    let (mut app, _dir) = app_starting(Start::Link(shared));
    // Past its step budget: the try is missed, and a replay opens over it.
    for _ in 0..3000 {
        if matches!(app.world().resource::<Session>().phase, Phase::Missed(_)) {
            break;
        }
        app.update();
    }
    assert!(matches!(app.world().resource::<Session>().phase, Phase::Missed(_)));
    let (path, text) = SHIPPED[1];
    app.world_mut().trigger(OpenReplayText { name: path.into(), text: text.into() });
    for _ in 0..30 {
        app.update();
    }
    let session = app.world().resource::<Session>();
    eprintln!(
        "screen {:?} level {} phase {:?} playback {} notices {:?}",
        screen(&app),
        session.play.level.id(),
        session.phase,
        app.world().get_resource::<Playback>().is_some(),
        app.world().resource::<Notices>().0
    );
    assert_eq!(screen(&app), Screen::Playing);
    assert_eq!(session.play.level.id(), "voting");
    assert!(app.world().get_resource::<Playback>().is_some(), "it plays back");
}

#[test]
fn the_same_notice_said_again_shows_again() {
    let mut g = Game::new(Setup { start: Start::Play("climbing".into()), ..Setup::default() });
    g.app.update();
    let mut banner = NoticeClock::default();
    g.press(KeyCode::F7);
    let first = g.session().play.notice.clone().expect("the link is handed over");
    assert!(banner.tick(Some(&first), 0.5).is_some_and(|t| t.contains("#level=climbing")));
    // The banner puts it away once it has been on show long enough...
    assert_eq!(banner.tick(Some(&first), NOTICE_SECONDS), None);
    // ...and a second press, the same link in the same words, shows it afresh.
    g.press(KeyCode::F7);
    let second = g.session().play.notice.clone().expect("the link is handed over again");
    assert_eq!(second.text, first.text);
    assert_eq!(banner.tick(Some(&second), 0.5), Some(first.text.as_str()));
    // A restart keeps the notice, as the same saying: its time on show runs on.
    g.command(Command::Restart);
    let kept = g.session().play.notice.clone();
    assert_eq!(kept.as_ref(), Some(&second));
    assert_eq!(banner.tick(kept.as_ref(), NOTICE_SECONDS), None);
}
