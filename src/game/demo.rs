//! Demo mode (`raw-weights play --demo`): the lesson plays itself with the
//! player's own actions, slowly, and stops just short of the goal, so a
//! screen left running (or a screenshot) shows the lesson at work.

use bevy::prelude::*;

use super::actions::{Action, Guess, Setting};
use super::screens::Screen;
use super::session::Session;
use crate::lesson::{Activity, bigram_votes};
use crate::level::Goal;

/// Present when the game plays itself.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct Demo;

/// Seconds between two demo actions.
const EVERY: f32 = 0.6;

pub fn plugin(app: &mut App) {
    app.add_systems(Update, play.run_if(resource_exists::<Demo>.and_then(in_state(Screen::Playing))));
}

fn play(
    session: Option<Res<Session>>,
    time: Res<Time<Real>>,
    mut clock: Local<(f32, u32)>,
    mut actions: MessageWriter<Action>,
) {
    let Some(session) = session else { return };
    let (since, beats) = &mut *clock;
    *since += time.delta_secs();
    if *since < EVERY {
        return;
    }
    *since = 0.0;
    *beats += 1;
    let beat = *beats;
    let goal = &session.level.file.goal;
    match (&session.activity, goal) {
        (Activity::Reading(reading), Goal::ReadLetters { count }) if reading.read + 1 < *count => {
            actions.write(Action::Guess(if beat % 3 == 0 { Guess::Look } else { Guess::Letter('a') }));
        }
        (Activity::Voting(ballot), Goal::ShareAtLeast { letter, share, draws, .. }) => {
            let target = session.run.vocab.id(*letter).unwrap_or(0);
            let now = ballot.shares(&session.run, 1.0)[target];
            if now < share - 0.05 {
                let vote = bigram_votes(&session.run, ballot.context)[target];
                actions.write(Action::Select(target));
                actions.write(Action::Set(Setting::Vote {
                    after: ballot.context,
                    letter: target,
                    value: vote + 0.3,
                }));
            } else if ballot.draws() + 10 < *draws {
                actions.write(Action::Draw(5));
            }
        }
        (Activity::Scoring(marking), _) => {
            actions.write(Action::SelectPosition(beat as usize % marking.len()));
        }
        (Activity::Performing | Activity::Sandbox, _) => {
            let enough = matches!(goal, Goal::Perform { count } if session.recital.performed() + 1 >= *count);
            if session.recital.stage.is_none() && beat % 3 == 0 && !enough {
                actions.write(Action::Write);
            }
        }
        _ => {}
    }
}
