//! The one error type of the arenas: what went wrong with an owner.

use std::error::Error;
use std::fmt;

/// Why an arena refused an owner.
///
/// Only owner problems are errors. A key that is not in the arena (never inserted, removed,
/// or removed and its slot reused) is not an error: lookups give `None` for it, as
/// [`slotmap::SlotMap`] does.
///
/// # Examples
///
/// ```
/// use cellar::arena::{ArenaError, QArena, QCellOwner};
///
/// let owner = QCellOwner::new();
/// let stranger = QCellOwner::new();
/// let mut arena = QArena::<u32>::new(&owner);
/// let key = arena.insert(7);
///
/// assert_eq!(arena.get(&owner, key), Ok(Some(&7)));
/// let err = arena.get(&stranger, key).unwrap_err();
/// assert_eq!(err, ArenaError::WrongOwner);
/// assert!(err.to_string().contains("owner"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ArenaError {
    /// A [`QArena`](super::QArena) was given a [`QCellOwner`](qcell::QCellOwner) other than
    /// the one it was created for. Nothing was read or written.
    WrongOwner,
    /// A [`TCellOwner`](qcell::TCellOwner) for this marker type already exists in this
    /// process, so a second one cannot be made (see [`try_tcell_owner`](super::try_tcell_owner)).
    OwnerExists,
}

impl fmt::Display for ArenaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArenaError::WrongOwner => {
                f.write_str("arena accessed with a QCellOwner that is not the arena's owner")
            }
            ArenaError::OwnerExists => f.write_str(
                "a TCellOwner for this marker type already exists in this process (one per marker)",
            ),
        }
    }
}

impl Error for ArenaError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_problem() {
        assert!(ArenaError::WrongOwner.to_string().contains("not the arena's owner"));
        assert!(ArenaError::OwnerExists.to_string().contains("already exists"));
        let boxed: Box<dyn Error + Send + Sync> = Box::new(ArenaError::WrongOwner);
        assert!(boxed.source().is_none());
    }
}
