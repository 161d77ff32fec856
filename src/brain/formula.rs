//! The formulas the panels name, as they write them. Each one is defined
//! beside the code that computes it (`math.rs`, `optim.rs`, `sample.rs`,
//! `bigram.rs`); this table gathers them so that panels, tooltips and level
//! files (`{formula:NAME}`) all read the same text.

use super::{bigram, gpt, math, optim, sample};

/// A formula as the screen writes it, and the name level files call it by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Formula {
    pub name: &'static str,
    pub text: &'static str,
}

/// Every formula the game shows.
pub const ALL: [Formula; 17] = [
    math::SHARES,
    math::SHARES_AT_T,
    math::SCORE,
    math::MEAN_SCORE,
    math::SCORE_GRADIENT,
    math::KNOWING_NOTHING,
    optim::M,
    optim::V,
    optim::M_HAT,
    optim::V_HAT,
    optim::STEP_SGD,
    optim::STEP_MOMENTUM,
    optim::STEP_RMSPROP,
    optim::STEP_ADAM,
    optim::STEP_ADAMW,
    optim::LINEAR_DECAY,
    sample::TOP_K,
];

/// Formulas the panels use that need more than one line of the table above.
pub const MORE: [Formula; 15] = [
    sample::DRAW,
    bigram::BIGRAM_VOTES,
    gpt::EMBEDDING,
    gpt::RMSNORM,
    gpt::QKV,
    gpt::ATTENTION_SCORE,
    gpt::ATTENTION_WEIGHTS,
    gpt::ATTENTION_OUT,
    gpt::AFTER_ATTENTION,
    gpt::HIDDEN,
    gpt::RELU,
    gpt::AFTER_MLP,
    gpt::VOTES,
    gpt::ATTENTION_ENTROPY,
    gpt::HEAD_OFF,
];

/// The formula called `name`.
pub fn named(name: &str) -> Option<Formula> {
    ALL.into_iter().chain(MORE).find(|f| f.name == name)
}

/// Every name a level file may use.
pub fn names() -> Vec<&'static str> {
    ALL.iter().chain(MORE.iter()).map(|f| f.name).collect()
}

/// `text` with every `{formula:NAME}` replaced by that formula's text. An
/// unknown name is an error that names it and lists the known ones.
pub fn fill(text: &str) -> Result<String, String> {
    const OPEN: &str = "{formula:";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + OPEN.len()..];
        let end = after.find('}').ok_or_else(|| format!("`{OPEN}` is not closed with `}}`"))?;
        let name = after[..end].trim();
        let formula =
            named(name).ok_or_else(|| format!("unknown formula `{name}` (known: {})", names().join(", ")))?;
        out.push_str(formula.text);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
