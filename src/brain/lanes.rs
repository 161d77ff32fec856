//! Four f32s side by side: the type the brain's vector loops are written in,
//! with each machine's own instructions beneath it (SSE2 on x86-64, SIMD128
//! in WebAssembly, plain arrays elsewhere).
//!
//! Every operation is the IEEE operation of each lane (no fused multiply-add,
//! nothing reassociated), so a formula written once over [`Lanes`] gives the
//! same bits for one f32 and for four, natively and in the browser, whatever
//! the optimiser of the final link does (the browser build links the game for
//! size, which never vectorises on its own).
//!
//! Besides arithmetic, [`F32x4`] reads its lanes' bits: which are subnormal
//! (below 2⁻¹²⁶, where every operation on them costs a processor a slow
//! microcode assist), which are zero, and the zero of a lane's sign. The
//! climbers use these to leave out arithmetic whose result is known exactly.

use core::ops::{Add, BitAnd, BitOr, Div, Mul, Sub};

/// What a formula needs of its numbers: one f32, or four side by side.
pub(crate) trait Lanes:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self>
{
    /// One truth per lane.
    type Mask: Copy;
    fn splat(x: f32) -> Self;
    fn sqrt(self) -> Self;
    /// `yes` in the lanes where `mask` holds, `no` elsewhere.
    fn select(mask: Self::Mask, yes: Self, no: Self) -> Self;
}

impl Lanes for f32 {
    type Mask = bool;
    #[inline(always)]
    fn splat(x: f32) -> Self {
        x
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        f32::sqrt(self)
    }
    #[inline(always)]
    fn select(mask: bool, yes: Self, no: Self) -> Self {
        if mask { yes } else { no }
    }
}

/// The largest magnitude (as bits, sign cleared) of a subnormal f32.
pub(crate) const SUBNORMAL_BITS: u32 = 0x007f_ffff;

/// Whether `x` is subnormal: not zero, smaller in magnitude than 2⁻¹²⁶.
/// Read from the bits, so it costs no assist itself.
#[inline(always)]
pub(crate) fn is_subnormal(x: f32) -> bool {
    (1..=SUBNORMAL_BITS).contains(&(x.to_bits() & 0x7fff_ffff))
}

/// Whether `x` is +0 or −0, read from the bits.
#[inline(always)]
pub(crate) fn is_zero(x: f32) -> bool {
    x.to_bits() << 1 == 0
}

impl Lanes for F32x4 {
    type Mask = Mask4;
    #[inline(always)]
    fn splat(x: f32) -> Self {
        F32x4::splat(x)
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        F32x4::sqrt(self)
    }
    #[inline(always)]
    fn select(mask: Mask4, yes: Self, no: Self) -> Self {
        F32x4::select(mask, yes, no)
    }
}

impl F32x4 {
    /// Eight f32s as their first four and their last four.
    #[inline(always)]
    pub(crate) fn pair_from_eight(x: &[f32; 8]) -> (Self, Self) {
        let (low, high) = x.split_at(4);
        match (<&[f32; 4]>::try_from(low), <&[f32; 4]>::try_from(high)) {
            (Ok(low), Ok(high)) => (Self::from_four(low), Self::from_four(high)),
            _ => unreachable!("eight is four and four"),
        }
    }

    /// Sixteen numbers as four vectors, in order.
    #[inline(always)]
    pub(crate) fn four_from_sixteen(x: &[f32; 16]) -> [Self; 4] {
        let (fours, _) = x.as_chunks::<4>();
        core::array::from_fn(|k| Self::from_four(&fours[k]))
    }

    /// Four vectors back into sixteen numbers, in order.
    #[inline(always)]
    pub(crate) fn four_into_sixteen(four: [Self; 4], y: &mut [f32; 16]) {
        let (fours, _) = y.as_chunks_mut::<4>();
        for (x, y) in four.into_iter().zip(fours) {
            x.into_four(y);
        }
    }

    /// [`F32x4::sum_in_pairs`] of four vectors at once: lane r of the result
    /// is `(r0 + r1) + (r2 + r3)` of `rows[r]`, the same operations in the same
    /// order, with the four turned on their side (lanes become vectors) first.
    #[inline(always)]
    pub(crate) fn sums_in_pairs(rows: [F32x4; 4]) -> F32x4 {
        let [c0, c1, c2, c3] = F32x4::transpose(rows);
        (c0 + c1) + (c2 + c3)
    }

    /// The sum of the four lanes as `(l0 + l1) + (l2 + l3)`.
    #[inline(always)]
    pub(crate) fn sum_in_pairs(self) -> f32 {
        let [a, b, c, d] = self.to_array();
        (a + b) + (c + d)
    }

    /// A quick sieve for `magnitude_within(0, high)`: the lanes whose
    /// magnitude, as bits, is at most `high`, and with them any of magnitude 2
    /// or more (every lane, for a `high` of 2³⁰ − 1 or more), which so cheap a test
    /// cannot tell apart. The bits doubled drop the sign and are compared as
    /// signed numbers: two instructions, where a range test of the magnitude
    /// takes the browser's compiler eight (its unsigned comparison is four).
    #[inline(always)]
    pub(crate) fn small_or_large(self, high: u32) -> Mask4 {
        self.doubled_bits_below((2 * u64::from(high) + 2).min(i32::MAX as u64) as i32)
    }

    /// The lanes that are subnormal (see [`is_subnormal`]).
    #[inline(always)]
    pub(crate) fn subnormal(self) -> Mask4 {
        self.magnitude_within(1, SUBNORMAL_BITS)
    }

    /// The lanes that are +0 or −0.
    #[inline(always)]
    pub(crate) fn zero(self) -> Mask4 {
        self.magnitude_within(0, 0)
    }
}

impl Mask4 {
    /// `self` but not `other`.
    #[inline(always)]
    pub(crate) fn and_not(self, other: Mask4) -> Mask4 {
        self & !other
    }

    /// The lanes that hold, in order.
    #[inline(always)]
    pub(crate) fn lanes(self) -> impl Iterator<Item = usize> {
        let bits = self.bitmask();
        (0..4).filter(move |l| bits & (1 << l) != 0)
    }
}

impl Add for F32x4 {
    type Output = Self;
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        self.add_lanes(o)
    }
}
impl Sub for F32x4 {
    type Output = Self;
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        self.sub_lanes(o)
    }
}
impl Mul for F32x4 {
    type Output = Self;
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        self.mul_lanes(o)
    }
}
impl Div for F32x4 {
    type Output = Self;
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        self.div_lanes(o)
    }
}
impl BitAnd for Mask4 {
    type Output = Self;
    #[inline(always)]
    fn bitand(self, o: Self) -> Self {
        self.and(o)
    }
}
impl BitOr for Mask4 {
    type Output = Self;
    #[inline(always)]
    fn bitor(self, o: Self) -> Self {
        self.or(o)
    }
}
impl core::ops::Not for Mask4 {
    type Output = Self;
    #[inline(always)]
    fn not(self) -> Self {
        self.invert()
    }
}

/// Two f64s side by side, for the climbers' exact arithmetic on numbers
/// at or near f32's subnormals: an f32's value is exact in f64, so is the
/// product of two, and each result is rounded once to f32's grid
/// ([`F64x2::round_to_f32`]), as the f32 operation would round it, without
/// a subnormal f32 ever being an operand or a result.
impl F64x2 {
    /// 2⁻¹⁴⁹, the smallest subnormal f32 and the spacing of all of them.
    pub(crate) const TINIEST: f64 = f64::from_bits((1023 - 149) << 52);
    /// 2¹⁴⁹: a subnormal f32's value in multiples of [`F64x2::TINIEST`].
    pub(crate) const PER_TINIEST: f64 = f64::from_bits((1023 + 149) << 52);
    /// 2⁵²: for 0 ≤ x < 2⁵¹, `(x + 2⁵²) − 2⁵²` is x rounded to a whole
    /// number, ties to even (the sum has no bits below 1); for x below 2³²
    /// that number is also the low 32 bits of the sum.
    pub(crate) const TO_WHOLE: f64 = f64::from_bits((1023 + 52) << 52);

    /// The bits of the f32 nearest a magnitude `x` below 2⁻¹²⁶: the whole
    /// multiple of 2⁻¹⁴⁹ nearest x (ties to even; 2²³ of them is the
    /// smallest normal), as the low 32 bits of x·2¹⁴⁹ + 2⁵², read rather than
    /// converted from f64.
    #[inline(always)]
    pub(crate) fn tiniest_multiples(x: f64) -> u32 {
        (x * Self::PER_TINIEST + Self::TO_WHOLE).to_bits() as u32
    }
}

impl Mul for F64x2 {
    type Output = Self;
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        self.mul_lanes(o)
    }
}
impl Div for F64x2 {
    type Output = Self;
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        self.div_lanes(o)
    }
}

pub(crate) use imp::{F32x4, F64x2, Mask4};

#[cfg(target_arch = "x86_64")]
mod imp {
    use core::arch::x86_64::*;

    // SAFETY (every `unsafe` block in this module): `core::arch` marks the
    // SSE and SSE2 intrinsics as needing those features, which are part of
    // x86-64 itself: every x86-64 processor has them and every x86-64 build
    // turns them on. The loads and stores say what memory they touch.

    /// Four f32s in one SSE2 register.
    #[derive(Clone, Copy)]
    pub(crate) struct F32x4(__m128);

    /// Four truths: each lane all ones or all zeros.
    #[derive(Clone, Copy)]
    pub(crate) struct Mask4(__m128i);

    impl F32x4 {
        #[inline(always)]
        pub(crate) fn splat(x: f32) -> Self {
            unsafe { Self(_mm_set1_ps(x)) }
        }
        /// Four f32s, with no bounds to check.
        #[inline(always)]
        pub(crate) fn from_four(x: &[f32; 4]) -> Self {
            // SAFETY: 16 bytes that `x` borrows.
            Self(unsafe { _mm_loadu_ps(x.as_ptr()) })
        }
        /// Into four f32s, with no bounds to check.
        #[inline(always)]
        pub(crate) fn into_four(self, y: &mut [f32; 4]) {
            // SAFETY: 16 bytes that `y` borrows mutably.
            unsafe { _mm_storeu_ps(y.as_mut_ptr(), self.0) }
        }
        #[inline(always)]
        pub(crate) fn to_array(self) -> [f32; 4] {
            let mut out = [0.0; 4];
            self.into_four(&mut out);
            out
        }
        /// Lane l of vector r becomes lane r of vector l.
        #[inline(always)]
        pub(crate) fn transpose([r0, r1, r2, r3]: [Self; 4]) -> [Self; 4] {
            unsafe {
                let (t0, t1) = (_mm_unpacklo_ps(r0.0, r1.0), _mm_unpacklo_ps(r2.0, r3.0));
                let (t2, t3) = (_mm_unpackhi_ps(r0.0, r1.0), _mm_unpackhi_ps(r2.0, r3.0));
                [
                    Self(_mm_movelh_ps(t0, t1)),
                    Self(_mm_movehl_ps(t1, t0)),
                    Self(_mm_movelh_ps(t2, t3)),
                    Self(_mm_movehl_ps(t3, t2)),
                ]
            }
        }
        #[inline(always)]
        pub(super) fn add_lanes(self, o: Self) -> Self {
            unsafe { Self(_mm_add_ps(self.0, o.0)) }
        }
        #[inline(always)]
        pub(super) fn sub_lanes(self, o: Self) -> Self {
            unsafe { Self(_mm_sub_ps(self.0, o.0)) }
        }
        #[inline(always)]
        pub(super) fn mul_lanes(self, o: Self) -> Self {
            unsafe { Self(_mm_mul_ps(self.0, o.0)) }
        }
        #[inline(always)]
        pub(super) fn div_lanes(self, o: Self) -> Self {
            unsafe { Self(_mm_div_ps(self.0, o.0)) }
        }
        #[inline(always)]
        pub(crate) fn sqrt(self) -> Self {
            unsafe { Self(_mm_sqrt_ps(self.0)) }
        }
        #[inline(always)]
        pub(crate) fn select(mask: Mask4, yes: Self, no: Self) -> Self {
            let m = unsafe { _mm_castsi128_ps(mask.0) };
            unsafe { Self(_mm_or_ps(_mm_and_ps(m, yes.0), _mm_andnot_ps(m, no.0))) }
        }
        /// The zero of each lane's sign.
        #[inline(always)]
        pub(crate) fn signed_zero(self) -> Self {
            unsafe { Self(_mm_and_ps(self.0, _mm_castsi128_ps(_mm_set1_epi32(i32::MIN)))) }
        }
        /// The lanes whose sign bit is clear.
        #[inline(always)]
        pub(crate) fn sign_clear(self) -> Mask4 {
            unsafe { Mask4(_mm_cmpgt_epi32(_mm_castps_si128(self.0), _mm_set1_epi32(-1))) }
        }
        /// The lanes whose bits, shifted up by one, are below `limit` as signed numbers.
        #[inline(always)]
        pub(super) fn doubled_bits_below(self, limit: i32) -> Mask4 {
            let doubled = unsafe { _mm_slli_epi32::<1>(_mm_castps_si128(self.0)) };
            unsafe { Mask4(_mm_cmplt_epi32(doubled, _mm_set1_epi32(limit))) }
        }
        /// The lanes whose magnitude, as bits, is in `low..=high` (both below 2³¹ − 1).
        #[inline(always)]
        pub(crate) fn magnitude_within(self, low: u32, high: u32) -> Mask4 {
            let magnitude = unsafe { _mm_and_si128(_mm_castps_si128(self.0), _mm_set1_epi32(i32::MAX)) };
            let above = unsafe { _mm_cmpgt_epi32(magnitude, _mm_set1_epi32(low as i32 - 1)) };
            let below = unsafe { _mm_cmplt_epi32(magnitude, _mm_set1_epi32(high as i32 + 1)) };
            unsafe { Mask4(_mm_and_si128(above, below)) }
        }
        /// +0 in the lanes where `mask` holds, the lane itself elsewhere.
        #[inline(always)]
        pub(crate) fn cleared(self, mask: Mask4) -> Self {
            unsafe { Self(_mm_andnot_ps(_mm_castsi128_ps(mask.0), self.0)) }
        }
        /// Each lane without its sign.
        #[inline(always)]
        pub(crate) fn abs(self) -> Self {
            unsafe { Self(_mm_and_ps(self.0, _mm_castsi128_ps(_mm_set1_epi32(i32::MAX)))) }
        }
        /// The lanes above `o`'s (none where either is NaN).
        #[inline(always)]
        pub(crate) fn greater(self, o: Self) -> Mask4 {
            unsafe { Mask4(_mm_castps_si128(_mm_cmpgt_ps(self.0, o.0))) }
        }
        /// The lanes at most `o`'s (none where either is NaN).
        #[inline(always)]
        pub(crate) fn at_most(self, o: Self) -> Mask4 {
            unsafe { Mask4(_mm_castps_si128(_mm_cmple_ps(self.0, o.0))) }
        }
        /// Each lane rounded towards zero to a whole number (lanes below 2³¹ in magnitude).
        #[inline(always)]
        pub(crate) fn trunc(self) -> Self {
            unsafe { Self(_mm_cvtepi32_ps(_mm_cvttps_epi32(self.0))) }
        }
        /// 2ᵏ for each lane holding a whole number k from −126 to 127.
        #[inline(always)]
        pub(crate) fn power_of_two(self) -> Self {
            unsafe {
                let exponent = _mm_add_epi32(_mm_cvttps_epi32(self.0), _mm_set1_epi32(127));
                Self(_mm_castsi128_ps(_mm_slli_epi32::<23>(exponent)))
            }
        }
        /// Each lane's magnitude with the sign of `x`'s lane (`self` non-negative).
        #[inline(always)]
        pub(crate) fn with_sign_of(self, x: Self) -> Self {
            unsafe { Self(_mm_or_ps(self.0, _mm_and_ps(x.0, _mm_castsi128_ps(_mm_set1_epi32(i32::MIN))))) }
        }
    }

    /// Two f64s in one SSE2 register.
    #[derive(Clone, Copy)]
    pub(crate) struct F64x2(__m128d);

    impl F64x2 {
        #[inline(always)]
        pub(crate) fn splat(x: f64) -> Self {
            unsafe { Self(_mm_set1_pd(x)) }
        }
        #[inline(always)]
        pub(super) fn mul_lanes(self, o: Self) -> Self {
            unsafe { Self(_mm_mul_pd(self.0, o.0)) }
        }
        #[inline(always)]
        pub(super) fn div_lanes(self, o: Self) -> Self {
            unsafe { Self(_mm_div_pd(self.0, o.0)) }
        }
        /// The magnitude of each of four f32s, exactly: lanes 0 and 1, then
        /// 2 and 3. A subnormal one is its bits times 2⁻¹⁴⁹ (it is never an
        /// operand); a normal one is widened.
        #[inline(always)]
        pub(crate) fn magnitudes(x: F32x4) -> [Self; 2] {
            unsafe {
                let magnitude = _mm_and_si128(_mm_castps_si128(x.0), _mm_set1_epi32(i32::MAX));
                let small = _mm_cmplt_epi32(magnitude, _mm_set1_epi32(0x0080_0000));
                let normal = _mm_castsi128_ps(_mm_andnot_si128(small, magnitude));
                let multiples = _mm_and_si128(small, magnitude);
                let tiniest = _mm_set1_pd(Self::TINIEST);
                let low = _mm_add_pd(_mm_cvtps_pd(normal), _mm_mul_pd(_mm_cvtepi32_pd(multiples), tiniest));
                let high = _mm_add_pd(
                    _mm_cvtps_pd(_mm_movehl_ps(normal, normal)),
                    _mm_mul_pd(_mm_cvtepi32_pd(_mm_shuffle_epi32::<0b11_10_11_10>(multiples)), tiniest),
                );
                [Self(low), Self(high)]
            }
        }
        /// Four non-negative finite f64s (lanes 0 and 1, then 2 and 3), each
        /// rounded once to the nearest f32, ties to even: a normal result by
        /// conversion, a subnormal one as the nearest whole multiple of
        /// 2⁻¹⁴⁹, built from its bits.
        #[inline(always)]
        pub(crate) fn round_to_f32([low, high]: [Self; 2]) -> F32x4 {
            unsafe {
                let smallest_normal = _mm_set1_pd(f32::MIN_POSITIVE as f64);
                let (per_tiniest, whole) = (_mm_set1_pd(Self::PER_TINIEST), _mm_set1_pd(Self::TO_WHOLE));
                let part = |y: __m128d| {
                    let normal = _mm_cmpge_pd(y, smallest_normal);
                    let converted = _mm_cvtpd_ps(_mm_and_pd(normal, y));
                    let multiple = _mm_sub_pd(
                        _mm_add_pd(_mm_mul_pd(_mm_andnot_pd(normal, y), per_tiniest), whole),
                        whole,
                    );
                    (converted, _mm_cvttpd_epi32(multiple))
                };
                let ((low_normal, low_small), (high_normal, high_small)) = (part(low.0), part(high.0));
                let normal = _mm_castps_si128(_mm_movelh_ps(low_normal, high_normal));
                let small = _mm_unpacklo_epi64(low_small, high_small);
                F32x4(_mm_castsi128_ps(_mm_or_si128(normal, small)))
            }
        }
    }

    impl Mask4 {
        #[inline(always)]
        pub(crate) fn none() -> Self {
            unsafe { Mask4(_mm_setzero_si128()) }
        }
        #[inline(always)]
        pub(super) fn and(self, o: Self) -> Self {
            unsafe { Mask4(_mm_and_si128(self.0, o.0)) }
        }
        #[inline(always)]
        pub(super) fn or(self, o: Self) -> Self {
            unsafe { Mask4(_mm_or_si128(self.0, o.0)) }
        }
        #[inline(always)]
        pub(super) fn invert(self) -> Self {
            unsafe { Mask4(_mm_xor_si128(self.0, _mm_set1_epi32(-1))) }
        }
        #[inline(always)]
        pub(crate) fn any(self) -> bool {
            unsafe { _mm_movemask_epi8(self.0) != 0 }
        }
        /// Bit `l` set where lane `l` holds.
        #[inline(always)]
        pub(super) fn bitmask(self) -> u32 {
            unsafe { _mm_movemask_ps(_mm_castsi128_ps(self.0)) as u32 }
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;

    /// Four f32s in one WebAssembly `v128`.
    #[derive(Clone, Copy)]
    pub(crate) struct F32x4(v128);

    /// Four truths: each lane all ones or all zeros.
    #[derive(Clone, Copy)]
    pub(crate) struct Mask4(v128);

    impl F32x4 {
        #[inline(always)]
        pub(crate) fn splat(x: f32) -> Self {
            Self(f32x4_splat(x))
        }
        /// Four f32s, with no bounds to check.
        #[inline(always)]
        pub(crate) fn from_four(x: &[f32; 4]) -> Self {
            // SAFETY: 16 bytes that `x` borrows.
            Self(unsafe { v128_load(x.as_ptr() as *const v128) })
        }
        /// Into four f32s, with no bounds to check.
        #[inline(always)]
        pub(crate) fn into_four(self, y: &mut [f32; 4]) {
            // SAFETY: 16 bytes that `y` borrows mutably.
            unsafe { v128_store(y.as_mut_ptr() as *mut v128, self.0) }
        }
        #[inline(always)]
        pub(crate) fn to_array(self) -> [f32; 4] {
            [
                f32x4_extract_lane::<0>(self.0),
                f32x4_extract_lane::<1>(self.0),
                f32x4_extract_lane::<2>(self.0),
                f32x4_extract_lane::<3>(self.0),
            ]
        }
        /// Lane l of vector r becomes lane r of vector l.
        #[inline(always)]
        pub(crate) fn transpose([r0, r1, r2, r3]: [Self; 4]) -> [Self; 4] {
            let (t0, t1) = (i32x4_shuffle::<0, 4, 1, 5>(r0.0, r1.0), i32x4_shuffle::<0, 4, 1, 5>(r2.0, r3.0));
            let (t2, t3) = (i32x4_shuffle::<2, 6, 3, 7>(r0.0, r1.0), i32x4_shuffle::<2, 6, 3, 7>(r2.0, r3.0));
            [
                Self(i32x4_shuffle::<0, 1, 4, 5>(t0, t1)),
                Self(i32x4_shuffle::<2, 3, 6, 7>(t0, t1)),
                Self(i32x4_shuffle::<0, 1, 4, 5>(t2, t3)),
                Self(i32x4_shuffle::<2, 3, 6, 7>(t2, t3)),
            ]
        }
        #[inline(always)]
        pub(super) fn add_lanes(self, o: Self) -> Self {
            Self(f32x4_add(self.0, o.0))
        }
        #[inline(always)]
        pub(super) fn sub_lanes(self, o: Self) -> Self {
            Self(f32x4_sub(self.0, o.0))
        }
        #[inline(always)]
        pub(super) fn mul_lanes(self, o: Self) -> Self {
            Self(f32x4_mul(self.0, o.0))
        }
        #[inline(always)]
        pub(super) fn div_lanes(self, o: Self) -> Self {
            Self(f32x4_div(self.0, o.0))
        }
        #[inline(always)]
        pub(crate) fn sqrt(self) -> Self {
            Self(f32x4_sqrt(self.0))
        }
        #[inline(always)]
        pub(crate) fn select(mask: Mask4, yes: Self, no: Self) -> Self {
            Self(v128_bitselect(yes.0, no.0, mask.0))
        }
        /// The zero of each lane's sign.
        #[inline(always)]
        pub(crate) fn signed_zero(self) -> Self {
            Self(v128_and(self.0, i32x4_splat(i32::MIN)))
        }
        /// The lanes whose sign bit is clear.
        #[inline(always)]
        pub(crate) fn sign_clear(self) -> Mask4 {
            Mask4(i32x4_gt(self.0, i32x4_splat(-1)))
        }
        /// The lanes whose bits, shifted up by one, are below `limit` as signed numbers.
        #[inline(always)]
        pub(super) fn doubled_bits_below(self, limit: i32) -> Mask4 {
            Mask4(i32x4_lt(i32x4_shl(self.0, 1), i32x4_splat(limit)))
        }
        /// The lanes whose magnitude, as bits, is in `low..=high` (both below 2³¹ − 1).
        #[inline(always)]
        pub(crate) fn magnitude_within(self, low: u32, high: u32) -> Mask4 {
            let magnitude = v128_and(self.0, i32x4_splat(i32::MAX));
            let above = i32x4_gt(magnitude, i32x4_splat(low as i32 - 1));
            let below = i32x4_lt(magnitude, i32x4_splat(high as i32 + 1));
            Mask4(v128_and(above, below))
        }
        /// +0 in the lanes where `mask` holds, the lane itself elsewhere.
        #[inline(always)]
        pub(crate) fn cleared(self, mask: Mask4) -> Self {
            Self(v128_andnot(self.0, mask.0))
        }
        /// Each lane without its sign.
        #[inline(always)]
        pub(crate) fn abs(self) -> Self {
            Self(f32x4_abs(self.0))
        }
        /// The lanes above `o`'s (none where either is NaN).
        #[inline(always)]
        pub(crate) fn greater(self, o: Self) -> Mask4 {
            Mask4(f32x4_gt(self.0, o.0))
        }
        /// The lanes at most `o`'s (none where either is NaN).
        #[inline(always)]
        pub(crate) fn at_most(self, o: Self) -> Mask4 {
            Mask4(f32x4_le(self.0, o.0))
        }
        /// Each lane rounded towards zero to a whole number (lanes below 2³¹ in magnitude).
        #[inline(always)]
        pub(crate) fn trunc(self) -> Self {
            Self(f32x4_trunc(self.0))
        }
        /// 2ᵏ for each lane holding a whole number k from −126 to 127.
        #[inline(always)]
        pub(crate) fn power_of_two(self) -> Self {
            let exponent = i32x4_add(i32x4_trunc_sat_f32x4(self.0), i32x4_splat(127));
            Self(i32x4_shl(exponent, 23))
        }
        /// Each lane's magnitude with the sign of `x`'s lane (`self` non-negative).
        #[inline(always)]
        pub(crate) fn with_sign_of(self, x: Self) -> Self {
            Self(v128_or(self.0, v128_and(x.0, i32x4_splat(i32::MIN))))
        }
    }

    /// Two f64s in one WebAssembly `v128`.
    #[derive(Clone, Copy)]
    pub(crate) struct F64x2(v128);

    impl F64x2 {
        #[inline(always)]
        pub(crate) fn splat(x: f64) -> Self {
            Self(f64x2_splat(x))
        }
        #[inline(always)]
        pub(super) fn mul_lanes(self, o: Self) -> Self {
            Self(f64x2_mul(self.0, o.0))
        }
        #[inline(always)]
        pub(super) fn div_lanes(self, o: Self) -> Self {
            Self(f64x2_div(self.0, o.0))
        }
        /// The magnitude of each of four f32s, exactly: lanes 0 and 1, then
        /// 2 and 3. A subnormal one is its bits times 2⁻¹⁴⁹ (it is never an
        /// operand); a normal one is widened.
        #[inline(always)]
        pub(crate) fn magnitudes(x: F32x4) -> [Self; 2] {
            let magnitude = v128_and(x.0, i32x4_splat(i32::MAX));
            let small = i32x4_lt(magnitude, i32x4_splat(0x0080_0000));
            let normal = v128_andnot(magnitude, small);
            let multiples = v128_and(small, magnitude);
            let tiniest = f64x2_splat(Self::TINIEST);
            let widened = |normal: v128, multiples: v128| {
                Self(f64x2_add(
                    f64x2_promote_low_f32x4(normal),
                    f64x2_mul(f64x2_convert_low_i32x4(multiples), tiniest),
                ))
            };
            [
                widened(normal, multiples),
                widened(
                    i32x4_shuffle::<2, 3, 2, 3>(normal, normal),
                    i32x4_shuffle::<2, 3, 2, 3>(multiples, multiples),
                ),
            ]
        }
        /// Four non-negative finite f64s (lanes 0 and 1, then 2 and 3), each
        /// rounded once to the nearest f32, ties to even: a normal result by
        /// conversion, a subnormal one as the nearest whole multiple of
        /// 2⁻¹⁴⁹, built from its bits.
        #[inline(always)]
        pub(crate) fn round_to_f32([low, high]: [Self; 2]) -> F32x4 {
            let smallest_normal = f64x2_splat(f32::MIN_POSITIVE as f64);
            let (per_tiniest, whole) = (f64x2_splat(Self::PER_TINIEST), f64x2_splat(Self::TO_WHOLE));
            let part = |y: v128| {
                let normal = f64x2_ge(y, smallest_normal);
                let converted = f32x4_demote_f64x2_zero(v128_and(normal, y));
                // As `tiniest_multiples`, two at a time: the browser's compiler
                // turns i32x4.trunc_sat_f64x2_zero into a branchy scalar sequence per lane.
                let multiple = f64x2_add(f64x2_mul(v128_andnot(y, normal), per_tiniest), whole);
                (converted, multiple)
            };
            let ((low_normal, low_small), (high_normal, high_small)) = (part(low.0), part(high.0));
            let normal = i32x4_shuffle::<0, 1, 4, 5>(low_normal, high_normal);
            let small = i32x4_shuffle::<0, 2, 4, 6>(low_small, high_small);
            F32x4(v128_or(normal, small))
        }
    }

    impl Mask4 {
        #[inline(always)]
        pub(crate) fn none() -> Self {
            Mask4(i32x4_splat(0))
        }
        #[inline(always)]
        pub(super) fn and(self, o: Self) -> Self {
            Mask4(v128_and(self.0, o.0))
        }
        #[inline(always)]
        pub(super) fn or(self, o: Self) -> Self {
            Mask4(v128_or(self.0, o.0))
        }
        #[inline(always)]
        pub(super) fn invert(self) -> Self {
            Mask4(v128_not(self.0))
        }
        #[inline(always)]
        pub(crate) fn any(self) -> bool {
            v128_any_true(self.0)
        }
        /// Bit `l` set where lane `l` holds.
        #[inline(always)]
        pub(super) fn bitmask(self) -> u32 {
            i32x4_bitmask(self.0) as u32
        }
    }
}

#[cfg(not(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128"))))]
mod imp {
    /// Four f32s in an array (the compiler vectorises what it can).
    #[derive(Clone, Copy)]
    pub(crate) struct F32x4([f32; 4]);

    /// Four truths.
    #[derive(Clone, Copy)]
    pub(crate) struct Mask4([bool; 4]);

    impl F32x4 {
        #[inline(always)]
        fn each(self, o: Self, f: impl Fn(f32, f32) -> f32) -> Self {
            Self(core::array::from_fn(|l| f(self.0[l], o.0[l])))
        }
        #[inline(always)]
        pub(crate) fn splat(x: f32) -> Self {
            Self([x; 4])
        }
        /// Four f32s.
        #[inline(always)]
        pub(crate) fn from_four(x: &[f32; 4]) -> Self {
            Self(*x)
        }
        /// Into four f32s.
        #[inline(always)]
        pub(crate) fn into_four(self, y: &mut [f32; 4]) {
            *y = self.0;
        }
        #[inline(always)]
        pub(crate) fn to_array(self) -> [f32; 4] {
            self.0
        }
        /// Lane l of vector r becomes lane r of vector l.
        #[inline(always)]
        pub(crate) fn transpose(rows: [Self; 4]) -> [Self; 4] {
            core::array::from_fn(|l| Self(core::array::from_fn(|r| rows[r].0[l])))
        }
        #[inline(always)]
        pub(super) fn add_lanes(self, o: Self) -> Self {
            self.each(o, |a, b| a + b)
        }
        #[inline(always)]
        pub(super) fn sub_lanes(self, o: Self) -> Self {
            self.each(o, |a, b| a - b)
        }
        #[inline(always)]
        pub(super) fn mul_lanes(self, o: Self) -> Self {
            self.each(o, |a, b| a * b)
        }
        #[inline(always)]
        pub(super) fn div_lanes(self, o: Self) -> Self {
            self.each(o, |a, b| a / b)
        }
        #[inline(always)]
        pub(crate) fn sqrt(self) -> Self {
            Self(self.0.map(f32::sqrt))
        }
        #[inline(always)]
        pub(crate) fn select(mask: Mask4, yes: Self, no: Self) -> Self {
            Self(core::array::from_fn(|l| if mask.0[l] { yes.0[l] } else { no.0[l] }))
        }
        /// The zero of each lane's sign.
        #[inline(always)]
        pub(crate) fn signed_zero(self) -> Self {
            Self(self.0.map(|x| f32::from_bits(x.to_bits() & 0x8000_0000)))
        }
        /// The lanes whose sign bit is clear.
        #[inline(always)]
        pub(crate) fn sign_clear(self) -> Mask4 {
            Mask4(self.0.map(|x| x.to_bits() >> 31 == 0))
        }
        /// The lanes whose bits, shifted up by one, are below `limit` as signed numbers.
        #[inline(always)]
        pub(super) fn doubled_bits_below(self, limit: i32) -> Mask4 {
            Mask4(self.0.map(|x| ((x.to_bits() << 1) as i32) < limit))
        }
        /// The lanes whose magnitude, as bits, is in `low..=high`.
        #[inline(always)]
        pub(crate) fn magnitude_within(self, low: u32, high: u32) -> Mask4 {
            Mask4(self.0.map(|x| (low..=high).contains(&(x.to_bits() & 0x7fff_ffff))))
        }
        /// +0 in the lanes where `mask` holds, the lane itself elsewhere.
        #[inline(always)]
        pub(crate) fn cleared(self, mask: Mask4) -> Self {
            Self(core::array::from_fn(|l| if mask.0[l] { 0.0 } else { self.0[l] }))
        }
        /// Each lane without its sign.
        #[inline(always)]
        pub(crate) fn abs(self) -> Self {
            Self(self.0.map(f32::abs))
        }
        /// The lanes above `o`'s (none where either is NaN).
        #[inline(always)]
        pub(crate) fn greater(self, o: Self) -> Mask4 {
            Mask4(core::array::from_fn(|l| self.0[l] > o.0[l]))
        }
        /// The lanes at most `o`'s (none where either is NaN).
        #[inline(always)]
        pub(crate) fn at_most(self, o: Self) -> Mask4 {
            Mask4(core::array::from_fn(|l| self.0[l] <= o.0[l]))
        }
        /// Each lane rounded towards zero to a whole number (lanes below 2³¹ in magnitude).
        #[inline(always)]
        pub(crate) fn trunc(self) -> Self {
            Self(self.0.map(f32::trunc))
        }
        /// 2ᵏ for each lane holding a whole number k from −126 to 127.
        #[inline(always)]
        pub(crate) fn power_of_two(self) -> Self {
            Self(self.0.map(|k| f32::from_bits(((k as i32 + 127) as u32) << 23)))
        }
        /// Each lane's magnitude with the sign of `x`'s lane (`self` non-negative).
        #[inline(always)]
        pub(crate) fn with_sign_of(self, x: Self) -> Self {
            Self(core::array::from_fn(|l| {
                f32::from_bits(self.0[l].to_bits() | (x.0[l].to_bits() & 0x8000_0000))
            }))
        }
    }

    /// Two f64s in an array.
    #[derive(Clone, Copy)]
    pub(crate) struct F64x2([f64; 2]);

    impl F64x2 {
        #[inline(always)]
        pub(crate) fn splat(x: f64) -> Self {
            Self([x; 2])
        }
        #[inline(always)]
        pub(super) fn mul_lanes(self, o: Self) -> Self {
            Self([self.0[0] * o.0[0], self.0[1] * o.0[1]])
        }
        #[inline(always)]
        pub(super) fn div_lanes(self, o: Self) -> Self {
            Self([self.0[0] / o.0[0], self.0[1] / o.0[1]])
        }
        /// The magnitude of each of four f32s, exactly: lanes 0 and 1, then
        /// 2 and 3. A subnormal one is its bits times 2⁻¹⁴⁹ (it is never an
        /// operand); a normal one is widened.
        #[inline(always)]
        pub(crate) fn magnitudes(x: F32x4) -> [Self; 2] {
            let one = |x: f32| {
                let magnitude = x.to_bits() & 0x7fff_ffff;
                if magnitude < 0x0080_0000 {
                    magnitude as f64 * Self::TINIEST
                } else {
                    f32::from_bits(magnitude) as f64
                }
            };
            [Self([one(x.0[0]), one(x.0[1])]), Self([one(x.0[2]), one(x.0[3])])]
        }
        /// Four non-negative finite f64s (lanes 0 and 1, then 2 and 3), each
        /// rounded once to the nearest f32, ties to even: a normal result by
        /// conversion, a subnormal one as the nearest whole multiple of
        /// 2⁻¹⁴⁹, built from its bits.
        #[inline(always)]
        pub(crate) fn round_to_f32([low, high]: [Self; 2]) -> F32x4 {
            let one = |y: f64| {
                if y >= f32::MIN_POSITIVE as f64 {
                    y as f32
                } else {
                    f32::from_bits(Self::tiniest_multiples(y))
                }
            };
            F32x4([one(low.0[0]), one(low.0[1]), one(high.0[0]), one(high.0[1])])
        }
    }

    impl Mask4 {
        #[inline(always)]
        pub(crate) fn none() -> Self {
            Mask4([false; 4])
        }
        #[inline(always)]
        pub(super) fn and(self, o: Self) -> Self {
            Mask4(core::array::from_fn(|l| self.0[l] && o.0[l]))
        }
        #[inline(always)]
        pub(super) fn or(self, o: Self) -> Self {
            Mask4(core::array::from_fn(|l| self.0[l] || o.0[l]))
        }
        #[inline(always)]
        pub(super) fn invert(self) -> Self {
            Mask4(self.0.map(|b| !b))
        }
        #[inline(always)]
        pub(crate) fn any(self) -> bool {
            self.0.iter().any(|&b| b)
        }
        /// Bit `l` set where lane `l` holds.
        #[inline(always)]
        pub(super) fn bitmask(self) -> u32 {
            (0..4).filter(|&l| self.0[l]).map(|l| 1 << l).sum()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The update's sieve never lets through a four the careful look would
    /// stop (a miss would not change a bit, only cost the time the careful
    /// way saves, so the climbers' tests cannot see one): every lane whose
    /// magnitude is within `1..=high` passes it, for each sign, at and around
    /// every edge, for the limits the update uses and beyond.
    #[test]
    fn the_sieve_catches_every_lane_the_careful_look_would() {
        let highs = [
            0,
            1,
            SUBNORMAL_BITS,
            0x0080_0001,
            0x0d80_0000,
            (1 << 30) - 2,
            (1 << 30) - 1,
            1 << 30,
            0x7f80_0000,
        ];
        let mut edges: Vec<u32> =
            vec![0, 1, 2, SUBNORMAL_BITS, 0x0080_0000, 0x3f80_0000, 0x7f80_0000, 0x7fc0_0000, 0x7fff_ffff];
        for &high in &highs {
            for d in [-2i64, -1, 0, 1, 2] {
                edges.push((i64::from(high) + d).clamp(0, 0x7fff_ffff) as u32);
            }
        }
        for (k, &high) in highs.iter().enumerate() {
            let mut seed = 0x2545_f491_4f6c_dd1du64 ^ k as u64;
            let mut magnitudes = edges.clone();
            magnitudes.extend((0..4000).map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 33) as u32 % (high.min(0x7fff_fffe) + 2)
            }));
            for four in magnitudes.chunks(2) {
                let bits: Vec<u32> = four.iter().flat_map(|&m| [m, m | 0x8000_0000]).collect();
                let mut lanes = [0u32; 4];
                lanes[..bits.len()].copy_from_slice(&bits);
                let x = F32x4::from_four(&lanes.map(f32::from_bits));
                let (sieved, careful) =
                    (x.small_or_large(high).bitmask(), x.magnitude_within(1, high).bitmask());
                assert_eq!(
                    careful & !sieved,
                    0,
                    "high {high:#x}: lanes {lanes:08x?} pass the careful look ({careful:04b}) but not the sieve ({sieved:04b})"
                );
            }
        }
    }
}
