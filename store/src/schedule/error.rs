//! Why a schedule cannot be built or run.

use std::fmt;

use crate::access::AccessConflict;

/// A fault in how systems were added or ordered, found before anything runs.
///
/// Every variant names the systems (and, where it applies, the type) involved.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
///
/// fn a() {}
/// fn b() {}
/// let mut schedule = Schedule::new();
/// schedule.add_system(a.named("a").after("b"));
/// schedule.add_system(b.named("b").after("a"));
/// let mut world = World::new();
/// let err = schedule.try_run(&mut world).unwrap_err();
/// assert!(matches!(err, ScheduleError::Cycle { .. }));
/// assert!(err.to_string().contains("`a`") && err.to_string().contains("`b`"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScheduleError {
    /// Two parameters of one system alias (`Query<&mut A>` beside `Query<&A>`, or `ResMut<R>`
    /// twice), or one query parameter names a component it writes twice
    /// (`Query<(&mut A, &A)>`, reported with [`AccessConflict::within`] set). One run would
    /// need `&mut` to a token beside another borrow of it.
    ConflictingParams {
        /// The system's name.
        system: String,
        /// Which token, and how each parameter borrows it.
        conflict: AccessConflict,
    },
    /// The declared `before`/`after` constraints (between systems or sets) form a cycle.
    Cycle {
        /// The systems on the cycle, each one ordered before the next, the last before the
        /// first.
        systems: Vec<String>,
    },
    /// A `before`/`after` or set ordering names a label that is neither a system nor a set.
    UnknownLabel {
        /// The system or set that declared the constraint.
        by: String,
        /// The label it named.
        label: String,
        /// The known system or set name closest to `label`, if one is close (a typo).
        suggestion: Option<String>,
    },
    /// The tokens of one batch could not be lent out: two systems in it wanted one token and
    /// at least one of them exclusively. This is a bug in the batch builder, caught before
    /// any system runs; it can never become a data race.
    TokenClash {
        /// The token's type name.
        type_name: &'static str,
        /// The systems that claimed it.
        systems: Vec<String>,
    },
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScheduleError::ConflictingParams { system, conflict } => match conflict.within {
                Some(_) => {
                    write!(f, "system `{system}` has a query that aliases itself: {conflict}")
                }
                None => write!(f, "system `{system}` has parameters that alias: {conflict}"),
            },
            ScheduleError::Cycle { systems } => {
                write!(f, "the ordering constraints form a cycle: ")?;
                for s in systems {
                    write!(f, "`{s}` before ")?;
                }
                match systems.first() {
                    Some(first) => write!(f, "`{first}`"),
                    None => Ok(()),
                }
            }
            ScheduleError::UnknownLabel { by, label, suggestion } => {
                write!(f, "`{by}` is ordered against `{label}`, which is no system or set")?;
                match suggestion {
                    Some(name) => write!(f, "; did you mean `{name}`?"),
                    None => Ok(()),
                }
            }
            ScheduleError::TokenClash { type_name, systems } => write!(
                f,
                "the token of `{type_name}` was claimed by {} systems of one batch, one of \
                 them exclusively: {systems:?}",
                systems.len()
            ),
        }
    }
}

impl std::error::Error for ScheduleError {}

/// The candidate closest to `label` by edit distance, if it is close enough to be a typo of
/// it (at most a third of its letters, and at least one, differ).
pub(crate) fn did_you_mean<'a>(
    label: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let limit = (label.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(label, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, c)| (d, c.len()))
        .map(|(_, c)| c.to_owned())
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_insertions_deletions_and_swaps() {
        assert_eq!(edit_distance("typo", "typo"), 0);
        assert_eq!(edit_distance("tpyo", "typo"), 2);
        assert_eq!(edit_distance("physic", "physics"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn suggestions_are_only_made_for_near_misses() {
        let names = ["physics", "render", "input"];
        assert_eq!(did_you_mean("phsyics", names), Some("physics".into()));
        assert_eq!(did_you_mean("rendr", names), Some("render".into()));
        assert_eq!(did_you_mean("audio", names), None);
    }
}
