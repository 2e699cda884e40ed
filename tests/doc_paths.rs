//! Doc examples paste into a crate that depends on `cellar` alone.
//!
//! The store's and the tokens' doc tests can name `cellar_store`, `cellar_tokens` and `rayon`
//! (they are those crates' own names and dependencies), so they pass where a user's copy of
//! the example would not compile. The facade re-exports their items, and rustdoc shows their
//! examples on `cellar`'s pages; this test keeps those examples on `cellar::` paths.

use std::fs;
use std::path::{Path, PathBuf};

/// The source directories whose items the facade re-exports.
const SOURCES: [&str; 4] = ["store/src", "store/derive/src", "tokens/src", "src"];

/// An example that shows how code depending on `cellar_store` directly is written says so
/// with this alias, which also makes it compile as a doc test of the store.
const DIRECT_DEPENDENCY_EXAMPLE: &str = "use cellar as cellar_store";

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text of a `///` or `//!` line after its marker, or `None` for any other line.
fn doc_text(line: &str) -> Option<&str> {
    let line = line.trim_start();
    line.strip_prefix("///").or_else(|| line.strip_prefix("//!"))
}

/// The code blocks of `source`'s doc comments, each with the line number of its first line.
fn doc_code_blocks(source: &str) -> Vec<(usize, Vec<&str>)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, Vec<&str>)> = None;
    for (index, line) in source.lines().enumerate() {
        let Some(text) = doc_text(line) else {
            open = None; // a comment that ends ends its block too
            continue;
        };
        if text.trim_start().starts_with("```") {
            match open.take() {
                Some(block) => blocks.push(block),
                None => open = Some((index + 2, Vec::new())),
            }
        } else if let Some((_, lines)) = &mut open {
            lines.push(text);
        }
    }
    blocks
}

/// Whether `word` occurs in `line` as a whole identifier.
fn names(line: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    line.match_indices(word).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// What in `line` a crate depending on `cellar` alone could not name.
fn foreign_path(line: &str) -> Option<&'static str> {
    for krate in ["cellar_store", "cellar_tokens", "cellar_derive"] {
        if names(line, krate) {
            return Some(krate);
        }
    }
    let bare_rayon = line.match_indices("rayon::").any(|(at, _)| {
        !line[..at].ends_with("cellar::")
            && !line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_')
    });
    bare_rayon.then_some("rayon (use `cellar::rayon`)")
}

#[test]
fn doc_examples_use_only_paths_a_cellar_user_has() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in SOURCES {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 20, "found only {} source files", files.len());
    let mut blocks_seen = 0;
    let mut faults = Vec::new();
    for file in &files {
        let source = fs::read_to_string(file).unwrap();
        for (first_line, lines) in doc_code_blocks(&source) {
            blocks_seen += 1;
            if lines.iter().any(|l| l.contains(DIRECT_DEPENDENCY_EXAMPLE)) {
                continue;
            }
            for (offset, line) in lines.iter().enumerate() {
                if let Some(krate) = foreign_path(line) {
                    let shown = file.strip_prefix(root).unwrap().display();
                    faults.push(format!("{shown}:{}: {krate}: {line}", first_line + offset));
                }
            }
        }
    }
    assert!(blocks_seen > 500, "found only {blocks_seen} doc examples");
    assert!(faults.is_empty(), "doc examples a `cellar` user cannot paste:\n{}", faults.join("\n"));
}

#[test]
fn the_scan_finds_what_it_is_for() {
    let source = "/// ```\n/// use cellar_store::World;\n/// use rayon::prelude::*;\n/// \
                  use cellar::rayon::prelude::*;\n/// ```\nfn f() {}\n//! ```\n//! \
                  #[bundle(crate = cellar_store)]\n//! ```\n";
    let blocks = doc_code_blocks(source);
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0].0, 2, "line of the block's first line");
    let found: Vec<_> =
        blocks.iter().flat_map(|(_, b)| b.iter().filter_map(|l| foreign_path(l))).collect();
    assert_eq!(found, ["cellar_store", "rayon (use `cellar::rayon`)", "cellar_store"]);
    assert_eq!(foreign_path("let x = my_cellar_store_thing;"), None);
    assert_eq!(foreign_path("use cellar::{World, Query};"), None);
}
