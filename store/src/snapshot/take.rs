//! Taking a snapshot: copying a world's state into a [`Snapshot`], all of it, or only the rows
//! changed since the snapshot was last taken from the same world.

use crate::component::{ComponentId, ComponentInfo};
use crate::entity::Entity;
use crate::storage::{Column, ComponentStore, Storage, Tokens};
use crate::ticks::Ticks;
use crate::world::World;

use super::registry::{self, ColumnOps};
use super::{ColumnCopy, ResourceCopy, Snapshot, SnapshotError, SparseCopy, TableCopy, later};

impl ColumnCopy {
    pub(crate) fn new(info: &ComponentInfo) -> Self {
        ColumnCopy { values: Column::new(info), added: Vec::new(), added_all: Some(0) }
    }
}

impl TableCopy {
    pub(crate) fn new(components: &[ComponentId]) -> Self {
        TableCopy {
            components: components.into(),
            entities: Vec::new(),
            columns: components.iter().map(|c| ColumnCopy::new(&c.info())).collect(),
        }
    }
}

impl World {
    /// A snapshot of this world's whole state.
    ///
    /// Taking a snapshot takes a change tick, as a query run does (see
    /// [`Snapshot::change_tick`]); nothing else in the world changes.
    ///
    /// # Errors
    ///
    /// [`SnapshotError::NotRegistered`] if the world holds values of a component or resource
    /// type not registered for snapshots.
    ///
    /// ```
    /// use cellar::World;
    ///
    /// let mut world = World::new();
    /// world.register_snapshot_copy::<u32>();
    /// let e = world.spawn((7u32,));
    /// let snapshot = world.snapshot().unwrap();
    /// world.despawn(e).unwrap();
    /// world.restore(&snapshot).unwrap();
    /// assert_eq!(world.get::<u32>(e), Ok(&7));
    /// ```
    pub fn snapshot(&self) -> Result<Snapshot, SnapshotError> {
        let mut snapshot = Snapshot::new();
        self.snapshot_into(&mut snapshot)?;
        Ok(snapshot)
    }

    /// Takes a snapshot of this world into `snapshot`, reusing its buffers (and the values it
    /// holds, for types copied with `clone_from`). If `snapshot` was last taken from this
    /// world, only the rows changed since are copied (the change ticks say which).
    ///
    /// # Errors
    ///
    /// As [`snapshot`](World::snapshot); `snapshot` is left empty then.
    ///
    /// ```
    /// use cellar::{Snapshot, World};
    ///
    /// let mut world = World::new();
    /// world.register_snapshot_copy::<u32>();
    /// let es = world.spawn_batch((0..100u32).map(|i| (i,))).to_vec();
    /// let mut snapshot = Snapshot::new();
    /// world.snapshot_into(&mut snapshot).unwrap();
    /// assert_eq!(snapshot.copied_rows(), 100);
    /// *world.get_mut::<u32>(es[5]).unwrap() = 0;
    /// world.snapshot_into(&mut snapshot).unwrap();
    /// assert_eq!(snapshot.copied_rows(), 1, "only the changed row");
    /// ```
    // Unsafe: reads the change ticks plainly, which `&self` allows (see `take_column`).
    #[allow(unsafe_code)]
    pub fn snapshot_into(&self, snapshot: &mut Snapshot) -> Result<(), SnapshotError> {
        registry::column_ops_into(&mut snapshot.ops);
        if let Err(err) = check_registered(&self.storage, &self.tokens, &snapshot.ops) {
            snapshot.invalidate();
            return Err(err);
        }
        let storage = &self.storage;
        let tick = storage.next_run_tick();
        let incremental = snapshot.taken && snapshot.linked && snapshot.source == Some(self.id());
        let since = incremental.then_some(snapshot.tick);
        // Marked as not taken until complete: a panicking `Clone` leaves an empty snapshot.
        snapshot.taken = false;
        let Snapshot { entities, tables, sparse, resources, ops, rows, copied_rows, .. } = snapshot;
        *copied_rows = 0;

        storage.entity_slots().save_free(entities);

        tables.truncate(storage.tables().len());
        for (i, table) in storage.tables().iter().enumerate() {
            if tables.get(i).is_none_or(|copy| *copy.components != *table.components()) {
                tables.truncate(i);
                tables.push(TableCopy::new(table.components()));
            }
            let copy = &mut tables[i];
            let same_rows = since.is_some() && Entity::same_list(&copy.entities, table.entities());
            if !same_rows {
                copy.entities.clear();
                copy.entities.extend_from_slice(table.entities());
            }
            for (j, (&c, dst)) in table.components().iter().zip(&mut copy.columns).enumerate() {
                let src = &self.columns_of(storage.store(c))[table.column_position(j)];
                let ops = ops.get(c.index()).copied().flatten();
                let since = since.filter(|_| same_rows);
                // SAFETY:
                // - `self` is borrowed shared as a whole, with every token it holds, for the
                //   whole call: nothing writes the ticks of its tables (`RowTicks`).
                *copied_rows += unsafe { take_column(src, table.ticks(j), dst, ops, since, rows) };
            }
        }

        let mut k = 0;
        for store in storage.component_stores() {
            let Some(set) = store.sparse() else { continue };
            let id = store.info().id();
            if sparse.get(k).is_none_or(|copy| copy.component != id) {
                sparse.truncate(k);
                sparse.push(SparseCopy {
                    component: id,
                    index: Vec::new(),
                    entities: Vec::new(),
                    column: ColumnCopy::new(store.info()),
                });
            }
            let copy = &mut sparse[k];
            let same_rows = since.is_some() && Entity::same_list(&copy.entities, set.entities());
            if !same_rows {
                copy.entities.clear();
                copy.entities.extend_from_slice(set.entities());
            }
            copy.index.clear();
            copy.index.extend_from_slice(set.index());
            let src = &self.columns_of(store)[0];
            let ops = ops.get(id.index()).copied().flatten();
            let since = since.filter(|_| same_rows);
            // SAFETY:
            // - as for the tables' ticks above: `self` is borrowed shared as a whole.
            *copied_rows +=
                unsafe { take_column(src, set.ticks(), &mut copy.column, ops, since, rows) };
            k += 1;
        }
        sparse.truncate(k);

        let mut k = 0;
        for (type_id, value) in storage.resource_values(&self.tokens) {
            let ops = registry::resource_ops(type_id);
            if resources.get(k).is_none_or(|copy| copy.type_id != type_id) {
                resources.truncate(k);
                let name = ops.map_or("", |ops| ops.name);
                resources.push(ResourceCopy { type_id, name, value: None });
            }
            let copy = &mut resources[k];
            match (value, ops, &mut copy.value) {
                (Some(value), Some(ops), Some(held)) => (ops.clone_into)(value, &mut **held),
                (Some(value), Some(ops), held) => *held = Some((ops.clone)(value)),
                (Some(_), None, _) => unreachable!("checked by check_registered"),
                (None, _, held) => *held = None,
            }
            k += 1;
        }
        resources.truncate(k);

        snapshot.source = Some(self.id());
        snapshot.linked = true;
        snapshot.tick = tick;
        snapshot.taken = true;
        Ok(())
    }

    /// The columns of one component type, read with the world's own token.
    pub(crate) fn columns_of<'a>(&'a self, store: &'a ComponentStore) -> &'a [Column] {
        let owner = self.tokens.get(store.token()).expect("every store has its token");
        store.columns().as_slice(owner).expect("a world's own token owns its columns")
    }
}

/// `Err` naming the first type whose values the world holds but cannot copy.
fn check_registered(
    storage: &Storage,
    tokens: &Tokens,
    ops: &[Option<ColumnOps>],
) -> Result<(), SnapshotError> {
    let registered = |c: ComponentId| ops.get(c.index()).is_some_and(Option::is_some);
    let unregistered = |c: ComponentId| SnapshotError::NotRegistered {
        type_name: storage.store(c).info().name().to_owned(),
    };
    for table in storage.tables().iter().filter(|t| t.len() > 0) {
        if let Some(&c) = table.components().iter().find(|&&c| !registered(c)) {
            return Err(unregistered(c));
        }
    }
    for store in storage.component_stores() {
        let id = store.info().id();
        if store.sparse().is_some_and(|set| set.len() > 0) && !registered(id) {
            return Err(unregistered(id));
        }
    }
    for (type_id, value) in storage.resource_values(tokens) {
        if value.is_some() && registry::resource_ops(type_id).is_none() {
            return Err(SnapshotError::NotRegistered {
                type_name: format!("a resource type ({type_id:?})"),
            });
        }
    }
    Ok(())
}

/// The tick at which a row last changed: its own, or a pending mark of every row if later.
#[inline]
pub(crate) fn changed_tick(changed: u32, pending: Option<u32>) -> u32 {
    match pending {
        Some(marked) if later(marked, changed) => marked,
        _ => changed,
    }
}

/// Copies one world column and its ticks into `dst`: every row, or with `since`, the rows
/// changed after it (`dst` then holds the same rows as `src`, as of `since`). Returns the
/// number of rows copied.
///
/// # Safety
///
/// - No thread writes `ticks` meanwhile (the caller holds their world borrowed shared).
#[allow(unsafe_code)]
unsafe fn take_column(
    src: &Column,
    ticks: &Ticks,
    dst: &mut ColumnCopy,
    ops: Option<ColumnOps>,
    since: Option<u32>,
    rows: &mut Vec<u32>,
) -> usize {
    let Some(ops) = ops else {
        // A type that cannot be copied holds no values (`check_registered`).
        debug_assert_eq!(src.len(), 0);
        dst.values.clear();
        dst.added.clear();
        dst.added_all = Some(0);
        return 0;
    };
    let pending = ticks.pending();
    match since {
        Some(since) if !pending.is_some_and(|marked| later(marked, since)) => {
            rows.clear();
            // The rows' added ticks need copying only where the copy does not already say
            // they were all added at the tick the world's rows all were.
            let same_added = dst.added_all.is_some() && dst.added_all == ticks.added_all();
            if same_added {
                for (row, t) in ticks.rows.iter().enumerate() {
                    if later(changed_tick(t.changed.load(), pending), since) {
                        rows.push(row as u32);
                    }
                }
            } else {
                for (row, (t, added)) in ticks.rows.iter().zip(dst.added_per_row()).enumerate() {
                    if later(changed_tick(t.changed.load(), pending), since) {
                        rows.push(row as u32);
                        *added = t.added.load();
                    }
                }
            }
            (ops.copy_rows)(src, &mut dst.values, rows);
            rows.len()
        }
        _ => {
            (ops.copy_all)(src, &mut dst.values);
            dst.added.clear();
            dst.added_all = ticks.added_all();
            if dst.added_all.is_none() {
                // SAFETY:
                // - nothing writes `ticks` meanwhile (this function's own contract).
                unsafe { ticks.added_into_unsynchronized(&mut dst.added) };
            }
            dst.values.len()
        }
    }
}
