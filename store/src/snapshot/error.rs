//! Why a snapshot could not be taken, restored, saved or loaded.

use std::error::Error;
use std::fmt;

/// Why a snapshot could not be taken, restored, saved or loaded. Whenever one is returned, the
/// world was left as it was (and a snapshot being taken into was left empty).
///
/// # Examples
///
/// ```
/// use cellar::{SnapshotError, World};
///
/// struct NotClone(u8);
/// let mut world = World::new();
/// world.spawn((NotClone(1),));
/// let err = world.snapshot().unwrap_err();
/// assert!(matches!(err, SnapshotError::NotRegistered { .. }));
/// assert!(err.to_string().contains("NotClone"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The world holds values of a type that was not registered for snapshots
    /// (`register_snapshot`, `register_snapshot_copy`, `register_snapshot_resource`).
    NotRegistered {
        /// The type's name.
        type_name: String,
    },
    /// The snapshot holds a component or resource type that the world does not have, or has
    /// with another storage kind.
    MissingType {
        /// The type's name.
        type_name: String,
    },
    /// The world's tables were made in another order than the snapshot's, so its rows cannot
    /// be put back in the same places (restore into the world the snapshot came from, or
    /// into a fresh one).
    LayoutDiffers {
        /// The index of the first table that differs.
        table: usize,
    },
    /// The snapshot holds nothing: it was never taken into, or taking it failed.
    Empty,
    /// Saved bytes that are not a snapshot this build can read: truncated, corrupted, or from
    /// another program.
    Malformed {
        /// What was wrong.
        reason: String,
    },
    /// Saved bytes of a format version this build does not read.
    Version {
        /// The version in the bytes.
        found: u32,
        /// The version this build writes and reads.
        expected: u32,
    },
    /// A saved type has no serializer registered (`register_save`), or a serializer failed.
    Serialize {
        /// The type's name.
        type_name: String,
        /// What the serializer said.
        reason: String,
    },
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::NotRegistered { type_name } => write!(
                f,
                "the world holds values of {type_name}, which is not registered for snapshots"
            ),
            SnapshotError::MissingType { type_name } => write!(
                f,
                "the snapshot holds {type_name}, which the world does not have (or stores \
                 another way)"
            ),
            SnapshotError::LayoutDiffers { table } => write!(
                f,
                "table {table} of the world holds other components than the snapshot's: restore \
                 into the world the snapshot came from, or into a fresh one"
            ),
            SnapshotError::Empty => write!(f, "the snapshot holds nothing"),
            SnapshotError::Malformed { reason } => write!(f, "malformed snapshot bytes: {reason}"),
            SnapshotError::Version { found, expected } => {
                write!(f, "snapshot format version {found}, this build reads version {expected}")
            }
            SnapshotError::Serialize { type_name, reason } => {
                write!(f, "cannot save or load {type_name}: {reason}")
            }
        }
    }
}

impl Error for SnapshotError {}
