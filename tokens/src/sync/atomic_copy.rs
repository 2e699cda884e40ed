//! Copying whole values in and out of memory that other threads read at the same time.
//!
//! [`SeqLock`](super::SeqLock) and the lock path of [`AtomicCell`](super::AtomicCell) let
//! readers copy a value while a writer may be overwriting it, and throw the copy away when
//! the sequence stamp says it raced. For that to be defined behaviour, both sides must copy
//! with *atomic* accesses (a plain read racing a write is a data race, whatever we do with
//! the result): readers load the value word by word, writers store it word by word.
//!
//! A second rule bites here: a `T` may have padding bytes, and a typed copy of a `T` (its
//! creation, `new`, a write through `&mut T`) leaves them uninitialized. Loading such a word
//! as a `u64` would make an integer out of uninitialized bytes, which is undefined behaviour
//! in Rust even if the bits are never looked at. So the loads here are *frozen* loads: one
//! load instruction in `asm!`, whose output register holds definite bits whatever the
//! abstract machine thought of the memory. The same frozen load, applied to a local copy,
//! turns a value about to be written into fully initialized words, so the atomic stores of
//! std never see an uninitialized byte either. This is the technique of the
//! `atomic-maybe-uninit` crate, reduced to aligned loads.
//!
//! Frozen loads exist for x86_64 and aarch64 (the `frozen` module). Elsewhere readers never copy
//! optimistically: they take the lock and read with a plain copy, which races with nobody.
#![allow(unsafe_code)] // Word-wise atomic copies of arbitrary `T` through raw pointers.

use core::mem::{MaybeUninit, align_of, size_of};

/// The width in bytes of the words a `T` is copied in: its alignment, at most 8. `T`'s size
/// is a multiple of its alignment, so the words tile the value exactly.
pub(crate) const fn word_size<T>() -> usize {
    let align = align_of::<T>();
    if align >= 8 { 8 } else { align }
}

/// Frozen loads of one aligned word, `WIDTH` bytes wide, returned zero-extended.
///
/// Each is a single load instruction, so it is single-copy atomic (a relaxed atomic load)
/// on these targets, and its result is definite even where the memory held padding.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
pub(crate) mod frozen {
    use core::arch::asm;

    macro_rules! frozen_load {
        ($(#[$doc:meta])* $name:ident, $ty:ty, $x86:literal, $arm:literal) => {
            $(#[$doc])*
            ///
            /// # Safety
            ///
            /// - `src` is valid for reads of the word's width and aligned to it.
            #[inline(always)]
            pub(crate) unsafe fn $name(src: *const $ty) -> u64 {
                let out: u64;
                // SAFETY:
                // - the caller guarantees `src` is valid and aligned; the instruction reads
                //   exactly that word and writes only `out`.
                unsafe {
                    #[cfg(target_arch = "x86_64")]
                    asm!($x86, src = in(reg) src, out = lateout(reg) out,
                         options(nostack, preserves_flags, readonly));
                    #[cfg(target_arch = "aarch64")]
                    asm!($arm, src = in(reg) src, out = lateout(reg) out,
                         options(nostack, preserves_flags, readonly));
                }
                out
            }
        };
    }

    frozen_load!(/** One byte. */ load8, u8,
        "movzx {out:e}, byte ptr [{src}]", "ldrb {out:w}, [{src}]");
    frozen_load!(/** Two bytes. */ load16, u16,
        "movzx {out:e}, word ptr [{src}]", "ldrh {out:w}, [{src}]");
    frozen_load!(/** Four bytes. */ load32, u32,
        "mov {out:e}, dword ptr [{src}]", "ldr {out:w}, [{src}]");
    frozen_load!(/** Eight bytes. */ load64, u64,
        "mov {out}, qword ptr [{src}]", "ldr {out}, [{src}]");

    /// A frozen load of 16 bytes, as two (or more) single-copy-atomic loads of the 8-byte
    /// words in it: a torn pair is caught by the caller's stamp check like any torn copy.
    /// One 16-byte load lets the copy be stored with 16-byte stores, which the consumer's
    /// 16-byte loads can forward from (eight-byte stores read back 16 at a time stall).
    ///
    /// # Safety
    ///
    /// - `src` is valid for reads of 16 bytes and aligned to 8.
    #[cfg(all(not(loom), target_arch = "x86_64"))]
    #[inline(always)]
    pub(crate) unsafe fn load128(src: *const u8) -> core::arch::x86_64::__m128i {
        let out;
        // SAFETY:
        // - the caller guarantees `src` is valid; `movups` needs no alignment, reads exactly
        //   those 16 bytes and writes only `out`.
        unsafe {
            asm!("movups {out}, xmmword ptr [{src}]", src = in(reg) src, out = lateout(xmm_reg) out,
                 options(nostack, preserves_flags, readonly))
        };
        out
    }

    /// A frozen load of a word of `width` bytes (1, 2, 4 or 8), zero-extended.
    ///
    /// # Safety
    ///
    /// - `src` is valid for reads of `width` bytes and aligned to `width`.
    #[inline(always)]
    pub(crate) unsafe fn load(src: *const u8, width: usize) -> u64 {
        match width {
            // SAFETY:
            // - the caller's guarantee, for the one width chosen.
            1 => unsafe { load8(src) },
            // SAFETY: as above.
            2 => unsafe { load16(src.cast()) },
            // SAFETY: as above.
            4 => unsafe { load32(src.cast()) },
            // SAFETY: as above.
            _ => unsafe { load64(src.cast()) },
        }
    }

    /// Atomically swaps the `width`-byte word at `dst` (1, 2, 4 or 8) for the low bytes of
    /// `new`, returning the old word frozen and zero-extended. Sequentially consistent (`xchg`).
    ///
    /// # Safety
    ///
    /// - `dst` is valid for reads and writes of `width` bytes and aligned to `width`, and
    ///   every concurrent access to it is atomic.
    #[cfg(all(not(loom), target_arch = "x86_64"))]
    #[inline(always)]
    pub(crate) unsafe fn swap(dst: *mut u8, width: usize, new: u64) -> u64 {
        let mut word = new;
        // SAFETY (each arm):
        // - `dst` is valid, aligned and only accessed atomically (caller); `xchg` with a
        //   memory operand is locked, and writes only that word and `word`.
        match width {
            // SAFETY: as above.
            1 => unsafe {
                asm!("xchg byte ptr [{dst}], {word:l}", dst = in(reg) dst,
                     word = inout(reg) word, options(nostack, preserves_flags))
            },
            // SAFETY: as above.
            2 => unsafe {
                asm!("xchg word ptr [{dst}], {word:x}", dst = in(reg) dst,
                     word = inout(reg) word, options(nostack, preserves_flags))
            },
            // SAFETY: as above.
            4 => unsafe {
                asm!("xchg dword ptr [{dst}], {word:e}", dst = in(reg) dst,
                     word = inout(reg) word, options(nostack, preserves_flags))
            },
            // SAFETY: as above.
            _ => unsafe {
                asm!("xchg qword ptr [{dst}], {word}", dst = in(reg) dst,
                     word = inout(reg) word, options(nostack, preserves_flags))
            },
        }
        word & mask(width)
    }

    /// Atomically replaces the `width`-byte word at `dst` with `new` if it equals `expected`
    /// (both zero-extended), returning the word it found, frozen: the exchange happened iff
    /// that equals `expected`. Sequentially consistent (`lock cmpxchg`).
    ///
    /// # Safety
    ///
    /// - As for [`swap`].
    #[cfg(all(not(loom), target_arch = "x86_64"))]
    #[inline(always)]
    pub(crate) unsafe fn compare_exchange(
        dst: *mut u8,
        width: usize,
        expected: u64,
        new: u64,
    ) -> u64 {
        let mut found = expected;
        // SAFETY (each arm):
        // - as in `swap`; `lock cmpxchg` reads and maybe writes only that word, and writes
        //   the accumulator (`found`) and the flags (not preserved).
        match width {
            // SAFETY: as above.
            1 => unsafe {
                asm!("lock cmpxchg byte ptr [{dst}], {new:l}", dst = in(reg) dst,
                     new = in(reg) new, inout("rax") found, options(nostack))
            },
            // SAFETY: as above.
            2 => unsafe {
                asm!("lock cmpxchg word ptr [{dst}], {new:x}", dst = in(reg) dst,
                     new = in(reg) new, inout("rax") found, options(nostack))
            },
            // SAFETY: as above.
            4 => unsafe {
                asm!("lock cmpxchg dword ptr [{dst}], {new:e}", dst = in(reg) dst,
                     new = in(reg) new, inout("rax") found, options(nostack))
            },
            // SAFETY: as above.
            _ => unsafe {
                asm!("lock cmpxchg qword ptr [{dst}], {new}", dst = in(reg) dst,
                     new = in(reg) new, inout("rax") found, options(nostack))
            },
        }
        found & mask(width)
    }

    /// The low `width` bytes set.
    #[cfg(all(not(loom), target_arch = "x86_64"))]
    #[inline(always)]
    pub(crate) const fn mask(width: usize) -> u64 {
        if width >= 8 { u64::MAX } else { (1u64 << (width * 8)) - 1 }
    }
}

/// Copies `*src` with frozen word loads: every byte of the result is initialized, padding
/// included. Racing writers make the copy torn, never undefined: callers validate it.
///
/// # Safety
///
/// - `src` is valid for reads of a `T` and aligned for it.
/// - Every concurrent write to `*src` is an atomic store of words of [`word_size::<T>()`]
///   bytes ([`store`]).
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
#[inline(always)]
pub(crate) unsafe fn load<T>(src: *const T) -> MaybeUninit<T> {
    let width = word_size::<T>();
    let mut out = MaybeUninit::<T>::uninit();
    let (src, dst) = (src.cast::<u8>(), out.as_mut_ptr().cast::<u8>());
    let mut offset = 0;
    #[cfg(all(not(loom), target_arch = "x86_64"))]
    if width == 8 {
        while offset + 16 <= size_of::<T>() {
            let (s, d) = (src.wrapping_add(offset), dst.wrapping_add(offset));
            // SAFETY:
            // - `s` is 16 bytes of `*src`, aligned to 8 (caller, and the bound above);
            //   writers store atomically (caller), so this load races with no plain write.
            let pair = unsafe { frozen::load128(s) };
            // SAFETY:
            // - `d` is 16 bytes of our own `out`, valid for an unaligned write.
            unsafe { d.cast::<core::arch::x86_64::__m128i>().write_unaligned(pair) };
            offset += 16;
        }
    }
    while offset < size_of::<T>() {
        // `offset + width <= size_of::<T>()` and `offset` is a multiple of `width`, which
        // divides T's alignment: the word is in bounds and aligned in both values.
        let (s, d) = (src.wrapping_add(offset), dst.wrapping_add(offset));
        // SAFETY:
        // - `s` is a valid, aligned word of `*src` (caller, and the bound above); concurrent
        //   writers store atomically (caller), so this load races with no plain write.
        let word = unsafe { frozen::load(s, width) };
        match width {
            // SAFETY:
            // - `d` is an aligned word of our own `out`, valid for writes.
            1 => unsafe { d.write(word as u8) },
            // SAFETY: as above.
            2 => unsafe { d.cast::<u16>().write(word as u16) },
            // SAFETY: as above.
            4 => unsafe { d.cast::<u32>().write(word as u32) },
            // SAFETY: as above.
            _ => unsafe { d.cast::<u64>().write(word) },
        }
        offset += width;
    }
    out
}

/// Stores `*value` into `*dst` with relaxed atomic word stores of frozen words: each word is
/// read from `value` with a frozen load, so padding bytes go out as definite bits. (The words
/// are never gathered into a `MaybeUninit<T>` passed by value: such a copy may lose its
/// padding bytes again.)
///
/// # Safety
///
/// - `dst` is valid for writes of a `T` and aligned for it, and every other access to it
///   while this runs is a [`load`] or another `store` (atomic, of the same word size).
#[cfg(all(not(loom), any(target_arch = "x86_64", target_arch = "aarch64")))]
#[inline(always)]
pub(crate) unsafe fn store<T>(dst: *mut T, value: &T) {
    use crate::primitive::{AtomicU8, AtomicU16, AtomicU32, AtomicU64, Ordering::Relaxed};
    let width = word_size::<T>();
    let (src, dst) = (core::ptr::from_ref(value).cast::<u8>(), dst.cast::<u8>());
    let mut offset = 0;
    while offset < size_of::<T>() {
        // In bounds and aligned in both values, as in `load`.
        let (s, d) = (src.wrapping_add(offset), dst.wrapping_add(offset));
        // SAFETY:
        // - `s` is an aligned word of `*value`, borrowed and thus valid for reads.
        let word = unsafe { frozen::load(s, width) };
        // Relaxed: the caller orders the whole copy with its sequence stamp and fences.
        match width {
            // SAFETY:
            // - `d` is a valid, aligned word of `*dst`, and every concurrent access to it is
            //   atomic (caller); the atomic integers have the integers' layout.
            1 => unsafe { AtomicU8::from_ptr(d) }.store(word as u8, Relaxed),
            // SAFETY: as above.
            2 => unsafe { AtomicU16::from_ptr(d.cast()) }.store(word as u16, Relaxed),
            // SAFETY: as above.
            4 => unsafe { AtomicU32::from_ptr(d.cast()) }.store(word as u32, Relaxed),
            // SAFETY: as above.
            _ => unsafe { AtomicU64::from_ptr(d.cast()) }.store(word, Relaxed),
        }
        offset += width;
    }
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
///   stamp) and [`read_locked`](Self::read_locked) (the lock holder).
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

    /// The value's address, for the lock-free path of `AtomicCell`.
    #[inline(always)]
    pub(crate) const fn as_ptr(&self) -> *mut T {
        self.value.get()
    }

    /// A copy of the value that may be torn by a concurrent writer; all its bytes are
    /// initialized. Validate it with the stamp before `assume_init`.
    ///
    /// # Safety
    ///
    /// - Writers follow this type's invariants.
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
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
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        {
            // The cell takes ownership of the bytes; the local must not be dropped.
            let value = core::mem::ManuallyDrop::new(value);
            // SAFETY:
            // - the pointer is valid and aligned; the only concurrent accesses are atomic
            //   word loads by optimistic readers (invariants).
            unsafe { store(self.as_ptr(), &*value) }
        }
        #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
        // SAFETY:
        // - without frozen loads nobody reads optimistically, and the caller holds the lock:
        //   nothing accesses the value concurrently.
        unsafe {
            self.as_ptr().write(value)
        }
    }
}

#[cfg(loom)]
impl<T> RacyCell<T> {
    const WORDS: usize = size_of::<T>().div_ceil(8);

    fn to_words(value: T) -> Vec<u64> {
        let value = core::mem::ManuallyDrop::new(value);
        let mut words = vec![0u64; Self::WORDS];
        // SAFETY:
        // - `value` is our own local, valid and aligned; no other thread sees it.
        let frozen = unsafe { load(&*value as *const T) };
        // SAFETY:
        // - `frozen` is initialized (frozen loads, copied into place before any move) and
        //   `words` holds at least `size_of::<T>()` bytes.
        unsafe {
            core::ptr::copy_nonoverlapping(
                frozen.as_ptr().cast::<u8>(),
                words.as_mut_ptr().cast::<u8>(),
                size_of::<T>(),
            )
        };
        words
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
