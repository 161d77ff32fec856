#!/usr/bin/env bash
# Renders the game in a real window under Xvfb with Mesa's lavapipe (Vulkan on
# the CPU), drives it to the title, the level map, a playing level and each
# lesson (playing itself with --demo), and saves a PNG of each. Fails if a picture is blank or uniform, or if the game
# panics or never gets ready.
#
#   scripts/screenshot.sh [OUT_DIR]        (default: docs/screenshots)
#
# Needs: Xvfb, mesa-vulkan-drivers, imagemagick (import, convert); see .ci/run.
# RAW_WEIGHTS_BIN picks the binary (default: target/debug/raw-weights, or the
# one under CARGO_TARGET_DIR).
set -euo pipefail

out=${1:-docs/screenshots}
target=${CARGO_TARGET_DIR:-target}
bin=${RAW_WEIGHTS_BIN:-$target/debug/raw-weights}
ready_timeout=${READY_TIMEOUT:-240}
mkdir -p "$out"
[ -x "$bin" ] || { echo "screenshot: no game binary at $bin (run cargo build first)" >&2; exit 1; }

# A private X display, its number chosen by Xvfb.
fifo=$(mktemp -u)
mkfifo "$fifo"
Xvfb -displayfd 3 -screen 0 1280x720x24 -nolisten tcp 3>"$fifo" &
xvfb=$!
read -r display_number <"$fifo"
rm -f "$fifo"
display=":$display_number"
data=$(mktemp -d)
runtime=$(mktemp -d)
game=""
cleanup() {
    [ -n "$game" ] && kill "$game" 2>/dev/null || true
    kill "$xvfb" 2>/dev/null || true
    rm -rf "$data" "$runtime"
}
trap cleanup EXIT

# shoot "PLAY ARGS" NAME [SECONDS_AFTER_READY] [--demo] [LINE TO WAIT FOR]
shoot() {
    local args=$1 name=$2 linger=${3:-0} demo=${4:-} needle=${5:-"ready: "}
    local log="$out/$name.log" png="$out/$name.png"
    echo "screenshot: $name ($args $demo)"
    : >"$log"
    # shellcheck disable=SC2086
    DISPLAY=$display WGPU_BACKEND=vulkan XDG_RUNTIME_DIR=$runtime RAW_WEIGHTS_DATA_DIR=$data \
        "$bin" play $args $demo >"$log" 2>&1 &
    game=$!
    local waited=0
    until grep -q "$needle" "$log"; do
        if ! kill -0 "$game" 2>/dev/null; then
            echo "screenshot: the game exited before $name was ready; see $log" >&2
            tail -n 20 "$log" >&2
            exit 1
        fi
        if [ "$waited" -ge "$ready_timeout" ]; then
            echo "screenshot: $name not ready after ${ready_timeout}s; see $log" >&2
            exit 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    sleep "$linger"
    # A window can take a moment to reach the screen after its first frames:
    # a uniform picture is retaken a few times before it counts as blank.
    local spread tries=0
    while :; do
        DISPLAY=$display import -window root "$png"
        spread=$(convert "$png" -colorspace Gray -format "%[fx:standard_deviation]" info:)
        awk -v s="$spread" 'BEGIN { exit !(s < 0.05) }' || break
        tries=$((tries + 1))
        [ "$tries" -lt 4 ] || break
        sleep 2
    done
    kill "$game" 2>/dev/null || true
    wait "$game" 2>/dev/null || true
    game=""
    if grep -q "panicked" "$log"; then
        echo "screenshot: the game panicked on $name; see $log" >&2
        exit 1
    fi
    echo "screenshot: $png ready after ${waited}s, grey-level spread $spread"
    if awk -v s="$spread" 'BEGIN { exit !(s < 0.05) }'; then
        echo "screenshot: $png is blank or uniform (spread $spread)" >&2
        exit 1
    fi
}

shoot "--start title" title
shoot "--start map" map
shoot "--start play:climbing" playing 6
# A lesson as it opens: its story card.
shoot "--link #level=prediction" card 1 "" "shown: the story card"
# Each lesson, playing itself (--demo) for a few seconds.
shoot "--start play:prediction" lesson-1-prediction 8 --demo
shoot "--start play:voting" lesson-2-voting 8 --demo
shoot "--start play:scoring" lesson-3-scoring 4 --demo
shoot "--start play:climbing" lesson-4-climbing 6 --demo
shoot "--start play:performing" lesson-5-performing 8 --demo
shoot "--start play:looking" lesson-6-looking 9 --demo
# Inside the brain: the performing student's every number for one letter (a link opens it).
shoot "--link #level=performing&card=off&inside=on" inside 3
shoot "--start play:sandbox" sandbox 4
# Presenter mode, for a projector: larger type, a closer world.
shoot "--start play:voting --presenter" presenter-voting 4 --demo
# A replay playing back (the climbing example, recorded with the game's commands).
shoot "--start replay:replays/4-climbing.replay.ron" replay 2
# A teacher's link, past the card: climbing with Adam, the other climbers as ghosts.
shoot "--link #level=climbing&optimizer=adam&lr=0.02&card=off" link-climbing-adam 4
