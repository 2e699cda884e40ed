//! Soundness: values that hold pointers through the cells, and the public API used the way an
//! attacker would, in safe code. Every test here also runs under miri (`cargo +nightly miri
//! test -p cellar-tokens --test soundness`), where the cells take their portable lock path,
//! and under AddressSanitizer, where they take their `asm!` paths.

mod adversarial;
mod provenance;
