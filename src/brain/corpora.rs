//! The training texts shipped with the game, built into the binary so the
//! browser build needs no file access. Each was written for this project.

/// At least 1,000 common first names, lowercase, one per line.
pub const NAMES: &str = include_str!("../../assets/corpora/names.txt");

/// Short plain sentences, one per line.
pub const SENTENCES: &str = include_str!("../../assets/corpora/sentences.txt");

/// Chants: a consonant and a vowel said two, three or four times ("kakaka"),
/// every pair of 14 consonants and 5 vowels. After a vowel the next letter
/// depends on the letter before it, so a student must look back to chant.
pub const CHANTS: &str = include_str!("../../assets/corpora/chants.txt");

/// The built-in corpora by name, as levels refer to them.
pub const BUILTIN: [(&str, &str); 3] = [("names", NAMES), ("sentences", SENTENCES), ("chants", CHANTS)];

/// A built-in corpus by name.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}
