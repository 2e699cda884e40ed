//! `QueryIter`: the iterator a plain `for` loop over a query uses, as fast as `for_each`.
//!
//! The iterator is three parts. `dense` is the current table's columns as [`DenseIter`]: a
//! pointer past each column's end and one counter for all of them, stepped once per item
//! (`query/dense.rs`). That is all `next` touches for tables that need no per-row check.
//! `walk` is the table walk ([`Walk`]: which matched table is next, the columns still to be
//! handed out), held in the iterator and never passed by address to a call that is not
//! inlined, so the compiler keeps both in registers (or stack slots of its own) across the
//! user's loop: the loop's stores cannot touch them, and a table switch reloads nothing.
//! The per-row checked cursors of sparse components and change filters, and an all-sparse
//! query's set walk, sit behind a `Box` ([`RowCursor`]) made by the first table that needs
//! them: the calls into them take the box, never the address of the loop's state, and a
//! query whose tables need no per-row check allocates nothing.
#![allow(unsafe_code)] // The table switch reads the matched table and the walk's parts unchecked, by `end`'s invariant.

use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use super::data::QueryData;
use super::dense::DenseIter;
use super::filter::QueryFilter;
use super::state::{QueryState, StateRef};
use crate::storage::{Storage, Table};

/// The iterator over a query's items.
///
/// `size_hint` is exact where every row of a matched table yields an item (no
/// `Added`/`Changed` filter and no sparse component decides per row), so `collect` allocates
/// once.
///
/// # Examples
///
/// ```
/// use cellar::{Entity, World};
/// let mut world = World::new();
/// let e = world.spawn((1u8,));
/// let mut iter = world.query::<(Entity, &u8)>();
/// assert_eq!(iter.size_hint(), (1, Some(1)));
/// assert_eq!(iter.next(), Some((e, &1)));
/// assert_eq!(iter.next(), None);
/// ```
pub struct QueryIter<'w, 's, Q: QueryData, F: QueryFilter> {
    /// The current table's rows when it needs no per-row check; empty otherwise (not an
    /// `Option`, which would cost a check per item).
    dense: DenseIter<Q::Dense<'w>>,
    walk: Walk<'w, 's, Q, F>,
    /// `None` until a table needs per-row checks (or, for an all-sparse query, from the
    /// start).
    ///
    /// This and the walk's `state` and `columns` are dropped by the iterator's `Drop`,
    /// which hands them to a call by value: the compiler's own drop of the fields would be
    /// a call with the iterator's address, and the loop's cursors would leave the registers
    /// (fragmented_iter's plain loop: 6,134 instructions, against 5,176 with the walk in a
    /// box).
    rows: ManuallyDrop<Option<Box<RowCursor<'w, Q, F>>>>,
}

impl<Q: QueryData, F: QueryFilter> Drop for QueryIter<'_, '_, Q, F> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY:
        // - the iterator is being dropped, so these fields are not used again, and each is
        //   taken once, here.
        let rows = unsafe { ManuallyDrop::take(&mut self.rows) };
        // SAFETY:
        // - as above.
        let state = unsafe { ManuallyDrop::take(&mut self.walk.state) };
        // SAFETY:
        // - as above.
        let columns = unsafe { ManuallyDrop::take(&mut self.walk.columns) };
        drop_parts(rows, state, columns);
    }
}

/// Drops what a query iterator owns, given by value (see [`QueryIter::rows`]).
#[inline(never)]
fn drop_parts<T, U, V>(_: T, _: U, _: V) {}

/// The table walk: where a query iterator is between tables.
///
/// # Invariants
///
/// - `end <= state.matched.len()` (`state.caches` is as long), and `end > 0` only when
///   `state` and `columns` are `Some`; neither is ever changed after the walk is made, nor
///   `state.matched` while it lives (the state is borrowed, or owned by the walk);
/// - every index in `state.matched` is below `tables.len()` (checked when the walk is made,
///   [`QueryState::tables_of`]; the storage is borrowed shared, so its tables stay);
/// - `state` was last updated on `storage`, and `columns` were made by `Q::columns` for
///   `state.q` from `storage` (the caller of [`QueryIter::new`] promises it): so its cache
///   entries may go to [`QueryData::fetch_cached`] with the tables and columns.
struct Walk<'w, 's, Q: QueryData, F: QueryFilter> {
    storage: &'w Storage,
    /// `storage`'s tables.
    tables: &'w [Table],
    /// `None` for a query that matches nothing (a component unknown to the world).
    /// Dropped by the iterator's `Drop`.
    state: ManuallyDrop<Option<StateRef<'s, Q, F>>>,
    /// `None` for a query that matches nothing, and for an all-sparse query (whose set walk
    /// holds them, in its [`RowCursor`]). Dropped by the iterator's `Drop`.
    columns: ManuallyDrop<Option<Q::Columns<'w>>>,
    /// The next matched table's index. An atomic (relaxed: plain moves), only so that the
    /// compiler keeps it in its stack slot: held in a register, it was copied back and forth
    /// at every item of the user's loop (two more instructions per item).
    next_table: AtomicUsize,
    /// The table walk's one check per switch: the matched tables below `end` are still to
    /// come. Zero (so every switch goes to the per-row cursors) while they have rows, for an
    /// all-sparse query, and for a query that matches nothing.
    ///
    /// Not above `state.matched.len()`, and not zero only when `state` and `columns` are
    /// `Some` (the table walk's `unwrap_unchecked`s rely on it).
    end: usize,
    /// `end` as it was made (`end` while it is zeroed for the per-row cursors).
    parked_end: usize,
    /// Every row of a matched table yields an item: `size_hint` is exact.
    exact: bool,
    last_run: u32,
    this_run: u32,
}

/// The per-row checked cursors of the current table (sparse components, change filters),
/// and an all-sparse query's walk over its driver's set.
struct RowCursor<'w, Q: QueryData, F: QueryFilter> {
    /// Rows left in the cursors.
    rows: usize,
    fetch: Q::Fetch<'w>,
    filter: F::Fetch<'w>,
    /// An all-sparse query's columns, until its set walk starts (its one source is the
    /// driver's set, not the tables).
    set: Option<Q::Columns<'w>>,
}

impl<Q: QueryData, F: QueryFilter> std::fmt::Debug for QueryIter<'_, '_, Q, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryIter").field("size_hint", &self.size_hint()).finish_non_exhaustive()
    }
}

fn empty_dense<'w, Q: QueryData>() -> DenseIter<Q::Dense<'w>> {
    DenseIter::new(Q::into_dense(Default::default(), 0))
}

impl<'w, 's, Q: QueryData, F: QueryFilter> QueryIter<'w, 's, Q, F> {
    /// Inlined, so that the user's loop sees the first (empty) dense rows' pointers: known
    /// not null, as the compiler must know every dense pointer to be (see `step`).
    ///
    /// # Safety
    ///
    /// `state` was last updated on `storage` (of its own world), and `columns` were made by
    /// [`QueryData::columns`] for `state.q` from `storage` (or are a reborrow of such that has
    /// handed out no column).
    #[inline]
    pub(crate) unsafe fn new(
        storage: &'w Storage,
        state: StateRef<'s, Q, F>,
        columns: Option<Q::Columns<'w>>,
        last_run: u32,
        this_run: u32,
    ) -> Self {
        let exact = Q::exact(&state.q) && F::exact(&state.f);
        let tables = state.tables_of(storage);
        let (columns, rows) = if state.driver.is_some() {
            let set = RowCursor::<Q, F> {
                rows: 0,
                fetch: Default::default(),
                filter: Default::default(),
                set: columns,
            };
            (None, Some(Box::new(set)))
        } else {
            (columns, None)
        };
        let end = if columns.is_none() { 0 } else { state.matched.len() };
        QueryIter {
            dense: empty_dense::<Q>(),
            walk: Walk {
                storage,
                tables,
                state: ManuallyDrop::new(Some(state)),
                columns: ManuallyDrop::new(columns),
                next_table: AtomicUsize::new(0),
                end,
                parked_end: end,
                exact,
                last_run,
                this_run,
            },
            rows: ManuallyDrop::new(rows),
        }
    }

    /// An iterator that yields nothing.
    pub(crate) fn empty(storage: &'w Storage) -> Self {
        QueryIter {
            dense: empty_dense::<Q>(),
            walk: Walk {
                storage,
                tables: &[],
                state: ManuallyDrop::new(None),
                columns: ManuallyDrop::new(None),
                next_table: AtomicUsize::new(0),
                end: 0,
                parked_end: 0,
                exact: true,
                last_run: 0,
                this_run: 0,
            },
            rows: ManuallyDrop::new(None),
        }
    }

    /// The next rows to hand out, as a dense cursor: a whole table whose rows all pass, or
    /// a stretch of rows of a checked table that pass its filter, or one row of a table with
    /// sparse components. `None` at the end.
    ///
    /// The iterator's items thus come from one place, the dense cursor, which keeps the
    /// user's loop as tight as `for_each`'s.
    ///
    /// Inlined into the user's loop, which saves the call's register saves and restores at
    /// every table switch (fragmented_iter: 7,116 -> 6,487 instructions), and keeps the walk
    /// out of memory; the per-row loop and the set walk ([`step_rows`]) stay out of line
    /// and get only the box.
    ///
    /// Each return makes its own [`DenseIter`], so that the compiler learns there, before
    /// the paths merge, that the rows' pointers are not null (`DenseIter::new`): the user's
    /// loop then checks no item for `None`.
    #[inline]
    fn step(&mut self) -> Option<DenseIter<Q::Dense<'w>>> {
        let walk = &mut self.walk;
        loop {
            // The table switch: one compare decides it (see `end`), and it loads only the
            // few values it needs, apart from the per-row loop of `step_rows`.
            if walk.next_table.load(Relaxed) < walk.end {
                // SAFETY:
                // - `end` is not zero, so `state` is `Some` (`end`'s invariant).
                let state = unsafe { walk.state.as_deref().unwrap_unchecked() };
                // SAFETY:
                // - `end` is not zero, so `columns` is `Some` (`end`'s invariant).
                let columns = unsafe { walk.columns.as_mut().unwrap_unchecked() };
                let i = walk.next_table.load(Relaxed);
                walk.next_table.store(i + 1, Relaxed);
                // SAFETY:
                // - `i < end <= state.matched.len()` (`end`'s invariant).
                let t = unsafe { *state.matched.get_unchecked(i) };
                // SAFETY:
                // - `i < state.matched.len()`, which is `state.caches.len()` (`caches` is
                //   parallel to `matched`).
                let cache = unsafe { *state.caches.get_unchecked(i) };
                // SAFETY:
                // - `t` is in `state.matched`, so below `tables.len()` (Invariants).
                let table: &'w Table = unsafe { walk.tables.get_unchecked(t as usize) };
                let ticks = (walk.last_run, walk.this_run);
                // SAFETY:
                // - `cache` is `state.caches[i]`, the cache of table `matched[i]`, which is
                //   `table`, of this storage (`state` was updated on it, Invariants), and
                //   `columns` were made for `state.q` from it (Invariants).
                let fetch = unsafe { Q::fetch_cached(&state.q, columns, table, cache, ticks) };
                let filter = F::fetch_table(&state.f, walk.storage, table, ticks.0, ticks.1);
                if Q::is_dense(&fetch) && F::passes_all(&filter) {
                    // Every row is handed out from here: mark them changed in one store, as
                    // `for_each` does.
                    Q::mark_dense(&fetch);
                    return Some(DenseIter::new(Q::into_dense(fetch, table.len())));
                }
                *self.rows = Some(park(self.rows.take(), fetch, filter, table.len()));
                // The per-row cursors go first: park the table walk until they are done.
                (walk.parked_end, walk.end) = (walk.end, 0);
            }
            if let Some(rows) = self.rows.as_deref_mut()
                && (rows.rows > 0 || rows.set.is_some())
                && let Some(state) = walk.state.as_deref()
                && let Some(dense) =
                    step_rows(rows, state, walk.storage, (walk.last_run, walk.this_run))
            {
                return Some(DenseIter::new(dense));
            }
            // The per-row cursors are used up: resume the table walk (where it was parked).
            walk.end = walk.parked_end;
            if walk.next_table.load(Relaxed) >= walk.end {
                return None;
            }
        }
    }

    /// The rows of the sources (tables, or the driver's set) not reached yet.
    fn rows_after(&self) -> usize {
        let walk = &self.walk;
        let Some(state) = walk.state.as_deref() else {
            return 0;
        };
        if state.driver.is_some() {
            // The set walk, until it starts.
            let waiting = self.rows.as_ref().is_some_and(|rows| rows.set.is_some());
            if waiting { state.source_len(walk.storage, 0) } else { 0 }
        } else if walk.columns.is_some() {
            (walk.next_table.load(Relaxed)..state.matched.len())
                .map(|i| state.source_len(walk.storage, i))
                .sum()
        } else {
            0
        }
    }
}

/// Puts a table's per-row checked cursors in the box, making it the first time. Out of
/// line: it takes no address of the iterator, only the box by value.
#[inline(never)]
fn park<'w, Q: QueryData, F: QueryFilter>(
    rows: Option<Box<RowCursor<'w, Q, F>>>,
    fetch: Q::Fetch<'w>,
    filter: F::Fetch<'w>,
    len: usize,
) -> Box<RowCursor<'w, Q, F>> {
    match rows {
        Some(mut rows) => {
            (rows.fetch, rows.filter, rows.rows) = (fetch, filter, len);
            rows
        }
        None => Box::new(RowCursor { rows: len, fetch, filter, set: None }),
    }
}

/// The next rows of the per-row cursors that pass (starting an all-sparse query's set walk
/// first), as a dense cursor; `None` once they are used up. Out of line, apart from the
/// table walk, whose registers it would otherwise crowd.
#[inline(never)]
fn step_rows<'w, Q: QueryData, F: QueryFilter>(
    cursor: &mut RowCursor<'w, Q, F>,
    state: &QueryState<Q, F>,
    storage: &'w Storage,
    ticks: (u32, u32),
) -> Option<Q::Dense<'w>> {
    if let Some(mut columns) = cursor.set.take()
        && let Some((fetch, filter, rows)) = state.fetch_source(storage, &mut columns, 0, ticks)
    {
        if Q::is_dense(&fetch) && F::passes_all(&filter) {
            Q::mark_dense(&fetch);
            return Some(Q::into_dense(fetch, rows));
        }
        (cursor.fetch, cursor.filter, cursor.rows) = (fetch, filter, rows);
    }
    while cursor.rows > 0 {
        if Q::is_dense(&cursor.fetch) {
            // The next stretch of rows that pass: `skip` that fail, `run` that pass, and
            // the failing row after them (already stepped in the filter).
            let (mut skip, mut run, mut after) = (0, 0, 0);
            while cursor.rows > 0 {
                cursor.rows -= 1;
                if F::filter(&mut cursor.filter) {
                    run += 1;
                } else if run == 0 {
                    skip += 1;
                } else {
                    after = 1;
                    break;
                }
            }
            let fetch = Q::split(std::mem::take(&mut cursor.fetch), skip).1;
            let (stretch, rest) = Q::split(fetch, run);
            cursor.fetch = Q::split(rest, after).1;
            if run > 0 {
                Q::mark_each(&stretch);
                return Some(Q::into_dense(stretch, run));
            }
        } else {
            cursor.rows -= 1;
            if F::filter(&mut cursor.filter) {
                if let Some(row) = Q::next_dense(&mut cursor.fetch) {
                    return Some(row);
                }
            } else {
                Q::skip(&mut cursor.fetch);
            }
        }
    }
    None
}

impl<'w, Q: QueryData, F: QueryFilter> Iterator for QueryIter<'w, '_, Q, F> {
    type Item = Q::Item<'w>;

    #[inline]
    fn next(&mut self) -> Option<Q::Item<'w>> {
        loop {
            // The hot path: one step of the current table's counter.
            if let Some(item) = self.dense.next() {
                return Some(item);
            }
            self.dense = self.step()?;
        }
    }

    /// Exact (`lower == upper`) when every row of a matched table yields an item: no
    /// `Added`/`Changed` filter and no sparse component decides per row.
    fn size_hint(&self) -> (usize, Option<usize>) {
        let parked = self.rows.as_ref().map_or(0, |rows| rows.rows);
        let upper = self.dense.size_hint().0 + parked + self.rows_after();
        (if self.walk.exact { upper } else { 0 }, Some(upper))
    }

    #[inline]
    fn fold<B, G: FnMut(B, Self::Item) -> B>(mut self, init: B, mut g: G) -> B {
        // The rest of the current table, then every table left, with the cursors in locals
        // (not fields), so they stay in registers and are never stored back.
        let dense = std::mem::replace(&mut self.dense, empty_dense::<Q>());
        let mut acc = dense.fold(init, &mut g);
        let walk = &mut self.walk;
        let ticks = (walk.last_run, walk.this_run);
        let Some(state) = walk.state.as_deref() else {
            return acc;
        };
        if let Some(rows) = self.rows.as_deref_mut() {
            let (fetch, filter) =
                (std::mem::take(&mut rows.fetch), std::mem::take(&mut rows.filter));
            acc = run_rows::<Q, F, B>(fetch, filter, std::mem::take(&mut rows.rows), acc, &mut g);
            if let Some(mut columns) = rows.set.take() {
                // An all-sparse query whose set walk has not started.
                return fold_set(walk.storage, state, &mut columns, 0, ticks, acc, g);
            }
        }
        let Some(columns) = walk.columns.as_mut() else {
            return acc;
        };
        // SAFETY:
        // - `state` was updated on `storage`, and `columns` made for it from `storage`
        //   (Invariants).
        unsafe {
            fold_tables(walk.storage, state, columns, walk.next_table.load(Relaxed), ticks, acc, g)
        }
    }
}

impl<Q: QueryData, F: QueryFilter> std::iter::FusedIterator for QueryIter<'_, '_, Q, F> {}

/// Folds `g` over the items of the sources (matched tables, or the driver's set) from the
/// `from`-th on, with the cursors in locals: the loop behind `for_each` and `fold`.
///
/// # Safety
///
/// As [`QueryIter::new`]: `state` was last updated on `storage`, and `columns` were made for
/// `state.q` from `storage`.
#[inline(always)]
pub(super) unsafe fn fold_tables<'w, Q: QueryData, F: QueryFilter, B>(
    storage: &'w Storage,
    state: &QueryState<Q, F>,
    columns: &mut Q::Columns<'w>,
    from: usize,
    ticks: (u32, u32),
    mut acc: B,
    mut g: impl FnMut(B, Q::Item<'w>) -> B,
) -> B {
    if state.driver.is_some() {
        return fold_set(storage, state, columns, from, ticks, acc, g);
    }
    let tables = state.tables_of(storage);
    let caches = state.caches.get(from..).unwrap_or_default();
    for (&t, &cache) in state.matched.get(from..).unwrap_or_default().iter().zip(caches) {
        // SAFETY:
        // - `t` is a matched table, and `tables_of` checked that every matched table is in
        //   `tables`.
        let table: &'w Table = unsafe { tables.get_unchecked(t as usize) };
        // SAFETY:
        // - `cache` is the cache of table `t`, which is `table`, of this storage (`state` was
        //   updated on it, the caller's guarantee), and `columns` were made for `state.q`
        //   from it (the caller's guarantee).
        let fetch = unsafe { Q::fetch_cached(&state.q, columns, table, cache, ticks) };
        let filter = F::fetch_table(&state.f, storage, table, ticks.0, ticks.1);
        acc = run_rows::<Q, F, B>(fetch, filter, table.len(), acc, &mut g);
    }
    acc
}

/// `fold_tables` for an all-sparse query: over the driver's set. Apart from the table loop,
/// whose registers it would otherwise crowd.
#[inline(never)]
fn fold_set<'w, Q: QueryData, F: QueryFilter, B>(
    storage: &'w Storage,
    state: &QueryState<Q, F>,
    columns: &mut Q::Columns<'w>,
    from: usize,
    ticks: (u32, u32),
    acc: B,
    mut g: impl FnMut(B, Q::Item<'w>) -> B,
) -> B {
    match state.fetch_source(storage, columns, from, ticks) {
        Some((fetch, filter, rows)) => run_rows::<Q, F, B>(fetch, filter, rows, acc, &mut g),
        None => acc,
    }
}

/// Runs `g` over the next `rows` rows of one table's cursors: a branch-free dense loop when
/// neither the items nor the filter need per-row lookups, the general loop otherwise.
#[inline(always)]
pub(super) fn run_rows<'w, Q: QueryData, F: QueryFilter, B>(
    mut fetch: Q::Fetch<'w>,
    mut filter: F::Fetch<'w>,
    rows: usize,
    mut acc: B,
    g: &mut impl FnMut(B, Q::Item<'w>) -> B,
) -> B {
    if Q::is_dense(&fetch) && F::passes_all(&filter) {
        // Every row of the cursor is handed out below: mark them changed in one pass.
        Q::mark_dense(&fetch);
        acc = DenseIter::fold_all(Q::into_dense(fetch, rows), acc, &mut *g);
    } else {
        for _ in 0..rows {
            if F::filter(&mut filter) {
                if let Some(item) = Q::fetch(&mut fetch) {
                    acc = g(acc, item);
                }
            } else {
                Q::skip(&mut fetch);
            }
        }
    }
    acc
}
