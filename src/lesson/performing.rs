//! The formal performance, letter by letter: the student reads what it has
//! written so far, votes, draws a letter, and reads that letter next.

use crate::brain::sample::{Drawn, Performance};
use crate::brain::{BrainError, Rand, Run, SampleSettings};

/// A text the student wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    pub text: String,
    /// Letters the student drew itself, after the prefix (the end mark not counted).
    pub own_letters: usize,
    /// True if the text is one of the training documents word for word.
    pub memorised: bool,
    /// The training step the student was at.
    pub step: usize,
}

/// The performance on stage, if any, and the texts performed so far.
#[derive(Clone, Debug, Default)]
pub struct Recital {
    pub stage: Option<Stage>,
    pub written: Vec<Written>,
}

/// A performance in progress and the letters drawn in it. It writes with
/// the weights the student had when it began, even if training goes on.
#[derive(Clone, Debug)]
pub struct Stage {
    pub performance: Performance,
    pub drawn: Vec<Drawn>,
    weights: Vec<f32>,
}

impl Recital {
    /// Starts a performance (finishing at once any one still on stage).
    pub fn begin(
        &mut self,
        run: &Run,
        settings: SampleSettings,
        prefix: &str,
        rng: &mut Rand,
    ) -> Result<(), BrainError> {
        self.finish(run, rng);
        let performance = Performance::new(&run.brain, &run.params.data, &run.vocab, settings, prefix)?;
        self.stage = Some(Stage { performance, drawn: Vec::new(), weights: run.params.data.clone() });
        Ok(())
    }

    /// Draws the next letter of the performance on stage; when the
    /// performance ends, its text joins the written ones.
    pub fn next_letter(&mut self, run: &Run, rng: &mut Rand) -> Option<Drawn> {
        let stage = self.stage.as_mut()?;
        let drawn = stage.performance.next(&run.brain, &stage.weights, rng);
        if let Some(d) = &drawn {
            stage.drawn.push(d.clone());
        }
        if stage.performance.done {
            let text = stage.performance.text(&run.vocab);
            let own_letters = stage.performance.tokens.len() - stage.performance.prefix_len;
            self.written.push(Written {
                memorised: run.is_memorised(&text),
                text,
                own_letters,
                step: run.step_count(),
            });
            self.stage = None;
        }
        drawn
    }

    /// Draws every remaining letter of the performance on stage.
    pub fn finish(&mut self, run: &Run, rng: &mut Rand) {
        while self.stage.is_some() {
            self.next_letter(run, rng);
        }
    }

    /// Texts performed to the end.
    pub fn performed(&self) -> usize {
        self.written.len()
    }

    /// Of those, how many were new (not in the training text).
    pub fn new_texts(&self) -> usize {
        self.written.iter().filter(|w| !w.memorised).count()
    }

    /// Different texts written that are (`memorised`) or are not in the training text.
    /// Only texts the student wrote at least one letter of count: a prefix
    /// that is itself a name, or a performance that ends at once, is not its work.
    pub fn distinct(&self, memorised: bool) -> usize {
        let mut seen: Vec<&str> = Vec::new();
        for w in self.written.iter().filter(|w| w.memorised == memorised && w.own_letters > 0) {
            if !seen.contains(&w.text.as_str()) {
                seen.push(&w.text);
            }
        }
        seen.len()
    }
}
