//! Seeded random streams, one per purpose.
//!
//! A run's seed feeds several independent ChaCha streams, so drawing one more
//! sample never shifts the data order or the initial weights. Every draw is
//! made from integers with our own arithmetic (no platform `ln`/`cos`), so the
//! same seed gives the same numbers natively and in the browser.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// What a stream is used for; each purpose gets its own ChaCha stream id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Initial weights.
    Init = 1,
    /// The order of the training documents.
    DataOrder = 2,
    /// Letters drawn while the student writes.
    Sampling = 3,
    /// Directions of the loss-landscape slice.
    Landscape = 4,
    /// Letters drawn from the voting box.
    Ballot = 5,
}

/// A deterministic random stream.
#[derive(Clone, Debug)]
pub struct Rand {
    rng: ChaCha8Rng,
}

impl Rand {
    pub fn new(seed: u64, stream: Stream) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream as u64);
        Self { rng }
    }

    pub fn next_u32(&mut self) -> u32 {
        self.rng.next_u32()
    }

    pub fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// Uniform in `[0, 1)` with 24 random bits (every value exact in f32).
    pub fn uniform_f32(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / (1u32 << 24) as f32)
    }

    /// Uniform in `(0, 1]` with 53 random bits.
    fn uniform_open_f64(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A normal draw N(0, std²) by the Box–Muller transform, in f64 with `libm`.
    pub fn normal(&mut self, std: f32) -> f32 {
        let u1 = self.uniform_open_f64();
        let u2 = self.uniform_open_f64();
        let radius = libm::sqrt(-2.0 * libm::log(u1));
        let z = radius * libm::cos(2.0 * core::f64::consts::PI * u2);
        (z * std as f64) as f32
    }

    /// Uniform integer in `0..n` (n > 0), without modulo bias.
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "below(0)");
        let n = n as u64;
        // Reject the top partial range so every residue is equally likely.
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return (x % n) as usize;
            }
        }
    }

    /// Fisher–Yates shuffle, from the last element down.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}
