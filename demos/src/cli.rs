//! The flags every demo takes, checked before anything runs, and the [`Config`] they become.
//!
//! ```text
//! --entities N   how many entities to start with   (1 ..= the demo's maximum; per-demo default)
//! --frames N     how many frames to simulate       (1 ..= 1,000,000; per-demo default)
//! --threads N    the size of the rayon pool        (1 ..= 256; default: every core)
//! --seed N       the random seed                   (default 1)
//! --out DIR      where the pictures go             (default `out`, created if missing)
//! ```
//!
//! [`Config::parse`] is the one entry point a demo's `main` calls. Before a single frame runs
//! it:
//!
//! - refuses bad values with a message that names the flag and the accepted range (negative
//!   numbers included: `--entities -5` says "-5 is out of range", not "unexpected argument");
//! - refuses a run that would take longer than [`MAX_RUN`] on this machine, by the demo's
//!   [`Cost`] model, and says which smaller run fits;
//! - warns when `--threads` is more than the machine's cores;
//! - prepares the output directory ([`Outputs::prepare`]), so a bad `--out` fails at once
//!   with the path and what to do;
//! - says on stderr, terminal or not, what it is about to do and about how long it will take.
//!
//! Errors exit with status 2, as clap's do. A new demo declares a [`Demo`] and calls
//! [`Config::parse`]; tests call [`Config::try_parse_from`] and [`Config::check`].

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use clap::error::ErrorKind;
use clap::{Arg, ArgAction, Command};

use crate::output::{FileError, Outputs};

/// Largest `--frames` for any demo (a demo's [`Cost`] may refuse fewer).
pub const MAX_FRAMES: usize = 1_000_000;
/// Largest `--threads`: beyond the cores threads only share them, so a big number is a typo.
pub const MAX_THREADS: usize = 256;
/// The longest run a demo agrees to start, by its estimate for this machine.
pub const MAX_RUN: Duration = Duration::from_secs(10 * 60);

/// What one frame costs: the model behind the up-front estimate and the [`MAX_RUN`] check.
///
/// Measured on the documented machine (2 cores), in release builds, for the default
/// parameters; the estimate is a guide (within a factor of about two), not a promise. The
/// cost of an entity grows with the world in the demos with spatial grids (bigger worlds
/// miss the caches more): `growth` is that exponent, measured between 10,000 entities and
/// the demo's maximum.
///
/// # Examples
///
/// ```
/// use cellar_demos::cli::Cost;
/// let cost = Cost { ns_per_entity: 100.0, growth: 0.5, ns_per_frame: 0.0, one_thread_pass: false };
/// let t = cost.estimate(10_000, 100, 1);
/// assert!((t.as_secs_f64() - 0.1).abs() < 1e-9);
/// // Four times the entities, each twice the cost.
/// assert!((cost.estimate(40_000, 100, 1).as_secs_f64() - 0.8).abs() < 1e-9);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cost {
    /// Nanoseconds per entity per frame on one thread, at 10,000 entities.
    pub ns_per_entity: f64,
    /// How the cost per entity grows with the entities: times `(entities / 10,000)^growth`.
    pub growth: f64,
    /// Nanoseconds per frame whatever the entity count (drawing, fixed overheads).
    pub ns_per_frame: f64,
    /// Whether the demo also runs the whole simulation once on one thread (particles does,
    /// to compare worlds and speeds).
    pub one_thread_pass: bool,
}

/// How much two threads gain over one on the documented machine, per extra core: the three
/// demos measure 1.6x to 1.8x on two cores.
const PARALLEL_EFFICIENCY: f64 = 0.7;

impl Cost {
    /// About how long `frames` frames of `entities` entities take on `threads` threads here
    /// (threads beyond the cores count as cores: they share them).
    ///
    /// ```
    /// use cellar_demos::cli::Cost;
    /// let cost = Cost { ns_per_entity: 100.0, growth: 0.0, ns_per_frame: 1e6, one_thread_pass: true };
    /// assert!(cost.estimate(1_000, 10, 1) > Cost { one_thread_pass: false, ..cost }.estimate(1_000, 10, 1));
    /// ```
    pub fn estimate(&self, entities: usize, frames: usize, threads: usize) -> Duration {
        let cores = threads.min(available_threads()).max(1) as f64;
        let speedup = 1.0 + (cores - 1.0) * PARALLEL_EFFICIENCY;
        let per_entity = self.ns_per_entity * (entities as f64 / 10_000.0).powf(self.growth);
        let work = entities as f64 * per_entity;
        let mut ns = (work / speedup + self.ns_per_frame) * frames as f64;
        if self.one_thread_pass {
            ns += (work + self.ns_per_frame) * frames as f64;
        }
        Duration::from_secs_f64(ns * 1e-9)
    }

    /// The most frames of `entities` entities that fit in [`MAX_RUN`] (at least zero).
    fn max_frames(&self, entities: usize, threads: usize) -> usize {
        let one = self.estimate(entities, 1, threads).as_secs_f64().max(1e-12);
        let mut frames = (MAX_RUN.as_secs_f64() / one) as usize + 1;
        // The division rounds; the estimate decides.
        while frames > 0 && self.estimate(entities, frames, threads) > MAX_RUN {
            frames -= 1;
        }
        frames
    }
}

/// What one demo calls itself, its defaults, limits and cost, and the files it writes.
///
/// # Examples
///
/// ```
/// use cellar_demos::cli::{Cost, Demo};
/// let demo = Demo {
///     name: "boids",
///     about: "flocking",
///     entities: 10_000,
///     max_entities: 200_000,
///     frames: 300,
///     cost: Cost { ns_per_entity: 500.0, growth: 0.0, ns_per_frame: 0.0, one_thread_pass: false },
///     outputs: &["boids.png"],
/// };
/// assert!(demo.entities <= demo.max_entities);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Demo {
    /// The binary's name.
    pub name: &'static str,
    /// One line on what it simulates.
    pub about: &'static str,
    /// The default `--entities`.
    pub entities: usize,
    /// The largest `--entities`: what fits in memory and time on the documented machine.
    pub max_entities: usize,
    /// The default `--frames`.
    pub frames: usize,
    /// What a frame costs, for the estimate and the [`MAX_RUN`] check.
    pub cost: Cost,
    /// The files the demo writes into `--out`.
    pub outputs: &'static [&'static str],
}

/// A demo's settings: from the command line ([`Config::parse`]) or built in code
/// ([`Config::new`], as the tests do).
///
/// # Examples
///
/// ```
/// use cellar_demos::{boids, cli::Config};
///
/// let config = Config::try_parse_from(&boids::DEMO, ["boids", "--frames", "20", "--seed", "9"]).unwrap();
/// assert_eq!((config.frames, config.seed), (20, 9));
/// assert!(Config::try_parse_from(&boids::DEMO, ["boids", "--entities", "0"]).is_err());
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

/// Why a command line was refused before the run: a flag (clap's message) or the output
/// directory. Both exit with status 2.
#[derive(Debug)]
pub enum CliError {
    /// A bad flag or value, `--help`, `--version`, or a run too long to start.
    Flags(clap::Error),
    /// The output directory or one of its files cannot be used.
    Output(FileError),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Flags(err) => write!(f, "{err}"),
            CliError::Output(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for CliError {}

/// A value parser for whole numbers in `min..=max` that reads `1_000` and says what is wrong
/// with `-5` (too small) or `many` (not a number).
fn whole(min: usize, max: usize) -> impl Fn(&str) -> Result<usize, String> + Clone {
    move |s: &str| {
        let text = s.trim().replace('_', "");
        let n: i128 = text.parse().map_err(|_| format!("`{s}` is not a whole number"))?;
        match usize::try_from(n) {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(format!("{n} is out of range: use {} to {}", group(min), group(max))),
        }
    }
}

fn seed(s: &str) -> Result<u64, String> {
    s.trim()
        .replace('_', "")
        .parse()
        .map_err(|_| format!("`{s}` is not a seed: use a whole number from 0 to {}", u64::MAX))
}

/// `1234567` as `1,234,567`.
///
/// ```
/// assert_eq!(cellar_demos::cli::group(1_234_567), "1,234,567");
/// assert_eq!(cellar_demos::cli::group(12), "12");
/// ```
pub fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration as a person says it: `40 ms`, `12 s`, `3.5 min`, `2.1 h`.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(cellar_demos::cli::human(Duration::from_secs(90)), "1.5 min");
/// ```
pub fn human(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{:.0} ms", s * 1e3)
    } else if s < 60.0 {
        format!("{s:.1} s")
    } else if s < 3600.0 {
        format!("{:.1} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

/// The number of threads the machine offers (at least one).
///
/// ```
/// assert!(cellar_demos::cli::available_threads() >= 1);
/// ```
pub fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A default value for `--help`: clap keeps `&'static str`s, and a demo builds its command
/// once or twice, so leaking two short strings is the simple way.
fn leak(n: usize) -> &'static str {
    Box::leak(n.to_string().into_boxed_str())
}

/// A number flag that also takes negative numbers, so the parser (not clap's flag lookup)
/// sees `-5` and says what is wrong with it.
fn number(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name).long(name).value_name("N").help(help).allow_negative_numbers(true)
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

    /// The clap command of `demo`, with its defaults and limits in `--help`.
    fn command(demo: &Demo) -> Command {
        let limits = format!(
            "Runs estimated to take longer than {} on this machine are refused before they \
             start; every run says on stderr what it will do and about how long it will take.",
            human(MAX_RUN)
        );
        Command::new(demo.name)
            .bin_name(demo.name)
            .about(demo.about)
            .after_help(limits)
            .arg(
                number("entities", "How many entities to start with")
                    .value_parser(whole(1, demo.max_entities))
                    .default_value(leak(demo.entities))
                    .long_help(format!(
                        "How many entities to start with (at most {})",
                        group(demo.max_entities)
                    )),
            )
            .arg(
                number("frames", "How many frames to simulate")
                    .value_parser(whole(1, MAX_FRAMES))
                    .default_value(leak(demo.frames)),
            )
            .arg(
                number("threads", "How many threads to run systems on [default: every core]")
                    .value_parser(whole(1, MAX_THREADS)),
            )
            .arg(
                number("seed", "The random seed: equal seeds give equal runs")
                    .value_parser(seed)
                    .default_value("1"),
            )
            .arg(
                Arg::new("out")
                    .long("out")
                    .value_name("DIR")
                    .help("The directory to write pictures to (created if missing)")
                    .value_parser(clap::value_parser!(PathBuf))
                    .default_value("out")
                    .action(ArgAction::Set),
            )
    }

    /// Parses `args` (the first is the program name) for `demo`, and refuses a run longer
    /// than [`MAX_RUN`]. Does not touch the file system: see [`Config::check`].
    ///
    /// # Errors
    ///
    /// clap's error for unknown flags, missing or malformed values, values out of range, a
    /// run too long to start, and for `--help` and `--version` (whose "error" is the text to
    /// print).
    ///
    /// ```
    /// use cellar_demos::{boids, cli::Config};
    /// let err = Config::try_parse_from(&boids::DEMO, ["boids", "--entities", "-5"]).unwrap_err();
    /// assert!(err.to_string().contains("-5 is out of range"));
    /// ```
    pub fn try_parse_from<I, T>(demo: &Demo, args: I) -> Result<Config, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let mut command = Config::command(demo);
        let mut matches = command.try_get_matches_from_mut(args)?;
        let mut take = |name: &str| matches.remove_one::<usize>(name);
        let (entities, frames, threads) = (take("entities"), take("frames"), take("threads"));
        let config = Config {
            entities: entities.unwrap_or(demo.entities),
            frames: frames.unwrap_or(demo.frames),
            threads: threads.unwrap_or_else(available_threads),
            seed: matches.remove_one::<u64>("seed").unwrap_or(1),
            out: matches.remove_one::<PathBuf>("out").unwrap_or_else(|| "out".into()),
            progress: true,
        };
        let estimate = config.estimate(demo);
        if estimate > MAX_RUN {
            let fit = demo.cost.max_frames(config.entities, config.threads);
            let advice = if fit >= 1 {
                format!("use --frames {} or fewer with these entities", group(fit))
            } else {
                "use fewer --entities".to_owned()
            };
            let message = format!(
                "{} entities for {} frames would take about {} on this machine, longer than \
                 the {} a demo agrees to run: {advice}",
                group(config.entities),
                group(config.frames),
                human(estimate),
                human(MAX_RUN),
            );
            return Err(command.error(ErrorKind::ValueValidation, message));
        }
        Ok(config)
    }

    /// About how long this run of `demo` takes on this machine (see [`Cost`]).
    ///
    /// ```
    /// use cellar_demos::{boids, cli::Config};
    /// assert!(Config::new(100, 10).estimate(&boids::DEMO) < Config::new(10_000, 10).estimate(&boids::DEMO));
    /// ```
    pub fn estimate(&self, demo: &Demo) -> Duration {
        demo.cost.estimate(self.entities, self.frames, self.threads)
    }

    /// What to tell the user before the run: thread counts beyond the cores. Empty when all
    /// is well.
    ///
    /// ```
    /// let mut config = cellar_demos::cli::Config::new(10, 1);
    /// assert!(config.warnings().is_empty());
    /// config.threads = cellar_demos::cli::available_threads() + 1;
    /// assert!(config.warnings()[0].contains("cores"));
    /// ```
    pub fn warnings(&self) -> Vec<String> {
        let cores = available_threads();
        let mut warnings = Vec::new();
        if self.threads > cores {
            warnings.push(format!(
                "--threads {} is more than the {cores} core{} here: the extra threads only take \
                 turns on the cores, and the run is usually slower than with --threads {cores}",
                self.threads,
                if cores == 1 { "" } else { "s" },
            ));
        }
        warnings
    }

    /// The line said before the run: what the demo will do, about how long it takes, where
    /// the pictures go.
    ///
    /// ```
    /// use cellar_demos::{boids, cli::Config};
    /// let plan = Config::new(2_000, 50).plan(&boids::DEMO);
    /// assert!(plan.starts_with("boids: 2,000 entities, 50 frames"), "{plan}");
    /// ```
    pub fn plan(&self, demo: &Demo) -> String {
        let files: Vec<String> =
            demo.outputs.iter().map(|f| self.out.join(f).display().to_string()).collect();
        format!(
            "{}: {} entities, {} frames on {} thread{}{}; about {} here; writes {}",
            demo.name,
            group(self.entities),
            group(self.frames),
            self.threads,
            if self.threads == 1 { "" } else { "s" },
            if demo.cost.one_thread_pass { " and again on 1 thread" } else { "" },
            human(self.estimate(demo)),
            files.join(", "),
        )
    }

    /// Prepares `demo`'s output directory and checks its files (see [`Outputs::prepare`]).
    ///
    /// # Errors
    ///
    /// A [`FileError`] naming the path at fault and what to do.
    ///
    /// ```
    /// use cellar_demos::{boids, cli::Config};
    /// let mut config = Config::new(10, 1);
    /// config.out = "/proc/nope".into();
    /// let err = config.check(&boids::DEMO).unwrap_err();
    /// assert!(err.to_string().contains("/proc/nope"));
    /// ```
    pub fn check(&self, demo: &Demo) -> Result<Outputs, FileError> {
        Outputs::prepare(&self.out, demo.outputs)
    }

    /// Parses the process's arguments for `demo`, checks the output directory, prints the
    /// warnings and the plan on stderr, and returns the settings. On bad input prints the
    /// message and exits with status 2 (for `--help`, prints the help and exits with 0).
    ///
    /// ```no_run
    /// let config = cellar_demos::cli::Config::parse(&cellar_demos::boids::DEMO);
    /// ```
    pub fn parse(demo: &Demo) -> Config {
        match Config::try_start(demo, std::env::args_os()) {
            Ok((config, notes)) => {
                for note in notes {
                    eprintln!("{note}");
                }
                config
            }
            Err(CliError::Flags(err)) => err.exit(),
            Err(CliError::Output(err)) => {
                eprintln!("error: {err}");
                std::process::exit(2);
            }
        }
    }

    /// What [`Config::parse`] does, without printing or exiting: the settings and the lines
    /// to say on stderr (warnings, then the plan).
    ///
    /// # Errors
    ///
    /// Bad flags, a run too long, or an unusable output directory.
    ///
    /// ```
    /// use cellar_demos::{boids, cli::Config};
    /// let out = std::env::temp_dir().join("cellar-demos-doc-start");
    /// let args = ["boids", "--frames", "2", "--out", out.to_str().unwrap()];
    /// let (config, notes) = Config::try_start(&boids::DEMO, args).unwrap();
    /// assert_eq!(config.frames, 2);
    /// assert!(notes.last().unwrap().contains("about"));
    /// ```
    pub fn try_start<I, T>(demo: &Demo, args: I) -> Result<(Config, Vec<String>), CliError>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let config = Config::try_parse_from(demo, args).map_err(CliError::Flags)?;
        config.check(demo).map_err(CliError::Output)?;
        let mut notes: Vec<String> =
            config.warnings().into_iter().map(|w| format!("warning: {w}")).collect();
        notes.push(config.plan(demo));
        Ok((config, notes))
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
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO: Demo = Demo {
        name: "boids",
        about: "a flock",
        entities: 10_000,
        max_entities: 100_000,
        frames: 300,
        cost: Cost {
            ns_per_entity: 1_000.0,
            growth: 0.0,
            ns_per_frame: 0.0,
            one_thread_pass: false,
        },
        outputs: &["boids.png"],
    };

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
            (&["--entities", "0"], "0 is out of range: use 1 to 100,000"),
            (&["--threads", "0"], "out of range"),
            (&["--threads", "1024"], "1024 is out of range: use 1 to 256"),
            (&["--frames", "0"], "out of range"),
            (&["--entities", "200000"], "200000 is out of range: use 1 to 100,000"),
            (&["--entities", "many"], "not a whole number"),
            (&["--entities", "-5"], "-5 is out of range: use 1 to 100,000"),
            (&["--entities=-5"], "-5 is out of range"),
            (&["--frames", "-1"], "-1 is out of range"),
            (&["--seed", "-1"], "`-1` is not a seed"),
            (&["--seed", "x"], "not a seed"),
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
    fn a_run_longer_than_the_limit_is_refused_with_a_run_that_fits() {
        // 100,000 entities at 1 µs each: 0.1 s a frame on one thread; 6,000 frames fit in
        // ten minutes, and 100,000 frames do not.
        let err =
            parse(&["--entities", "100000", "--frames", "100000", "--threads", "1"]).unwrap_err();
        let text = err.to_string();
        assert_eq!(err.exit_code(), 2);
        assert!(text.contains("would take about 2.8 h"), "{text}");
        assert!(text.contains("use --frames 6,000 or fewer"), "{text}");
        let fits = parse(&["--entities", "100000", "--frames", "6000", "--threads", "1"]);
        assert!(fits.is_ok());
    }

    #[test]
    fn threads_beyond_the_cores_are_warned_about() {
        let cores = available_threads();
        let c = parse(&["--threads", &(cores + 1).to_string()]).unwrap();
        let warnings = c.warnings();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains(&format!("the {cores} core")), "{}", warnings[0]);
        assert!(parse(&["--threads", &cores.to_string()]).unwrap().warnings().is_empty());
    }

    #[test]
    fn help_shows_the_demo_its_defaults_and_limits() {
        let err = parse(&["--help"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DisplayHelp);
        let text = err.to_string();
        assert!(text.contains("a flock") && text.contains("[default: 10000]"), "{text}");
        assert!(text.contains("[default: 300]") && text.contains("--threads"), "{text}");
        assert!(text.contains("at most 100,000"), "{text}");
        assert!(text.contains("10.0 min"), "{text}");
    }

    #[test]
    fn the_plan_says_what_and_how_long() {
        let c = Config { threads: 1, ..Config::new(10_000, 300) };
        let plan = c.plan(&DEMO);
        assert_eq!(
            plan,
            "boids: 10,000 entities, 300 frames on 1 thread; about 3.0 s here; writes out/boids.png"
        );
    }

    #[test]
    fn grouping_and_durations_read_well() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1_000), "1,000");
        assert_eq!(group(10_000_000), "10,000,000");
        assert_eq!(human(Duration::from_millis(40)), "40 ms");
        assert_eq!(human(Duration::from_secs(12)), "12.0 s");
        assert_eq!(human(Duration::from_secs(7_560)), "2.1 h");
    }
}
