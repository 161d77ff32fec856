//! The session's recording, and the playback of a replay: its controls, and
//! taking over from any point (the recording goes on as a new replay).

use bevy::platform::time::Instant;
use bevy::prelude::*;

use super::{Phase, Session};
use crate::brain::BrainError;
use crate::game::FrameCost;
use crate::game::consts::TICK_HZ;
use crate::game::intent::{DriveReplay, ReplayControl, SaveReplay};
use crate::game::levels::ProgressRes;
use crate::game::state::Screen;
use crate::lesson::replay::{Recorder, Replayer};
use crate::level::replay::ReplayFile;
use crate::level::{Level, LevelFile};

/// The session being recorded (absent while a replay plays back).
#[derive(Resource, Clone, Debug)]
pub struct Recording(pub Recorder);

impl Recording {
    pub fn new(level: &LevelFile) -> Self {
        Self(Recorder::new(level, Vec::new()))
    }
}

/// A replay playing back: the player drives it, not the lesson.
#[derive(Resource, Clone, Debug)]
pub struct Playback {
    pub replayer: Replayer,
    pub playing: bool,
    /// Multiple of the level's speed, 0.25 to 8.
    pub speed: f32,
    /// Steps owed from earlier ticks, in fractions.
    owed: f32,
    /// Why it stopped early, if it did.
    pub error: Option<String>,
}

impl Playback {
    pub fn new(replayer: Replayer) -> Self {
        Self { replayer, playing: true, speed: 1.0, owed: 0.0, error: None }
    }
}

/// A replay opened and waiting for the playing screen.
#[derive(Resource, Clone, Debug)]
pub struct PendingReplay {
    pub file: ReplayFile,
    pub level: Level,
    pub path: String,
}

pub fn plugin(app: &mut App) {
    app.add_systems(OnExit(Screen::Playing), |mut commands: Commands| commands.remove_resource::<Playback>());
    app.add_observer(drive);
    app.add_observer(save);
}

/// The session and the playback of a replay that was opened.
pub(super) fn start(pending: &PendingReplay, run_id: u64) -> Result<(Session, Playback), BrainError> {
    let (replayer, mut play) = Replayer::start(pending.file.clone(), &pending.level, &pending.path)?;
    play.run_id = run_id;
    Ok((Session::from_play(play, Phase::Playing), Playback::new(replayer)))
}

/// Plays a replay forward at its speed: the level's steps per second times
/// the playback multiplier.
pub(super) fn play_back(
    mut session: ResMut<Session>,
    playback: Option<ResMut<Playback>>,
    mut cost: ResMut<FrameCost>,
) {
    let Some(mut playback) = playback else { return };
    if !playback.playing || playback.replayer.finished() {
        return;
    }
    playback.owed += session.play.speed as f32 * playback.speed / TICK_HZ as f32;
    let steps = playback.owed.floor() as usize;
    playback.owed -= steps as f32;
    let started = Instant::now();
    let before = playback.replayer.position;
    let ghosts_before = session.play.ghost_steps();
    if let Err(e) = playback.replayer.forward(&mut session.play, steps) {
        playback.error = Some(e.to_string());
        playback.playing = false;
    }
    session.play.refresh_views();
    cost.training += started.elapsed();
    cost.steps += playback.replayer.position - before;
    cost.ghost_steps += session.play.ghost_steps().saturating_sub(ghosts_before);
}

/// The replay's controls; taking over ends the playback and records on.
fn drive(
    control: On<DriveReplay>,
    mut commands: Commands,
    session: Option<ResMut<Session>>,
    playback: Option<ResMut<Playback>>,
) {
    let (Some(mut session), Some(mut playback)) = (session, playback) else { return };
    let result = match control.event().0 {
        ReplayControl::PlayPause => {
            playback.playing = !playback.playing;
            Ok(())
        }
        ReplayControl::Step => {
            let stepped = playback.replayer.forward(&mut session.play, 1);
            session.play.refresh_views();
            stepped
        }
        ReplayControl::Speed(s) => {
            playback.speed = s.clamp(0.25, 8.0);
            Ok(())
        }
        ReplayControl::Seek(position) => playback.replayer.seek(&mut session.play, position),
        ReplayControl::TakeOver => {
            let replayer = &playback.replayer;
            let recorder = Recorder::resume(&replayer.file.level, replayer.history(), replayer.run);
            commands.insert_resource(Recording(recorder));
            commands.remove_resource::<Playback>();
            // Someone else's session: meeting its goal from here completes nothing.
            session.taken_over = true;
            return;
        }
    };
    if let Err(e) = result {
        playback.error = Some(e.to_string());
        playback.playing = false;
    }
}

/// Writes the session so far to the replays folder beside the progress (in
/// the browser: offers it as a download).
fn save(
    _: On<SaveReplay>,
    session: Option<ResMut<Session>>,
    recording: Option<Res<Recording>>,
    progress: Res<ProgressRes>,
) {
    let Some(mut session) = session else { return };
    let said = match write(&session, recording.as_deref(), &progress) {
        Ok(message) | Err(message) => message,
    };
    session.play.say(said);
}

fn write(session: &Session, recording: Option<&Recording>, progress: &ProgressRes) -> Result<String, String> {
    let recording = recording.ok_or("a replay playing back is already saved; take over to record")?;
    let file = recording.0.finish(&session.play);
    let id = session.play.level.id();
    #[cfg(target_arch = "wasm32")]
    if progress.store.is_none() {
        let name = format!("{id}-step-{}.replay.ron", session.play.run.step_count());
        crate::web::download(&name, &file.to_ron());
        return Ok(format!("Replay downloaded as {name}"));
    }
    let store = progress.store.as_ref().ok_or("this build has nowhere to save replays")?;
    let dir = store.path.parent().map(|d| d.join("replays")).ok_or("no folder for replays")?;
    file.save_new(&dir, id).map(|p| format!("Replay saved to {}", p.display()))
}
