//! The game's rules, headless: `MinimalPlugins` + `StatesPlugin`, fixed
//! timesteps. Each lesson is driven to its goal with the player's own keys,
//! left untouched it is not, and what its panels show is checked against the brain.

use std::time::Duration;

use bevy::prelude::*;

use crate::harness::{Game, Setup, game, levels_with, open_game};
use raw_weights::brain::math::{argmax, cross_entropy, softmax, softmax_with_temperature};
use raw_weights::brain::{OptimizerKind, Run};
use raw_weights::game::intent::{
    Command, NextHint, OpenMap, OpenText, Retrain, Setting, ShowCard, TogglePanel, TogglePresenter,
};
use raw_weights::game::levels::{CurrentLevel, Levels, Notices};
use raw_weights::game::props::ballot::BallotBox;
use raw_weights::game::props::blackboard::Blackboard;
use raw_weights::game::props::ghosts::Ghosts;
use raw_weights::game::props::mark_board::MarkBoard;
use raw_weights::game::props::stage::Stage;
use raw_weights::game::props::threads::Threads;
use raw_weights::game::props::water::WaterLine;
use raw_weights::game::session::{FALL_TICKS, LAG_WARNING_SECONDS, Phase, TrainingBudget};
use raw_weights::game::state::{InLesson, Pause, Screen};
use raw_weights::game::terrain::{LandscapePace, SlicePace, Terrain};
use raw_weights::game::view::Screenful;
use raw_weights::game::{Start, consts::TICK_HZ};
use raw_weights::lesson::climbing::rivals;
use raw_weights::lesson::layout::{LayoutInput, layout};
use raw_weights::lesson::{Activity, GoalState, bigram_votes, view};
use raw_weights::level::{Lesson, LevelSet, ProgressStore};

fn reading(g: &Game) -> &raw_weights::lesson::prediction::Reading {
    match &g.session().play.activity {
        Activity::Reading(r) => r,
        _ => panic!("a reading"),
    }
}

fn letter_key(c: char) -> KeyCode {
    raw_weights::game::keys::key_of(c).expect("a lowercase letter")
}

#[test]
fn every_screen_is_reached_by_keys() {
    let mut g = game(LevelSet::builtin(), 1);
    assert_eq!(g.screen(), Screen::Title);
    g.press(KeyCode::Enter);
    assert_eq!(g.screen(), Screen::LevelMap);
    g.press(KeyCode::Digit1);
    assert_eq!(g.screen(), Screen::Playing);
    assert_eq!(g.session().play.level.id(), "prediction");
    assert_eq!(g.session().phase, Phase::Card, "a lesson opens on its story card");
    g.press(KeyCode::Space);
    assert_eq!(g.session().phase, Phase::Playing, "Space begins");
    g.press(KeyCode::Space);
    assert_eq!(*g.app.world().resource::<State<Pause>>().get(), Pause::Paused);
    g.press(KeyCode::Space);
    assert_eq!(*g.app.world().resource::<State<Pause>>().get(), Pause::Running);
    // In the prediction lesson letters are guesses: the map is in the pause menu.
    g.press(KeyCode::KeyM);
    assert_eq!(g.screen(), Screen::Playing, "M is a guess here");
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
    g.trigger(raw_weights::game::intent::PlayLevel("scoring".into()));
    assert_eq!(g.screen(), Screen::LevelMap);
}

// ------------------------------------------------------------ the story card

#[test]
fn the_story_card_holds_the_lesson_until_space() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.trigger(raw_weights::game::intent::PlayLevel("climbing".into()));
    assert_eq!(g.session().phase, Phase::Card);
    let steps = g.session().play.run.step_count();
    for _ in 0..60 {
        g.app.update();
    }
    // The lesson's keys do nothing on the card.
    g.press(KeyCode::KeyO);
    g.press(KeyCode::KeyR);
    g.press(KeyCode::BracketRight);
    let s = g.session();
    assert_eq!(s.play.run.step_count(), steps, "no training on the card");
    assert_eq!(s.play.run.optimizer.config.kind, OptimizerKind::Sgd, "no settings on the card");
    assert_eq!(s.play.speed, 60);
    g.press(KeyCode::Enter);
    assert_eq!(g.session().phase, Phase::Playing, "Enter begins too");
    for _ in 0..30 {
        g.app.update();
    }
    assert!(g.session().play.run.step_count() > steps, "training runs once begun");
    // F2 brings the card back, and it holds the lesson again.
    g.press(KeyCode::F2);
    assert_eq!(g.session().phase, Phase::Card);
    let steps = g.session().play.run.step_count();
    for _ in 0..30 {
        g.app.update();
    }
    assert_eq!(g.session().play.run.step_count(), steps);
    g.press(KeyCode::Escape);
    assert_eq!(g.screen(), Screen::LevelMap, "Esc on the card goes back to the map");
}

#[test]
fn a_start_from_the_command_line_and_a_card_off_link_open_past_the_card() {
    let mut g = Game::new(Setup { start: Start::Play("voting".into()), ..Setup::default() });
    g.app.update();
    assert_eq!((g.screen(), g.session().phase.clone()), (Screen::Playing, Phase::Playing));
    let link = |card: &str| Start::from_link(&format!("#level=climbing&lr=0.02{card}")).unwrap();
    let mut g = Game::new(Setup { start: link("&card=off"), ..Setup::default() });
    g.app.update();
    assert_eq!(g.session().phase, Phase::Playing, "card=off skips the card");
    assert_eq!(g.session().play.run.optimizer.config.lr, 0.02, "and the link's settings apply");
    let mut g = Game::new(Setup { start: link(""), ..Setup::default() });
    g.app.update();
    assert_eq!(g.session().phase, Phase::Card, "a link without card=off shows the card");
}

// ------------------------------------------------------------ the lessons

/// Presses the key of the letter under the next cover: the perfect reader.
fn guess_right(g: &mut Game) {
    let s = g.session();
    let Activity::Reading(r) = &s.play.activity else { panic!() };
    let covered = r.covered(&s.play.run);
    match s.play.run.vocab.letter(covered) {
        Some(c) => g.press(letter_key(c)),
        None => g.press(KeyCode::Enter),
    }
}

#[test]
fn prediction_is_won_by_out_guessing_the_student_and_unlocks_voting() {
    // A student that studied 300 steps and holds still, so each guess can be checked.
    let levels = levels_with(0, |t| {
        t.replace("steps: 2000,", "steps: 2000,\n    pretrain: 300,\n    train_while_playing: false,")
    });
    let mut g = game(levels, 1);
    g.press(KeyCode::Enter);
    g.press(KeyCode::Digit1);
    g.press(KeyCode::Space);
    // What the panel shows is the bigram's softmax after the letter before the cursor.
    {
        let s = g.session();
        let r = reading(&g);
        let context = r.tokens(&s.play.run)[r.cursor];
        let mut shares = vec![0.0; s.play.run.vocab.size()];
        softmax(&mut shares, bigram_votes(&s.play.run, context as usize));
        assert_eq!(r.shares(&s.play.run), shares);
        let panel = view::reading(&s.play).unwrap();
        assert_eq!(panel.guess[0].share, shares[argmax(&shares)], "the panel's first share is its guess");
    }
    // Two looks first (they do not count), then the right letter each time.
    for i in 0..22 {
        let (student, truth) = {
            let s = g.session();
            let r = reading(&g);
            (argmax(&r.shares(&s.play.run)), r.covered(&s.play.run))
        };
        if i < 2 {
            g.press(KeyCode::ArrowRight);
        } else {
            guess_right(&mut g);
        }
        let r = reading(&g);
        assert_eq!(r.read, i + 1, "each key uncovers one letter");
        let last = r.history.last().unwrap();
        assert_eq!((last.student, last.truth), (student, truth), "the student's guess is its top share");
        assert_eq!(last.player, if i < 2 { None } else { Some(truth) });
        if g.session().phase != Phase::Playing {
            break;
        }
    }
    let r = reading(&g).clone();
    assert_eq!(
        (r.player_guesses, r.player_hits),
        (20, 20),
        "twenty guesses, all right; the looks not counted"
    );
    assert!(r.student_hits_on_guesses < 20);
    g.completes("voting");
    let best = g.progress().best["prediction"];
    let (saved, warning) = ProgressStore::in_dir(g.dir.path()).load();
    assert_eq!((saved.best.get("prediction"), warning), (Some(&best), None), "saved to disk");
    assert_eq!(best, 100.0, "the score is your hit rate");
}

#[test]
fn a_round_the_student_wins_says_why_and_enter_starts_another() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("prediction");
    // Always 'q': the student, whatever it knows, is not beaten by that.
    for _ in 0..20 {
        g.press(KeyCode::KeyQ);
    }
    let Phase::Missed(why) = g.session().phase.clone() else {
        panic!("the round is over: {:?}", g.session().phase)
    };
    assert!(why.contains("20 guesses"), "{why}");
    let run = g.session().play.run_id;
    g.press(KeyCode::KeyQ);
    assert_eq!(reading(&g).player_guesses, 20, "no guessing after the round");
    g.press(KeyCode::Enter);
    assert_eq!(g.session().play.run_id, run + 1, "Enter: a new round");
    assert_eq!(g.session().phase, Phase::Playing);
    assert_eq!(reading(&g).player_guesses, 0);
}

#[test]
fn a_score_reads_on_the_same_side_of_its_goal_as_it_is() {
    // The race once showed "2.450 under water" beside "goal below 2.45".
    assert_eq!(view::score_text(2.4496, Some(2.45)), "2.4496");
    assert_eq!(view::score_text(2.4512, Some(2.45)), "2.451");
    assert_eq!(view::score_text(2.4496, None), "2.450");
    for goal in [2.45f32, 2.2, 0.05] {
        let written_goal: f64 = view::goal_text(goal).parse().unwrap();
        // every f32 within a few thousand of the goal, both sides
        for offset in -3000i32..3000 {
            let score = f32::from_bits((goal.to_bits() as i32 + offset) as u32);
            let text = view::score_text(score, Some(goal));
            let written: f64 = text.parse().unwrap();
            assert_eq!(written < written_goal, score < goal, "{score} against {goal} reads {text}");
        }
    }
}

#[test]
fn voting_shares_follow_the_votes_and_the_draws_follow_the_shares() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("voting");
    let vocab = g.session().play.run.vocab.clone();
    let (m, o) = (vocab.id('m').unwrap(), vocab.id('o').unwrap());
    // Pick 'o' with the arrow keys: from 'a' (0), right 14 times.
    for _ in 0..o {
        g.press(KeyCode::ArrowRight);
    }
    assert_eq!(g.session().play.selected, o);
    // Raise its votes with Shift+↑ until it holds half the shares.
    for _ in 0..40 {
        let view = view::ballot(&g.session().play).unwrap();
        if view.shares[o] >= 0.5 {
            break;
        }
        g.press_with(&[KeyCode::ShiftLeft], KeyCode::ArrowUp);
    }
    let s = g.session();
    let votes = bigram_votes(&s.play.run, m).to_vec();
    // What the box and the panel show: the brain's softmax of the row at the temperature.
    let view = view::ballot(&s.play).unwrap();
    assert_eq!(view.context, m);
    assert_eq!(view.votes, votes);
    let mut want = vec![0.0; votes.len()];
    softmax_with_temperature(&mut want, &votes, s.play.sampling.temperature);
    assert_eq!(view.shares, want);
    assert!((view.shares.iter().sum::<f32>() - 1.0).abs() < 1e-5, "the box's shares add up to one");
    assert_eq!(view::ballot_panel(&view).sum, format!("{:.4}", view.shares.iter().sum::<f32>()));
    assert!(view.shares[o] >= 0.5);
    assert_eq!(s.phase, Phase::Playing, "drawing is part of the goal");
    // The temperature moves every share, by keys: T up, Shift+T down.
    g.press(KeyCode::KeyT);
    let hot = view::ballot(&g.session().play).unwrap();
    assert!((hot.temperature - 1.1).abs() < 1e-6);
    let mut want = vec![0.0; votes.len()];
    softmax_with_temperature(&mut want, &votes, hot.temperature);
    assert_eq!(hot.shares, want);
    assert!(hot.shares[o] < view.shares[o], "a higher temperature evens the shares out");
    g.press_with(&[KeyCode::ShiftLeft], KeyCode::KeyT);
    // Draw 100 letters with Shift+D: the tally follows the shares.
    g.press_with(&[KeyCode::ShiftLeft], KeyCode::KeyD);
    let tally = view::ballot(&g.session().play).unwrap().tally.unwrap();
    assert_eq!(tally.iter().sum::<u32>(), 100);
    assert!(tally[o] > 30, "'o' drawn {} times in 100 at a share of at least 50%", tally[o]);
    g.completes("scoring");
    assert!(g.progress().best["voting"] >= 0.5);
}

#[test]
fn scoring_shows_the_score_and_its_gradient_and_is_lowered_by_hand() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("scoring");
    let start = {
        let play = &g.session().play;
        let Activity::Scoring(marking) = &play.activity else { panic!() };
        // Each letter's score is −ln p(true) and its gradient p − onehot.
        for mark in marking.marks(&play.run) {
            let votes = bigram_votes(&play.run, mark.context);
            assert_eq!(mark.score, cross_entropy(votes, mark.truth));
            assert!((mark.score + mark.shares[mark.truth].ln()).abs() < 1e-4);
            for (i, g) in mark.gradient.iter().enumerate() {
                let onehot = if i == mark.truth { 1.0 } else { 0.0 };
                assert_eq!(*g, mark.shares[i] - onehot);
            }
        }
        // The box shows the marked letter's row, its plain shares and its gradient; the board, every mark.
        let view = view::ballot(play).unwrap();
        let mark = marking.mark(&play.run, marking.position);
        assert_eq!((view.context, view.temperature), (mark.context, 1.0), "the teacher scores at T = 1");
        assert_eq!((view.shares, view.gradient), (mark.shares.clone(), Some(mark.gradient.clone())));
        let board = view::mark_board(play).unwrap();
        assert_eq!(board.cells.len(), 5, "anna: ¶→a, a→n, n→n, n→a, a→¶");
        assert_eq!(board.mean, marking.mean_score(&play.run));
        marking.mean_score(&play.run)
    };
    assert!(start > 1.2);
    // For each letter of "anna" (. walks along it), raise the true letter's votes, by keys.
    for position in 0..5 {
        let (context, truth) = {
            let Activity::Scoring(marking) = &g.session().play.activity else { panic!() };
            assert_eq!(marking.position, position);
            (marking.tokens[position], marking.tokens[position + 1])
        };
        let now = bigram_votes(&g.session().play.run, context)[truth];
        let v = g.session().play.run.vocab.size();
        let steps = (truth + v - g.session().play.selected) % v;
        for _ in 0..steps {
            g.press(KeyCode::ArrowRight);
        }
        assert_eq!(g.session().play.selected, truth);
        for _ in 0..3 {
            g.press_with(&[KeyCode::ShiftLeft], KeyCode::ArrowUp);
        }
        if g.screen() != Screen::Playing || g.session().phase != Phase::Playing {
            break;
        }
        assert!((bigram_votes(&g.session().play.run, context)[truth] - (now + 3.0)).abs() < 1e-5);
        g.press(KeyCode::Period);
    }
    g.completes("climbing");
    assert!(g.progress().best["scoring"] < 1.2);
}

#[test]
fn climbing_is_missed_by_the_levels_own_climber_and_won_by_adam_chosen_with_keys() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("climbing");
    assert_eq!(g.session().play.run.optimizer.config.kind, OptimizerKind::Sgd);
    g.command(Command::Set(Setting::Speed(6000)));
    g.run_until(400, |g| matches!(g.session().phase, Phase::Missed(_)));
    let Phase::Missed(why) = g.session().phase.clone() else { panic!() };
    assert!(why.contains("Out of steps"), "{why}");
    assert_eq!(g.session().play.run.step_count(), 1000, "the whole budget");
    // O three times: momentum, RMSProp, Adam; then Enter tries again with Adam.
    for _ in 0..3 {
        g.press(KeyCode::KeyO);
    }
    assert_eq!(g.session().play.run.optimizer.config.kind, OptimizerKind::Adam);
    let run = g.session().play.run_id;
    g.press(KeyCode::Enter);
    let s = g.session();
    assert_eq!((s.phase.clone(), s.play.run_id), (Phase::Playing, run + 1), "a fresh try");
    assert!(s.play.run.step_count() <= 100, "from the start: {}", s.play.run.step_count());
    assert_eq!(s.play.run.optimizer.config.kind, OptimizerKind::Adam, "the retry keeps the climber");
    assert_eq!(s.play.speed, 6000, "and the speed");
    g.completes("performing");
    let s = g.session();
    let Activity::Climbing(race) = &s.play.activity else { panic!() };
    let kinds: Vec<_> = race.ghosts.iter().map(|g| g.kind).collect();
    assert_eq!(
        kinds,
        [OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::RmsProp],
        "Adam races the others"
    );
    for ghost in &race.ghosts {
        assert_eq!(ghost.run.step_count(), s.play.run.step_count(), "{:?} took as many steps", ghost.kind);
        let mut config = s.play.level.run_config();
        config.optimizer.kind = ghost.kind;
        let mut alone = Run::new(config, &s.play.level.corpus).unwrap();
        alone.train(s.play.run.step_count()).unwrap();
        assert_eq!(
            alone.losses, ghost.run.losses,
            "{:?}: the ghost is a plain run of that climber",
            ghost.kind
        );
        assert_eq!(alone.init, s.play.run.init, "same start");
    }
    assert!(s.play.run.recent_loss(100).unwrap() < 2.45);
}

#[test]
fn performing_writes_letter_by_letter_from_the_prefix() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("performing");
    assert_eq!(g.session().play.run.step_count(), 1500, "the student studied before the lesson");
    g.command(Command::Set(Setting::Prefix("ma".into())));
    g.press(KeyCode::KeyW);
    let first = g.session().play.recital.stage.as_ref().map(|s| s.drawn.len()).unwrap();
    // One letter every few ticks: after a letter's worth of updates, one more letter.
    for _ in 0..raw_weights::game::session::LETTER_TICKS {
        g.app.update();
    }
    let stage = g.session().play.recital.stage.as_ref().expect("a name takes more than two letters");
    assert_eq!(stage.drawn.len(), first + 1, "letters are drawn one at a time");
    let shown = view::stage(&g.session().play).unwrap();
    assert_eq!(shown.reading[..3], ["¶", "m", "a"], "it reads the start mark and the prefix first");
    g.press(KeyCode::Enter);
    assert!(g.session().play.recital.stage.is_none(), "Enter finishes the performance");
    assert!(g.session().play.recital.written[0].text.starts_with("ma"));
}

#[test]
fn performing_needs_the_temperature_turned_down_and_then_unlocks_looking_back() {
    let mut g = Game::new(Setup { start: Start::Play("performing".into()), ..Setup::default() });
    g.app.update();
    assert_eq!(g.session().play.sampling.temperature, 1.2);
    // Shift+T nine times: from 1.2 to 0.3, where it writes both what it read and its own.
    for _ in 0..9 {
        g.press_with(&[KeyCode::ShiftLeft], KeyCode::KeyT);
    }
    assert!((g.session().play.sampling.temperature - 0.3).abs() < 1e-6);
    for _ in 0..60 {
        if g.session().phase != Phase::Playing {
            break;
        }
        g.press(KeyCode::KeyW);
        g.press(KeyCode::Enter);
    }
    g.completes("looking");
    let s = g.session();
    assert!(s.play.recital.distinct(true) >= 3 && s.play.recital.distinct(false) >= 3);
    for w in &s.play.recital.written {
        assert_eq!(w.memorised, s.play.run.documents().any(|d| d == w.text), "{}", w.text);
    }
    assert_eq!(
        g.progress().best["performing"],
        s.play.recital.performed() as f32,
        "the score: performances it took"
    );
}

/// Untouched: past the card, no input for 120 s of game time, or the whole step budget.
#[test]
fn no_lesson_but_the_sandbox_is_won_untouched() {
    for level in LevelSet::builtin().levels.iter().filter(|l| l.file.lesson != Lesson::Sandbox) {
        let mut g = open_game(LevelSet::builtin(), TICK_HZ);
        g.play(level.id());
        for _ in 0..120 {
            g.app.update();
            if g.session().play.run.is_finished() && g.session().phase != Phase::Playing {
                break;
            }
        }
        let s = g.session();
        assert!(
            !matches!(s.play.goal(), GoalState::Reached(_)) && !matches!(s.phase, Phase::Cheering { .. }),
            "{} is not won by waiting",
            level.id()
        );
        assert_eq!(g.screen(), Screen::Playing, "{} is still playing", level.id());
    }
}

#[test]
fn the_sandbox_trains_on_your_text_or_says_why_not() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("sandbox");
    let before = g.session().play.run_id;
    let gpt = raw_weights::brain::GptConfig { n_layer: 1, n_head: 2, n_embd: 8, block_size: 12 };
    let mine = Retrain {
        text: "robot\nrobin\nrocket\n".into(),
        model: raw_weights::brain::ModelKind::Gpt,
        gpt,
        data: Default::default(),
    };
    g.command(Command::Retrain(mine));
    let s = g.session();
    assert_eq!(s.play.notice, None);
    assert_eq!(s.play.run_id, before + 1);
    assert_eq!(s.play.run.vocab.letters(), "bceiknort");
    assert_eq!(s.play.run.config.gpt, gpt);
    let id = s.play.run_id;
    for (text, gpt, why) in [
        ("\n  \n", gpt, "empty"),
        ("words", raw_weights::brain::GptConfig { n_head: 3, ..gpt }, "multiple of n_head"),
    ] {
        let spec = Retrain {
            text: text.into(),
            model: raw_weights::brain::ModelKind::Gpt,
            gpt,
            data: Default::default(),
        };
        g.command(Command::Retrain(spec));
        let s = g.session();
        assert!(s.play.notice_text().is_some_and(|n| n.contains(why)), "{:?}", s.play.notice);
        assert_eq!(s.play.run_id, id, "the run is kept");
    }
}

#[test]
fn the_sandbox_says_when_a_student_is_too_big_to_train_at_its_speed() {
    let mut g = Game::new(Setup {
        unlocked: true,
        training_budget: Some(std::time::Duration::from_millis(1)),
        ..Setup::default()
    });
    g.play("sandbox");
    // The small default student keeps up with the sandbox's own speed.
    for _ in 0..150 {
        g.app.update();
    }
    assert_eq!(g.session().pace.lagging(), None, "the default student keeps up");
    // The biggest student at a speed no computer reaches within 1 ms a tick.
    let text = raw_weights::corpora::NAMES.to_string();
    let gpt = raw_weights::brain::bench::BIG;
    g.command(Command::Retrain(Retrain {
        text,
        model: raw_weights::brain::ModelKind::Gpt,
        gpt,
        data: Default::default(),
    }));
    g.command(Command::Set(Setting::Speed(5000)));
    for _ in 0..(LAG_WARNING_SECONDS * 60 - 10) {
        g.app.update();
    }
    assert_eq!(g.session().pace.lagging(), None, "not before {LAG_WARNING_SECONDS} s");
    for _ in 0..30 {
        g.app.update();
    }
    let managed = g.session().pace.lagging().expect("behind for more than 2 s, it says so");
    assert!(managed > 0.0 && managed < 5000.0, "it trains, slower than asked: {managed}");
    let said = raw_weights::game::lessons::sandbox::lag_warning(managed, g.session().play.speed);
    assert!(said.contains("5000 asked for") && said.contains("smaller size"), "{said}");
    // At a speed it can keep, the warning goes.
    g.command(Command::Set(Setting::Speed(1)));
    for _ in 0..3 {
        g.app.update();
    }
    assert_eq!(g.session().pace.lagging(), None, "caught up at 1 step a second");
}

#[test]
fn the_sandbox_trains_a_book_sized_text_and_states_its_size_limit() {
    use raw_weights::game::lessons::sandbox::{Draft, EDIT_LIMIT};
    use raw_weights::lesson::play::{TEXT_LIMIT, check_text_size};
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("sandbox");
    // 40,000 lines, about half a megabyte: a preview, not an editor, and it trains as lines.
    let lines: Vec<String> = (0..40_000).map(|i| format!("line {i} of a long book")).collect();
    let text = lines.join("\n");
    assert!(text.len() > EDIT_LIMIT);
    g.app.world_mut().resource_mut::<Draft>().text = text.clone();
    assert_eq!(g.app.world_mut().resource_mut::<Draft>().documents(), 40_000);
    let gpt = raw_weights::brain::GptConfig::default();
    g.command(Command::Retrain(Retrain {
        text,
        model: raw_weights::brain::ModelKind::Gpt,
        gpt,
        data: Default::default(),
    }));
    let s = g.session();
    assert_eq!(s.play.notice, None);
    assert_eq!(s.play.run.document_count(), 40_000, "one document a line");
    assert_eq!(s.play.run.corpus.doc(39_999), "line 39999 of a long book");
    // Past the limit, a clear message names both sizes.
    assert_eq!(check_text_size(TEXT_LIMIT, TEXT_LIMIT), Ok(()));
    let said = check_text_size(33_000_000, 32_000_000).unwrap_err();
    assert!(said.contains("33.0 MB") && said.contains("up to 32 MB"), "{said}");
}

#[test]
fn the_sandbox_reads_a_text_as_a_stream_and_its_level_remembers_it() {
    use raw_weights::brain::Data;
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("sandbox");
    let text = raw_weights::corpora::SENTENCES.to_string();
    let gpt = raw_weights::brain::GptConfig::default();
    let spec = Retrain { text, model: raw_weights::brain::ModelKind::Gpt, gpt, data: Data::Stream };
    g.command(Command::Retrain(spec));
    let s = g.session();
    assert_eq!(s.play.notice, None);
    assert_eq!(s.play.run.config.data, Data::Stream);
    // The level written for a replay says so, and reads back the same.
    assert_eq!(s.play.level.file.data, Data::Stream);
    let written = ron::to_string(&s.play.level.file).unwrap();
    assert!(written.contains("data:stream"), "{}", &written[..200.min(written.len())]);
    assert_eq!(s.play.run.document_tokens(0).len(), gpt.block_size + 1);
    // A level that does not say reads lines, and writes nothing of it.
    let lines = ron::to_string(&LevelSet::builtin().get("climbing").unwrap().file).unwrap();
    assert!(!lines.contains("data:"), "lines are the default, not written");
}

#[test]
fn the_sandbox_is_sized_and_trained_by_keys() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("sandbox");
    let before = g.session().play.run.config.gpt;
    // Z: a second layer; Shift+U: a context one letter shorter; F8 trains it.
    g.press(KeyCode::KeyZ);
    g.press_with(&[KeyCode::ShiftLeft], KeyCode::KeyU);
    g.press(KeyCode::F8);
    let s = g.session();
    assert_eq!(s.play.notice, None, "{:?}", s.play.notice);
    assert_eq!(s.play.run.config.gpt.n_layer, before.n_layer + 1);
    assert_eq!(s.play.run.config.gpt.block_size, before.block_size - 1);
    g.press(KeyCode::KeyG);
    g.press(KeyCode::F8);
    assert_eq!(g.session().play.run.brain.kind(), raw_weights::brain::ModelKind::Bigram, "G: the bigram");
}

#[test]
fn a_dropped_text_opens_the_sandbox_once_it_is_unlocked() {
    let mut g = game(LevelSet::builtin(), 1);
    g.press(KeyCode::Enter);
    g.trigger(OpenText { name: "mine.txt".into(), text: "robot\nrobin\n".into() });
    assert_eq!(g.screen(), Screen::LevelMap, "the sandbox is locked");
    let notices = &g.app.world().resource::<Notices>().0;
    assert!(notices.last().is_some_and(|n| n.contains("mine.txt") && n.contains("sandbox")), "{notices:?}");
    let mut g = open_game(LevelSet::builtin(), 1);
    g.press(KeyCode::Enter);
    g.trigger(OpenText { name: "mine.txt".into(), text: "robot\nrobin\n".into() });
    assert_eq!(g.screen(), Screen::Playing);
    let s = g.session();
    assert_eq!(s.play.level.id(), "sandbox");
    assert_eq!(s.play.run.vocab.letters(), "binort", "it trains on the dropped text");
}

// ------------------------------------------------------------ the stage

/// The props each lesson puts in the world.
fn props(g: &mut Game) -> [usize; 7] {
    let world = g.app.world_mut();
    [
        world.query_filtered::<(), With<Blackboard>>().iter(world).count(),
        world.query_filtered::<(), With<BallotBox>>().iter(world).count(),
        world.query_filtered::<(), With<MarkBoard>>().iter(world).count(),
        world.query_filtered::<(), With<Ghosts>>().iter(world).count(),
        world.query_filtered::<(), With<WaterLine>>().iter(world).count(),
        world.query_filtered::<(), With<Stage>>().iter(world).count(),
        world.query_filtered::<(), With<Threads>>().iter(world).count(),
    ]
}

#[test]
fn each_lessons_objects_exist_only_while_it_plays() {
    let expected = [
        ("prediction", [1, 0, 0, 0, 0, 0, 0]),
        ("voting", [0, 1, 0, 0, 0, 0, 0]),
        ("scoring", [0, 1, 1, 0, 0, 0, 0]),
        ("climbing", [0, 0, 0, 1, 1, 0, 0]),
        ("performing", [0, 0, 0, 0, 0, 1, 0]),
        ("looking", [1, 0, 0, 0, 0, 0, 1]),
        ("sandbox", [0, 0, 0, 0, 0, 0, 0]),
    ];
    let mut g = open_game(LevelSet::builtin(), 1);
    assert_eq!(props(&mut g), [0; 7], "nothing on the title");
    for (id, want) in expected {
        g.play(id);
        let lesson = g.session().play.level.file.lesson;
        assert_eq!(*g.app.world().resource::<State<InLesson>>().get(), InLesson(lesson));
        assert_eq!(props(&mut g), want, "{id} plays with its own objects");
        g.command(Command::Restart);
        assert_eq!(props(&mut g), want, "{id} keeps them through a restart");
        g.trigger(OpenMap);
        assert_eq!(props(&mut g), [0; 7], "{id} takes them away");
        assert!(g.app.world().get_resource::<State<InLesson>>().is_none());
    }
}

#[test]
fn the_scene_has_most_of_the_window_in_every_lesson_and_in_presenter_mode() {
    let mut g = open_game(LevelSet::builtin(), 1);
    for level in LevelSet::builtin().levels {
        g.play(level.id());
        for presenter in [false, true] {
            let layout = g.app.world().resource::<Screenful>().0;
            assert_eq!(layout.zoom > 1.0, presenter);
            assert!(layout.panel.is_some(), "{} has its panel", level.id());
            assert!(
                layout.scene_share() >= 0.6,
                "{} presenter {presenter}: {}",
                level.id(),
                layout.scene_percent()
            );
            g.trigger(TogglePresenter);
        }
        g.trigger(OpenMap);
    }
    // The layout itself: at both window sizes, presenter mode never shrinks the scene; Tab grows it.
    for (width, height) in [(1280.0, 720.0), (1920.0, 1080.0)] {
        let at = |presenter, panel_hidden| {
            layout(LayoutInput { width, height, presenter, playing: true, panel_hidden })
        };
        let (normal, presenter, hidden) = (at(false, false), at(true, false), at(false, true));
        assert!(normal.scene_share() >= 0.6, "{width}: {}", normal.scene_percent());
        assert!(
            presenter.scene_share() >= normal.scene_share(),
            "{width}: presenter {}",
            presenter.scene_percent()
        );
        assert!(hidden.scene_share() > normal.scene_share());
        let panel = normal.panel.unwrap();
        assert!(panel.width <= 300.0);
        assert_eq!(
            (normal.scene.right(), normal.scene.y),
            (panel.x, normal.hud.bottom()),
            "the scene is what is left"
        );
        assert_eq!(normal.scene.area() + panel.area() + normal.hud.area(), width * height);
    }
    // Tab puts the panel away in the game.
    g.play("climbing");
    g.press(KeyCode::Tab);
    let layout = g.app.world().resource::<Screenful>().0;
    assert!(layout.panel.is_none() && layout.scene_share() > 0.9, "{}", layout.scene_percent());
    g.trigger(TogglePanel);
    assert!(g.app.world().resource::<Screenful>().0.panel.is_some());
}

// ------------------------------------------------------------ training rules

/// Fixed ticks spent playing.
#[derive(Resource, Default)]
struct PlayingTicks(u32);

fn count_ticks(mut ticks: ResMut<PlayingTicks>, session: Res<raw_weights::game::session::Session>) {
    if session.phase == Phase::Playing {
        ticks.0 += 1;
    }
}

/// Plays "climbing" (past its card) at `speed` steps per second for
/// `updates` frames of `ticks` fixed ticks each; returns the ticks spent
/// playing, the steps taken and the weights' checksum.
fn train_for(speed: u32, ticks: u32, updates: usize) -> (u32, usize, u64) {
    let levels = levels_with(3, |t| t.replace("speed: 60,", &format!("speed: {speed},")));
    let mut g = Game::new(Setup {
        levels,
        ticks_per_update: ticks,
        start: Start::Play("climbing".into()),
        ..Setup::default()
    });
    g.app.init_resource::<PlayingTicks>();
    g.app.add_systems(
        FixedUpdate,
        count_ticks.run_if(
            in_state(Screen::Playing).and_then(resource_exists::<raw_weights::game::session::Session>),
        ),
    );
    for _ in 0..updates {
        g.app.update();
    }
    let s = g.session();
    (g.app.world().resource::<PlayingTicks>().0, s.play.run.step_count(), s.play.run.checksum())
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
}

#[test]
fn a_time_budget_delays_steps_but_never_changes_them() {
    // A zero budget lets one step through per tick; the rest wait.
    let levels = levels_with(3, |t| t.replace("speed: 60,", "speed: 240,"));
    let mut g = open_game(levels, 1);
    g.app.insert_resource(TrainingBudget(Some(Duration::ZERO)));
    g.play("climbing");
    let before = g.session().play.run.step_count();
    for _ in 0..30 {
        g.app.update();
    }
    let session = g.session();
    assert_eq!(session.play.run.step_count() - before, 30, "one step per tick instead of four");
    let mut exact = Run::new(session.play.level.run_config(), &session.play.level.corpus).unwrap();
    exact.train(session.play.run.step_count()).unwrap();
    assert_eq!(exact.checksum(), session.play.run.checksum());
}

#[test]
fn pausing_stops_training_and_settings_apply_between_steps() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("climbing");
    g.press(KeyCode::Space);
    let before = g.session().play.run.step_count();
    for _ in 0..30 {
        g.app.update();
    }
    assert_eq!(g.session().play.run.step_count(), before, "no step while paused");
    g.command(Command::Set(Setting::LearningRate(0.2)));
    g.command(Command::Set(Setting::Speed(600)));
    assert_eq!(g.session().play.run.optimizer.config.lr, 0.2);
    assert_eq!(g.session().play.speed, 600);
    let Activity::Climbing(race) = &g.session().play.activity else { panic!() };
    assert!(race.ghosts.iter().all(|gh| gh.run.optimizer.config.lr == 0.2), "the ghosts share the settings");
    g.command(Command::Set(Setting::LearningRate(f32::NAN)));
    assert_eq!(g.session().play.run.optimizer.config.lr, 0.2, "a NaN rate is ignored");
    g.command(Command::Set(Setting::LearningRate(50.0)));
    assert_eq!(g.session().play.run.optimizer.config.lr, 0.2, "so is one beyond the slider's range");
}

#[test]
fn the_climbing_keys_change_what_their_buttons_say() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("climbing");
    let opt = g.session().play.run.optimizer.config;
    g.press(KeyCode::KeyL);
    g.press(KeyCode::KeyB);
    g.press_with(&[KeyCode::ShiftLeft], KeyCode::KeyV);
    g.press(KeyCode::KeyE);
    g.press(KeyCode::KeyS);
    let now = g.session().play.run.optimizer.config;
    assert_eq!(now.lr, opt.lr * 2.0, "L doubles the learning rate");
    assert!(now.beta1 > opt.beta1 && now.beta2 < opt.beta2, "B raises β1, Shift+V lowers β2");
    assert_eq!(now.eps, opt.eps * 10.0);
    assert_ne!(now.schedule, opt.schedule, "S switches the schedule");
    g.press_with(&[KeyCode::ShiftLeft], KeyCode::KeyO);
    assert_eq!(
        g.session().play.run.optimizer.config.kind,
        OptimizerKind::AdamW,
        "Shift+O: the climber before"
    );
}

#[test]
fn a_control_the_level_does_not_show_changes_nothing() {
    let mut g = game(LevelSet::builtin(), 1);
    g.play("prediction");
    let lr = g.session().play.run.optimizer.config.lr;
    g.command(Command::Set(Setting::LearningRate(0.5)));
    assert_eq!(g.session().play.run.optimizer.config.lr, lr, "prediction shows no learning-rate control");
    let locked = levels_with(0, |t| {
        t.replace("controls: (shown: [speed], locked: [])", "controls: (shown: [speed], locked: [speed])")
    });
    let mut g = game(locked, 1);
    g.play("prediction");
    g.command(Command::Set(Setting::Speed(900)));
    assert_eq!(g.session().play.speed, 20, "a locked control keeps the level's value");
}

#[test]
fn a_diverging_run_makes_the_student_fall_and_the_level_restart() {
    let levels = levels_with(3, |t| t.replace("kind: sgd, lr: 0.01", "kind: sgd, lr: 1e30"));
    let mut g = open_game(levels, 1);
    g.play("climbing");
    let first_run = g.session().play.run_id;
    g.run_until(200, |g| matches!(g.session().phase, Phase::Fallen { .. }));
    assert!(g.session().play.notice_text().is_some_and(|n| n.contains("fell")));
    g.run_until(FALL_TICKS as usize + 5, |g| g.session().play.run_id != first_run);
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

    // In the game: a teacher's settings, then Momentum; the ground follows each ghost by its climber.
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("climbing");
    g.command(Command::Set(Setting::LearningRate(0.02)));
    g.command(Command::Set(Setting::Optimizer(OptimizerKind::Momentum)));
    g.command(Command::Set(Setting::Speed(600)));
    g.run_until(200, |g| g.session().play.run.step_count() >= 40);
    let s = g.session();
    let Activity::Climbing(race) = &s.play.activity else { panic!() };
    let kinds: Vec<_> = race.ghosts.iter().map(|g| g.kind).collect();
    assert_eq!(kinds, [OptimizerKind::Sgd, OptimizerKind::RmsProp, OptimizerKind::Adam]);
    let adam = &race.ghosts[2];
    assert_eq!(adam.run.step_count(), s.play.run.step_count());
    assert_eq!(adam.run.optimizer.config.lr, 0.02, "the ghosts climb at the student's lr");
    let racers = view::race(&s.play);
    assert_eq!(racers.len(), 4, "the race panel: you and three ghosts");
    assert!(racers[0].you && racers[0].kind == OptimizerKind::Momentum);
    let terrain = g.app.world().resource::<Terrain>();
    // Heights are measured HEIGHTS_PER_SECOND times a game second: at 600 steps
    // a second, a mark is at most 30 steps behind its ghost.
    let behind = (600.0 / raw_weights::lesson::terrain::HEIGHTS_PER_SECOND) as usize;
    for ghost in &race.ghosts {
        let mark = terrain.ghosts.iter().find(|m| m.kind == ghost.kind);
        assert!(
            mark.is_some_and(
                |m| m.step <= ghost.run.step_count() && ghost.run.step_count() - m.step <= behind
            ),
            "{:?} stands on the ground",
            ghost.kind
        );
    }
    assert_eq!(terrain.ghosts.len(), 3, "and no mark of the ghost that left");
}

#[test]
fn sgd_at_the_highest_learning_rate_the_slider_offers_falls() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("climbing");
    g.command(Command::Set(Setting::LearningRate(10.0)));
    g.command(Command::Set(Setting::Speed(600)));
    g.run_until(300, |g| matches!(g.session().phase, Phase::Fallen { .. }));
}

#[test]
fn running_out_of_steps_is_reported_and_r_restarts() {
    let levels = levels_with(3, |t| {
        t.replace("steps: 1000,", "steps: 40,")
            .replace("goal: loss_below(loss: 2.45, window: 100)", "goal: loss_below(loss: 0.5, window: 20)")
            .replace("speed: 60,", "speed: 600,")
    });
    let mut g = open_game(levels, 1);
    g.play("climbing");
    g.run_until(100, |g| matches!(g.session().phase, Phase::Missed(_)));
    assert_eq!(g.session().play.run.step_count(), 40);
    let run_id = g.session().play.run_id;
    g.press(KeyCode::KeyR);
    assert_eq!(g.session().play.run_id, run_id + 1, "R restarts the level");
    assert!(g.session().play.run.step_count() < 40);
    assert_eq!(g.session().phase, Phase::Playing);
}

#[test]
fn the_ground_is_cut_twice_a_game_second_at_any_frame_rate() {
    // 60 frames a second, then 15: the pace is set in game time, not in frames.
    for ticks_per_frame in [1, 4] {
        let mut g = open_game(LevelSet::builtin(), ticks_per_frame);
        g.app.insert_resource(LandscapePace(SlicePace::default()));
        g.play("climbing");
        g.app.update();
        let generation = |g: &Game| g.app.world().resource::<Terrain>().landscape.generation;
        let first = generation(&g);
        for _ in 0..300 / ticks_per_frame {
            g.app.update();
        }
        let slices = generation(&g) - first;
        assert!(
            (9..=11).contains(&slices),
            "{slices} slices in 5 game seconds at {} frames a second",
            60 / ticks_per_frame
        );
    }
}

#[test]
fn the_student_stands_on_the_ground_at_its_true_score() {
    let mut g = open_game(LevelSet::builtin(), 1);
    // An unlimited budget cuts a whole slice every frame, at the current step.
    g.app.insert_resource(LandscapePace(SlicePace::AtOnce));
    g.play("climbing");
    // Adam walks far enough in 30 steps for the slice to reach the student (at least MIN_SPAN).
    g.command(Command::Set(Setting::Optimizer(OptimizerKind::Adam)));
    for _ in 0..30 {
        g.app.update();
    }
    let step = g.session().play.run.step_count();
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
fn brackets_change_the_speed_and_f3_shows_the_next_hint() {
    let mut g = game(LevelSet::builtin(), 1);
    g.play("prediction");
    g.press(KeyCode::BracketRight);
    assert_eq!(g.session().play.speed, 40);
    g.press(KeyCode::BracketLeft);
    g.press(KeyCode::BracketLeft);
    assert_eq!(g.session().play.speed, 10);
    g.press(KeyCode::F3);
    assert_eq!(g.session().play.hint, 1);
    g.trigger(NextHint);
    assert_eq!(g.session().play.hint, 2);
    assert_eq!(g.app.world().resource::<CurrentLevel>().0.as_deref(), Some("prediction"));
}

#[test]
fn a_prefix_the_student_cannot_read_is_explained() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("performing");
    g.command(Command::Set(Setting::Prefix("Ma".into())));
    g.command(Command::Write);
    let error = g.session().play.write_error.clone().expect("M is not a letter the student knows");
    assert!(error.contains("'M'"), "{error}");
    g.command(Command::Set(Setting::Prefix("ma".into())));
    g.command(Command::Write);
    assert_eq!(g.session().play.write_error, None, "a good prefix clears the message");
}

#[test]
fn while_paused_the_lesson_waits() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("voting");
    g.press(KeyCode::Space);
    g.press(KeyCode::KeyD);
    g.command(Command::Draw(10));
    let tally = view::ballot(&g.session().play).unwrap().tally.unwrap();
    assert_eq!(tally.iter().sum::<u32>(), 0, "no draw while paused");
    g.press(KeyCode::Space);
    g.press(KeyCode::KeyD);
    let tally = view::ballot(&g.session().play).unwrap().tally.unwrap();
    assert_eq!(tally.iter().sum::<u32>(), 10);
    // The card holds it too.
    g.trigger(ShowCard);
    g.press(KeyCode::KeyD);
    let tally = view::ballot(&g.session().play).unwrap().tally.unwrap();
    assert_eq!(tally.iter().sum::<u32>(), 10, "no draw on the card");
}

#[test]
fn only_a_loss_goal_runs_out_of_steps() {
    let levels =
        levels_with(6, |t| t.replace("steps: 3000,", "steps: 30,").replace("speed: 120,", "speed: 600,"));
    let mut g = open_game(levels, 1);
    g.play("sandbox");
    g.run_until(100, |g| g.session().play.run.is_finished());
    for _ in 0..5 {
        g.app.update();
    }
    assert_eq!(g.session().phase, Phase::Playing, "the sandbox has no goal to miss");
}

#[test]
fn restart_after_retraining_keeps_your_text() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("sandbox");
    let gpt = raw_weights::brain::GptConfig { n_layer: 1, n_head: 2, n_embd: 8, block_size: 12 };
    let mine = Retrain {
        text: "robot\nrobin\n".into(),
        model: raw_weights::brain::ModelKind::Gpt,
        gpt,
        data: Default::default(),
    };
    g.command(Command::Retrain(mine));
    g.press(KeyCode::KeyR);
    let s = g.session();
    assert_eq!(s.play.run.vocab.letters(), "binort", "R restarts on your text, not the level's");
    assert!(s.play.run.step_count() < 5, "a fresh run");
}

#[test]
fn the_levels_in_play_are_the_ones_loaded() {
    let g = open_game(LevelSet::builtin(), 1);
    assert_eq!(g.app.world().resource::<Levels>().set.levels.len(), 7);
}

#[test]
fn the_readme_lists_every_key_from_the_one_table() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = raw_weights::lesson::keys::markdown();
    assert!(
        readme.contains(&table),
        "README.md should hold the key table, as lesson::keys::markdown() writes it:\n{table}"
    );
    // Every control a level can show has a key.
    use raw_weights::level::Control::*;
    for control in [
        Speed,
        LearningRate,
        Optimizer,
        Beta1,
        Beta2,
        Eps,
        WeightDecay,
        Schedule,
        Temperature,
        TopK,
        Prefix,
        Votes,
        Model,
    ] {
        assert!(raw_weights::game::hud::control_key(control).is_some(), "{control:?}");
    }
}

#[test]
fn a_dropped_file_is_known_by_its_name() {
    use raw_weights::game::drop::{Dropped, kind_of};
    assert_eq!(kind_of("/home/t/4-climbing.replay.ron"), Dropped::Replay);
    assert_eq!(kind_of("Names.TXT"), Dropped::Text);
    assert_eq!(kind_of("photo.png"), Dropped::Unknown);
}

#[test]
fn a_guess_after_the_round_is_decided_is_refused() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("prediction");
    for _ in 0..19 {
        g.press(KeyCode::KeyQ);
    }
    // The twentieth and a twenty-first in the same frame, before the tick that ends the round.
    g.app.world_mut().trigger(raw_weights::game::intent::Do(Command::Guess(
        raw_weights::game::intent::Guess::Letter('q'),
    )));
    g.app.world_mut().trigger(raw_weights::game::intent::Do(Command::Guess(
        raw_weights::game::intent::Guess::Letter('a'),
    )));
    g.app.update();
    assert_eq!(reading(&g).player_guesses, 20, "the round holds twenty guesses");
}

#[test]
fn a_name_typed_as_the_prefix_is_not_the_students_work() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("performing");
    // At temperature 0 after a whole name, it ends at once: nothing of its own.
    g.command(Command::Set(Setting::Temperature(0.0)));
    let name = g.session().play.run.document(0).to_string();
    g.command(Command::Set(Setting::Prefix(name.clone())));
    for _ in 0..3 {
        g.command(Command::Write);
        g.command(Command::FinishWriting);
    }
    let recital = &g.session().play.recital;
    for w in &recital.written {
        if w.text == name {
            assert_eq!(w.own_letters, 0);
        }
    }
    let own_memorised = recital.written.iter().filter(|w| w.memorised && w.own_letters > 0).count();
    assert!(recital.distinct(true) <= own_memorised.min(1), "only texts with letters of its own count");
}

#[test]
fn the_pause_menus_restart_restarts_even_while_cheering() {
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("scoring");
    // Meet the goal by hand, then pause during the cheer and press R.
    let Activity::Scoring(marking) = &g.session().play.activity else { panic!() };
    let tokens = marking.tokens.clone();
    for pair in tokens.windows(2) {
        let now = bigram_votes(&g.session().play.run, pair[0])[pair[1]];
        g.command(Command::Set(Setting::Vote { after: pair[0], letter: pair[1], value: now + 6.0 }));
    }
    g.run_until(10, |g| matches!(g.session().phase, Phase::Cheering { .. }));
    let run = g.session().play.run_id;
    g.press(KeyCode::Space);
    g.press(KeyCode::KeyR);
    assert_eq!(g.session().play.run_id, run + 1, "R in the pause menu restarts");
    assert_eq!(g.session().phase, Phase::Playing);
    assert_eq!(*g.app.world().resource::<State<Pause>>().get(), Pause::Running);
    assert_eq!(g.screen(), Screen::Playing);
}

#[test]
fn every_lesson_runs_without_a_keyboard_as_the_game_benchmark_does() {
    use bevy::state::app::StatesPlugin;
    use bevy::time::TimeUpdateStrategy;
    for level in LevelSet::builtin().levels {
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, StatesPlugin));
        app.insert_resource(TimeUpdateStrategy::FixedTimesteps(1));
        app.insert_resource(Start::Play(level.id().to_string()));
        app.insert_resource(raw_weights::game::levels::ProgressRes {
            progress: Default::default(),
            store: None,
        });
        app.add_plugins(raw_weights::game::logic);
        for _ in 0..5 {
            app.update();
        }
        let session = app.world().resource::<raw_weights::game::session::Session>();
        assert_eq!(session.play.level.id(), level.id());
    }
}

#[test]
fn every_letter_key_is_its_letter() {
    use raw_weights::game::keys::{key_of, letter_of};
    for c in 'a'..='z' {
        assert_eq!(key_of(c).and_then(letter_of), Some(c));
    }
    assert_eq!(key_of('A'), None);
    assert_eq!(letter_of(KeyCode::Digit1), None);
}

// ------------------------------------------------------------ looking back

fn lens(g: &Game) -> &raw_weights::lesson::looking::Lens {
    match &g.session().play.activity {
        Activity::Looking(lens) => lens,
        _ => panic!("the looking-back lesson"),
    }
}

/// Opens looking back straight from the start, past its card.
fn looking_open(ticks_per_update: u32) -> Game {
    let mut g =
        Game::new(Setup { start: Start::Play("looking".into()), ticks_per_update, ..Setup::default() });
    g.app.update();
    if g.session().phase == Phase::Card {
        g.trigger(raw_weights::game::intent::Begin);
    }
    assert_eq!(g.session().phase, Phase::Playing);
    g
}

/// Plays looking back until the student stops learning, checking the spread
/// falls; returns the game frozen.
fn looking_frozen() -> Game {
    let mut g = looking_open(TICK_HZ);
    assert!(!lens(&g).frozen(), "it learns first");
    let start = lens(&g).spread_start;
    // An update is at most a quarter second of game time (Bevy's largest step).
    for _ in 0..80 {
        if lens(&g).frozen() {
            break;
        }
        g.app.update();
    }
    assert!(
        lens(&g).frozen(),
        "frozen: step {} phase {:?}",
        g.session().play.run.step_count(),
        g.session().phase
    );
    let (start_again, end) = (lens(&g).spread_start, lens(&g).spread_now);
    assert_eq!(start, start_again);
    // Measured on the level's own run (seed 6, 600 steps): 1.408 → 0.406.
    assert!(start > 1.3, "near even looks at the start: {start}");
    assert!(start - end > 0.8, "the heads pick while it learns: {start} → {end}");
    assert!(g.session().play.run.is_finished(), "frozen at the step budget");
    g
}

#[test]
fn looking_back_is_won_by_switching_heads_off_and_naming_the_one_it_needs_and_unlocks_the_sandbox() {
    let mut g = looking_frozen();
    assert!(matches!(g.session().play.goal(), GoalState::Open), "frozen, nothing named yet");
    // Enter before trying anything names the picked head (head 1): not yet, first try each.
    let mut rises = Vec::new();
    for i in 1..=4 {
        g.press(raw_weights::game::keys::digit(i));
        assert_eq!(lens(&g).head, (0, i - 1), "key {i} picks head {i}");
        let whole = lens(&g).look.score;
        g.press(KeyCode::KeyO);
        assert!(lens(&g).off.is_off(0, i - 1, 4), "O switches it off");
        assert_ne!(lens(&g).look.score, whole, "the board's score moves without head {i}");
        let panel = view::looking(&g.session().play).unwrap();
        let rise = panel.heads[i - 1].rise.expect("tried, so shown");
        let (all_on, now) = panel.probe.unwrap();
        assert!((now - all_on - rise).abs() < 1e-5, "the panel's rise is the measured one");
        rises.push(rise);
        g.press(KeyCode::KeyO);
        assert!(!lens(&g).off.any(), "O again switches it back on");
    }
    let best = (0..4).max_by(|&a, &b| rises[a].total_cmp(&rises[b])).unwrap();
    let ((_, answer), lead) = lens(&g).effects.as_ref().unwrap().leader();
    assert_eq!(best, answer, "the player's reading of the rises is the model's answer");
    assert!(lead >= 0.1, "by the level's margin: {lead}");
    let set = LevelSet::builtin();
    assert!(!g.progress().is_unlocked(&set, "sandbox"), "the sandbox waits for this lesson");
    g.press(raw_weights::game::keys::digit(best + 1));
    g.press(KeyCode::Enter);
    g.completes("sandbox");
    assert!(
        (g.progress().best["looking"] - rises[best]).abs() < 1e-6,
        "the score: the rise of the head named"
    );
}

#[test]
fn naming_the_wrong_head_says_which_head_it_needs_and_enter_tries_again() {
    let mut g = looking_frozen();
    let ((_, answer), _) = lens(&g).effects.as_ref().unwrap().leader();
    let wrong = (answer + 1) % 4;
    g.press(raw_weights::game::keys::digit(wrong + 1));
    g.press(KeyCode::Enter);
    g.app.update();
    let Phase::Missed(why) = &g.session().phase else { panic!("missed: {:?}", g.session().phase) };
    assert!(why.contains(&format!("You named head {}", wrong + 1)), "{why}");
    assert!(why.contains(&format!("Switching off head {}", answer + 1)), "{why}");
    g.press(KeyCode::Enter);
    assert_eq!(g.session().phase, Phase::Playing, "Enter tries again");
    let steps = g.session().play.run.step_count();
    assert!(!lens(&g).frozen() && steps < 20, "a fresh student learns again: step {steps}");
}

#[test]
fn looking_back_keys_move_the_reading_pick_the_chant_and_never_touch_training() {
    let mut g = looking_open(1);
    let letters = lens(&g).letters();
    assert_eq!(lens(&g).cursor, letters, "it starts at the last letter");
    g.press(KeyCode::ArrowRight);
    assert_eq!(lens(&g).cursor, 0, "→ wraps round to the start mark");
    g.press(KeyCode::ArrowRight);
    assert_eq!(lens(&g).cursor, 1);
    let panel = view::looking(&g.session().play).unwrap();
    assert_eq!(
        panel.close_up.iter().filter(|c| c.score.is_none()).count(),
        letters - 1,
        "the future is masked"
    );
    let row: f32 = panel.close_up.iter().map(|c| c.weight).sum();
    assert!((row - 1.0).abs() < 1e-5, "the close-up's weights are a softmax: {row}");
    g.press(KeyCode::ArrowDown);
    assert_eq!(lens(&g).text, 1, "↓ puts the next chant up");
    assert_eq!(view::looking(&g.session().play).unwrap().name, "mimimi");
    // A head switched off while it learns changes the view, never the training.
    let mut plain = Run::new(g.session().play.level.run_config(), &g.session().play.level.corpus).unwrap();
    g.press(KeyCode::Digit3);
    g.press(KeyCode::KeyO);
    g.run_until(400, |g| g.session().play.run.step_count() >= 40);
    let steps = g.session().play.run.step_count();
    plain.train(steps).unwrap();
    assert_eq!(plain.checksum_hex(), g.session().play.run.checksum_hex(), "training keeps every head");
}

#[test]
fn progress_from_before_looking_back_keeps_the_sandbox_open() {
    use raw_weights::level::Progress;
    let levels = LevelSet::builtin();
    let old = "(best: {\"prediction\": 80.0, \"voting\": 0.5, \"scoring\": 1.1, \"climbing\": 2.4, \"performing\": 9.0})";
    let progress = Progress::from_ron(old).unwrap();
    assert!(progress.is_unlocked(&levels, "looking"), "the new lesson opens after performing");
    assert!(progress.is_unlocked(&levels, "sandbox"), "and the sandbox it had opened stays open");
    let saved = Progress::from_ron(&progress.to_ron()).unwrap();
    assert!(saved.is_unlocked(&levels, "sandbox"), "saved again, it stays open");
    // A new save with performing done has to play looking back first.
    let mut fresh = Progress::default();
    for id in ["prediction", "voting", "scoring", "climbing", "performing"] {
        fresh.record(id, 1.0, true);
    }
    let fresh = Progress::from_ron(&fresh.to_ron()).unwrap();
    assert!(fresh.is_unlocked(&levels, "looking") && !fresh.is_unlocked(&levels, "sandbox"));
}

#[test]
fn an_old_sandbox_link_still_finds_its_replay() {
    let (path, _) = raw_weights::level::replay::shipped("6-sandbox").expect("the old name resolves");
    assert_eq!(path, "replays/7-sandbox.replay.ron");
    assert!(raw_weights::level::replay::shipped("6-looking").is_some());
}

// ------------------------------------------------------------ inside the brain

#[test]
fn inside_the_brain_opens_on_i_pauses_training_and_shows_the_brains_own_numbers() {
    use raw_weights::brain::gpt::Stage as BrainStage;
    use raw_weights::game::inside::InsideView;
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("climbing");
    g.run_until(200, |g| g.session().play.run.step_count() >= 5);
    g.press(KeyCode::KeyI);
    assert_eq!(*g.app.world().resource::<State<Pause>>().get(), Pause::Inside, "I opens it");
    let steps = g.session().play.run.step_count();
    for _ in 0..30 {
        g.app.update();
    }
    assert_eq!(g.session().play.run.step_count(), steps, "training waits while it is open");
    let view = g.app.world().resource::<InsideView>().clone();
    assert_eq!(view.inside.source, "the document it trains on next");
    assert_eq!(view.inside.text, g.session().play.run.document(steps), "the next document, frozen");
    // Every row is the brain's own numbers for that text at the cursor.
    let run = &g.session().play.run;
    let raw_weights::brain::Brain::Gpt(gpt) = &run.brain else { panic!("a GPT") };
    let mut look = raw_weights::brain::attention::Look::new(gpt);
    look.read(gpt, &run.params.data, &run.vocab, &view.inside.text, Default::default()).unwrap();
    let t = view.inside.cursor;
    let votes = view.rows.last().unwrap();
    assert_eq!(votes.values, look.act.stage(BrainStage::Votes, 0, t), "the top row is the votes");
    assert_eq!(view.rows.len(), 14, "embedding, rmsnorm, 11 stages of the layer, the votes");
    assert_eq!(view.rows[0].values, look.act.stage(BrainStage::Embedding, 0, t));
    let fired = view.rows.iter().find(|r| r.label == "ReLU").unwrap();
    assert!(fired.values.iter().all(|&v| v >= 0.0) && fired.values.iter().any(|&v| v > 0.0));
    // Keys move the selection: down a row, along it, and along the text.
    let selected = view.selected.clone();
    assert!(selected.says.starts_with("the vote for"), "{}", selected.says);
    assert_eq!(selected.formula, raw_weights::brain::gpt::VOTES.text);
    g.press(KeyCode::ArrowDown);
    g.press(KeyCode::ArrowRight);
    let moved = g.app.world().resource::<InsideView>().selected.clone();
    assert_eq!(moved.row, selected.row - 1, "↓ the stage below");
    assert_eq!(moved.formula, raw_weights::brain::gpt::AFTER_MLP.text);
    g.press(KeyCode::Comma);
    assert_eq!(g.app.world().resource::<InsideView>().inside.cursor, t - 1, ", the letter before");
    g.press(KeyCode::KeyI);
    assert_eq!(*g.app.world().resource::<State<Pause>>().get(), Pause::Running, "I closes it");
    assert!(g.app.world().get_resource::<InsideView>().is_none());
    g.run_until(100, |g| g.session().play.run.step_count() > steps);
}

#[test]
fn inside_the_brain_groups_wide_stages_and_is_not_offered_for_the_bigram() {
    use raw_weights::game::inside::{InsideView, ToggleInside};
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("voting");
    g.trigger(ToggleInside);
    assert_eq!(*g.app.world().resource::<State<Pause>>().get(), Pause::Running, "the bigram has no inside");
    assert!(g.app.world().resource::<Notices>().0.iter().any(|n| n.contains("tiny GPT")));
    g.trigger(OpenMap);
    g.play("sandbox");
    let gpt = raw_weights::brain::GptConfig { n_layer: 2, n_head: 4, n_embd: 64, block_size: 16 };
    let text = "robot\nrobin\nrocket\n".to_string();
    g.command(Command::Retrain(Retrain {
        text,
        model: raw_weights::brain::ModelKind::Gpt,
        gpt,
        data: Default::default(),
    }));
    g.trigger(ToggleInside);
    let view = g.app.world().resource::<InsideView>();
    assert_eq!(view.rows.len(), 2 + 2 * 11 + 1, "two layers stacked");
    let hidden = view.rows.iter().find(|r| r.label.starts_with("mlp_fc1")).unwrap();
    assert_eq!((hidden.group, hidden.values.len()), (4, 64), "256 units shown as 64 groups of 4");
    assert!(view.rows.iter().all(|r| r.values.len() <= 64));
    assert!(view.rows.iter().any(|r| r.label.ends_with("layer 2")));
}

#[test]
fn a_link_with_inside_on_opens_the_inside_view_once_play_begins() {
    let shared = match raw_weights::lesson::share::parse("#level=performing&card=off&inside=on") {
        Ok(Some(raw_weights::lesson::share::Shared::Level(s))) => s,
        other => panic!("a level link: {other:?}"),
    };
    assert!(shared.inside && !shared.card);
    let mut g = Game::new(Setup { start: Start::Link(shared), ..Setup::default() });
    for _ in 0..3 {
        g.app.update();
    }
    assert_eq!(*g.app.world().resource::<State<Pause>>().get(), Pause::Inside);
    assert!(raw_weights::lesson::share::parse("#level=performing&inside=maybe").is_err());
}

#[test]
fn a_restart_closes_the_inside_view_and_the_pause_button_pauses_it() {
    use raw_weights::game::inside::{InsideView, ToggleInside};
    use raw_weights::game::intent::TogglePause;
    let mut g = open_game(LevelSet::builtin(), 1);
    g.play("climbing");
    g.trigger(ToggleInside);
    assert_eq!(*g.app.world().resource::<State<Pause>>().get(), Pause::Inside);
    g.command(Command::Restart);
    g.app.update();
    assert_eq!(*g.app.world().resource::<State<Pause>>().get(), Pause::Running, "another run: it closes");
    assert!(g.app.world().get_resource::<InsideView>().is_none());
    g.trigger(ToggleInside);
    g.trigger(TogglePause);
    assert_eq!(*g.app.world().resource::<State<Pause>>().get(), Pause::Paused, "the pause button pauses");
    let steps = g.session().play.run.step_count();
    g.app.update();
    assert_eq!(g.session().play.run.step_count(), steps, "and training stays stopped");
}
