//! Links a teacher can send: `#level=climbing&lr=0.02&optimizer=sgd` opens a
//! level with its settings changed. The browser build reads the address's
//! hash; the native game takes the same text with `play --link`.
//!
//! A link holds only what differs from the level's own start, and only
//! settings the level lets the player change: the game applies them as the
//! player would, so they are recorded in the session's replay.

use super::play::{Play, Setting};
use crate::brain::{OptimizerKind, Schedule};
use crate::level::Control;

/// What a link opens: a level by id and the settings to apply first.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedStart {
    pub level: String,
    pub settings: Vec<Setting>,
    /// Whether the lesson opens on its story card (`card=off` skips it, for
    /// scripts and screenshots).
    pub card: bool,
    /// Whether the inside view opens once play begins (`inside=on`).
    pub inside: bool,
}

/// What a link opens.
#[derive(Clone, Debug, PartialEq)]
pub enum Shared {
    Level(SharedStart),
    /// One of the sessions shipped with the game, by short name (`4-climbing`).
    Replay(String),
}

/// The link's keys, in the order links write them.
pub const KEYS: [&str; 15] = [
    "level",
    "replay",
    "card",
    "inside",
    "speed",
    "optimizer",
    "lr",
    "beta1",
    "beta2",
    "eps",
    "weight_decay",
    "schedule",
    "temperature",
    "top_k",
    "prefix",
];

/// Reads a link (a whole address, a hash, or the bare `key=value&…` part).
/// `Ok(None)` when it names nothing; an error names the key at fault.
pub fn parse(link: &str) -> Result<Option<Shared>, String> {
    let hash = match link.find('#') {
        Some(at) => &link[at + 1..],
        None if link.contains("://") => return Ok(None),
        None => link,
    };
    if hash.trim().is_empty() {
        return Ok(None);
    }
    let mut level = None;
    let mut replay = None;
    let mut settings = Vec::new();
    let mut card = true;
    let mut inside = false;
    for pair in hash.split('&').filter(|p| !p.is_empty()) {
        let (key, raw) = pair.split_once('=').ok_or_else(|| format!("link: `{pair}` has no value"))?;
        let value = decode(raw).ok_or_else(|| format!("link: the value of `{key}` is not valid text"))?;
        let bad = |what: &str| format!("link: `{key}={value}` is not {what}");
        let number =
            |what: &str| value.parse::<f32>().ok().filter(|x| x.is_finite()).ok_or_else(|| bad(what));
        let setting = match key {
            "level" => {
                if value.is_empty() {
                    return Err(bad("a level id"));
                }
                level = Some(value.clone());
                continue;
            }
            "replay" => {
                if value.is_empty() {
                    return Err(bad("a replay's name"));
                }
                replay = Some(value.clone());
                continue;
            }
            "inside" => {
                inside = match value.as_str() {
                    "on" => true,
                    "off" => false,
                    _ => return Err(bad("on or off")),
                };
                continue;
            }
            "card" => {
                card = match value.as_str() {
                    "on" => true,
                    "off" => false,
                    _ => return Err(bad("on or off")),
                };
                continue;
            }
            "speed" => Setting::Speed(value.parse().map_err(|_| bad("a whole number of steps per second"))?),
            "optimizer" => Setting::Optimizer(OptimizerKind::parse(&value).ok_or_else(|| {
                let names: Vec<_> = OptimizerKind::ALL.iter().map(|k| k.name()).collect();
                bad(&format!("a climber ({})", names.join(", ")))
            })?),
            "lr" => Setting::LearningRate(number("a learning rate")?),
            "beta1" => Setting::Beta1(number("a β1")?),
            "beta2" => Setting::Beta2(number("a β2")?),
            "eps" => Setting::Eps(number("an ε")?),
            "weight_decay" => Setting::WeightDecay(number("a weight decay")?),
            "schedule" => Setting::Schedule(
                [Schedule::Constant, Schedule::Linear]
                    .into_iter()
                    .find(|s| s.name() == value)
                    .ok_or_else(|| bad("a schedule (constant, linear)"))?,
            ),
            "temperature" => Setting::Temperature(number("a temperature")?),
            "top_k" => Setting::TopK(value.parse().map_err(|_| bad("a whole number of letters"))?),
            "prefix" => Setting::Prefix(value),
            _ => return Err(format!("link: unknown key `{key}` (known: {})", KEYS.join(", "))),
        };
        settings.push(setting);
    }
    match (level, replay) {
        (Some(level), None) => Ok(Some(Shared::Level(SharedStart { level, settings, card, inside }))),
        (None, Some(replay)) if settings.is_empty() => Ok(Some(Shared::Replay(replay))),
        (None, Some(_)) => Err("link: a replay plays as it was recorded; it takes no settings".into()),
        (Some(_), Some(_)) => Err("link: it names both a level and a replay; keep one".into()),
        (None, None) => Err("link: it names no level (`level=…`) and no replay (`replay=…`)".into()),
    }
}

/// The link (a `#…` hash) that opens this level with the settings as they
/// are now: those the player changed and the level lets them change.
pub fn link(play: &Play) -> String {
    let mut out = format!("#level={}", encode(play.level.id()));
    for setting in changed_settings(play) {
        let (key, value) = match setting {
            Setting::Speed(s) => ("speed", s.to_string()),
            Setting::Optimizer(k) => ("optimizer", k.name().to_string()),
            Setting::LearningRate(x) => ("lr", x.to_string()),
            Setting::Beta1(x) => ("beta1", x.to_string()),
            Setting::Beta2(x) => ("beta2", x.to_string()),
            Setting::Eps(x) => ("eps", x.to_string()),
            Setting::WeightDecay(x) => ("weight_decay", x.to_string()),
            Setting::Schedule(s) => ("schedule", s.name().to_string()),
            Setting::Temperature(x) => ("temperature", x.to_string()),
            Setting::TopK(k) => ("top_k", k.to_string()),
            Setting::Prefix(p) => ("prefix", p),
            Setting::Vote { .. } => continue,
        };
        out.push_str(&format!("&{key}={}", encode(&value)));
    }
    out
}

/// The settings the player has changed from the level's start, among those the
/// level lets them change: what a link carries, and what a retry keeps.
pub fn changed_settings(play: &Play) -> Vec<Setting> {
    let file = &play.level.file;
    let start = file.run_config().optimizer;
    let now = &play.run.optimizer.config;
    let mut changed = Vec::new();
    if play.speed != file.speed {
        changed.push(Setting::Speed(play.speed));
    }
    if now.kind != start.kind {
        changed.push(Setting::Optimizer(now.kind));
    }
    for (a, b, setting) in [
        (now.lr, start.lr, Setting::LearningRate(now.lr)),
        (now.beta1, start.beta1, Setting::Beta1(now.beta1)),
        (now.beta2, start.beta2, Setting::Beta2(now.beta2)),
        (now.eps, start.eps, Setting::Eps(now.eps)),
        (now.weight_decay, start.weight_decay, Setting::WeightDecay(now.weight_decay)),
        (
            play.sampling.temperature,
            file.sampling.temperature,
            Setting::Temperature(play.sampling.temperature),
        ),
    ] {
        if a.to_bits() != b.to_bits() {
            changed.push(setting);
        }
    }
    if now.schedule != start.schedule {
        changed.push(Setting::Schedule(now.schedule));
    }
    if play.sampling.top_k != file.sampling.top_k {
        changed.push(Setting::TopK(play.sampling.top_k));
    }
    if !play.prefix.is_empty() {
        changed.push(Setting::Prefix(play.prefix.clone()));
    }
    changed.retain(|s| file.controls.allows(s.control()));
    changed
}

impl SharedStart {
    /// The names of the link's settings the level does not let the player
    /// change (the game leaves them as the level sets them, and says so).
    pub fn ignored(&self, controls: &crate::level::Controls) -> Vec<&'static str> {
        let mut names: Vec<_> = self
            .settings
            .iter()
            .map(Setting::control)
            .filter(|c| !controls.allows(*c))
            .map(Control::label)
            .collect();
        names.dedup();
        names
    }
}

/// Percent-encodes everything but letters, digits and `-_.~`.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Undoes [`encode`] (and reads `+` as a space, as forms write it).
fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}
