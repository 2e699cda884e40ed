//! The guide's structure: every chapter listed in `SUMMARY.md` exists, is written, is compiled
//! as a doc test of this crate, and every relative link in it points at a file that exists.
//!
//! mdBook itself does not fail on broken links, so this test is what keeps them whole.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn book_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("book").join("src")
}

/// The targets of Markdown links `[text](target)` and images `![alt](target)` in `text`.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut in_code_block = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code_block = !in_code_block;
            continue;
        }
        if in_code_block {
            continue;
        }
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else { break };
            targets.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    targets
}

fn summary_chapters() -> Vec<String> {
    let summary = fs::read_to_string(book_src().join("SUMMARY.md")).expect("book/src/SUMMARY.md");
    link_targets(&summary)
}

#[test]
fn every_chapter_in_the_summary_exists_and_is_written() {
    let chapters = summary_chapters();
    assert!(chapters.len() >= 10, "SUMMARY.md lists only {} chapters", chapters.len());
    for chapter in &chapters {
        let path = book_src().join(chapter);
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("chapter {chapter} listed in SUMMARY.md: {e}"));
        assert!(!text.contains("TODO(chapter-owner)"), "chapter {chapter} is still a placeholder");
        assert!(text.starts_with("# "), "chapter {chapter} does not start with a `# ` title");
    }
}

#[test]
fn every_chapter_is_compiled_as_a_doc_test() {
    let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("src/lib.rs");
    for chapter in summary_chapters() {
        let include = format!("include_str!(\"../book/src/{chapter}\")");
        assert!(
            lib.contains(&include),
            "src/lib.rs does not compile chapter {chapter}: add {include}"
        );
    }
}

#[test]
fn every_relative_link_in_the_book_resolves() {
    let mut broken = BTreeSet::new();
    let mut checked = 0;
    for chapter in summary_chapters() {
        let path = book_src().join(&chapter);
        let text = fs::read_to_string(&path).expect("chapter exists");
        let dir = path.parent().expect("chapter has a directory");
        for target in link_targets(&text) {
            let target = target.split_whitespace().next().unwrap_or("");
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let file = target.split('#').next().unwrap_or("");
            if file.is_empty() {
                continue;
            }
            checked += 1;
            if !dir.join(file).exists() {
                broken.insert(format!("{chapter}: {target}"));
            }
        }
    }
    assert!(broken.is_empty(), "broken links in the book:\n{}", Vec::from_iter(broken).join("\n"));
    assert!(checked > 0, "no relative links were checked; is the link parser broken?");
}

#[test]
fn the_link_parser_finds_links_and_skips_code() {
    let text =
        "See [a](a.md) and ![pic](img/p.png).\n```rust\nlet x = [1](2);\n```\n[b](b.md#part)";
    assert_eq!(link_targets(text), vec!["a.md", "img/p.png", "b.md#part"]);
}
