//! What the player does in each lesson, as plain state and rules (no Bevy):
//! reading with the future covered, editing votes, marking a word, racing
//! climbers, and performing. Every number comes from the brain's functions.

pub mod climbing;
pub mod performing;
pub mod play;
pub mod prediction;
pub mod scoring;
pub mod share;
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
                    _ => run.docs[0].clone(),
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
            (Lesson::Sandbox, _) => Activity::Sandbox,
        })
    }
}

/// What the voting box shows: the votes after a letter, their shares (at the
/// voting lesson's temperature; the teacher's plain softmax when marking a
/// word) and, when marking, the gradient of the marked letter's score.
#[derive(Clone, Debug, PartialEq)]
pub struct BallotView {
    pub context: usize,
    pub votes: Vec<f32>,
    pub shares: Vec<f32>,
    pub temperature: f32,
    pub gradient: Option<Vec<f32>>,
}

/// The voting box of a voting or scoring lesson, `None` in the others.
pub fn ballot_view(activity: &Activity, run: &Run, temperature: f32) -> Option<BallotView> {
    match activity {
        Activity::Voting(ballot) => Some(BallotView {
            context: ballot.context,
            votes: ballot.votes(run).to_vec(),
            shares: ballot.shares(run, temperature),
            temperature,
            gradient: None,
        }),
        Activity::Scoring(marking) => {
            let mark = marking.mark(run, marking.position);
            Some(BallotView {
                context: mark.context,
                votes: bigram_votes(run, mark.context).to_vec(),
                shares: mark.shares,
                temperature: 1.0,
                gradient: Some(mark.gradient),
            })
        }
        _ => None,
    }
}

/// The level's score if its goal is met now.
pub fn goal_reached(
    goal: &Goal,
    run: &Run,
    activity: &Activity,
    recital: &performing::Recital,
) -> Option<f32> {
    match (goal, activity) {
        (Goal::LossBelow { loss, window }, _) => {
            if run.step_count() < *window {
                return None;
            }
            run.recent_loss(*window).filter(|mean| mean < loss)
        }
        (Goal::ReadLetters { count }, Activity::Reading(r)) => {
            (r.read >= *count).then(|| prediction::percent(r.player_hits, r.player_guesses))
        }
        (Goal::ShareAtLeast { letter, share, draws, .. }, Activity::Voting(b)) => {
            let reached = b.shares(run, 1.0)[run.vocab.id(*letter)?];
            (reached >= *share && b.draws() >= *draws).then_some(reached)
        }
        (Goal::WordScoreBelow { score, .. }, Activity::Scoring(m)) => {
            let mean = m.mean_score(run);
            (mean < *score).then_some(mean)
        }
        (Goal::Perform { count }, _) => (recital.performed() >= *count).then(|| recital.new_texts() as f32),
        _ => None,
    }
}

/// Where the player stands against the goal, in a few words.
pub fn goal_progress(goal: &Goal, run: &Run, activity: &Activity, recital: &performing::Recital) -> String {
    match (goal, activity) {
        (Goal::LossBelow { loss, window }, _) => match run.recent_loss(*window) {
            Some(mean) => format!("mean score {mean:.3}  ·  goal < {loss:.2}"),
            None => format!("mean score —  ·  goal < {loss:.2}"),
        },
        (Goal::ReadLetters { count }, Activity::Reading(r)) => {
            format!("letters read {} / {count}", r.read.min(*count))
        }
        (Goal::ShareAtLeast { after, letter, share, draws }, Activity::Voting(b)) => {
            let now = run.vocab.id(*letter).map_or(0.0, |l| b.shares(run, 1.0)[l]);
            format!(
                "share of '{letter}' after '{after}': {:.1}% (goal {:.0}%)  ·  drawn {} / {draws}",
                now * 100.0,
                share * 100.0,
                b.draws()
            )
        }
        (Goal::WordScoreBelow { word, score }, Activity::Scoring(m)) => {
            format!("score of \"{word}\" {:.3}  ·  goal < {score:.2}", m.mean_score(run))
        }
        (Goal::Perform { count }, _) => format!("performed {} / {count}", recital.performed().min(*count)),
        _ => "free play".to_string(),
    }
}
