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
        let mut seen = Letters::default();
        for d in docs {
            seen.add(d.as_ref());
        }
        seen.vocab()
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

/// The distinct characters of a text, gathered without keeping a copy of it.
struct Letters {
    ascii: [bool; 128],
    other: std::collections::BTreeSet<char>,
}

impl Default for Letters {
    fn default() -> Self {
        Self { ascii: [false; 128], other: Default::default() }
    }
}

impl Letters {
    fn add(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_ascii() {
                self.ascii[c as usize] = true;
            } else {
                self.other.insert(c);
            }
        }
    }

    fn vocab(self) -> Vocab {
        let ascii = (0u8..128).filter(|&b| self.ascii[b as usize]).map(char::from);
        Vocab { chars: ascii.chain(self.other).collect() }
    }
}

/// A token id as the corpus stores it: two bytes a letter.
pub type Token = u16;

/// The most distinct letters a corpus may hold (BOS is one more token).
pub const MAX_LETTERS: usize = Token::MAX as usize;

/// A token sequence the brain reads: ids as the corpus stores them (`u16`)
/// or as lessons build them (`usize`).
pub trait TokenId: Copy {
    fn id(self) -> usize;
}

impl TokenId for usize {
    #[inline(always)]
    fn id(self) -> usize {
        self
    }
}

impl TokenId for u16 {
    #[inline(always)]
    fn id(self) -> usize {
        self as usize
    }
}

/// A training text: one document per line. Lines are trimmed; blank lines
/// are skipped. Held once and shared (cloning is a reference count): the
/// text, where each document lies in it, and every document tokenized into
/// one buffer (`BOS d₀ BOS d₁ BOS …`, so document `i`'s `BOS + letters + BOS`
/// is one slice of it).
#[derive(Clone, Debug)]
pub struct Corpus(std::sync::Arc<CorpusText>);

#[derive(Debug)]
struct CorpusText {
    /// Where the text came from, for messages.
    origin: String,
    text: String,
    /// Byte range of each document (a trimmed, non-blank line) in `text`.
    spans: Vec<(u32, u32)>,
    vocab: Vocab,
    /// `BOS d₀ BOS d₁ … BOS`.
    tokens: Vec<Token>,
    /// Where each document's leading BOS is in `tokens` (and one more: the last BOS).
    starts: Vec<u32>,
}

impl PartialEq for Corpus {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
            || (self.0.origin == other.0.origin && self.len() == other.len() && self.docs().eq(other.docs()))
    }
}

impl Corpus {
    pub fn from_text(text: &str, origin: &str) -> Result<Self, BrainError> {
        Self::from_string(text.to_string(), origin)
    }

    /// [`Corpus::from_text`], keeping the text it is given rather than a copy.
    pub fn from_string(text: String, origin: &str) -> Result<Self, BrainError> {
        let too_long = || BrainError::CorpusTooLarge { origin: origin.to_string(), bytes: text.len() };
        if text.len() >= u32::MAX as usize {
            return Err(too_long());
        }
        let base = text.as_ptr() as usize;
        let mut spans = Vec::new();
        let mut letters = Letters::default();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let start = line.as_ptr() as usize - base;
            spans.push((start as u32, (start + line.len()) as u32));
            letters.add(line);
        }
        if spans.is_empty() {
            return Err(BrainError::CorpusEmpty { origin: origin.to_string() });
        }
        let vocab = letters.vocab();
        if vocab.chars.len() > MAX_LETTERS {
            return Err(BrainError::TooManyLetters {
                origin: origin.to_string(),
                letters: vocab.chars.len(),
            });
        }
        let bytes: usize = spans.iter().map(|(a, b)| (b - a) as usize).sum();
        let mut tokens: Vec<Token> = Vec::with_capacity(bytes + spans.len() + 1);
        let mut starts = Vec::with_capacity(spans.len() + 1);
        // ASCII letters by table; others by the vocabulary's search.
        let mut ascii = [Token::MAX; 128];
        for (id, c) in vocab.chars.iter().enumerate().filter(|(_, c)| c.is_ascii()) {
            ascii[*c as usize] = id as Token;
        }
        let bos = vocab.bos() as Token;
        for &(a, b) in &spans {
            starts.push(tokens.len() as u32);
            tokens.push(bos);
            for c in text[a as usize..b as usize].chars() {
                let id = if c.is_ascii() {
                    ascii[c as usize]
                } else {
                    vocab.id(c).map_or(Token::MAX, |i| i as Token)
                };
                tokens.push(id);
            }
        }
        starts.push(tokens.len() as u32);
        tokens.push(bos);
        if tokens.len() >= u32::MAX as usize {
            return Err(too_long());
        }
        Ok(Self(std::sync::Arc::new(CorpusText {
            origin: origin.to_string(),
            text,
            spans,
            vocab,
            tokens,
            starts,
        })))
    }

    /// Reads a corpus file (native builds; the browser build embeds its corpora).
    pub fn load(path: &std::path::Path) -> Result<Self, BrainError> {
        let text = std::fs::read_to_string(path).map_err(|e| BrainError::CorpusUnreadable {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::from_string(text, &path.display().to_string())
    }

    /// Where the text came from, for messages.
    pub fn origin(&self) -> &str {
        &self.0.origin
    }

    /// Documents (non-blank lines).
    pub fn len(&self) -> usize {
        self.0.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Document `i`, in the text's order.
    pub fn doc(&self, i: usize) -> &str {
        let (a, b) = self.0.spans[i];
        &self.0.text[a as usize..b as usize]
    }

    /// The documents in the text's order.
    pub fn docs(&self) -> impl ExactSizeIterator<Item = &str> + Clone + '_ {
        (0..self.len()).map(|i| self.doc(i))
    }

    /// Document `i` as the student reads it: `BOS + letters + BOS`.
    pub fn tokens(&self, i: usize) -> &[Token] {
        let at = &self.0.starts;
        &self.0.tokens[at[i] as usize..=at[i + 1] as usize]
    }

    /// Every document's tokens in the text's order, one after another: `BOS d₀ BOS d₁ … BOS`.
    pub fn all_tokens(&self) -> &[Token] {
        &self.0.tokens
    }

    /// The document that token `at` of [`Corpus::all_tokens`] belongs to (a BOS to the one after it).
    pub fn line_at(&self, at: usize) -> usize {
        self.0.starts.partition_point(|&s| s as usize <= at).saturating_sub(1).min(self.len() - 1)
    }

    /// Bytes of text in the documents and tokens held, for messages and benchmarks.
    pub fn sizes(&self) -> (usize, usize) {
        (self.0.text.len(), self.0.tokens.len())
    }

    pub fn vocab(&self) -> Vocab {
        self.0.vocab.clone()
    }

    /// True if `text` is one of the documents word for word.
    pub fn contains(&self, text: &str) -> bool {
        self.docs().any(|d| d == text)
    }
}
