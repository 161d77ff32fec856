//! How the climbers treat subnormal numbers, and which way is faster on the
//! processor at hand.
//!
//! m and v of a weight whose gradient stays zero decay through the
//! subnormals (magnitudes below 2⁻¹²⁶) on their way to zero. Some processors
//! (Intel's among them) take a microcode assist of a hundred cycles or more
//! for every operation on one; others (AMD's from Zen 3, most ARM cores)
//! work with them at the speed of any other number. The climbers can go
//! either way and give the same bits (the tests pin it), so the choice
//! changes only how long a step takes, never what it computes.
//!
//! Natively on x86-64 the processor says who made it (`cpuid`). WebAssembly
//! cannot ask, so there the way is chosen by timing the same small piece of
//! arithmetic on subnormal and on normal numbers once, at start
//! ([`SubnormalTiming::measure`]). That is the only clock the brain's choices
//! ever read, and what it decides cannot show in any result.

use std::sync::OnceLock;

use super::lanes::F32x4;

/// How an update treats subnormal numbers. Both ways give the bits of the
/// formula table; the processor decides which is faster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subnormals {
    /// Kept out of the arithmetic: four weights near them are worked out
    /// exactly another way (see `optim::climb`). The way without assumptions
    /// about the processor.
    Avoided,
    /// Computed by the formula as it is, like every other number: for a
    /// processor that works with subnormals at about the speed of normal
    /// numbers (AMD's from Zen 3, family 19h, on: measured there, the default
    /// run trains 12–18% faster this way). It assumes the processor's
    /// flush-to-zero modes are off, as Rust and WebAssembly leave them.
    Computed,
}

/// The way this process takes, settled once.
static CHOICE: OnceLock<Subnormals> = OnceLock::new();

impl Subnormals {
    /// The faster way on this processor, settled on first use: read with
    /// `cpuid` natively on x86-64; elsewhere timed ([`SubnormalTiming`]) with
    /// the standard clock; in the browser, which has no clock the standard
    /// library can read, whatever the page settled at start
    /// ([`Subnormals::settle`]), or [`Subnormals::Avoided`] if it did not.
    pub fn of_this_processor() -> Subnormals {
        *CHOICE.get_or_init(|| {
            #[cfg(target_arch = "x86_64")]
            {
                Self::by_maker()
            }
            #[cfg(all(not(target_arch = "x86_64"), not(all(target_arch = "wasm32", target_os = "unknown"))))]
            {
                let started = std::time::Instant::now();
                SubnormalTiming::measure(|| started.elapsed().as_secs_f64()).choice
            }
            #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
            {
                Subnormals::Avoided
            }
        })
    }

    /// Settles this process's way, if nothing has yet (the page does, at
    /// start, from a [`SubnormalTiming`] with its own clock), and returns the
    /// way in force.
    pub fn settle(way: Subnormals) -> Subnormals {
        *CHOICE.get_or_init(|| way)
    }

    /// The way `cpuid` gives: computed on AMD's processors from family 19h
    /// (Zen 3) on, avoided on every other.
    #[cfg(target_arch = "x86_64")]
    pub fn by_maker() -> Subnormals {
        use std::arch::x86_64::__cpuid;
        let vendor = __cpuid(0);
        let amd = (vendor.ebx, vendor.edx, vendor.ecx) == (0x6874_7541, 0x6974_6e65, 0x444d_4163);
        let signature = __cpuid(1).eax;
        let base = (signature >> 8) & 0xf;
        let family = if base == 0xf { base + ((signature >> 20) & 0xff) } else { base };
        if amd && family >= 0x19 { Subnormals::Computed } else { Subnormals::Avoided }
    }

    /// How `raw-weights bench` and the page name the way.
    pub fn describe(self) -> &'static str {
        match self {
            Subnormals::Avoided => "kept out of the arithmetic",
            Subnormals::Computed => "computed like other numbers",
        }
    }
}

/// The same arithmetic timed on subnormal and on normal numbers: what the
/// browser build decides its way by.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SubnormalTiming {
    /// Repetitions of the arithmetic in each timing (see [`SubnormalTiming::measure`]).
    pub repetitions: u32,
    /// Seconds for them on normal numbers, the fastest of the rounds.
    pub normal: f64,
    /// Seconds for them on subnormal numbers, the fastest of the rounds (a
    /// round stops early once it is plainly slow, so this can be a lower bound).
    pub subnormal: f64,
    pub choice: Subnormals,
}

impl SubnormalTiming {
    /// Computed when the subnormal numbers take at most this many times as
    /// long as normal ones: where an assist costs anything like its usual
    /// hundred cycles, they take tens of times as long.
    pub const AT_MOST: f64 = 1.5;
    /// The shortest timing of the normal numbers that is trusted: twenty
    /// times the 100 µs a browser may round its clock to.
    pub const SHORTEST: f64 = 0.002;
    /// Repetitions past which the normal timing still reads shorter than
    /// [`SubnormalTiming::SHORTEST`] mean a clock that does not move: then
    /// nothing is known, and the way stays [`Subnormals::Avoided`].
    pub const MOST_REPETITIONS: u32 = 1 << 22;
    const ROUNDS: usize = 3;
    /// A subnormal round is read this many times on its way, to stop it early.
    const PIECES: u32 = 16;

    /// Times the arithmetic on both kinds of numbers with `clock` (seconds
    /// from any fixed moment): first as many repetitions on normal numbers as
    /// take [`SubnormalTiming::SHORTEST`], then three rounds of each kind in
    /// turn, keeping each kind's fastest; if the fastest normal round took
    /// less than [`SubnormalTiming::SHORTEST`] after all, all of it again
    /// with more. A subnormal round that has already taken
    /// [`SubnormalTiming::AT_MOST`] times the normal's is stopped there.
    /// All of it takes a few tens of milliseconds.
    pub fn measure(clock: impl FnMut() -> f64) -> SubnormalTiming {
        Self::measure_work(clock, |numbers, repetitions| numbers.rest(repetitions))
    }

    /// [`SubnormalTiming::measure`] with the arithmetic given (the tests give
    /// a pretend processor's).
    fn measure_work(mut clock: impl FnMut() -> f64, mut work: impl FnMut(Numbers, u32)) -> SubnormalTiming {
        let mut time = |repetitions: u32, numbers: Numbers, stop_after: f64| {
            let started = clock();
            let piece = (repetitions / Self::PIECES).max(1);
            let mut done = 0;
            while done < repetitions {
                let now = piece.min(repetitions - done);
                work(numbers, now);
                done += now;
                let took = clock() - started;
                if took > stop_after {
                    return took;
                }
            }
            clock() - started
        };
        let mut repetitions = 32;
        loop {
            let mut normal = f64::NAN;
            while !Self::trusted(normal) && repetitions < Self::MOST_REPETITIONS {
                repetitions *= 2;
                normal = time(repetitions, Numbers::NORMAL, f64::INFINITY);
            }
            if !Self::trusted(normal) {
                return SubnormalTiming {
                    repetitions,
                    normal,
                    subnormal: f64::NAN,
                    choice: Subnormals::Avoided,
                };
            }
            let mut subnormal = f64::INFINITY;
            for _ in 0..Self::ROUNDS {
                normal = normal.min(time(repetitions, Numbers::NORMAL, f64::INFINITY));
                subnormal = subnormal.min(time(repetitions, Numbers::SUBNORMAL, Self::AT_MOST * normal));
            }
            // A first timing can be slow for a reason that then goes away (a
            // browser compiles WebAssembly quickly first and well later): if
            // the rounds ran faster than the clock is trusted for, time longer.
            if Self::trusted(normal) || repetitions >= Self::MOST_REPETITIONS {
                return SubnormalTiming {
                    repetitions,
                    normal,
                    subnormal,
                    choice: Self::choose(normal, subnormal),
                };
            }
        }
    }

    /// Whether a timing of normal numbers is long enough to trust (a NaN is not).
    fn trusted(seconds: f64) -> bool {
        seconds >= Self::SHORTEST
    }

    /// The way the timings give: [`Subnormals::Computed`] when the subnormal
    /// numbers took at most [`SubnormalTiming::AT_MOST`] times as long.
    pub fn choose(normal: f64, subnormal: f64) -> Subnormals {
        if normal > 0.0 && subnormal <= Self::AT_MOST * normal {
            Subnormals::Computed
        } else {
            Subnormals::Avoided
        }
    }

    /// One line: the way and why.
    pub fn describe(&self) -> String {
        let ratio = self.subnormal / self.normal;
        if ratio.is_finite() {
            format!(
                "{}: the same arithmetic took {ratio:.2}× as long on subnormal numbers ({:.1} against {:.1} ms)",
                self.choice.describe(),
                self.subnormal * 1e3,
                self.normal * 1e3
            )
        } else {
            format!("{}: the clock could not time the arithmetic", self.choice.describe())
        }
    }
}

/// Sixty-four numbers at rest under `x = x·keep + add`, m's decay in the
/// update's own four-lane arithmetic: every multiply and add has its inputs
/// and its result among the subnormals, or all of them normal.
#[derive(Clone, Copy, PartialEq)]
struct Numbers {
    keep: f32,
    add: f32,
}

impl Numbers {
    /// At rest at 2⁻⁸: 2⁻⁸·¾ + 2⁻¹⁰ = 2⁻⁸, exactly.
    const NORMAL: Numbers = Numbers { keep: 0.75, add: 1.0 / 1024.0 };
    /// At rest at 2⁻¹²⁸, a subnormal: 2⁻¹²⁸·¾ (also subnormal) + 2⁻¹³⁰ = 2⁻¹²⁸, exactly.
    const SUBNORMAL: Numbers = Numbers { keep: 0.75, add: f32::from_bits(1 << 19) };

    /// `repetitions` times, every number takes one step.
    fn rest(self, repetitions: u32) {
        let keep = F32x4::splat(std::hint::black_box(self.keep));
        let add = F32x4::splat(std::hint::black_box(self.add));
        let start = F32x4::splat(std::hint::black_box(self.add * 4.0));
        let mut x = [start; 16];
        for _ in 0..repetitions {
            for four in &mut x {
                *four = *four * keep + add;
            }
        }
        std::hint::black_box(x);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[test]
    fn the_numbers_are_at_rest_where_their_doc_says() {
        for (numbers, rest, subnormal) in
            [(Numbers::NORMAL, 2f32.powi(-8), false), (Numbers::SUBNORMAL, 2f32.powi(-128), true)]
        {
            assert_eq!(numbers.add * 4.0, rest);
            assert_eq!(rest * numbers.keep + numbers.add, rest);
            assert_eq!(rest.is_subnormal(), subnormal);
            assert_eq!((rest * numbers.keep).is_subnormal(), subnormal);
        }
    }

    /// A pretend processor: a repetition takes `normal` seconds on normal
    /// numbers and `subnormal` on subnormal ones, read off a clock only the
    /// work moves. Returns the timing and the seconds the subnormals took in all.
    fn pretend(normal: f64, subnormal: f64) -> (SubnormalTiming, f64) {
        let now = Cell::new(0.0);
        let spent = Cell::new(0.0);
        let timing = SubnormalTiming::measure_work(
            || now.get(),
            |numbers, repetitions| {
                let each = if numbers == Numbers::SUBNORMAL { subnormal } else { normal };
                now.set(now.get() + each * repetitions as f64);
                if numbers == Numbers::SUBNORMAL {
                    spent.set(spent.get() + each * repetitions as f64);
                }
            },
        );
        (timing, spent.get())
    }

    #[test]
    fn a_processor_as_fast_with_subnormals_computes_them() {
        // 5 ns a repetition: a fast processor's 16 fours.
        let (timing, _) = pretend(5e-9, 5.5e-9);
        assert_eq!(timing.choice, Subnormals::Computed, "{timing:?}");
        assert!(timing.normal >= SubnormalTiming::SHORTEST, "{timing:?}");
        assert!(timing.normal < 2.0 * SubnormalTiming::SHORTEST, "{timing:?}");
    }

    #[test]
    fn arithmetic_that_speeds_up_after_its_first_timing_is_timed_again_for_longer() {
        // A browser's first quick compile runs the arithmetic six times as
        // slowly as its later one, and its clock moves in steps of 100 µs.
        let now = Cell::new(0.0);
        let done = Cell::new(0u64);
        let clock = || (now.get() / 1e-4_f64).floor() * 1e-4;
        let timing = SubnormalTiming::measure_work(clock, |_, repetitions| {
            let each = if done.get() < 200_000 { 30e-9 } else { 5e-9 };
            done.set(done.get() + repetitions as u64);
            now.set(now.get() + each * repetitions as f64);
        });
        assert_eq!(timing.choice, Subnormals::Computed, "{timing:?}");
        assert!(timing.normal >= SubnormalTiming::SHORTEST, "{timing:?}");
    }

    #[test]
    fn a_processor_slow_with_subnormals_avoids_them_and_stops_timing_them_early() {
        // Forty times as long with subnormals, as an assist makes it.
        let (timing, spent) = pretend(5e-9, 2e-7);
        assert_eq!(timing.choice, Subnormals::Avoided, "{timing:?}");
        // Each of the three rounds stops in its first pieces past 1.5× the
        // normal time, not after the forty times as long a whole round takes.
        let whole_round = 2e-7 * timing.repetitions as f64;
        assert!(spent < 0.5 * whole_round, "spent {spent} s on subnormals; a whole round is {whole_round} s");
    }

    #[test]
    fn a_clock_that_does_not_move_leaves_subnormals_avoided() {
        let timing = SubnormalTiming::measure(|| 0.0);
        assert_eq!(timing.choice, Subnormals::Avoided);
        assert_eq!(timing.repetitions, SubnormalTiming::MOST_REPETITIONS);
        assert!(timing.describe().contains("could not time"), "{}", timing.describe());
    }

    #[test]
    fn the_rule_computes_up_to_half_again_as_long() {
        assert_eq!(SubnormalTiming::choose(1.0, 1.5), Subnormals::Computed);
        assert_eq!(SubnormalTiming::choose(1.0, 0.9), Subnormals::Computed);
        assert_eq!(SubnormalTiming::choose(1.0, 1.6), Subnormals::Avoided);
        assert_eq!(SubnormalTiming::choose(0.0, 0.0), Subnormals::Avoided);
        assert_eq!(SubnormalTiming::choose(1.0, f64::NAN), Subnormals::Avoided);
    }
}
