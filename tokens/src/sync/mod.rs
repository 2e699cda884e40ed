//! Thread-safe interior mutability, written in-tree on std atomics.
