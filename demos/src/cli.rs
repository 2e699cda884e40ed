//! The flags every demo takes, and the [`Config`] they become.
//!
//! ```text
//! --entities N   how many entities to start with     (1 ..= 10,000,000; per-demo default)
//! --frames N     how many frames to simulate         (1 ..= 1,000,000; per-demo default)
//! --threads N    the size of the rayon pool          (1 ..= 1024; default: every core)
//! --seed N       the random seed                     (default 1)
//! --out DIR      where the pictures go               (default `out`, created if missing)
//! ```
//!
//! Bad flags, missing values and values out of range get clap's message (naming the flag
//! and the accepted range) and exit status 2.

use std::path::PathBuf;

use clap::{CommandFactory, FromArgMatches, Parser};

/// Largest `--entities`.
pub const MAX_ENTITIES: usize = 10_000_000;
/// Largest `--frames`.
pub const MAX_FRAMES: usize = 1_000_000;
/// Largest `--threads`.
pub const MAX_THREADS: usize = 1024;

/// What one demo calls itself and its defaults, for `--help` and for flags not given.
///
/// # Examples
///
/// ```
/// use cellar_demos::cli::Demo;
/// let demo = Demo { name: "boids", about: "flocking", entities: 10_000, frames: 300 };
/// assert_eq!(demo.name, "boids");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Demo {
    /// The binary's name.
    pub name: &'static str,
    /// One line on what it simulates.
    pub about: &'static str,
    /// The default `--entities`.
    pub entities: usize,
    /// The default `--frames`.
    pub frames: usize,
}

/// A demo's settings: from the command line ([`Config::parse`]) or built in code
/// ([`Config::new`], as the tests do).
///
/// # Examples
///
/// ```
/// use cellar_demos::cli::{Config, Demo};
///
/// let demo = Demo { name: "boids", about: "flocking", entities: 10_000, frames: 300 };
/// let config = Config::try_parse_from(&demo, ["boids", "--frames", "20", "--seed", "9"]).unwrap();
/// assert_eq!((config.entities, config.frames, config.seed), (10_000, 20, 9));
/// assert!(Config::try_parse_from(&demo, ["boids", "--entities", "0"]).is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// How many entities to start with.
    pub entities: usize,
    /// How many frames to simulate.
    pub frames: usize,
    /// How many threads the rayon pool has.
    pub threads: usize,
    /// The random seed.
    pub seed: u64,
    /// The directory the pictures are written to (created if missing).
    pub out: PathBuf,
    /// Whether to draw a progress bar (on stderr, and only when it is a terminal).
    pub progress: bool,
}

/// The flags as clap sees them; defaults that differ per demo are set at run time.
#[derive(Parser, Debug)]
struct Flags {
    /// How many entities to start with
    #[arg(long, value_name = "N", value_parser = entities)]
    entities: Option<usize>,
    /// How many frames to simulate
    #[arg(long, value_name = "N", value_parser = frames)]
    frames: Option<usize>,
    /// How many threads to run systems on [default: every core]
    #[arg(long, value_name = "N", value_parser = threads)]
    threads: Option<usize>,
    /// The random seed: equal seeds give equal runs
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// The directory to write pictures to (created if missing)
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
}

fn in_range(s: &str, min: usize, max: usize) -> Result<usize, String> {
    let n: usize =
        s.trim().replace('_', "").parse().map_err(|_| format!("`{s}` is not a whole number"))?;
    if (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(format!("{n} is out of range: use {min} to {max}"))
    }
}

fn entities(s: &str) -> Result<usize, String> {
    in_range(s, 1, MAX_ENTITIES)
}

fn frames(s: &str) -> Result<usize, String> {
    in_range(s, 1, MAX_FRAMES)
}

fn threads(s: &str) -> Result<usize, String> {
    in_range(s, 1, MAX_THREADS)
}

/// A default value for `--help`: clap keeps `&'static str`s, and a demo parses its flags
/// once, so leaking two short strings is the simple way.
fn leak(n: usize) -> &'static str {
    Box::leak(n.to_string().into_boxed_str())
}

/// The number of threads the machine offers (at least one).
///
/// ```
/// assert!(cellar_demos::cli::available_threads() >= 1);
/// ```
pub fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Config {
    /// Settings for a run made in code: `entities` and `frames`, every core, seed 1, pictures
    /// to `out`, no progress bar.
    ///
    /// ```
    /// let config = cellar_demos::cli::Config::new(100, 5);
    /// assert_eq!((config.entities, config.frames, config.seed), (100, 5, 1));
    /// ```
    pub fn new(entities: usize, frames: usize) -> Self {
        Config {
            entities,
            frames,
            threads: available_threads(),
            seed: 1,
            out: PathBuf::from("out"),
            progress: false,
        }
    }

    /// The clap command of `demo`, with its defaults in `--help`.
    fn command(demo: &Demo) -> clap::Command {
        Flags::command()
            .name(demo.name)
            .bin_name(demo.name)
            .about(demo.about)
            .mut_arg("entities", |a| a.default_value(leak(demo.entities)))
            .mut_arg("frames", |a| a.default_value(leak(demo.frames)))
    }

    /// Parses `args` (the first is the program name) for `demo`.
    ///
    /// # Errors
    ///
    /// clap's error for unknown flags, missing or malformed values, values out of range, and
    /// for `--help` and `--version` (whose "error" is the text to print).
    ///
    /// ```
    /// use cellar_demos::cli::{Config, Demo};
    /// let demo = Demo { name: "d", about: "", entities: 5, frames: 6 };
    /// let err = Config::try_parse_from(&demo, ["d", "--threads", "0"]).unwrap_err();
    /// assert!(err.to_string().contains("out of range"));
    /// ```
    pub fn try_parse_from<I, T>(demo: &Demo, args: I) -> Result<Config, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = Config::command(demo).try_get_matches_from(args)?;
        let flags = Flags::from_arg_matches(&matches)?;
        Ok(Config {
            entities: flags.entities.unwrap_or(demo.entities),
            frames: flags.frames.unwrap_or(demo.frames),
            threads: flags.threads.unwrap_or_else(available_threads),
            seed: flags.seed,
            out: flags.out,
            progress: true,
        })
    }

    /// Parses the process's arguments for `demo`; on bad input prints clap's message and
    /// exits with status 2 (for `--help`, prints the help and exits with 0).
    ///
    /// ```no_run
    /// use cellar_demos::cli::{Config, Demo};
    /// let config = Config::parse(&Demo { name: "d", about: "", entities: 5, frames: 6 });
    /// ```
    pub fn parse(demo: &Demo) -> Config {
        Config::try_parse_from(demo, std::env::args_os()).unwrap_or_else(|err| err.exit())
    }

    /// A rayon pool of [`threads`](Config::threads) threads, for the demo to run in.
    ///
    /// # Panics
    ///
    /// Where the operating system refuses to start the threads.
    ///
    /// ```
    /// let mut config = cellar_demos::cli::Config::new(1, 1);
    /// config.threads = 2;
    /// assert_eq!(config.thread_pool().current_num_threads(), 2);
    /// ```
    pub fn thread_pool(&self) -> cellar::rayon::ThreadPool {
        cellar::rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads)
            .thread_name(|i| format!("demo-worker-{i}"))
            .build()
            .expect("could not start the rayon threads")
    }

    /// Creates the output directory if needed and returns the path of `file` in it.
    ///
    /// # Errors
    ///
    /// Where the directory cannot be created.
    ///
    /// ```
    /// let mut config = cellar_demos::cli::Config::new(1, 1);
    /// config.out = std::env::temp_dir().join("cellar-demos-doc-out");
    /// let path = config.output("x.png").unwrap();
    /// assert!(path.parent().unwrap().is_dir());
    /// ```
    pub fn output(&self, file: &str) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(&self.out)?;
        Ok(self.out.join(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;

    const DEMO: Demo = Demo { name: "boids", about: "a flock", entities: 10_000, frames: 300 };

    fn parse(args: &[&str]) -> Result<Config, clap::Error> {
        Config::try_parse_from(&DEMO, std::iter::once("boids").chain(args.iter().copied()))
    }

    #[test]
    fn defaults_come_from_the_demo() {
        let c = parse(&[]).unwrap();
        assert_eq!((c.entities, c.frames, c.seed), (10_000, 300, 1));
        assert_eq!(c.threads, available_threads());
        assert_eq!(c.out, PathBuf::from("out"));
        assert!(c.progress);
    }

    #[test]
    fn every_flag_is_read() {
        let c = parse(&[
            "--entities",
            "2_000",
            "--frames",
            "7",
            "--threads",
            "3",
            "--seed",
            "42",
            "--out",
            "/tmp/pictures",
        ])
        .unwrap();
        assert_eq!((c.entities, c.frames, c.threads, c.seed), (2_000, 7, 3, 42));
        assert_eq!(c.out, PathBuf::from("/tmp/pictures"));
    }

    #[test]
    fn bad_input_is_refused_with_a_clear_message() {
        let cases: &[(&[&str], &str)] = &[
            (&["--entities", "0"], "out of range"),
            (&["--threads", "0"], "out of range"),
            (&["--frames", "0"], "out of range"),
            (&["--entities", "20000000"], "out of range"),
            (&["--entities", "many"], "not a whole number"),
            (&["--entities", "-3"], ""),
            (&["--seed", "x"], "invalid"),
            (&["--frames"], "value is required"),
            (&["--bogus"], "unexpected argument"),
        ];
        for (args, needle) in cases {
            let err = parse(args).unwrap_err();
            assert_ne!(err.kind(), ErrorKind::DisplayHelp, "{args:?}");
            assert_eq!(err.exit_code(), 2, "{args:?}");
            let text = err.to_string();
            assert!(text.contains(needle), "{args:?}: {text}");
        }
    }

    #[test]
    fn help_shows_the_demo_and_its_defaults() {
        let err = parse(&["--help"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DisplayHelp);
        let text = err.to_string();
        assert!(text.contains("a flock") && text.contains("[default: 10000]"), "{text}");
        assert!(text.contains("[default: 300]") && text.contains("--threads"), "{text}");
    }
}
