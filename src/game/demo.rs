//! Demo mode (`raw-weights play --demo`): the lesson plays itself with the
//! player's own actions, slowly, for screenshots and for a screen left
//! running in a classroom.

use bevy::prelude::*;

use super::actions::{Action, Guess, Setting};
use super::screens::Screen;
use super::session::Session;
use crate::lesson::{Activity, bigram_votes};

/// Present when the game plays itself.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct Demo;

/// Seconds between two demo actions.
const EVERY: f32 = 0.4;

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
    match &session.activity {
        Activity::Reading(_) => {
            actions.write(Action::Guess(if beat % 3 == 0 { Guess::Look } else { Guess::Letter('a') }));
        }
        Activity::Voting(ballot) => {
            let target = session.run.vocab.id('o').unwrap_or(0);
            let vote = bigram_votes(&session.run, ballot.context)[target];
            if beat < 8 {
                actions.write(Action::Select(target));
                actions.write(Action::Set(Setting::Vote {
                    after: ballot.context,
                    letter: target,
                    value: vote + 0.4,
                }));
            } else {
                actions.write(Action::Draw(10));
            }
        }
        Activity::Scoring(marking) => {
            actions.write(Action::SelectPosition(beat as usize % marking.len()));
        }
        _ => {
            if session.recital.stage.is_none() && beat % 3 == 0 {
                actions.write(Action::Write);
            }
        }
    }
}
