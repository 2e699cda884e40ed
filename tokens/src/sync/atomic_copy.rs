//! Copying whole values in and out of memory that other threads read at the same time.
//!
//! [`SeqLock`](super::SeqLock) and the lock path of [`AtomicCell`](super::AtomicCell) let
//! readers copy a value while a writer may be overwriting it, and throw the copy away when
//! the sequence stamp says it raced. For that to be defined behaviour, both sides must copy
//! with *atomic* accesses (a plain read racing a write is a data race, whatever we do with
//! the result): readers load the value word by word, writers store it word by word.
//!
//! Two more rules bite here, and both are about what a word of a `T` may hold:
//!
//! - **Uninitialized bytes.** A `T` may have padding, which a typed copy leaves
//!   uninitialized. Turning such a word into a `u64` is undefined behaviour, even if the bits
//!   are never looked at.
//! - **Provenance.** A `T` may hold a pointer (`Box`, `Arc`, `&str`). A pointer that passes
//!   through an integer loses its provenance, and using it afterwards is undefined behaviour
//!   under strict provenance.
//!
//! So no word here is ever an integer. Each is moved as a `MaybeUninit<uN>` (or
//! `MaybeUninit<__m128i>`) operand of one load or store instruction in `asm!`: `MaybeUninit`
//! bytes carry whatever the memory held, initialized or not, with its provenance, and an
//! `asm!` block may move such bytes like any Rust copy would, but as one single-copy-atomic
//! access. This is the technique of the `atomic-maybe-uninit` crate, reduced to aligned
//! loads and stores (plus, for `AtomicCell`'s lock-free path, `xchg` and `lock cmpxchg`).
//! No padding is frozen and no word is spilled to memory to be re-read: a value goes from
//! registers to the cell, as with std's atomics.
//!
//! The instructions exist for x86_64 and aarch64 (the [`word`] module). Elsewhere, under
//! miri (which cannot run `asm!`) and under `--cfg cellar_sanitize` (for ThreadSanitizer,
//! which does not see the synchronization an `asm!` block does), readers never copy
//! optimistically: they take the lock and read with a plain copy, which races with nobody.
#![allow(unsafe_code)] // Word-wise atomic copies of arbitrary `T` through raw pointers.

#[cfg(all(
    not(any(miri, cellar_sanitize)),
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
use core::mem::{MaybeUninit, align_of, size_of};

/// The width in bytes of the words a `T` is copied in: its alignment, at most 8. `T`'s size
/// is a multiple of its alignment, so the words tile the value exactly.
#[cfg(all(not(any(miri, cellar_sanitize)), any(target_arch = "x86_64", target_arch = "aarch64")))]
pub(crate) const fn word_size<T>() -> usize {
    let align = align_of::<T>();
    if align >= 8 { 8 } else { align }
}

/// Single-instruction accesses of one aligned word, whose value is `MaybeUninit`.
///
/// Each is one load or store instruction (or one locked read-modify-write) of a naturally
/// aligned word, so it is single-copy atomic on these targets: a relaxed atomic access in
/// Rust's memory model, which may race with other atomic accesses (std's or these).
#[cfg(all(not(any(miri, cellar_sanitize)), any(target_arch = "x86_64", target_arch = "aarch64")))]
pub(crate) mod word {
    use core::arch::asm;
    use core::mem::MaybeUninit;

    /// An unsigned integer type whose memory this module accesses atomically.
    ///
    /// # Safety
    ///
    /// - Implemented only here, for `u8`, `u16`, `u32` and `u64`, each method one instruction
    ///   on exactly that word.
    pub(crate) unsafe trait Word: Copy {
        /// Loads the word at `src` (relaxed).
        ///
        /// # Safety
        ///
        /// - `src` is valid for reads of `Self` and aligned to its size; every concurrent
        ///   write to it is atomic.
        unsafe fn load(src: *const Self) -> MaybeUninit<Self>;

        /// Stores `value` at `dst` (relaxed).
        ///
        /// # Safety
        ///
        /// - `dst` is valid for writes of `Self` and aligned to its size; every concurrent
        ///   access to it is atomic.
        unsafe fn store(dst: *mut Self, value: MaybeUninit<Self>);

        /// Loads the word at `src` as an initialized integer: the output register holds
        /// definite bits, whatever the abstract machine thought of the memory (a freeze).
        /// Only loom's model needs integers; it does not model provenance.
        ///
        /// # Safety
        ///
        /// - As for [`load`](Self::load).
        #[cfg(loom)]
        unsafe fn load_frozen(src: *const Self) -> Self;

        /// Swaps `value` into `dst`, returning the old word (sequentially consistent).
        ///
        /// # Safety
        ///
        /// - As for [`store`](Self::store), and `dst` is also valid for reads.
        #[cfg(all(not(loom), target_arch = "x86_64"))]
        unsafe fn swap(dst: *mut Self, value: MaybeUninit<Self>) -> MaybeUninit<Self>;

        /// Replaces the word at `dst` with `new` if its bits equal `expected`'s; returns the
        /// word found and whether the exchange happened (sequentially consistent). The
        /// comparison is the processor's, of the bits in the registers.
        ///
        /// # Safety
        ///
        /// - As for [`swap`](Self::swap).
        #[cfg(all(not(loom), target_arch = "x86_64"))]
        unsafe fn compare_exchange(
            dst: *mut Self,
            expected: MaybeUninit<Self>,
            new: MaybeUninit<Self>,
        ) -> (MaybeUninit<Self>, bool);
    }

    macro_rules! word {
        ($ty:ty, $class:ident, $acc:tt,
         x86: $x_load:literal, $x_store:literal, $x_xchg:literal, $x_cmpxchg:literal;
         arm: $a_load:literal, $a_store:literal) => {
            // SAFETY:
            // - each method is one instruction on exactly the `$ty` at the pointer.
            unsafe impl Word for $ty {
                #[inline(always)]
                unsafe fn load(src: *const Self) -> MaybeUninit<Self> {
                    let out;
                    // SAFETY:
                    // - the caller guarantees `src` is valid and aligned; the instruction
                    //   reads exactly that word and writes only `out`.
                    unsafe {
                        #[cfg(target_arch = "x86_64")]
                        asm!($x_load, src = in(reg) src, out = lateout($class) out,
                             options(nostack, preserves_flags, readonly));
                        #[cfg(target_arch = "aarch64")]
                        asm!($a_load, src = in(reg) src, out = lateout(reg) out,
                             options(nostack, preserves_flags, readonly));
                    }
                    out
                }

                #[inline(always)]
                unsafe fn store(dst: *mut Self, value: MaybeUninit<Self>) {
                    // SAFETY:
                    // - the caller guarantees `dst` is valid and aligned; the instruction
                    //   writes exactly that word and nothing else.
                    unsafe {
                        #[cfg(target_arch = "x86_64")]
                        asm!($x_store, dst = in(reg) dst, value = in($class) value,
                             options(nostack, preserves_flags));
                        #[cfg(target_arch = "aarch64")]
                        asm!($a_store, dst = in(reg) dst, value = in(reg) value,
                             options(nostack, preserves_flags));
                    }
                }

                #[cfg(loom)]
                #[inline(always)]
                unsafe fn load_frozen(src: *const Self) -> Self {
                    let out;
                    // SAFETY:
                    // - as in `load`; the output is an integer, so it is initialized.
                    unsafe {
                        #[cfg(target_arch = "x86_64")]
                        asm!($x_load, src = in(reg) src, out = lateout($class) out,
                             options(nostack, preserves_flags, readonly));
                        #[cfg(target_arch = "aarch64")]
                        asm!($a_load, src = in(reg) src, out = lateout(reg) out,
                             options(nostack, preserves_flags, readonly));
                    }
                    out
                }

                #[cfg(all(not(loom), target_arch = "x86_64"))]
                #[inline(always)]
                unsafe fn swap(dst: *mut Self, value: MaybeUninit<Self>) -> MaybeUninit<Self> {
                    let mut word = value;
                    // SAFETY:
                    // - `dst` is valid, aligned and only accessed atomically (caller);
                    //   `xchg` with a memory operand is locked, and writes only that word
                    //   and `word`.
                    unsafe {
                        asm!($x_xchg, dst = in(reg) dst, word = inout($class) word,
                             options(nostack, preserves_flags))
                    };
                    word
                }

                #[cfg(all(not(loom), target_arch = "x86_64"))]
                #[inline(always)]
                unsafe fn compare_exchange(
                    dst: *mut Self,
                    expected: MaybeUninit<Self>,
                    new: MaybeUninit<Self>,
                ) -> (MaybeUninit<Self>, bool) {
                    let mut found = expected;
                    let swapped: u8;
                    // SAFETY:
                    // - as in `swap`; `lock cmpxchg` reads and maybe writes only that word,
                    //   and writes the accumulator (`found`), `swapped` and the flags (not
                    //   preserved).
                    unsafe {
                        asm!($x_cmpxchg, "sete {swapped}", dst = in(reg) dst,
                             new = in($class) new, swapped = out(reg_byte) swapped,
                             inout($acc) found, options(nostack))
                    };
                    (found, swapped != 0)
                }
            }
        };
    }

    word!(u8, reg_byte, "al",
        x86: "mov {out}, byte ptr [{src}]", "mov byte ptr [{dst}], {value}",
             "xchg byte ptr [{dst}], {word}", "lock cmpxchg byte ptr [{dst}], {new}";
        arm: "ldrb {out:w}, [{src}]", "strb {value:w}, [{dst}]");
    word!(u16, reg, "ax",
        x86: "mov {out:x}, word ptr [{src}]", "mov word ptr [{dst}], {value:x}",
             "xchg word ptr [{dst}], {word:x}", "lock cmpxchg word ptr [{dst}], {new:x}";
        arm: "ldrh {out:w}, [{src}]", "strh {value:w}, [{dst}]");
    word!(u32, reg, "eax",
        x86: "mov {out:e}, dword ptr [{src}]", "mov dword ptr [{dst}], {value:e}",
             "xchg dword ptr [{dst}], {word:e}", "lock cmpxchg dword ptr [{dst}], {new:e}";
        arm: "ldr {out:w}, [{src}]", "str {value:w}, [{dst}]");
    word!(u64, reg, "rax",
        x86: "mov {out}, qword ptr [{src}]", "mov qword ptr [{dst}], {value}",
             "xchg qword ptr [{dst}], {word}", "lock cmpxchg qword ptr [{dst}], {new}";
        arm: "ldr {out}, [{src}]", "str {value}, [{dst}]");

    /// 16 bytes as one SSE register.
    #[cfg(all(not(loom), target_arch = "x86_64"))]
    pub(crate) type Pair = core::arch::x86_64::__m128i;

    /// Loads 16 bytes with one `movups`: on an 8-aligned address, two single-copy-atomic
    /// 8-byte loads as far as racing writers can tell (a torn pair is caught by the caller's
    /// stamp check like any torn copy). One 16-byte load lets the copy be stored with 16-byte
    /// stores, which a consumer's 16-byte loads can forward from.
    ///
    /// # Safety
    ///
    /// - `src` is valid for reads of 16 bytes and aligned to 8; every concurrent write to them
    ///   is atomic.
    #[cfg(all(not(loom), target_arch = "x86_64"))]
    #[inline(always)]
    pub(crate) unsafe fn load_pair(src: *const Pair) -> MaybeUninit<Pair> {
        let out;
        // SAFETY:
        // - the caller guarantees `src` is valid; `movups` needs no alignment, reads exactly
        //   those 16 bytes and writes only `out`.
        unsafe {
            asm!("movups {out}, xmmword ptr [{src}]", src = in(reg) src,
                 out = lateout(xmm_reg) out, options(nostack, preserves_flags, readonly))
        };
        out
    }

    /// Stores 16 bytes with one `movups`: two single-copy-atomic 8-byte stores on an
    /// 8-aligned address, as for [`load_pair`].
    ///
    /// # Safety
    ///
    /// - `dst` is valid for writes of 16 bytes and aligned to 8; every concurrent access to
    ///   them is atomic.
    #[cfg(all(not(loom), target_arch = "x86_64"))]
    #[inline(always)]
    pub(crate) unsafe fn store_pair(dst: *mut Pair, value: MaybeUninit<Pair>) {
        // SAFETY:
        // - the caller guarantees `dst` is valid; `movups` writes exactly those 16 bytes.
        unsafe {
            asm!("movups xmmword ptr [{dst}], {value}", dst = in(reg) dst,
                 value = in(xmm_reg) value, options(nostack, preserves_flags))
        };
    }
}

/// Runs `$body` with `$w` naming the [`word::Word`] type of `$width` bytes (1, 2, 4 or 8).
#[cfg(all(not(any(miri, cellar_sanitize)), any(target_arch = "x86_64", target_arch = "aarch64")))]
macro_rules! with_word {
    ($width:expr, |$w:ident| $body:expr) => {
        match $width {
            1 => {
                type $w = u8;
                $body
            }
            2 => {
                type $w = u16;
                $body
            }
            4 => {
                type $w = u32;
                $body
            }
            _ => {
                type $w = u64;
                $body
            }
        }
    };
}
#[cfg(all(not(loom), not(any(miri, cellar_sanitize)), target_arch = "x86_64"))]
pub(crate) use with_word;

/// Copies `*src` with single-instruction word loads. Racing writers make the copy torn,
/// never undefined: callers validate it before `assume_init`.
///
/// # Safety
///
/// - `src` is valid for reads of a `T` and aligned for it.
/// - Every concurrent write to `*src` is an atomic store of words of [`word_size::<T>()`]
///   bytes ([`store`]).
#[cfg(all(not(any(miri, cellar_sanitize)), any(target_arch = "x86_64", target_arch = "aarch64")))]
#[inline(always)]
pub(crate) unsafe fn load<T>(src: *const T) -> MaybeUninit<T> {
    // SAFETY:
    // - the caller's guarantees, with the word of `word_size::<T>()` bytes.
    with_word!(word_size::<T>(), |W| unsafe { load_words::<T, W>(src) })
}

/// [`load`] with the word type chosen.
///
/// # Safety
///
/// - As for [`load`], and `W` is `word_size::<T>()` bytes.
#[cfg(all(not(any(miri, cellar_sanitize)), any(target_arch = "x86_64", target_arch = "aarch64")))]
#[inline(always)]
unsafe fn load_words<T, W: word::Word>(src: *const T) -> MaybeUninit<T> {
    let words = size_of::<T>() / size_of::<W>();
    let mut out = MaybeUninit::<T>::uninit();
    let (src, dst) = (src.cast::<W>(), out.as_mut_ptr().cast::<MaybeUninit<W>>());
    let mut i = 0;
    #[cfg(all(not(loom), target_arch = "x86_64"))]
    if size_of::<W>() == 8 {
        while i + 2 <= words {
            // SAFETY:
            // - `src.wrapping_add(i)` is 16 bytes of `*src`, aligned to 8 (caller, and the bound);
            //   writers store atomically (caller), so this load races with no plain write.
            let pair = unsafe { word::load_pair(src.wrapping_add(i).cast()) };
            // SAFETY:
            // - 16 bytes of our own `out`, valid for an unaligned write.
            unsafe { dst.wrapping_add(i).cast::<MaybeUninit<word::Pair>>().write_unaligned(pair) };
            i += 2;
        }
    }
    while i < words {
        // `i < words` and `W` divides T's alignment: the word is in bounds and aligned in
        // both values.
        // SAFETY:
        // - a valid, aligned word of `*src` (caller, and the bound above); concurrent writers
        //   store atomically (caller), so this load races with no plain write.
        let word = unsafe { W::load(src.wrapping_add(i)) };
        // SAFETY:
        // - an aligned word of our own `out`, valid for writes.
        unsafe { dst.wrapping_add(i).write(word) };
        i += 1;
    }
    out
}

/// Stores `*value` into `*dst` with single-instruction (relaxed) word stores. The words are
/// read from `value` as `MaybeUninit`, so padding and pointers go out as they are.
///
/// # Safety
///
/// - `dst` is valid for writes of a `T` and aligned for it, and every other access to it
///   while this runs is a [`load`] or another `store` (atomic, of the same word size).
#[cfg(all(
    not(loom),
    not(any(miri, cellar_sanitize)),
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
#[inline(always)]
pub(crate) unsafe fn store<T>(dst: *mut T, value: &T) {
    // SAFETY:
    // - the caller's guarantees, with the word of `word_size::<T>()` bytes.
    with_word!(word_size::<T>(), |W| unsafe { store_words::<T, W>(dst, value) })
}

/// [`store`] with the word type chosen.
///
/// # Safety
///
/// - As for [`store`], and `W` is `word_size::<T>()` bytes.
#[cfg(all(
    not(loom),
    not(any(miri, cellar_sanitize)),
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
#[inline(always)]
unsafe fn store_words<T, W: word::Word>(dst: *mut T, value: &T) {
    let words = size_of::<T>() / size_of::<W>();
    let (src, dst) = (core::ptr::from_ref(value).cast::<MaybeUninit<W>>(), dst.cast::<W>());
    let mut i = 0;
    #[cfg(target_arch = "x86_64")]
    if size_of::<W>() == 8 {
        while i + 2 <= words {
            // SAFETY:
            // - 16 bytes of `*value`, borrowed and thus valid for reads; `MaybeUninit` may
            //   hold any bytes.
            let pair =
                unsafe { src.wrapping_add(i).cast::<MaybeUninit<word::Pair>>().read_unaligned() };
            // SAFETY:
            // - 16 bytes of `*dst`, aligned to 8, only accessed atomically (caller).
            unsafe { word::store_pair(dst.wrapping_add(i).cast(), pair) };
            i += 2;
        }
    }
    while i < words {
        // In bounds and aligned in both values, as in `load_words`.
        // SAFETY:
        // - an aligned word of `*value`, borrowed and thus valid for reads; `MaybeUninit`
        //   may hold any bytes.
        let word = unsafe { src.wrapping_add(i).read() };
        // SAFETY:
        // - a valid, aligned word of `*dst`, only accessed atomically (caller).
        unsafe { W::store(dst.wrapping_add(i), word) };
        i += 1;
    }
}

/// Copies `*src` into fresh integer words, freezing padding: loom's model keeps values in
/// atomic integers.
///
/// # Safety
///
/// - `src` is valid for reads of a `T`, aligned, and not written concurrently.
#[cfg(loom)]
unsafe fn load_frozen_words<T>(src: *const T) -> Vec<u64> {
    fn copy<T, W: word::Word>(src: *const T) -> Vec<u64> {
        let mut words = vec![0u64; size_of::<T>().div_ceil(8)];
        let dst = words.as_mut_ptr().cast::<W>();
        for i in 0..size_of::<T>() / size_of::<W>() {
            // SAFETY:
            // - an aligned word of `*src` (caller), and one of `words`, which holds at least
            //   `size_of::<T>()` bytes aligned to 8.
            unsafe { dst.wrapping_add(i).write(W::load_frozen(src.cast::<W>().wrapping_add(i))) };
        }
        words
    }
    with_word!(word_size::<T>(), |W| copy::<T, W>(src))
}

/// A value that readers copy while a writer, holding the lock that guards it, overwrites it.
///
/// The lock (a sequence stamp) lives with the user of this type: [`SeqLock`](super::SeqLock)
/// owns one, the lock path of [`AtomicCell`](super::AtomicCell) borrows a global stripe.
///
/// # Invariants
///
/// - While `&self` is shared, the value is written only by [`write_locked`](Self::write_locked)
///   (whole, with atomic word stores of frozen bytes, or plainly where there are no optimistic
///   readers) by the one thread holding the lock, and read only by
///   [`load_racy`](Self::load_racy) (atomic word loads, any thread, result validated by the
///   stamp), [`read_locked`](Self::read_locked) (the lock holder), and plainly through
///   [`as_ptr`](Self::as_ptr) while no thread writes it (`AtomicCell::load_unsynchronized`,
///   whose caller guarantees that).
/// - Under loom the value lives in words of loom atomics instead, so the model sees every
///   word copied.
pub(crate) struct RacyCell<T> {
    #[cfg(not(loom))]
    // core's cell, not `primitive::UnsafeCell`: its pointer is read racily by design, word by
    // word with atomics; loom builds use the `words` below instead.
    value: core::cell::UnsafeCell<T>,
    #[cfg(loom)]
    words: Box<[crate::primitive::AtomicU64]>,
    #[cfg(loom)]
    marker: core::marker::PhantomData<T>,
}

#[cfg(not(loom))]
impl<T> RacyCell<T> {
    /// A cell holding `value`.
    #[inline(always)]
    pub(crate) const fn new(value: T) -> Self {
        Self { value: core::cell::UnsafeCell::new(value) }
    }

    /// The value, by unique ownership.
    #[inline(always)]
    pub(crate) fn into_inner(self) -> T {
        self.value.into_inner()
    }

    /// The value, by unique borrow.
    #[inline(always)]
    pub(crate) fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }

    /// The value's address, for the lock-free path of `AtomicCell` (and its plain reads while
    /// nothing writes).
    #[inline(always)]
    pub(crate) const fn as_ptr(&self) -> *mut T {
        self.value.get()
    }

    /// A copy of the value that may be torn by a concurrent writer; its bytes are the
    /// memory's, pointers with their provenance. Validate it with the stamp before
    /// `assume_init`.
    ///
    /// # Safety
    ///
    /// - Writers follow this type's invariants.
    #[cfg(all(
        not(any(miri, cellar_sanitize)),
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    #[inline(always)]
    pub(crate) unsafe fn load_racy(&self) -> MaybeUninit<T> {
        // SAFETY:
        // - the pointer is valid and aligned for `&self`'s lifetime; writers store atomic
        //   words of the same width (invariants).
        unsafe { load(self.as_ptr()) }
    }

    /// Moves the value out, leaving its bytes in place for the caller to overwrite or keep.
    ///
    /// # Safety
    ///
    /// - The caller holds the lock, so no write runs concurrently.
    /// - The caller does not end up with two owners of one non-`Copy` value: it overwrites
    ///   the cell with [`write_locked`](Self::write_locked) before unlocking, or the value is
    ///   `Copy`.
    #[inline(always)]
    pub(crate) unsafe fn read_locked(&self) -> T {
        // SAFETY:
        // - the value is initialized and valid; the only concurrent accesses are reads
        //   (caller holds the lock), which a plain read does not race with.
        unsafe { self.as_ptr().read() }
    }

    /// Overwrites the value without dropping the old one.
    ///
    /// # Safety
    ///
    /// - The caller holds the lock and has moved the old value out or does not need it
    ///   dropped.
    #[inline(always)]
    pub(crate) unsafe fn write_locked(&self, value: T) {
        #[cfg(all(
            not(any(miri, cellar_sanitize)),
            any(target_arch = "x86_64", target_arch = "aarch64")
        ))]
        {
            // The cell takes ownership of the bytes; the local must not be dropped.
            let value = core::mem::ManuallyDrop::new(value);
            // SAFETY:
            // - the pointer is valid and aligned; the only concurrent accesses are atomic
            //   word loads by optimistic readers (invariants).
            unsafe { store(self.as_ptr(), &*value) }
        }
        #[cfg(any(
            miri,
            cellar_sanitize,
            not(any(target_arch = "x86_64", target_arch = "aarch64"))
        ))]
        // SAFETY:
        // - without word instructions nobody reads optimistically, and the caller holds the
        //   lock: nothing accesses the value concurrently.
        unsafe {
            self.as_ptr().write(value)
        }
    }
}

#[cfg(loom)]
impl<T> RacyCell<T> {
    fn to_words(value: T) -> Vec<u64> {
        let value = core::mem::ManuallyDrop::new(value);
        // SAFETY:
        // - `value` is our own local, valid and aligned; no other thread sees it.
        unsafe { load_frozen_words(&*value as *const T) }
    }

    fn from_words(words: &[u64]) -> MaybeUninit<T> {
        let mut out = MaybeUninit::<T>::uninit();
        // SAFETY:
        // - `words` holds at least `size_of::<T>()` bytes and `out` is a distinct local.
        unsafe {
            core::ptr::copy_nonoverlapping(
                words.as_ptr().cast::<u8>(),
                out.as_mut_ptr().cast::<u8>(),
                size_of::<T>(),
            )
        };
        out
    }

    /// A cell holding `value`.
    pub(crate) fn new(value: T) -> Self {
        let words = Self::to_words(value).into_iter().map(crate::primitive::AtomicU64::new);
        Self { words: words.collect(), marker: core::marker::PhantomData }
    }

    /// The value, by unique ownership.
    pub(crate) fn into_inner(self) -> T {
        let this = core::mem::ManuallyDrop::new(self);
        let words: Vec<u64> =
            this.words.iter().map(|w| w.load(crate::primitive::Ordering::Relaxed)).collect();
        // SAFETY:
        // - `this` is never used or dropped again, so its boxed words are dropped here once.
        drop(unsafe { core::ptr::read(&this.words) });
        // SAFETY:
        // - the words hold the bytes of the value last written, moved out once.
        unsafe { Self::from_words(&words).assume_init() }
    }

    /// A copy that may be torn by a concurrent writer.
    ///
    /// # Safety
    ///
    /// - None beyond validating the copy before `assume_init`.
    pub(crate) unsafe fn load_racy(&self) -> MaybeUninit<T> {
        // Relaxed: ordered by the stamp's fences, as in the std build.
        let words: Vec<u64> =
            self.words.iter().map(|w| w.load(crate::primitive::Ordering::Relaxed)).collect();
        Self::from_words(&words)
    }

    /// Moves the value out.
    ///
    /// # Safety
    ///
    /// - As in the std build.
    pub(crate) unsafe fn read_locked(&self) -> T {
        // SAFETY:
        // - the caller holds the lock, so the copy is not torn.
        unsafe { self.load_racy().assume_init() }
    }

    /// Overwrites the value without dropping the old one.
    ///
    /// # Safety
    ///
    /// - As in the std build.
    pub(crate) unsafe fn write_locked(&self, value: T) {
        for (word, new) in self.words.iter().zip(Self::to_words(value)) {
            // Relaxed: ordered by the stamp's fences, as in the std build.
            word.store(new, crate::primitive::Ordering::Relaxed);
        }
    }
}

#[cfg(loom)]
impl<T> Drop for RacyCell<T> {
    fn drop(&mut self) {
        if core::mem::needs_drop::<T>() {
            let words: Vec<u64> =
                self.words.iter().map(|w| w.load(crate::primitive::Ordering::Relaxed)).collect();
            // SAFETY:
            // - the words hold the current value, dropped once here as its owner.
            drop(unsafe { Self::from_words(&words).assume_init() });
        }
    }
}
