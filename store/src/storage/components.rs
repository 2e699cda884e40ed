//! What a world keeps about each component type it uses: the token, the column arena and,
//! for a sparse component, the sparse set.

#![allow(unsafe_code)] // Values moved out of column slots before the bookkeeping forgets them.

use cellar_tokens::arena::QArena;

use crate::component::{ComponentInfo, StorageKind};
use crate::entity::Entity;

use super::column::{Column, PendingDrops};
use super::sparse::SparseSet;
use super::tokens::TokenId;

/// Everything a world keeps about one component type.
///
/// # Invariants
///
/// - every column in `columns` holds values of `info`'s type;
/// - a table component has one column per table that has it, at the position the table
///   records; a sparse component has exactly one column, at position 0, kept in step with
///   `sparse` (see [`SparseSet`]).
#[derive(Debug)]
pub(crate) struct ComponentStore {
    info: ComponentInfo,
    token: TokenId,
    /// The component's columns, in the cell of its token.
    columns: QArena<Column>,
    sparse: Option<SparseSet>,
}

impl ComponentStore {
    /// A store with no columns yet (a sparse one gets its dense column now).
    pub(super) fn new(
        info: ComponentInfo,
        kind: StorageKind,
        token: TokenId,
        mut columns: QArena<Column>,
    ) -> Self {
        let sparse = match kind {
            StorageKind::Table => None,
            StorageKind::SparseSet => {
                columns.insert(Column::new(&info));
                Some(SparseSet::default())
            }
        };
        ComponentStore { info, token, columns, sparse }
    }

    /// What the registry keeps about the type.
    #[inline]
    pub(crate) fn info(&self) -> &ComponentInfo {
        &self.info
    }

    /// How the type is stored.
    #[inline]
    pub(crate) fn kind(&self) -> StorageKind {
        match self.sparse {
            None => StorageKind::Table,
            Some(_) => StorageKind::SparseSet,
        }
    }

    /// The token that guards the columns.
    #[inline]
    pub(crate) fn token(&self) -> TokenId {
        self.token
    }

    /// The columns, in the token's cell.
    #[inline]
    pub(crate) fn columns(&self) -> &QArena<Column> {
        &self.columns
    }

    /// The sparse set, for a sparse component.
    #[inline]
    pub(crate) fn sparse(&self) -> Option<&SparseSet> {
        self.sparse.as_ref()
    }

    /// Appends a new, empty column for a new table; returns its arena position.
    pub(super) fn add_table_column(&mut self) -> u32 {
        let key = self.columns.insert(Column::new(&self.info));
        let pos = self.columns.position(key).expect("just inserted");
        debug_assert_eq!(pos + 1, self.columns.len(), "new columns go last");
        pos as u32
    }

    /// The column at arena position `pos`, exclusive (the storage is held exclusively).
    #[inline]
    pub(super) fn column_mut(&mut self, pos: u32) -> &mut Column {
        &mut self.columns.values_mut()[pos as usize]
    }

    /// Two distinct columns at once (for a row move).
    #[inline]
    pub(super) fn two_columns_mut(&mut self, a: u32, b: u32) -> [&mut Column; 2] {
        self.columns
            .values_mut()
            .get_disjoint_mut([a as usize, b as usize])
            .expect("two tables have two columns")
    }

    /// Every column, exclusive.
    pub(super) fn columns_mut(&mut self) -> &mut [Column] {
        self.columns.values_mut()
    }

    /// The sparse set and its dense column, for a sparse component.
    #[inline]
    pub(super) fn sparse_mut(&mut self) -> Option<(&mut SparseSet, &mut Column)> {
        let set = self.sparse.as_mut()?;
        Some((set, &mut self.columns.values_mut()[0]))
    }

    /// Whether `e` has this sparse component (`false` for a table component).
    #[inline]
    pub(super) fn sparse_has(&self, e: Entity) -> bool {
        self.sparse.as_ref().is_some_and(|s| s.row(e).is_some())
    }

    /// Removes `e` from the sparse set, if there, deferring the drop of its value.
    ///
    /// # Safety
    ///
    /// As [`Column::swap_remove_deferred`]: the dense column is left untouched until
    /// `pending` runs.
    pub(super) unsafe fn sparse_remove_deferred(
        &mut self,
        e: Entity,
        pending: &mut PendingDrops,
    ) -> bool {
        match self.sparse_mut() {
            // SAFETY:
            // - the caller's guarantee, passed on.
            Some((set, column)) => unsafe { set.remove_deferred(column, e, pending) },
            None => false,
        }
    }

    /// Forgets every entity of the sparse set (the caller clears the column).
    pub(super) fn sparse_clear(&mut self) {
        if let Some(set) = &mut self.sparse {
            set.clear();
        }
    }
}
