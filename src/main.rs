//! `raw-weights`: plays the game, or runs a command of the brain.

#[cfg(not(target_arch = "wasm32"))]
mod bench;
#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use clap::Parser;
    let args = cli::Cli::parse();
    match args.command {
        None | Some(cli::Command::Play) => play(),
        Some(command) => cli::run(command),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn play() -> std::process::ExitCode {
    eprintln!(
        "this build has no game yet; try `raw-weights train --corpus assets/corpora/names.txt`"
    );
    std::process::ExitCode::FAILURE
}

#[cfg(target_arch = "wasm32")]
fn main() {}
