//! A clear start: without a display, or without a graphics driver that can
//! draw, the game says in one line what it needs and what else works, and
//! exits non-zero, instead of a panic and a backtrace.

/// What the game needs and what works without it.
pub const NEEDS: &str = "error: the game needs an X11 display and a Vulkan or OpenGL driver; without them the \
browser build (scripts/build-web.sh) and the commands train, sample, bench, levels and replay --verify work \
(raw-weights --help)";

/// Checks, before the window opens, that there is a display to open it on.
pub fn can_open_a_window() -> Result<(), String> {
    #[cfg(all(unix, not(target_os = "macos"), not(target_arch = "wasm32")))]
    {
        let display = std::env::var("DISPLAY").unwrap_or_default();
        if display.trim().is_empty() {
            return Err(format!("{NEEDS} (DISPLAY is not set.)"));
        }
        if let Some(path) = local_display_socket(&display)
            && std::os::unix::net::UnixStream::connect(&path).is_err()
            && !abstract_display_socket_exists(&display)
        {
            return Err(format!("{NEEDS} (No X server answers on DISPLAY={display}.)"));
        }
    }
    Ok(())
}

/// The socket of a local X display (`:0`, `:99.0`), if `display` names one.
#[cfg(all(unix, not(target_os = "macos"), not(target_arch = "wasm32")))]
fn local_display_socket(display: &str) -> Option<String> {
    let number = display.strip_prefix(':')?.split('.').next()?;
    number.chars().all(|c| c.is_ascii_digit()).then(|| format!("/tmp/.X11-unix/X{number}"))
}

/// Linux X servers also listen on an abstract socket; a server without the
/// file socket may still be reachable there.
#[cfg(all(unix, not(target_os = "macos"), not(target_arch = "wasm32")))]
fn abstract_display_socket_exists(display: &str) -> bool {
    let Some(number) = display.strip_prefix(':').and_then(|d| d.split('.').next()) else { return false };
    std::fs::read_to_string("/proc/net/unix")
        .is_ok_and(|table| table.lines().any(|l| l.ends_with(&format!("@/tmp/.X11-unix/X{number}"))))
}

/// Panic messages that mean the window or the renderer could not start.
#[cfg(not(target_arch = "wasm32"))]
const STARTUP_FAILURES: [&str; 4] = [
    "Unable to find a GPU",
    "Failed to build event loop",
    "Failed to create wgpu surface",
    "Couldn't get the window handle",
];

/// Turns a start-up failure of the window or the graphics driver (which Bevy
/// reports by panicking) into [`NEEDS`] and a non-zero exit; any other panic
/// is reported as before.
pub fn explain_startup_failures() {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let before = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if let Some(failure) = STARTUP_FAILURES.iter().find(|f| message.contains(*f)) {
                eprintln!("{NEEDS} ({failure}.)");
                std::process::exit(2);
            }
            before(info);
        }));
    }
}
