//! Single-threaded interior mutability: initialize once, then share.
