//! Future-blind reading: a document is read one letter at a time with
//! everything after the cursor covered. Before each letter is uncovered the
//! student guesses (its top share) and so may the player; both are scored.

use crate::brain::math::{argmax, softmax, softmax_and_score};
use crate::brain::{Brain, Run, Token};

/// One uncovered letter.
#[derive(Clone, Debug, PartialEq)]
pub struct Reveal {
    /// The token that was under the cover.
    pub truth: usize,
    /// The student's guess: its letter with the largest share.
    pub student: usize,
    /// The share the student gave the true letter.
    pub student_share: f32,
    /// The teacher's score of the student's votes: −ln p(true).
    pub score: f32,
    /// The player's guess, if they made one.
    pub player: Option<usize>,
}

/// The reading in progress.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reading {
    /// Which document (in training order) is on the board.
    pub doc: usize,
    /// Tokens `0..=cursor` of the document are uncovered.
    pub cursor: usize,
    /// Letters uncovered so far (the end marks included).
    pub read: usize,
    /// Uncovered letters the player had guessed, and how many were right.
    pub player_guesses: usize,
    pub player_hits: usize,
    /// Uncovered letters the student's top share got right.
    pub student_hits: usize,
    /// Of the letters the player guessed, those the student got right: the
    /// fair comparison, the same letters for both.
    pub student_hits_on_guesses: usize,
    /// Sum of the student's scores, for their mean.
    pub score_total: f32,
    /// The latest reveals, newest last.
    pub history: Vec<Reveal>,
}

/// Reveals kept for the screen.
const HISTORY: usize = 16;

impl Reading {
    /// Where the next covered letter is: `(document, cursor)`. After a
    /// document's end mark has been uncovered the board still shows it; the
    /// next letter is the first one of the next document.
    fn next_position(&self, run: &Run) -> (usize, usize) {
        if self.cursor + 1 >= run.document_tokens(self.doc).len() {
            (self.doc + 1, 0)
        } else {
            (self.doc, self.cursor)
        }
    }

    /// The document on the board: `BOS + letters + BOS`.
    pub fn tokens<'a>(&self, run: &'a Run) -> &'a [Token] {
        run.document_tokens(self.doc)
    }

    /// The student's votes for the next covered letter, from the letters
    /// uncovered before it (the bigram sees only the last one; a GPT sees them
    /// all, up to its context).
    pub fn votes(&self, run: &Run) -> Vec<f32> {
        let (doc, cursor) = self.next_position(run);
        let seen = &run.document_tokens(doc)[..=cursor];
        let start = match run.brain.context_len() {
            Some(n) => seen.len().saturating_sub(n),
            None => seen.len() - 1,
        };
        read_votes(&run.brain, &run.params.data, &seen[start..])
    }

    /// The letter under the next cover (what the next reveal uncovers).
    pub fn covered(&self, run: &Run) -> usize {
        let (doc, cursor) = self.next_position(run);
        run.document_tokens(doc)[cursor + 1] as usize
    }

    /// The student's shares for the next covered letter.
    pub fn shares(&self, run: &Run) -> Vec<f32> {
        let votes = self.votes(run);
        let mut shares = vec![0.0; votes.len()];
        softmax(&mut shares, &votes);
        shares
    }

    /// Uncovers the next letter, scoring the player's guess (if any) and the student's.
    pub fn reveal(&mut self, run: &Run, player: Option<usize>) -> Reveal {
        (self.doc, self.cursor) = self.next_position(run);
        let votes = self.votes(run);
        let mut shares = vec![0.0; votes.len()];
        let truth = self.covered(run);
        let score = softmax_and_score(&mut shares, &votes, truth);
        let reveal = Reveal { truth, student: argmax(&shares), student_share: shares[truth], score, player };
        self.read += 1;
        self.student_hits += usize::from(reveal.student == truth);
        if let Some(guess) = player {
            self.player_guesses += 1;
            self.player_hits += usize::from(guess == truth);
            self.student_hits_on_guesses += usize::from(reveal.student == truth);
        }
        self.score_total += reveal.score;
        self.history.push(reveal.clone());
        if self.history.len() > HISTORY {
            self.history.remove(0);
        }
        self.cursor += 1;
        reveal
    }

    /// The student's mean score over the letters read.
    pub fn mean_score(&self) -> Option<f32> {
        (self.read > 0).then(|| self.score_total / self.read as f32)
    }
}

/// Reads `tokens` from a fresh context and returns the votes after the last one.
fn read_votes(brain: &Brain, params: &[f32], tokens: &[Token]) -> Vec<f32> {
    let mut ws = brain.new_workspace();
    let mut votes = Vec::new();
    for &t in tokens {
        votes = brain.read(params, &mut ws, t as usize).to_vec();
    }
    votes
}

/// A rate as a percentage, 0 when nothing was counted.
pub fn percent(hits: usize, of: usize) -> f32 {
    if of == 0 { 0.0 } else { 100.0 * hits as f32 / of as f32 }
}
