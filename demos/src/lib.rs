//! Runnable simulations that show the cellar store at work and draw pictures.
//!
//! Each binary in `src/bin` is one demo; this library holds what they share: command-line
//! flags, progress reporting, the frame summary and the image writers.
#![forbid(unsafe_code)]
