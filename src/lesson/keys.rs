//! Every key of the game, as the buttons, the in-game help and the README
//! write them: one table. The game's keyboard systems (`game::keys`) map the
//! same keys to the same intents; the tests press them.

/// A key (or keys) and what it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bind {
    pub keys: &'static str,
    pub does: &'static str,
}

const fn bind(keys: &'static str, does: &'static str) -> Bind {
    Bind { keys, does }
}

// While a lesson plays.
pub const PAUSE: Bind = bind("Space", "pause or resume (the pause menu: restart, map, quit)");
pub const MENU: Bind = bind("Esc", "the pause menu");
pub const PANELS: Bind = bind("Tab", "put the panel away, or bring it back");
pub const HELP: Bind = bind("F1", "this list of keys");
pub const STORY: Bind = bind("F2", "the lesson's story card again");
pub const HINT: Bind = bind("F3", "the next hint");
pub const CHART: Bind = bind("F4", "the chart overlay (the score over the steps, or the letters drawn)");
pub const PRESENTER: Bind = bind("F5", "presenter mode: larger type and world, for a projector");
pub const SAVE_REPLAY: Bind = bind("F6", "save the session as a replay");
pub const SHARE_LINK: Bind = bind("F7", "a link that opens this lesson with your settings");
pub const RESTART: Bind = bind("R", "restart the lesson (in prediction: Esc, then R)");
pub const MAP: Bind = bind("M", "the level map (in prediction: Esc, then M)");
pub const SPEED: Bind = bind("[ ]", "halve or double the training speed");
pub const RETRY: Bind = bind("Enter", "after a missed try: try again (your settings stay)");

// The story card.
pub const BEGIN: Bind = bind("Space / Enter", "begin the lesson");
pub const LEAVE: Bind = bind("Esc", "back to the level map");

// Prediction.
pub const GUESS: Bind = bind("a–z", "guess the covered letter");
pub const END: Bind = bind("Enter", "guess that the name ends here (¶)");
pub const LOOK: Bind = bind("→", "uncover without guessing (does not count)");

// The voting box (voting and scoring).
pub const PICK: Bind = bind("← →", "pick a letter's column");
pub const VOTE: Bind = bind("↑ ↓", "raise or lower its votes by 0.25 (Shift: by 1)");
pub const DRAW: Bind = bind("D", "draw 10 letters from the shares (Shift+D: 100)");
pub const TEMPERATURE: Bind = bind("T / Shift+T", "temperature up or down by 0.1");
pub const WALK: Bind = bind(". ,", "the next or previous letter of the marked word");

// Looking back.
pub const READ_AT: Bind = bind("← →", "read the letter before or after: the threads run back from it");
pub const BOARD_NAME: Bind = bind("↑ ↓", "the next or previous chant on the board");
pub const HEAD_PICK: Bind = bind("1–9", "pick a head for the close-up");
pub const HEAD_SWITCH: Bind = bind("O", "switch the picked head off, or back on (training keeps every head)");
pub const NAME_HEAD: Bind = bind("Enter", "name the picked head as the one the student needs most");

// Inside the brain (lessons with the tiny GPT).
pub const INSIDE: Bind =
    bind("I", "inside the brain: every number of the tiny GPT for one letter (training waits)");
pub const INSIDE_ROW: Bind = bind("↑ ↓", "the stage above or below");
pub const INSIDE_CELL: Bind = bind("← →", "the cell before or after");
pub const INSIDE_LETTER: Bind = bind(", .", "the letter before or after");
pub const INSIDE_CLOSE: Bind = bind("I / Esc", "close it: training goes on");

// Climbing (and the sandbox).
pub const CLIMBER: Bind = bind("O / Shift+O", "the next or previous climber");
pub const LEARNING_RATE: Bind = bind("L / Shift+L", "learning rate ×2 or ÷2");
pub const BETA1: Bind = bind("B / Shift+B", "β1 up or down");
pub const BETA2: Bind = bind("V / Shift+V", "β2 up or down");
pub const EPS: Bind = bind("E / Shift+E", "ε ×10 or ÷10");
pub const SCHEDULE: Bind = bind("S", "learning rate: decay to 0, or constant");
pub const WEIGHT_DECAY: Bind = bind("Y / Shift+Y", "AdamW's weight decay up or down");

// Performing (and the sandbox).
pub const WRITE: Bind = bind("W", "the student performs: it writes a text, letter by letter");
pub const FINISH: Bind = bind("Enter", "finish the performance at once");
pub const TOP_K: Bind = bind("K / Shift+K", "top-k up or down (0: every letter)");
pub const PREFIX: Bind = bind("P", "type the first letters (Enter or Esc when done)");

// The sandbox.
pub const MODEL: Bind = bind("G", "bigram or tiny GPT");
pub const LAYERS: Bind = bind("Z / Shift+Z", "layers up or down");
pub const HEADS: Bind = bind("X / Shift+X", "heads up or down");
pub const WIDTH: Bind = bind("C / Shift+C", "width (n_embd) up or down");
pub const CONTEXT: Bind = bind("U / Shift+U", "context (block_size) up or down");
pub const EDIT_TEXT: Bind = bind("N", "edit your training text (Esc when done)");
pub const TRAIN: Bind = bind("F8", "train a new student on your text and model");

// A replay playing back.
pub const REPLAY_PLAY: Bind = bind("Space", "play or pause the replay");
pub const REPLAY_STEP: Bind = bind("→", "one step (or the next command)");
pub const REPLAY_SPEED: Bind = bind("[ ]", "halve or double the replay's speed");
pub const REPLAY_START: Bind = bind("Home", "back to the start");
pub const TAKE_OVER: Bind = bind("T", "take over: play on from here yourself");

// The other screens.
pub const TITLE_PLAY: Bind = bind("Enter", "the level map");
pub const QUIT: Bind = bind("Esc", "quit (natively; in the browser, close the tab)");
pub const MAP_PICK: Bind = bind("1–9", "play that lesson (once unlocked)");
pub const MAP_NEXT: Bind = bind("Enter", "the first lesson not yet done");
pub const MAP_BACK: Bind = bind("Esc", "the title");
pub const NEXT_LESSON: Bind = bind("Enter", "the next lesson");
pub const AGAIN: Bind = bind("R", "play the lesson again");
pub const COMPLETE_MAP: Bind = bind("M", "the level map");

// The camera.
pub const ORBIT: Bind = bind("drag", "orbit the camera (scroll: zoom)");
pub const CAMERA_KEYS: Bind = bind("← → ↑ ↓", "orbit, where the lesson does not use the arrows");
pub const ZOOM: Bind = bind("PageUp PageDown", "zoom in or out");
pub const CAMERA_HOME: Bind = bind("Home", "the lesson's own view");

/// The keys, grouped by where they work, in the order the help lists them.
pub const TABLE: [(&str, &[Bind]); 13] = [
    (
        "every lesson",
        &[
            PAUSE,
            MENU,
            PANELS,
            HELP,
            STORY,
            HINT,
            CHART,
            PRESENTER,
            SAVE_REPLAY,
            SHARE_LINK,
            RESTART,
            MAP,
            SPEED,
            RETRY,
        ],
    ),
    ("the story card", &[BEGIN, LEAVE]),
    ("prediction", &[GUESS, END, LOOK]),
    ("voting and scoring", &[PICK, VOTE, DRAW, TEMPERATURE, WALK]),
    ("climbing and the sandbox", &[CLIMBER, LEARNING_RATE, BETA1, BETA2, EPS, SCHEDULE, WEIGHT_DECAY]),
    ("performing and the sandbox", &[WRITE, FINISH, TEMPERATURE, TOP_K, PREFIX]),
    ("looking back", &[READ_AT, BOARD_NAME, HEAD_PICK, HEAD_SWITCH, NAME_HEAD]),
    ("inside the brain", &[INSIDE, INSIDE_ROW, INSIDE_CELL, INSIDE_LETTER, INSIDE_CLOSE]),
    ("the sandbox", &[MODEL, LAYERS, HEADS, WIDTH, CONTEXT, EDIT_TEXT, TRAIN]),
    ("a replay playing back", &[REPLAY_PLAY, REPLAY_STEP, REPLAY_SPEED, REPLAY_START, TAKE_OVER]),
    ("title and level map", &[TITLE_PLAY, QUIT, MAP_PICK, MAP_NEXT, MAP_BACK]),
    ("lesson complete", &[NEXT_LESSON, AGAIN, COMPLETE_MAP, SAVE_REPLAY]),
    ("the camera", &[ORBIT, CAMERA_KEYS, ZOOM, CAMERA_HOME]),
];

/// The table as the README writes it (Markdown).
pub fn markdown() -> String {
    let mut out = String::from("| where | key | what it does |\n|---|---|---|\n");
    for (place, binds) in TABLE {
        for (i, b) in binds.iter().enumerate() {
            let place = if i == 0 { place } else { "" };
            out.push_str(&format!("| {place} | {} | {} |\n", b.keys.replace('|', "\\|"), b.does));
        }
    }
    out
}
