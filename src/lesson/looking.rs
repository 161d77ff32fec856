//! Looking back (lesson 6): attention. The student's tiny GPT trains while
//! the player watches its heads look back from each letter of a name on the
//! board to the letters before it; at the step budget it stops learning, and
//! the player switches heads off one at a time (a measurement pass: training
//! never runs with a head off) to find the head whose loss rises most. The
//! answer is the model's: [`head_effects`] on the level's probe names.

use crate::brain::attention::{HeadEffects, Look, head_effects};
use crate::brain::gpt::{Gpt, HeadsOff};
use crate::brain::{Brain, BrainError, Run};

/// Names read for the attention-spread figure while the student learns.
const SPREAD_TEXTS: usize = 32;
/// The spread is measured every this many steps (and at the start and the freeze).
const SPREAD_EVERY: usize = 30;

/// The lesson in play.
#[derive(Clone, Debug)]
pub struct Lens {
    /// The names on the board.
    pub board: Vec<String>,
    /// Which name is on the board.
    pub text: usize,
    /// The letter being read: 0 is the start mark, `i` the i-th letter.
    pub cursor: usize,
    /// The head picked for the close-up: `(layer, head)`.
    pub head: (usize, usize),
    /// Heads switched off in the view (the board's reading and the measurements).
    pub off: HeadsOff,
    /// Heads the player has switched off at least once since the freeze:
    /// their effect is shown.
    pub tried: HeadsOff,
    /// The board's name read with the current weights and `off`.
    pub look: Look,
    /// The mean attention entropy on the spread names at the first step, and now.
    pub spread_start: f32,
    pub spread_now: f32,
    /// How much each head matters on the probe names, once the student stops learning.
    pub effects: Option<HeadEffects>,
    /// The probe names' mean score with the heads now off (after the freeze).
    pub probe_score: Option<f32>,
    /// The head the player named, if they have.
    pub answer: Option<(usize, usize)>,
    /// How many training names (in training order) the answer is measured on,
    /// as the level asks, and as many as fit the context.
    pub probe: usize,
    pub probed: usize,
    /// The board's reading is behind the weights (it is read again once per frame, not per step).
    stale: bool,
    scratch: Look,
}

fn gpt(run: &Run) -> Result<&Gpt, BrainError> {
    match &run.brain {
        Brain::Gpt(gpt) => Ok(gpt),
        Brain::Bigram(_) => Err(BrainError::NotATransformer { what: "the looking-back lesson" }),
    }
}

impl Lens {
    pub fn new(run: &Run, board: Vec<String>, probe: usize) -> Result<Self, BrainError> {
        let gpt = gpt(run)?;
        let mut lens = Self {
            board,
            text: 0,
            cursor: 0,
            head: (0, 0),
            off: HeadsOff::NONE,
            tried: HeadsOff::NONE,
            look: Look::new(gpt),
            spread_start: 0.0,
            spread_now: 0.0,
            effects: None,
            probe_score: None,
            answer: None,
            probe,
            probed: 0,
            stale: false,
            scratch: Look::new(gpt),
        };
        lens.cursor = lens.letters();
        lens.read(run)?;
        lens.spread_now = lens.spread(run)?;
        lens.spread_start = lens.spread_now;
        if run.is_finished() {
            lens.freeze(run)?;
        }
        Ok(lens)
    }

    /// Letters of the name on the board.
    pub fn letters(&self) -> usize {
        self.board[self.text].chars().count()
    }

    pub fn n_head(&self) -> usize {
        self.look.act.config().n_head
    }

    pub fn n_layer(&self) -> usize {
        self.look.act.config().n_layer
    }

    /// True once the student has stopped learning and the heads can be judged.
    pub fn frozen(&self) -> bool {
        self.effects.is_some()
    }

    /// After each training step: the board's reading falls behind; the
    /// spread now and then; at the last step, the heads measured. Every text
    /// read was checked when the lesson opened, so no read fails here.
    pub fn after_step(&mut self, run: &Run) {
        self.stale = true;
        if run.step_count().is_multiple_of(SPREAD_EVERY) || run.is_finished() {
            self.spread_now = self.spread(run).unwrap_or(self.spread_now);
        }
        if run.is_finished() && !self.frozen() {
            let _ = self.freeze(run);
            self.refresh(run);
        }
    }

    /// Reads the board again if training moved on since (once a frame is enough).
    pub fn refresh(&mut self, run: &Run) {
        if std::mem::take(&mut self.stale) {
            let _ = self.read(run);
        }
    }

    fn read(&mut self, run: &Run) -> Result<(), BrainError> {
        let gpt = gpt(run)?;
        self.look.read(gpt, &run.params.data, &run.vocab, &self.board[self.text], self.off)?;
        Ok(())
    }

    /// Mean attention entropy over the first spread names, every head on.
    fn spread(&mut self, run: &Run) -> Result<f32, BrainError> {
        let gpt = gpt(run)?;
        let mut total = 0.0f32;
        let mut counted = 0usize;
        for name in run.documents().take(SPREAD_TEXTS) {
            if self.scratch.read(gpt, &run.params.data, &run.vocab, name, HeadsOff::NONE).is_ok() {
                total += self.scratch.act.mean_attention_entropy();
                counted += 1;
            }
        }
        Ok(if counted == 0 { 0.0 } else { total / counted as f32 })
    }

    /// The probe names: the first `probe` training names that fit the context.
    fn probe_names<'a>(&self, run: &'a Run) -> Vec<&'a str> {
        probe_names(run, self.probe)
    }

    fn freeze(&mut self, run: &Run) -> Result<(), BrainError> {
        let gpt = gpt(run)?;
        let names = self.probe_names(run);
        self.probed = names.len();
        self.effects = Some(head_effects(gpt, &run.params.data, &run.vocab, &names, &mut self.scratch)?);
        // Heads left off from before the freeze count as tried.
        self.tried = self.off;
        self.measure(run)
    }

    /// The probe names' mean score with the heads now off.
    fn measure(&mut self, run: &Run) -> Result<(), BrainError> {
        if !self.frozen() {
            return Ok(());
        }
        let gpt = gpt(run)?;
        let names = self.probe_names(run);
        let mut total = 0.0f32;
        for name in &names {
            total += self.scratch.read(gpt, &run.params.data, &run.vocab, name, self.off)?;
        }
        self.probe_score = Some(total / names.len().max(1) as f32);
        Ok(())
    }

    /// Moves the cursor to letter `i` of the board (0: the start mark).
    pub fn set_cursor(&mut self, i: usize) {
        self.cursor = i.min(self.letters());
    }

    /// Puts the `i`-th board name up.
    pub fn set_text(&mut self, i: usize, run: &Run) -> Result<(), BrainError> {
        if i < self.board.len() {
            self.text = i;
            self.cursor = self.letters();
            self.read(run)?;
        }
        Ok(())
    }

    pub fn pick(&mut self, layer: usize, head: usize) {
        if layer < self.n_layer() && head < self.n_head() {
            self.head = (layer, head);
        }
    }

    /// Switches a head off or on in the view; the board and the measurement follow.
    pub fn switch(&mut self, layer: usize, head: usize, off: bool, run: &Run) -> Result<(), BrainError> {
        if layer >= self.n_layer() || head >= self.n_head() {
            return Ok(());
        }
        let n_head = self.n_head();
        self.off = self.off.with(layer, head, n_head, off);
        if off && self.frozen() {
            self.tried = self.tried.with(layer, head, n_head, true);
        }
        self.read(run)?;
        self.measure(run)
    }

    /// The player names the head they think matters most; only once the
    /// student has stopped learning.
    pub fn name(&mut self, layer: usize, head: usize) {
        if self.frozen() && self.answer.is_none() && layer < self.n_layer() && head < self.n_head() {
            self.answer = Some((layer, head));
        }
    }

    /// How much the probe names' score rises with head `(layer, head)` alone
    /// off, once measured and tried by the player.
    pub fn shown_rise(&self, layer: usize, head: usize) -> Option<f32> {
        let n_head = self.n_head();
        let effects = self.effects.as_ref()?;
        self.tried.is_off(layer, head, n_head).then(|| effects.rises[layer * n_head + head])
    }
}

/// The first `probe` training names (in training order) that fit the context.
pub fn probe_names(run: &Run, probe: usize) -> Vec<&str> {
    let most = run.config.gpt.block_size.saturating_sub(1);
    run.documents().filter(|d| d.chars().count() <= most).take(probe).collect()
}

/// A head as the screen names it: "head 2" (1-based), "layer 1 head 2" in deeper models.
pub fn head_name(layer: usize, head: usize, n_layer: usize) -> String {
    if n_layer > 1 { format!("layer {} head {}", layer + 1, head + 1) } else { format!("head {}", head + 1) }
}

/// The level's own answer, as `levels --check` verifies it: the level's run
/// trained to its step budget, the heads measured on its probe texts.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub head: (usize, usize),
    /// By how much the right head's rise leads the next head's.
    pub lead: f32,
    pub margin: f32,
    pub effects: HeadEffects,
    pub n_layer: usize,
}

impl Answer {
    pub fn holds(&self) -> bool {
        self.lead >= self.margin
    }

    /// One line for `levels --check`.
    pub fn describe(&self) -> String {
        let (l, h) = self.head;
        format!(
            "{} raises the loss most ({:+.3}), ahead of the next by {:.3} (margin {})",
            head_name(l, h, self.n_layer),
            self.effects.rises[l * self.effects.n_head + h],
            self.lead,
            self.margin
        )
    }
}

/// The answer of a looking-back level (`None` for other goals).
pub fn answer(level: &crate::level::Level) -> Result<Option<Answer>, BrainError> {
    let crate::level::Goal::StrongestHead { probe, margin, .. } = &level.file.goal else { return Ok(None) };
    let mut run = Run::new(level.run_config(), &level.corpus)?;
    run.train(level.file.steps)?;
    let gpt = gpt(&run)?;
    let mut scratch = Look::new(gpt);
    let effects = head_effects(gpt, &run.params.data, &run.vocab, &probe_names(&run, *probe), &mut scratch)?;
    let (head, lead) = effects.leader();
    Ok(Some(Answer { head, lead, margin: *margin, effects, n_layer: gpt.config.n_layer }))
}
