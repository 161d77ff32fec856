//! `raw-weights`: plays the game, or runs a command of the brain.

#[cfg(not(target_arch = "wasm32"))]
mod bench;
#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use clap::Parser;
    end_quietly_when_output_is_closed();
    let args = cli::Cli::parse();
    let (start, demo, presenter) = match args.command {
        None => (cli::PlayArgs::default().start(), false, false),
        Some(cli::Command::Play(play)) => (play.start(), play.demo, play.presenter),
        Some(command) => return cli::run(command),
    };
    match start {
        Ok(start) => play(start, demo, presenter),
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Rust ignores SIGPIPE, so a write to a pipe whose reader has gone
/// (`raw-weights bench | head -1`) fails and `println!` panics. Restored to
/// the default, the process ends there without a word, like `cat` or `grep`.
#[cfg(all(unix, not(target_arch = "wasm32")))]
fn end_quietly_when_output_is_closed() {
    // SAFETY: sets the signal's disposition to its default, before any other
    // thread exists; no handler runs code of ours.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(all(not(unix), not(target_arch = "wasm32")))]
fn end_quietly_when_output_is_closed() {}

#[cfg(all(not(target_arch = "wasm32"), feature = "game"))]
fn play(start: raw_weights::game::Start, demo: bool, presenter: bool) -> std::process::ExitCode {
    match raw_weights::game::run(start, demo, presenter) {
        bevy::app::AppExit::Success => std::process::ExitCode::SUCCESS,
        bevy::app::AppExit::Error(code) => std::process::ExitCode::from(code.get()),
    }
}

#[cfg(all(not(target_arch = "wasm32"), not(feature = "game")))]
fn play(_start: (), _demo: bool, _presenter: bool) -> std::process::ExitCode {
    eprintln!(
        "error: this build has no game (built without the `game` feature); try `raw-weights train --corpus assets/corpora/names.txt`"
    );
    std::process::ExitCode::FAILURE
}

#[cfg(target_arch = "wasm32")]
fn main() {
    raw_weights::game::page::run();
}
