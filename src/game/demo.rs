//! Demo mode (`raw-weights play --demo`): the lesson plays itself with the
//! player's own commands, slowly, and stops short of the goal, so a screen
//! left running (or a screenshot) shows the lesson at work.

use bevy::prelude::*;

use super::intent::{Command, Do, Guess, Setting};
use super::session::{Phase, Session};
use super::state::Screen;
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
    mut commands: Commands,
) {
    let Some(session) = session.filter(|s| s.phase == Phase::Playing) else { return };
    let (since, beats) = &mut *clock;
    *since += time.delta_secs();
    if *since < EVERY {
        return;
    }
    *since = 0.0;
    *beats += 1;
    let beat = *beats;
    let play = &session.play;
    let mut send = |command| commands.trigger(Do(command));
    match (&play.activity, &play.level.file.goal) {
        (Activity::Reading(reading), Goal::BeatTheStudent { guesses })
            if reading.player_guesses + 2 < *guesses =>
        {
            send(Command::Guess(if beat % 3 == 0 { Guess::Look } else { Guess::Letter('a') }));
        }
        (Activity::Reading(reading), Goal::ReadLetters { count }) if reading.read + 1 < *count => {
            send(Command::Guess(if beat % 3 == 0 { Guess::Look } else { Guess::Letter('a') }));
        }
        (Activity::Voting(ballot), Goal::ShareAtLeast { letter, share, draws, .. }) => {
            let target = play.run.vocab.id(*letter).unwrap_or(0);
            let now = ballot.shares(&play.run, 1.0)[target];
            if now < share - 0.05 {
                let vote = bigram_votes(&play.run, ballot.context)[target];
                send(Command::Select(target));
                send(Command::Set(Setting::Vote {
                    after: ballot.context,
                    letter: target,
                    value: vote + 0.3,
                }));
            } else if ballot.draws() + 10 < *draws {
                send(Command::Draw(5));
            }
        }
        (Activity::Scoring(marking), _) => send(Command::SelectPosition(beat as usize % marking.len())),
        (Activity::Looking(lens), _) => {
            // Walk along the chant, a head at a time; after the freeze, try
            // each head off and on (never naming one: that is the player's call).
            let letters = lens.letters() + 1;
            let heads = lens.n_layer() * lens.n_head();
            let n_head = lens.n_head();
            let head = (beat as usize / letters) % heads;
            let (layer, head) = (head / n_head, head % n_head);
            if lens.frozen() && beat % 4 == 0 {
                // One head off at a time: the one off goes back on, else this one goes off.
                let on_again = (0..heads).find(|&i| lens.off.is_off(i / n_head, i % n_head, n_head));
                match on_again {
                    Some(i) => send(Command::SwitchHead { layer: i / n_head, head: i % n_head, off: false }),
                    None => send(Command::SwitchHead { layer, head, off: true }),
                }
            } else {
                send(Command::PickHead { layer, head });
                send(Command::SelectPosition(1 + beat as usize % (letters - 1)));
            }
        }
        (Activity::Performing | Activity::Sandbox, goal) => {
            let enough = match goal {
                Goal::Perform { count } => play.recital.performed() + 1 >= *count,
                Goal::MemorisedAndNew { .. } => play.recital.performed() >= 12,
                _ => false,
            };
            if play.recital.stage.is_none() && beat % 3 == 0 && !enough {
                send(Command::Write);
            }
        }
        _ => {}
    }
}
