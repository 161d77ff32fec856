//! Letters and their ids, and the corpus the student reads.

use super::BrainError;

/// The student's alphabet: the corpus' distinct characters in sorted order get
/// ids `0..n`; one more token, BOS (id `n`), starts and ends every document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vocab {
    chars: Vec<char>,
}

impl Vocab {
    /// The distinct characters of the documents, sorted.
    pub fn from_docs<S: AsRef<str>>(docs: &[S]) -> Self {
        let mut chars: Vec<char> = docs.iter().flat_map(|d| d.as_ref().chars()).collect();
        chars.sort_unstable();
        chars.dedup();
        Self { chars }
    }

    /// A vocabulary given as its characters in id order (as in a run export).
    pub fn from_id_order(letters: &str) -> Result<Self, String> {
        let chars: Vec<char> = letters.chars().collect();
        if chars.windows(2).any(|w| w[0] >= w[1]) {
            return Err("vocab must list distinct characters in sorted order".into());
        }
        Ok(Self { chars })
    }

    /// Number of tokens, BOS included: `V = letters + 1`.
    pub fn size(&self) -> usize {
        self.chars.len() + 1
    }

    /// The BOS token's id (the last one).
    pub fn bos(&self) -> usize {
        self.chars.len()
    }

    /// The letters in id order, without BOS.
    pub fn letters(&self) -> String {
        self.chars.iter().collect()
    }

    pub fn id(&self, letter: char) -> Option<usize> {
        self.chars.binary_search(&letter).ok()
    }

    /// The letter of a token, `None` for BOS.
    pub fn letter(&self, id: usize) -> Option<char> {
        self.chars.get(id).copied()
    }

    /// How a token is shown on screen: BOS as `¶` (the end of a document),
    /// a space as `␣`.
    pub fn label(&self, id: usize) -> String {
        match self.letter(id) {
            None => "¶".to_string(),
            Some(' ') => "␣".to_string(),
            Some(c) => c.to_string(),
        }
    }

    /// `BOS + letters + BOS`, the token sequence a document is trained on.
    pub fn encode_document(&self, doc: &str, out: &mut Vec<usize>) -> Result<(), char> {
        out.clear();
        out.push(self.bos());
        for c in doc.chars() {
            out.push(self.id(c).ok_or(c)?);
        }
        out.push(self.bos());
        Ok(())
    }

    /// Ids of a text's letters, or the first letter outside the vocabulary.
    pub fn encode_text(&self, text: &str) -> Result<Vec<usize>, char> {
        text.chars().map(|c| self.id(c).ok_or(c)).collect()
    }
}

/// A training text: one document per line. Lines are trimmed; blank lines are skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Corpus {
    /// Where the text came from, for messages.
    pub origin: String,
    pub docs: Vec<String>,
}

impl Corpus {
    pub fn from_text(text: &str, origin: &str) -> Result<Self, BrainError> {
        let docs: Vec<String> =
            text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
        if docs.is_empty() {
            return Err(BrainError::CorpusEmpty { origin: origin.to_string() });
        }
        Ok(Self { origin: origin.to_string(), docs })
    }

    /// Reads a corpus file (native builds; the browser build embeds its corpora).
    pub fn load(path: &std::path::Path) -> Result<Self, BrainError> {
        let text = std::fs::read_to_string(path).map_err(|e| BrainError::CorpusUnreadable {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::from_text(&text, &path.display().to_string())
    }

    pub fn vocab(&self) -> Vocab {
        Vocab::from_docs(&self.docs)
    }
}
