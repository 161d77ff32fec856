//! What the player does in each lesson, as plain state and rules (no Bevy):
//! reading with the future covered, editing votes, marking a word, racing
//! climbers, and performing; the play that a session is, its recording and
//! playback; and what the panels show (`view`), where they sit (`layout`) and
//! the keys (`keys`). Every number comes from the brain's functions.

pub mod bench;
pub mod climbing;
pub mod inside;
pub mod keys;
pub mod layout;
pub mod looking;
pub mod performing;
pub mod play;
pub mod prediction;
pub mod replay;
pub mod scoring;
pub mod share;
pub mod terrain;
pub mod view;
pub mod voting;

use crate::brain::Run;

/// The votes a bigram casts after `context`: its row of the table, a slice
/// of the run's weights.
pub fn bigram_votes(run: &Run, context: usize) -> &[f32] {
    let v = run.vocab.size();
    &run.params.data[context * v..(context + 1) * v]
}

/// The same row, to change by hand.
pub fn bigram_votes_mut(run: &mut Run, context: usize) -> &mut [f32] {
    let v = run.vocab.size();
    &mut run.params.data[context * v..(context + 1) * v]
}

/// The largest size a hand-set vote may take either way.
pub const MAX_VOTE: f32 = 20.0;

use crate::brain::BrainError;
use crate::level::{Goal, Lesson, Level};

/// The state of a level's lesson activity.
#[derive(Clone, Debug)]
pub enum Activity {
    Reading(prediction::Reading),
    Voting(voting::Ballot),
    Scoring(scoring::Marking),
    Climbing(climbing::Race),
    Performing,
    Looking(Box<looking::Lens>),
    Sandbox,
}

impl Activity {
    /// The activity a level starts with, over its (pretrained) run.
    pub fn start(level: &Level, run: &Run) -> Result<Self, BrainError> {
        let token = |c: char| run.vocab.id(c).unwrap_or(run.vocab.bos());
        Ok(match (level.file.lesson, &level.file.goal) {
            (Lesson::Prediction, _) => Activity::Reading(prediction::Reading::default()),
            (Lesson::Voting, goal) => {
                let context = match goal {
                    Goal::ShareAtLeast { after, .. } => token(*after),
                    _ => run.vocab.bos(),
                };
                Activity::Voting(voting::Ballot::new(context, run.vocab.size()))
            }
            (Lesson::Scoring, goal) => {
                let word = match goal {
                    Goal::WordScoreBelow { word, .. } => word.clone(),
                    _ => run.document(0).to_string(),
                };
                let mut tokens = Vec::new();
                run.vocab.encode_document(&word, &mut tokens).map_err(|letter| {
                    BrainError::PrefixOutsideVocab { letter, vocab: run.vocab.letters() }
                })?;
                Activity::Scoring(scoring::Marking::new(tokens))
            }
            (Lesson::Climbing, _) => {
                let (start, mut race) = (level.run_config(), climbing::Race::default());
                race.follow(&start.optimizer, start, &level.corpus, run.step_count())?;
                Activity::Climbing(race)
            }
            (Lesson::Performing, _) => Activity::Performing,
            (Lesson::Looking, goal) => {
                let (board, probe) = match goal {
                    Goal::StrongestHead { board, probe, .. } => (board.clone(), *probe),
                    _ => (vec![run.document(0).to_string()], 1),
                };
                Activity::Looking(Box::new(looking::Lens::new(run, board, probe)?))
            }
            (Lesson::Sandbox, _) => Activity::Sandbox,
        })
    }
}

/// Where a level's goal stands.
#[derive(Clone, Debug, PartialEq)]
pub enum GoalState {
    /// Not met yet: play on.
    Open,
    /// Met, with the level's score.
    Reached(f32),
    /// This try can no longer meet it: why, in the player's terms.
    Missed(String),
}

/// Where the goal stands now: met, missed for this try, or open.
pub fn goal_state(goal: &Goal, run: &Run, activity: &Activity, recital: &performing::Recital) -> GoalState {
    match (goal, activity) {
        (Goal::LossBelow { loss, window }, _) => {
            let mean = run.recent_loss(*window);
            match mean {
                Some(mean) if run.step_count() >= *window && mean < *loss => GoalState::Reached(mean),
                _ if run.is_finished() => GoalState::Missed(format!(
                    "Out of steps: the mean score of the last {window} steps is {}, the goal {loss:.2}. \
                     Another climber or learning rate may get there.",
                    mean.map_or("—".to_string(), |m| format!("{m:.3}"))
                )),
                _ => GoalState::Open,
            }
        }
        (Goal::ReadLetters { count }, Activity::Reading(r)) if r.read >= *count => {
            GoalState::Reached(prediction::percent(r.player_hits, r.player_guesses))
        }
        (Goal::BeatTheStudent { guesses }, Activity::Reading(r)) if r.player_guesses >= *guesses => {
            let (you, it) = (r.player_hits, r.student_hits_on_guesses);
            if you > it {
                GoalState::Reached(prediction::percent(you, r.player_guesses))
            } else {
                GoalState::Missed(format!(
                    "On your {} guesses you got {you} right and the student {it}: {}. \
                     It sees only the letter before the cover; you can use the whole name so far.",
                    r.player_guesses,
                    if you == it { "a draw is not a win" } else { "the student wins this round" }
                ))
            }
        }
        (Goal::ShareAtLeast { letter, share, draws, .. }, Activity::Voting(b)) => {
            match run.vocab.id(*letter).map(|l| b.shares(run, 1.0)[l]) {
                Some(reached) if reached >= *share && b.draws() >= *draws => GoalState::Reached(reached),
                _ => GoalState::Open,
            }
        }
        (Goal::WordScoreBelow { score, .. }, Activity::Scoring(m)) => {
            let mean = m.mean_score(run);
            if mean < *score { GoalState::Reached(mean) } else { GoalState::Open }
        }
        (Goal::StrongestHead { .. }, Activity::Looking(lens)) => match (&lens.effects, lens.answer) {
            (Some(effects), Some((layer, head))) => {
                let n_layer = lens.n_layer();
                let ((best_layer, best_head), _) = effects.leader();
                let rise = |l: usize, h: usize| effects.rises[l * effects.n_head + h];
                if (layer, head) == (best_layer, best_head) {
                    GoalState::Reached(rise(layer, head))
                } else {
                    GoalState::Missed(format!(
                        "You named {}: switched off, the mean score on the chants rises by {:+.3}. \
                         Switching off {} raises it by {:+.3}: the student needs that head most. \
                         Switch each head off (O) and compare before you name one.",
                        looking::head_name(layer, head, n_layer),
                        rise(layer, head),
                        looking::head_name(best_layer, best_head, n_layer),
                        rise(best_layer, best_head),
                    ))
                }
            }
            _ => GoalState::Open,
        },
        (Goal::Perform { count }, _) if recital.performed() >= *count => {
            GoalState::Reached(recital.new_texts() as f32)
        }
        (Goal::MemorisedAndNew { memorised, new }, _)
            if recital.distinct(true) >= *memorised && recital.distinct(false) >= *new =>
        {
            GoalState::Reached(recital.performed() as f32)
        }
        _ => GoalState::Open,
    }
}

/// Where the player stands against the goal, in a few words (the HUD line).
pub fn goal_progress(goal: &Goal, run: &Run, activity: &Activity, recital: &performing::Recital) -> String {
    match (goal, activity) {
        (Goal::LossBelow { loss, window }, _) => match run.recent_loss(*window) {
            Some(mean) => {
                format!(
                    "mean score {} → goal below {}",
                    view::score_text(mean, Some(*loss)),
                    view::goal_text(*loss)
                )
            }
            None => format!("mean score — → goal below {}", view::goal_text(*loss)),
        },
        (Goal::ReadLetters { count }, Activity::Reading(r)) => {
            format!("letters read {} / {count}", r.read.min(*count))
        }
        (Goal::BeatTheStudent { guesses }, Activity::Reading(r)) => format!(
            "right: you {} · student {}  ·  guesses {} / {guesses}",
            r.player_hits,
            r.student_hits_on_guesses,
            r.player_guesses.min(*guesses)
        ),
        (Goal::ShareAtLeast { after, letter, share, draws }, Activity::Voting(b)) => {
            let now = run.vocab.id(*letter).map_or(0.0, |l| b.shares(run, 1.0)[l]);
            format!(
                "share of '{letter}' after '{after}' {:.1}% → {:.0}%  ·  drawn {} / {draws}",
                now * 100.0,
                share * 100.0,
                b.draws().min(*draws)
            )
        }
        (Goal::WordScoreBelow { word, score }, Activity::Scoring(m)) => {
            let now = view::score_text(m.mean_score(run), Some(*score));
            format!("score of \"{word}\" {now} → below {}", view::goal_text(*score))
        }
        (Goal::Perform { count }, _) => format!("performed {} / {count}", recital.performed().min(*count)),
        (Goal::StrongestHead { .. }, Activity::Looking(lens)) => {
            let n = lens.n_layer() * lens.n_head();
            let tried = (0..lens.n_layer())
                .flat_map(|l| (0..lens.n_head()).map(move |h| (l, h)))
                .filter(|&(l, h)| lens.tried.is_off(l, h, lens.n_head()))
                .count();
            if lens.frozen() {
                format!("heads tried {tried} / {n}  ·  name the one it needs most (Enter)")
            } else {
                format!("learning: attention spread {:.2} (from {:.2})", lens.spread_now, lens.spread_start)
            }
        }
        (Goal::MemorisedAndNew { memorised, new }, _) => format!(
            "memorised {} / {memorised}  ·  new {} / {new}",
            recital.distinct(true).min(*memorised),
            recital.distinct(false).min(*new)
        ),
        _ => "free play".to_string(),
    }
}
