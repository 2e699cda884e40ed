//! Restoring a snapshot: putting a world back to the state a [`Snapshot`] holds, copying only
//! the rows changed since when the snapshot came from the same world.

use crate::entity::{Entity, Location, WorldId};
use crate::entity_slots::EntitySlots;
use crate::storage::{Column, ComponentStore, Storage, Table};
use crate::ticks::{AddedTicks, Ticks};
use crate::world::World;
use crate::{ComponentId, StorageKind};

use super::registry::{self, ColumnOps};
use super::{ColumnCopy, Snapshot, SnapshotError, TableCopy, later};

impl World {
    /// Puts this world back to the state `snapshot` holds: the same entities, live and dead
    /// (every `Entity` handle means what it meant when the snapshot was taken), the same
    /// values in the same rows, so queries yield the same items in the same order, and the
    /// same resources.
    ///
    /// A snapshot taken from this world is restored incrementally: only the rows changed since
    /// it was taken are copied back. One from another world (or loaded from bytes) is copied
    /// whole, its entities becoming this world's and its values counting as added now. Every
    /// value put back counts as changed now (see [the module
    /// docs](crate::snapshot#change-ticks)).
    ///
    /// # Errors
    ///
    /// The world is left as it was if:
    /// - [`SnapshotError::Empty`]: the snapshot holds nothing;
    /// - [`SnapshotError::MissingType`]: it holds a component type this world does not have
    ///   (or stores the other way: table or sparse), or a resource type it has not
    ///   registered;
    /// - [`SnapshotError::LayoutDiffers`]: this world's tables were made in another order.
    ///
    /// Component types the world has and the snapshot lacks are fine: their values are
    /// dropped.
    ///
    /// Returns the number of column rows copied back (every row of every column for a whole
    /// restore, the changed ones for an incremental one).
    ///
    /// ```
    /// use cellar::{SnapshotError, World};
    ///
    /// #[derive(Clone, Copy)]
    /// struct Hp(u32);
    ///
    /// let mut world = World::new();
    /// world.register_snapshot_copy::<Hp>();
    /// world.spawn((Hp(3),));
    /// let snapshot = world.snapshot().unwrap();
    ///
    /// let mut fresh = World::new();
    /// assert!(matches!(fresh.restore(&snapshot), Err(SnapshotError::MissingType { .. })));
    /// fresh.register_snapshot_copy::<Hp>();
    /// fresh.restore(&snapshot).unwrap();
    /// assert_eq!(fresh.query::<&Hp>().map(|hp| hp.0).sum::<u32>(), 3);
    /// ```
    pub fn restore(&mut self, snapshot: &Snapshot) -> Result<usize, SnapshotError> {
        check_restore(&self.storage, snapshot)?;
        let same_world = snapshot.source == Some(self.id());
        let since = (same_world && snapshot.linked).then_some(snapshot.tick);
        let rewrite = (!same_world).then(|| self.id());
        let tick = self.storage.next_run_tick();
        let mut rows = ROWS.take();
        let guard = ClearOnUnwind(self);
        let storage = &mut guard.0.storage;

        let made = storage.tables().len();
        for copy in snapshot.tables.iter().skip(made) {
            let t = storage.snapshot_table_for(&copy.components);
            debug_assert_eq!(t as usize + 1, storage.tables().len(), "checked by check_restore");
        }
        let mut parts = storage.snapshot_parts();
        // The entities first, tables' rows and slots together, before any user code runs
        // (a `Clone` that unwinds then finds them consistent, for `clear`).
        let mut same_rows = SAME_ROWS.take();
        same_rows.clear();
        parts.entities.restore_free(&snapshot.entities);
        for (i, table) in parts.tables.iter_mut().enumerate() {
            let entities = table.rows_mut().0;
            let Some(copy) = snapshot.tables.get(i) else {
                entities.clear();
                continue;
            };
            let same = match rewrite {
                None => restore_rows(entities, &copy.entities, i as u32, parts.entities),
                Some(world) => {
                    copy_entities(entities, &copy.entities, Some(world));
                    for (row, e) in copy.entities.iter().enumerate() {
                        parts.entities.place(e.key, Location { table: i as u32, row: row as u32 });
                    }
                    false
                }
            };
            same_rows.push(same);
        }

        let mut copied = 0;
        for (i, table) in parts.tables.iter_mut().enumerate() {
            copied += match snapshot.tables.get(i) {
                Some(copy) => {
                    let since = since.filter(|_| same_rows[i]);
                    restore_columns(
                        table,
                        copy,
                        parts.components,
                        snapshot,
                        since,
                        tick,
                        rewrite,
                        &mut rows,
                    )
                }
                None => {
                    clear_table(table, parts.components);
                    0
                }
            };
        }

        for store in parts.components.iter_mut().flatten() {
            let id = store.info().id();
            let Some((set, column)) = store.snapshot_sparse_mut() else { continue };
            let (index, entities, ticks) = set.parts_mut();
            match snapshot.sparse.iter().find(|copy| copy.component == id) {
                Some(copy) => {
                    let same_rows = since.is_some() && Entity::same_list(entities, &copy.entities);
                    if !same_rows {
                        copy_entities(entities, &copy.entities, rewrite);
                    }
                    index.clone_from(&copy.index);
                    let ops = ops_of(snapshot, id);
                    let since = since.filter(|_| same_rows);
                    let added_now = rewrite.is_some();
                    copied += restore_column(
                        &copy.column,
                        column,
                        ticks,
                        ops,
                        since,
                        tick,
                        added_now,
                        &mut rows,
                    );
                }
                None => {
                    index.clear();
                    entities.clear();
                    ticks.clear();
                    column.clear();
                }
            }
        }

        for mut slot in parts.resources_mut() {
            let type_id = slot.type_id();
            let held = snapshot.resources.iter().find(|copy| copy.type_id == type_id);
            match held.and_then(|copy| copy.value.as_deref()) {
                Some(value) => {
                    let ops =
                        registry::resource_ops(type_id).expect("a held resource is registered");
                    match slot.value_mut() {
                        Some(mine) => (ops.clone_into)(value, mine),
                        None => slot.insert((ops.clone)(value)),
                    }
                }
                None => drop(slot.take()),
            }
        }
        std::mem::forget(guard);
        ROWS.set(rows);
        SAME_ROWS.set(same_rows);
        Ok(copied)
    }
}

thread_local! {
    /// Scratch for the rows of one column to copy back, kept between restores so that a
    /// rollback loop does not allocate.
    static ROWS: std::cell::Cell<Vec<u32>> = const { std::cell::Cell::new(Vec::new()) };
    /// Scratch for whether each table's rows held the snapshot's entities before the restore.
    static SAME_ROWS: std::cell::Cell<Vec<bool>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Clears the world if a restore unwinds (a `Clone` or `Drop` panicked), so no entity is left
/// reading a half-restored row.
struct ClearOnUnwind<'a>(&'a mut World);

impl Drop for ClearOnUnwind<'_> {
    fn drop(&mut self) {
        self.0.clear();
    }
}

fn ops_of(snapshot: &Snapshot, id: ComponentId) -> Option<ColumnOps> {
    snapshot.ops.get(id.index()).copied().flatten()
}

/// `Err` unless `snapshot` can be restored into `storage` (which is not touched).
fn check_restore(storage: &Storage, snapshot: &Snapshot) -> Result<(), SnapshotError> {
    if !snapshot.taken {
        return Err(SnapshotError::Empty);
    }
    let missing =
        |c: ComponentId| SnapshotError::MissingType { type_name: c.info().name().to_owned() };
    let has = |c: ComponentId, kind: StorageKind| {
        storage.component_store(c).is_some_and(|s| s.kind() == kind)
    };
    for (i, copy) in snapshot.tables.iter().enumerate() {
        if let Some(&c) = copy.components.iter().find(|&&c| !has(c, StorageKind::Table)) {
            return Err(missing(c));
        }
        let same = match storage.tables().get(i) {
            Some(table) => *table.components() == *copy.components,
            None => !storage.has_table(&copy.components),
        };
        if !same {
            return Err(SnapshotError::LayoutDiffers { table: i });
        }
    }
    if let Some(copy) =
        snapshot.sparse.iter().find(|copy| !has(copy.component, StorageKind::SparseSet))
    {
        return Err(missing(copy.component));
    }
    for copy in &snapshot.resources {
        if copy.value.is_some() && !storage.has_resource_type(copy.type_id) {
            return Err(SnapshotError::MissingType { type_name: copy.name.to_owned() });
        }
    }
    Ok(())
}

/// Makes `dst` the entities of `src`, as entities of world `rewrite` where given.
fn copy_entities(dst: &mut Vec<Entity>, src: &[Entity], rewrite: Option<WorldId>) {
    dst.clear();
    match rewrite {
        None => dst.extend_from_slice(src),
        Some(world) => dst.extend(src.iter().map(|&e| Entity { world, ..e })),
    }
}

/// Makes table `table`'s rows (`dst`) hold the snapshot's entities (`src`, of the same
/// world), and their slots say so; returns whether they already did.
///
/// A row that already holds the snapshot's entity keeps its slot too: that entity's slot
/// says this table and row (a world's invariant), and nothing earlier in the restore wrote
/// it (a live entity of the snapshot is in no other row of it, nor free in it). So only the
/// rows that differ are written, found a block at a time with `memcmp`: a rollback over a few
/// spawns and despawns rewrites a few rows, not the table.
fn restore_rows(
    dst: &mut Vec<Entity>,
    src: &[Entity],
    table: u32,
    slots: &mut EntitySlots,
) -> bool {
    /// Rows compared at once (1.5 KB of entities).
    const BLOCK: usize = 128;
    let same = Entity::same_list(dst, src);
    if same {
        return true;
    }
    dst.truncate(src.len());
    let kept = dst.len();
    let mut place = |row: usize, e: Entity| slots.place(e.key, Location { table, row: row as u32 });
    for (b, (mine, theirs)) in dst.chunks_mut(BLOCK).zip(src[..kept].chunks(BLOCK)).enumerate() {
        if Entity::same_list(mine, theirs) {
            continue;
        }
        for (r, (mine, &theirs)) in mine.iter_mut().zip(theirs).enumerate() {
            if *mine != theirs {
                *mine = theirs;
                place(b * BLOCK + r, theirs);
            }
        }
    }
    for (row, &e) in src.iter().enumerate().skip(kept) {
        dst.push(e);
        place(row, e);
    }
    false
}

/// Copies the columns of `copy` back into `table`, whose rows already hold the snapshot's
/// entities: every row, or with `since`, the rows changed after it.
#[allow(clippy::too_many_arguments)]
fn restore_columns(
    table: &mut Table,
    copy: &TableCopy,
    components: &mut [Option<ComponentStore>],
    snapshot: &Snapshot,
    since: Option<u32>,
    tick: u32,
    rewrite: Option<WorldId>,
    rows: &mut Vec<u32>,
) -> usize {
    let mut copied = 0;
    for (j, src) in copy.columns.iter().enumerate() {
        let (c, pos) = (table.components()[j], table.column_position(j));
        let store = components[c.index()].as_mut().expect("checked by check_restore");
        let dst = store.snapshot_column_mut(pos);
        let ticks = &mut table.rows_mut().1[j];
        let ops = ops_of(snapshot, c);
        copied += restore_column(src, dst, ticks, ops, since, tick, rewrite.is_some(), rows);
    }
    copied
}

fn clear_table(table: &mut Table, components: &mut [Option<ComponentStore>]) {
    for j in 0..table.components().len() {
        let (c, pos) = (table.components()[j], table.column_position(j));
        table.rows_mut().1[j].clear();
        let store = components[c.index()].as_mut().expect("a table's components are registered");
        store.snapshot_column_mut(pos).clear();
    }
    table.rows_mut().0.clear();
}

/// Copies `src` back into a world column and its ticks: every row, or with `since`, the
/// rows the world changed after it. Restored rows count as changed at `tick` (and as added
/// then too with `added_now`). Returns the number of rows copied.
#[allow(clippy::too_many_arguments)]
fn restore_column(
    src: &ColumnCopy,
    dst: &mut Column,
    ticks: &mut Ticks,
    ops: Option<ColumnOps>,
    since: Option<u32>,
    tick: u32,
    added_now: bool,
    rows: &mut Vec<u32>,
) -> usize {
    let Some(ops) = ops else {
        // A type the snapshot could not copy: it held no values of it.
        debug_assert_eq!(src.values.len(), 0);
        ticks.clear();
        dst.clear();
        return 0;
    };
    let pending = ticks.pending();
    match since {
        Some(since) if !pending.is_some_and(|marked| later(marked, since)) => {
            rows.clear();
            let added = src.added_ticks();
            // The rows' added ticks need writing only where the world's rows were not all
            // added at the tick the snapshot's all were.
            let same_added =
                matches!(added, AddedTicks::All { tick, .. } if ticks.added_all() == Some(tick));
            if !same_added {
                ticks.forget_added_all();
            }
            // The world is borrowed exclusively: plain reads and writes of the ticks.
            for (row, t) in ticks.rows.iter_mut().enumerate() {
                let changed = t.changed.get_mut();
                if later(*changed, since) {
                    rows.push(row as u32);
                    *changed = tick;
                    if !same_added {
                        *t.added.get_mut() = added.get(row);
                    }
                }
            }
            (ops.copy_rows)(&src.values, dst, rows);
            rows.len()
        }
        _ => {
            let n = src.values.len();
            let added = if added_now { AddedTicks::All { tick, n } } else { src.added_ticks() };
            ticks.restore(added, tick);
            (ops.copy_all)(&src.values, dst);
            n
        }
    }
}
