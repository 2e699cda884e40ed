//! The row operations: spawn a row, move a row along an edge, despawn a row, clear. Each
//! finishes the bookkeeping of entities, tables, columns and sparse sets before any user code
//! (a component's `Drop`, a bundle's `write` or `take`) can observe a panic, or finishes it in
//! a guard while that panic unwinds.
//!
//! User code runs at three places, and each has its rule:
//!
//! - `Bundle::write` (and the drops of values it replaces): values go in before the row
//!   moves; if the write stops early (a panic, or fewer values than declared), the guard
//!   takes the new table values back out, and the row never moved.
//! - `Bundle::take`: values are moved out of their slots, the row moves after; if the take
//!   stops early, the guard still moves the row and drops the values not taken.
//! - `Drop` of removed values (despawn, take, remove's leftovers, clear): the values are
//!   unlinked from every column and set first, and dropped afterwards (`PendingDrops`).

#![allow(unsafe_code)] // Values moved out of column slots before the bookkeeping forgets them.

use std::any::TypeId;

use smallvec::SmallVec;

use crate::component::ComponentId;
use crate::entity::{Entities, Entity, Location};
use crate::error::{ComponentError, EntityError};

use super::Storage;
use super::column::{Column, PendingDrops};
use super::components::ComponentStore;
use super::finish::run_all;
use super::graph::{BundleInfo, ColumnMove, RemoveEdge, Target};
use super::table::Table;
use super::write::{BundleReader, BundleWriter};

/// The message for a `Bundle::write` that put fewer values than it declared.
const WROTE_TOO_FEW: &str = "Bundle::write put fewer values than Bundle::visit declared";
/// The message for a `Bundle::take` that took fewer values than it declared.
const TOOK_TOO_FEW: &str = "Bundle::take took fewer values than Bundle::visit declared";

impl Storage {
    /// Spawns one entity with bundle `key`'s values (the bundle is known), put by `write`.
    ///
    /// # Panics
    ///
    /// If `write` panics or puts fewer or other values than the bundle declares; the world is
    /// then as before, the entity never existed.
    pub(crate) fn spawn(
        &mut self,
        key: TypeId,
        write: impl FnOnce(&mut BundleWriter<'_>),
    ) -> Entity {
        let tick = self.tick.load();
        let Storage { entities, tables, components, graph, .. } = self;
        let info = &graph.bundles[&key];
        let table = &mut tables[info.spawn_table as usize];
        let entity = write_new_row(entities, components, info, table.len(), tick, write);
        table.push_row(entity, tick);
        entity
    }

    /// Spawns one entity per item of `bundles` (of bundle type `key`, known), each written
    /// by `write`; returns the new entities, in order.
    ///
    /// Room is reserved once, and the rows' change ticks are filled in one pass at the end
    /// (by a guard, so also when a bundle's code panics: the entities spawned before stay).
    /// A bundle of table components only has its columns looked up once for the batch.
    pub(crate) fn spawn_batch<B>(
        &mut self,
        key: TypeId,
        bundles: impl IntoIterator<Item = B>,
        write: impl FnMut(B, &mut BundleWriter<'_>),
    ) -> &[Entity] {
        let info = &self.graph.bundles[&key];
        let bundles = bundles.into_iter();
        let n = bundles.size_hint().0;
        let t = info.spawn_table as usize;
        let start = self.tables[t].len();
        self.tables[t].reserve(n);
        self.entities.reserve(n);
        for (&id, &target) in info.ids.iter().zip(info.spawn_targets.iter()) {
            if let Target::Push(pos) = target {
                store_mut(&mut self.components, id).column_mut(pos).reserve(n);
            }
        }
        if info.spawn_targets.iter().all(|t| matches!(t, Target::Push(_))) {
            self.spawn_rows_by_columns(key, bundles, write);
        } else {
            self.spawn_rows_by_lookup(key, bundles, write);
        }
        &self.tables[t].entities()[start..]
    }

    /// `spawn_batch`'s loop for a bundle of table components only: one writer for the batch,
    /// its columns looked up once.
    fn spawn_rows_by_columns<B>(
        &mut self,
        key: TypeId,
        bundles: impl Iterator<Item = B>,
        mut write: impl FnMut(B, &mut BundleWriter<'_>),
    ) {
        /// The batch in progress. Dropped (at the end, or while a bundle's code panics), it
        /// takes back the values of a row that did not finish, frees its entity, and fills in
        /// the ticks of the rows that did.
        struct Batch<'a, 'w> {
            writer: BundleWriter<'w>,
            entities: &'a mut Entities,
            table: &'a mut Table,
            /// The entity whose row is being written, until it is complete.
            unfinished: Option<Entity>,
            pushed: usize,
            tick: u32,
        }
        impl Drop for Batch<'_, '_> {
            fn drop(&mut self) {
                if let Some(entity) = self.unfinished.take() {
                    let (columns, written) = self.writer.written_columns();
                    let mut pending = PendingDrops::default();
                    for column in &mut columns[..written] {
                        // SAFETY:
                        // - nothing touches the column until `pending` runs, below.
                        unsafe { column.pop_deferred(&mut pending) };
                    }
                    self.entities.free(entity);
                    pending.run();
                }
                self.table.push_ticks_bulk(self.pushed, self.tick);
            }
        }

        let tick = self.tick.load();
        let Storage { entities, tables, components, graph, .. } = self;
        let info = &graph.bundles[&key];
        let table = info.spawn_table;
        let columns = push_columns(components, &info.ids, &info.spawn_targets);
        let writer = BundleWriter::columns(columns);
        let table_rows = &mut tables[table as usize];
        let mut batch =
            Batch { writer, entities, table: table_rows, unfinished: None, pushed: 0, tick };
        for bundle in bundles {
            let row = batch.table.len() as u32;
            let entity = batch.entities.alloc(Location { table, row });
            batch.unfinished = Some(entity);
            batch.writer.next_row();
            write(bundle, &mut batch.writer);
            assert!(batch.writer.is_complete(), "{WROTE_TOO_FEW}");
            batch.unfinished = None;
            batch.table.push_entity(entity);
            batch.pushed += 1;
        }
    }

    /// `spawn_batch`'s loop for any bundle: each value's column or set looked up as it comes.
    /// (Kept out of line, so that `write` is inlined into the columns loop instead.)
    #[inline(never)]
    fn spawn_rows_by_lookup<B>(
        &mut self,
        key: TypeId,
        bundles: impl Iterator<Item = B>,
        mut write: impl FnMut(B, &mut BundleWriter<'_>),
    ) {
        let tick = self.tick.load();
        let Storage { entities, tables, components, graph, .. } = self;
        let info = &graph.bundles[&key];
        let mut fill = FillTicks { table: &mut tables[info.spawn_table as usize], pushed: 0, tick };
        for bundle in bundles {
            let row = fill.table.len();
            let entity = write_new_row(entities, components, info, row, tick, |w| write(bundle, w));
            fill.table.push_entity(entity);
            fill.pushed += 1;
        }
    }

    /// Inserts bundle `key` into many entities: consecutive entities of one table share one
    /// edge lookup. A dead entity is skipped (its bundle dropped); the first one is the error.
    pub(crate) fn insert_batch<B>(
        &mut self,
        key: TypeId,
        items: impl IntoIterator<Item = (Entity, B)>,
        mut write: impl FnMut(B, &mut BundleWriter<'_>),
    ) -> Result<(), EntityError> {
        let mut dead = None;
        let mut cached: Option<(u32, u32)> = None;
        for (entity, bundle) in items {
            let Some(loc) = self.entities.get(entity) else {
                dead.get_or_insert(entity);
                continue;
            };
            let edge = match cached {
                Some((from, edge)) if from == loc.table => edge,
                _ => {
                    let edge = self.find_insert_edge(loc.table, key);
                    cached = Some((loc.table, edge));
                    edge
                }
            };
            self.insert_along(entity, loc, edge, |w| write(bundle, w));
        }
        dead.map_or(Ok(()), |e| Err(EntityError::NoSuchEntity(e)))
    }

    /// Writes the values, then moves the row along insert edge `edge` (made for the table
    /// at `loc`, which is `entity`'s location).
    #[inline]
    pub(crate) fn insert_along(
        &mut self,
        entity: Entity,
        loc: Location,
        edge: u32,
        write: impl FnOnce(&mut BundleWriter<'_>),
    ) {
        let tick = self.tick.load();
        let Storage { entities, tables, components, graph, .. } = self;
        let edge = &graph.inserts[edge as usize];
        let row = loc.row as usize;
        let mut writer = BundleWriter::new(components, &edge.ids, &edge.targets, entity, row, tick);
        if edge.sparse_only {
            // Sparse values of a live entity stay where a write stops: nothing to undo.
            write(&mut writer);
            assert!(writer.is_complete(), "{WROTE_TOO_FEW}");
            return;
        }
        write_guarded(&mut writer, None, write);
        drop(writer);
        let to = edge.to;
        let row = if to == loc.table {
            row
        } else {
            move_row(entities, tables, components, entity, loc, to, &edge.moves, |_, _| {
                unreachable!("an insert keeps every component")
            })
        };
        let ticks = tables[to as usize].ticks_mut();
        for (&target, &i) in edge.targets.iter().zip(edge.ticks.iter()) {
            let Some(i) = i else { continue };
            match target {
                Target::Push(_) => ticks[i as usize].push(tick, tick),
                Target::Replace(_) => ticks[i as usize].rows[row].changed.store(tick),
                Target::Sparse => {}
            }
        }
    }

    /// Removes bundle `key` from many entities, dropping the values; consecutive entities of
    /// one table share one edge lookup. Returns how many entities had the whole bundle (the
    /// others, and dead entities, are left as they are).
    pub(crate) fn remove_batch<R>(
        &mut self,
        key: TypeId,
        entities: impl IntoIterator<Item = Entity>,
        mut take: impl FnMut(&mut BundleReader<'_>) -> R,
    ) -> usize {
        let mut removed = 0;
        let mut cached: Option<(u32, u32)> = None;
        for entity in entities {
            let Some(loc) = self.entities.get(entity) else { continue };
            let edge = match cached {
                Some((from, edge)) if from == loc.table => edge,
                _ => {
                    let edge = self.find_remove_edge(loc.table, key);
                    cached = Some((loc.table, edge));
                    edge
                }
            };
            if self.remove_along(entity, loc, edge, &mut take).is_ok() {
                removed += 1;
            }
        }
        removed
    }

    /// Moves bundle values out to `take`, then the row along remove edge `edge` (made for
    /// the table at `loc`, which is `entity`'s location).
    #[inline]
    pub(crate) fn remove_along<R>(
        &mut self,
        entity: Entity,
        loc: Location,
        edge: u32,
        take: impl FnOnce(&mut BundleReader<'_>) -> R,
    ) -> Result<R, ComponentError> {
        let Storage { entities, tables, components, graph, .. } = self;
        let edge = &graph.removes[edge as usize];
        if !edge.all_present {
            // In bundle order, so the error names the first component the entity lacks.
            for (&id, &source) in edge.ids.iter().zip(edge.sources.iter()) {
                let store = store_mut(components, id);
                if source.is_none() && !store.sparse_has(entity) {
                    return Err(ComponentError::Missing { entity, component: store.info().name() });
                }
            }
        }
        // SAFETY:
        // - the edge was made for the entity's table, so each `Some(pos)` is a column of that
        //   table, holding row `loc.row`; each `None` is a sparse component the entity has
        //   (checked just above, or `all_present`);
        // - `RemoveRow::finish` forgets every taken slot (it runs on every path out); a
        //   sparse-only edge has no slot to forget.
        let mut reader = unsafe {
            BundleReader::new(components, &edge.ids, &edge.sources, entity, loc.row as usize)
        };
        if edge.sparse_only {
            // Each value leaves its set as it is taken: where a take stops, the values not
            // taken stay, and the world is consistent either way.
            let value = take(&mut reader);
            assert!(reader.taken() == edge.ids.len(), "{TOOK_TOO_FEW}");
            return Ok(value);
        }
        let mut op = RemoveRow { reader, entities, tables, edge, entity, loc, finished: false };
        let value = take(&mut op.reader);
        let complete = op.reader.taken() == edge.ids.len();
        op.finish();
        assert!(complete, "{TOOK_TOO_FEW}");
        Ok(value)
    }

    /// Despawns `entity`, handing bundle `key`'s values (the bundle is known) to `take` and
    /// dropping the rest, in one row removal.
    pub(crate) fn take<R>(
        &mut self,
        entity: Entity,
        key: TypeId,
        take: impl FnOnce(&mut BundleReader<'_>) -> R,
    ) -> Result<R, ComponentError> {
        let loc = self.entities.get(entity).ok_or(ComponentError::NoSuchEntity(entity))?;
        let Storage { entities, tables, components, sparse_ids, graph, .. } = self;
        let ids = &graph.bundles[&key].ids;
        let table = &tables[loc.table as usize];
        let mut sources: SmallVec<[Option<u32>; 8]> = SmallVec::with_capacity(ids.len());
        for &id in ids.iter() {
            let store = store_mut(components, id);
            let source = match table.index_of(id) {
                Some(i) => Some(table.column_position(i) as u32),
                None if store.sparse_has(entity) => None,
                None => {
                    return Err(ComponentError::Missing { entity, component: store.info().name() });
                }
            };
            sources.push(source);
        }
        entities.free(entity);
        // SAFETY:
        // - each `Some(pos)` is a column of the entity's table (found above), holding row
        //   `loc.row`; each `None` a sparse component the entity has (checked above);
        // - `TakeRow`'s drop forgets every taken slot (it runs on every path out).
        let reader =
            unsafe { BundleReader::new(components, ids, &sources, entity, loc.row as usize) };
        let mut op = TakeRow { reader, entities, tables, sparse_ids, ids, entity, loc };
        let value = take(&mut op.reader);
        let complete = op.reader.taken() == ids.len();
        drop(op);
        assert!(complete, "{TOOK_TOO_FEW}");
        Ok(value)
    }

    /// Despawns `entity`, dropping all its components once the bookkeeping is done.
    pub(crate) fn despawn(&mut self, entity: Entity) -> Result<(), EntityError> {
        let loc = self.entities.free(entity).ok_or(EntityError::NoSuchEntity(entity))?;
        let Storage { entities, tables, components, sparse_ids, .. } = self;
        let mut pending = PendingDrops::default();
        // SAFETY:
        // - the columns and sparse sets are untouched until `pending` runs, just below.
        unsafe {
            unlink_row(entities, tables, components, sparse_ids, entity, loc, &[], &mut pending)
        };
        pending.run();
        Ok(())
    }

    /// Despawns every entity; the bookkeeping is cleared first, then the values dropped.
    pub(crate) fn clear(&mut self) {
        let Storage { entities, tables, components, .. } = self;
        entities.clear();
        tables.iter_mut().for_each(Table::clear);
        for store in components.iter_mut().flatten() {
            store.sparse_clear();
        }
        run_all(
            components.iter_mut().flatten().flat_map(|s| s.columns_mut().iter_mut()),
            Column::clear,
        );
    }
}

/// The column of each value of a bundle whose `targets` are all `Target::Push` (and whose
/// `ids` are distinct, as every bundle's are), in bundle order: looked up once for a batch.
pub(super) fn push_columns<'a>(
    components: &'a mut [Option<ComponentStore>],
    ids: &[ComponentId],
    targets: &[Target],
) -> Box<[&'a mut Column]> {
    // By component id, so that one pass down `components` splits off each store in turn.
    let mut order: SmallVec<[(usize, u32, usize); 8]> = (ids.iter().zip(targets).enumerate())
        .map(|(i, (&id, &target))| match target {
            Target::Push(pos) => (id.index(), pos, i),
            _ => unreachable!("a batch of table components"),
        })
        .collect();
    order.sort_unstable();
    let mut found: SmallVec<[Option<&'a mut Column>; 8]> = ids.iter().map(|_| None).collect();
    let (mut rest, mut base) = (components, 0);
    for (index, pos, i) in order {
        let (head, tail) = std::mem::take(&mut rest).split_at_mut(index - base + 1);
        let store = head.last_mut().and_then(Option::as_mut);
        found[i] = Some(store.expect("bundle components are registered").column_mut(pos));
        (rest, base) = (tail, index + 1);
    }
    found.into_iter().map(|c| c.expect("every value has its column")).collect()
}

/// Pushes the ticks of the rows a batch spawned so far, when dropped (also while a panic
/// unwinds, so the rows spawned before it stay whole).
pub(super) struct FillTicks<'a> {
    pub(super) table: &'a mut Table,
    pub(super) pushed: usize,
    pub(super) tick: u32,
}

impl Drop for FillTicks<'_> {
    fn drop(&mut self) {
        self.table.push_ticks_bulk(self.pushed, self.tick);
    }
}

#[inline]
pub(super) fn store_mut(
    components: &mut [Option<ComponentStore>],
    id: ComponentId,
) -> &mut ComponentStore {
    components[id.index()].as_mut().expect("component registered in this world")
}

/// Allocates an entity at `row` of bundle `info`'s spawn table and writes its values; the
/// caller pushes the row. If the write stops early, everything is undone and the panic goes
/// on.
#[inline]
fn write_new_row(
    entities: &mut Entities,
    components: &mut [Option<ComponentStore>],
    info: &BundleInfo,
    row: usize,
    tick: u32,
    write: impl FnOnce(&mut BundleWriter<'_>),
) -> Entity {
    let entity = entities.alloc(Location { table: info.spawn_table, row: row as u32 });
    let mut writer =
        BundleWriter::new(components, &info.ids, &info.spawn_targets, entity, row, tick);
    write_guarded(&mut writer, Some(entities), write);
    entity
}

/// Runs `write` on `writer`. If it panics or puts too few values, takes back the values it
/// put in table columns (and, for a new entity, in sparse sets, and frees the entity), then
/// panics on.
#[inline]
fn write_guarded(
    writer: &mut BundleWriter<'_>,
    spawned: Option<&mut Entities>,
    write: impl FnOnce(&mut BundleWriter<'_>),
) {
    /// Undoes a write that did not finish.
    struct Undo<'a, 'w> {
        writer: &'a mut BundleWriter<'w>,
        spawned: Option<&'a mut Entities>,
    }
    impl Drop for Undo<'_, '_> {
        fn drop(&mut self) {
            let entity = self.writer.entity();
            let (components, ids, targets, written) = self.writer.parts();
            let mut pending = PendingDrops::default();
            for (&id, &target) in ids[..written].iter().zip(&targets[..written]) {
                let store = store_mut(components, id);
                match target {
                    // SAFETY:
                    // - nothing touches the column until `pending` runs, below.
                    Target::Push(pos) => unsafe {
                        store.column_mut(pos).pop_deferred(&mut pending)
                    },
                    Target::Sparse if self.spawned.is_some() => {
                        // SAFETY:
                        // - as above.
                        unsafe { store.sparse_remove_deferred(entity, &mut pending) };
                    }
                    // A replaced value, or a sparse value of a live entity: it stays.
                    Target::Replace(_) | Target::Sparse => {}
                }
            }
            if let Some(entities) = self.spawned.take() {
                entities.free(entity);
            }
            pending.run();
        }
    }
    let undo = Undo { writer, spawned };
    write(undo.writer);
    if undo.writer.is_complete() {
        std::mem::forget(undo);
    } else {
        drop(undo);
        panic!("{WROTE_TOO_FEW}");
    }
}

/// Moves `entity`'s row from its table (`loc`) to table `to` along `plan` (made for those
/// two tables): the components both tables have move with their ticks; for each component
/// only the old table has, `leave(column, component)` must take row `loc.row` out of the
/// column (its value was moved out already, or is to be dropped). Returns the new row.
#[allow(clippy::too_many_arguments)] // the storage's parts, borrowed apart
#[inline]
pub(super) fn move_row(
    entities: &mut Entities,
    tables: &mut [Table],
    components: &mut [Option<ComponentStore>],
    entity: Entity,
    loc: Location,
    to: u32,
    plan: &[ColumnMove],
    mut leave: impl FnMut(&mut Column, ComponentId),
) -> usize {
    let [src, dst] = tables
        .get_disjoint_mut([loc.table as usize, to as usize])
        .expect("moving between two distinct tables");
    let row = loc.row as usize;
    for m in plan {
        let (added, changed) = src.ticks_mut()[m.src as usize].swap_remove(row);
        let store = store_mut(components, m.component);
        match m.dst {
            Some(d) => {
                let [from, into] = store.two_columns_mut(m.from, m.to);
                // SAFETY:
                // - two columns of one component's arena hold its one type.
                unsafe { from.swap_remove_move_to(row, into) };
                dst.ticks_mut()[d as usize].push(added, changed);
            }
            None => leave(store.column_mut(m.from), m.component),
        }
    }
    if let Some(moved) = src.swap_remove_entity(row) {
        entities.get_mut(moved).expect("tables hold live entities").row = row as u32;
    }
    let new_row = dst.len();
    dst.push_entity(entity);
    *entities.get_mut(entity).expect("moving a live entity") =
        Location { table: to, row: new_row as u32 };
    new_row
}

/// Takes `entity`'s row (a freed entity at `loc`) out of its table and every column and
/// sparse set: the values of `taken` components were moved out already and are forgotten,
/// the others go to `pending`.
///
/// # Safety
///
/// - the slot of every `taken` table component at `loc` holds a moved-out value;
/// - the columns and sparse sets are untouched until `pending` runs or is dropped.
#[allow(clippy::too_many_arguments)] // the storage's parts, borrowed apart
unsafe fn unlink_row(
    entities: &mut Entities,
    tables: &mut [Table],
    components: &mut [Option<ComponentStore>],
    sparse_ids: &[ComponentId],
    entity: Entity,
    loc: Location,
    taken: &[ComponentId],
    pending: &mut PendingDrops,
) {
    let table = &mut tables[loc.table as usize];
    let row = loc.row as usize;
    if let Some(moved) = table.swap_remove_row(row) {
        entities.get_mut(moved).expect("tables hold live entities").row = row as u32;
    }
    for (i, &c) in table.components().iter().enumerate() {
        let column = store_mut(components, c).column_mut(table.column_position(i) as u32);
        if taken.contains(&c) {
            column.swap_remove_forget(row);
        } else {
            // SAFETY:
            // - the caller leaves the column untouched until `pending` runs.
            unsafe { column.swap_remove_deferred(row, pending) };
        }
    }
    for &c in sparse_ids {
        // A taken sparse value is out of its set already: this finds nothing.
        // SAFETY:
        // - as above.
        unsafe { store_mut(components, c).sparse_remove_deferred(entity, pending) };
    }
}

/// A remove in progress: the reader moves values out, then `finish` (on every path out,
/// unwinding included) moves the row and drops what was not taken.
struct RemoveRow<'a> {
    reader: BundleReader<'a>,
    entities: &'a mut Entities,
    tables: &'a mut [Table],
    edge: &'a RemoveEdge,
    entity: Entity,
    loc: Location,
    finished: bool,
}

impl RemoveRow<'_> {
    fn finish(&mut self) {
        if std::mem::replace(&mut self.finished, true) {
            return;
        }
        let (edge, entity, loc) = (self.edge, self.entity, self.loc);
        let (components, taken) = self.reader.parts();
        let taken_ids = &edge.ids[..taken];
        let mut pending = PendingDrops::default();
        if edge.to != loc.table {
            let all_taken = taken == edge.ids.len();
            let row = loc.row as usize;
            move_row(
                self.entities,
                self.tables,
                components,
                entity,
                loc,
                edge.to,
                &edge.moves,
                |column, c| {
                    if all_taken || taken_ids.contains(&c) {
                        column.swap_remove_forget(row);
                    } else {
                        // SAFETY:
                        // - nothing touches the column until `pending` runs, below.
                        unsafe { column.swap_remove_deferred(row, &mut pending) };
                    }
                },
            );
        }
        for (&id, &source) in edge.ids[taken..].iter().zip(&edge.sources[taken..]) {
            if source.is_none() {
                // SAFETY:
                // - as above.
                unsafe { store_mut(components, id).sparse_remove_deferred(entity, &mut pending) };
            }
        }
        pending.run();
    }
}

impl Drop for RemoveRow<'_> {
    fn drop(&mut self) {
        self.finish();
    }
}

/// A take in progress: the reader moves values out, then the drop (on every path out,
/// unwinding included) removes the row and drops what was not taken.
struct TakeRow<'a> {
    reader: BundleReader<'a>,
    entities: &'a mut Entities,
    tables: &'a mut [Table],
    sparse_ids: &'a [ComponentId],
    ids: &'a [ComponentId],
    entity: Entity,
    loc: Location,
}

impl Drop for TakeRow<'_> {
    fn drop(&mut self) {
        let (components, taken) = self.reader.parts();
        let mut pending = PendingDrops::default();
        // SAFETY:
        // - the first `taken` values were moved out of their slots by the reader;
        // - nothing touches the columns until `pending` runs, below.
        unsafe {
            unlink_row(
                self.entities,
                self.tables,
                components,
                self.sparse_ids,
                self.entity,
                self.loc,
                &self.ids[..taken],
                &mut pending,
            )
        };
        pending.run();
    }
}
