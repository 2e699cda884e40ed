//! Where a demo's pictures go: the output directory and its files, checked before the run.
//!
//! A demo that simulates for a minute and then finds it cannot write its picture has wasted
//! the minute. [`Outputs::prepare`] does every check that can be done up front: it creates
//! the directory, proves it writable by creating (and removing) a small probe file, and
//! checks that each file the demo will write is either free or a regular file it may
//! overwrite. Every error is a [`FileError`] that names the path and says what to do.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file or directory the demo could not use: the path, what went wrong, and what to do.
///
/// # Examples
///
/// ```
/// use cellar_demos::output::Outputs;
///
/// let file = std::env::temp_dir().join("cellar-demos-doc-not-a-dir");
/// std::fs::write(&file, b"").unwrap();
/// let err = Outputs::prepare(&file, &["x.png"]).unwrap_err();
/// assert_eq!(err.path(), file);
/// assert!(err.to_string().contains("is a file, not a directory"));
/// assert!(err.to_string().contains("--out"));
/// ```
#[derive(Debug)]
pub struct FileError {
    path: PathBuf,
    problem: String,
    advice: &'static str,
    source: Option<io::Error>,
}

impl FileError {
    fn new(path: &Path, problem: impl Into<String>, advice: &'static str) -> Self {
        FileError { path: path.to_owned(), problem: problem.into(), advice, source: None }
    }

    fn io(path: &Path, doing: &str, err: io::Error, advice: &'static str) -> Self {
        let problem = format!("cannot {doing} `{}`: {err}", path.display());
        FileError { path: path.to_owned(), problem, advice, source: Some(err) }
    }

    /// Writing `path` failed with `err` (after the up-front checks passed: a full disk, a
    /// file removed under the demo's feet).
    ///
    /// ```
    /// let err = cellar_demos::output::FileError::write(
    ///     std::path::Path::new("out/a.png"),
    ///     std::io::Error::other("disk full"),
    /// );
    /// assert!(err.to_string().contains("out/a.png"));
    /// ```
    pub fn write(path: &Path, err: io::Error) -> Self {
        FileError::io(path, "write", err, "check the free space and the permissions there")
    }

    /// The path that could not be used.
    ///
    /// ```
    /// let err = cellar_demos::output::FileError::write("x".as_ref(), std::io::Error::other("?"));
    /// assert_eq!(err.path(), std::path::Path::new("x"));
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.problem, self.advice)
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

const CHOOSE_ANOTHER: &str = "choose a directory you can write to with --out DIR";

/// The output directory of one run and the files in it, checked.
///
/// # Examples
///
/// ```
/// use cellar_demos::output::Outputs;
///
/// let dir = std::env::temp_dir().join("cellar-demos-doc-outputs");
/// let outputs = Outputs::prepare(&dir, &["a.png", "b.gif"]).unwrap();
/// assert!(dir.is_dir());
/// assert_eq!(outputs.path("a.png"), dir.join("a.png"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outputs {
    dir: PathBuf,
    files: Vec<PathBuf>,
}

impl Outputs {
    /// Creates `dir` if it is missing and checks that the demo can write each of `files` in
    /// it: the directory is writable, and each file is free or a regular file.
    ///
    /// # Errors
    ///
    /// A [`FileError`] naming the directory or file at fault: `dir` is a file, cannot be
    /// created, or cannot be written in; a target exists and is a directory (or another
    /// non-file) or a file that cannot be opened for writing.
    ///
    /// ```
    /// use cellar_demos::output::Outputs;
    ///
    /// let dir = std::env::temp_dir().join("cellar-demos-doc-taken");
    /// std::fs::create_dir_all(dir.join("boids.png")).unwrap();
    /// let err = Outputs::prepare(&dir, &["boids.png"]).unwrap_err();
    /// assert_eq!(err.path(), dir.join("boids.png"));
    /// assert!(err.to_string().contains("is a directory"));
    /// ```
    pub fn prepare(dir: &Path, files: &[&str]) -> Result<Outputs, FileError> {
        if dir.exists() && !dir.is_dir() {
            return Err(FileError::new(
                dir,
                format!("`{}` is a file, not a directory", dir.display()),
                "give --out DIR a directory (it is created if missing)",
            ));
        }
        fs::create_dir_all(dir)
            .map_err(|err| FileError::io(dir, "create the directory", err, CHOOSE_ANOTHER))?;
        Self::probe(dir)?;
        let files: Vec<PathBuf> = files.iter().map(|name| dir.join(name)).collect();
        for path in &files {
            Self::check_target(path)?;
        }
        Ok(Outputs { dir: dir.to_owned(), files })
    }

    /// Proves `dir` writable the only reliable way: by creating a file in it. Permission bits
    /// do not tell (root ignores them; read-only mounts and /proc refuse whatever they say).
    fn probe(dir: &Path) -> Result<(), FileError> {
        let probe = dir.join(format!(".cellar-demos-probe-{}", std::process::id()));
        let created = OpenOptions::new().write(true).create_new(true).open(&probe);
        match created {
            Ok(_) => {
                // Best effort: a probe left behind is harmless, and its name says what it is.
                let _ = fs::remove_file(&probe);
                Ok(())
            }
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            Err(err) => Err(FileError::io(dir, "write in the directory", err, CHOOSE_ANOTHER)),
        }
    }

    /// A target must be free, or a regular file (through symlinks) that opens for writing.
    fn check_target(path: &Path) -> Result<(), FileError> {
        let Ok(meta) = fs::metadata(path) else {
            return Ok(());
        };
        if !meta.is_file() {
            let what = if meta.is_dir() { "a directory" } else { "not a regular file" };
            return Err(FileError::new(
                path,
                format!("`{}` exists and is {what}, so the demo cannot write it", path.display()),
                "remove it, or choose another directory with --out DIR",
            ));
        }
        // Opening without truncating leaves an old picture intact until the new one is ready.
        OpenOptions::new().write(true).open(path).map(drop).map_err(|err| {
            FileError::io(path, "open for writing", err, "check its permissions, or remove it")
        })
    }

    /// The directory.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join("cellar-demos-doc-dir");
    /// assert_eq!(cellar_demos::output::Outputs::prepare(&dir, &[]).unwrap().dir(), dir);
    /// ```
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The checked files, in the order given to [`prepare`](Outputs::prepare).
    ///
    /// ```
    /// let dir = std::env::temp_dir().join("cellar-demos-doc-files");
    /// let outputs = cellar_demos::output::Outputs::prepare(&dir, &["a", "b"]).unwrap();
    /// assert_eq!(outputs.files(), [dir.join("a"), dir.join("b")]);
    /// ```
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The path of `name` in the directory (one of the checked files, or any other name).
    ///
    /// ```
    /// let dir = std::env::temp_dir().join("cellar-demos-doc-path");
    /// let outputs = cellar_demos::output::Outputs::prepare(&dir, &["a"]).unwrap();
    /// assert_eq!(outputs.path("a"), dir.join("a"));
    /// ```
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// Creates `path` and hands `write` a buffered writer to it; any error, from creating,
/// writing or flushing, becomes a [`FileError`] naming `path`.
///
/// # Errors
///
/// Where the file cannot be created or written.
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// let path = std::env::temp_dir().join("cellar-demos-doc-write.txt");
/// cellar_demos::output::write_file(&path, |w| w.write_all(b"hello")).unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"hello");
/// let err = cellar_demos::output::write_file("/proc/nope/x".as_ref(), |_| Ok(())).unwrap_err();
/// assert!(err.to_string().contains("/proc/nope/x"));
/// ```
pub fn write_file(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<(), FileError> {
    let file = File::create(path).map_err(|err| FileError::write(path, err))?;
    let mut out = BufWriter::new(file);
    write(&mut out).and_then(|()| out.flush()).map_err(|err| FileError::write(path, err))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("cellar-demos-output-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_missing_directory_is_created_and_left_clean() {
        let dir = scratch("fresh").join("a/b");
        let outputs = Outputs::prepare(&dir, &["x.png"]).unwrap();
        assert!(dir.is_dir());
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0, "the probe is removed");
        assert_eq!(outputs.files(), [dir.join("x.png")]);
    }

    #[test]
    fn an_existing_picture_may_be_replaced() {
        let dir = scratch("replace");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("x.png"), b"old").unwrap();
        Outputs::prepare(&dir, &["x.png"]).unwrap();
        assert_eq!(fs::read(dir.join("x.png")).unwrap(), b"old", "checking does not truncate");
    }

    #[test]
    fn every_refusal_names_the_path_and_what_to_do() {
        let dir = scratch("refusals");
        fs::create_dir_all(dir.join("taken.png")).unwrap();
        fs::write(dir.join("file"), b"").unwrap();
        let cases: [(PathBuf, &[&str], PathBuf, &str); 4] = [
            (dir.join("file"), &[], dir.join("file"), "is a file, not a directory"),
            (dir.clone(), &["ok.gif", "taken.png"], dir.join("taken.png"), "is a directory"),
            ("/proc/nope".into(), &[], "/proc/nope".into(), "cannot create the directory"),
            ("/proc".into(), &[], "/proc".into(), "cannot write in the directory"),
        ];
        for (out, files, at_fault, problem) in cases {
            let err = Outputs::prepare(&out, files).unwrap_err();
            let text = err.to_string();
            assert_eq!(err.path(), at_fault, "{text}");
            assert!(text.contains(&format!("`{}`", at_fault.display())), "{text}");
            assert!(text.contains(problem), "{text}");
            assert!(text.contains("--out") || text.contains("remove"), "{text}");
        }
    }
}
