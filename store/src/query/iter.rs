//! `QueryIter`: the iterator a plain `for` loop over a query uses, as fast as `for_each`.
//!
//! The iterator is two parts. `dense` is the current table's columns as [`DenseIter`]: a
//! pointer past each column's end and one counter for all of them, stepped once per item
//! (`query/dense.rs`). That is all `next` touches for tables that need no per-row check, and
//! it is small enough that the compiler keeps it in registers across the user's loop.
//! Everything else (which table is next, the per-row checked cursors of sparse components
//! and change filters, the columns still to be handed out) sits behind a `Box` in a
//! [`Cursor`], so calling into it never takes the address of the loop's state.
#![allow(unsafe_code)] // The table switch reads the matched table and the cursor's parts unchecked, by `end`'s invariant.

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
    cursor: Box<Cursor<'w, 's, Q, F>>,
}

/// Where a query iterator is between tables, and its per-row checked cursors.
///
/// # Invariants
///
/// - `end <= state.matched.len()` (`state.caches` is as long), and `end > 0` only when
///   `state` and `columns` are `Some`; neither is ever changed after the cursor is made, nor
///   `state.matched` while it lives (the state is borrowed, or owned by the cursor);
/// - every index in `state.matched` is below `tables.len()` (checked when the cursor is made,
///   [`QueryState::tables_of`]; the storage is borrowed shared, so its tables stay).
struct Cursor<'w, 's, Q: QueryData, F: QueryFilter> {
    /// Rows left in the current table's general (per-row checked) cursors.
    rows: usize,
    fetch: Q::Fetch<'w>,
    filter: F::Fetch<'w>,
    storage: &'w Storage,
    /// `storage`'s tables.
    tables: &'w [Table],
    /// `None` for a query that matches nothing (a component unknown to the world).
    state: Option<StateRef<'s, Q, F>>,
    columns: Option<Q::Columns<'w>>,
    next_table: usize,
    /// The table walk's one check per switch: the matched tables below `end` are still to
    /// come. Zero (so every switch goes to [`Cursor::step_cold`]) while the per-row cursors
    /// have rows, for an all-sparse query, and for a query that matches nothing.
    ///
    /// Not above `state.matched.len()`, and not zero only when `state` and `columns` are
    /// `Some` (the table walk's `unwrap_unchecked`s rely on it).
    end: usize,
    /// `end` as it was made (`end` while it is zeroed for the per-row cursors).
    parked_end: usize,
    /// Every row of a matched table yields an item: `size_hint` is exact.
    exact: bool,
    /// An all-sparse query: its one source is the driver's set, not the tables.
    walks_set: bool,
    last_run: u32,
    this_run: u32,
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
    /// not null, as the compiler must know every dense pointer to be (see [`Cursor::step`]).
    #[inline]
    pub(crate) fn new(
        storage: &'w Storage,
        state: StateRef<'s, Q, F>,
        columns: Option<Q::Columns<'w>>,
        last_run: u32,
        this_run: u32,
    ) -> Self {
        let exact = Q::exact(&state.q) && F::exact(&state.f);
        let walks_set = state.driver.is_some();
        let end = if walks_set || columns.is_none() { 0 } else { state.matched.len() };
        let tables = state.tables_of(storage);
        QueryIter {
            dense: empty_dense::<Q>(),
            cursor: Box::new(Cursor {
                rows: 0,
                fetch: Default::default(),
                filter: Default::default(),
                storage,
                tables,
                state: Some(state),
                columns,
                next_table: 0,
                end,
                parked_end: end,
                exact,
                walks_set,
                last_run,
                this_run,
            }),
        }
    }

    /// An iterator that yields nothing.
    pub(crate) fn empty(storage: &'w Storage) -> Self {
        QueryIter {
            dense: empty_dense::<Q>(),
            cursor: Box::new(Cursor {
                rows: 0,
                fetch: Default::default(),
                filter: Default::default(),
                storage,
                tables: &[],
                state: None,
                columns: None,
                next_table: 0,
                end: 0,
                parked_end: 0,
                exact: true,
                walks_set: false,
                last_run: 0,
                this_run: 0,
            }),
        }
    }
}

impl<'w, Q: QueryData, F: QueryFilter> Cursor<'w, '_, Q, F> {
    /// The next rows to hand out, as a dense cursor: a whole table whose rows all pass, or
    /// a stretch of rows of a checked table that pass its filter, or one row of a table with
    /// sparse components. `None` at the end.
    ///
    /// The iterator's items thus come from one place, the dense cursor, which keeps the
    /// user's loop as tight as `for_each`'s.
    ///
    /// Inlined into the user's loop, which saves the call's register saves and restores at
    /// every table switch (fragmented_iter: 7,116 -> 6,487 instructions); the per-row loop
    /// (`step_rows`) and the set walk (`step_set`) stay out of line, so the dense cursor
    /// keeps its registers.
    ///
    /// Each return makes its own [`DenseIter`], so that the compiler learns there, before
    /// the paths merge, that the rows' pointers are not null (`DenseIter::new`): the user's
    /// loop then checks no item for `None`.
    #[inline]
    fn step(&mut self) -> Option<DenseIter<Q::Dense<'w>>> {
        loop {
            // The table switch: one compare decides it (see `end`), and it loads only the
            // few values it needs, apart from the per-row loop of `step_rows`.
            if self.next_table < self.end {
                // SAFETY:
                // - `end` is not zero, so `state` is `Some` (`end`'s invariant).
                let state = unsafe { self.state.as_deref().unwrap_unchecked() };
                // SAFETY:
                // - `end` is not zero, so `columns` is `Some` (`end`'s invariant).
                let columns = unsafe { self.columns.as_mut().unwrap_unchecked() };
                let i = self.next_table;
                // SAFETY:
                // - `i < end <= state.matched.len()` (`end`'s invariant).
                let t = unsafe { *state.matched.get_unchecked(i) };
                // SAFETY:
                // - `i < state.matched.len()`, which is `state.caches.len()` (`caches` is
                //   parallel to `matched`).
                let cache = unsafe { *state.caches.get_unchecked(i) };
                self.next_table += 1;
                // SAFETY:
                // - `t` is in `state.matched`, so below `tables.len()` (Invariants).
                let table: &'w Table = unsafe { self.tables.get_unchecked(t as usize) };
                let ticks = (self.last_run, self.this_run);
                let fetch = Q::fetch_cached(&state.q, columns, table, cache, ticks);
                let filter = F::fetch_table(&state.f, self.storage, table, ticks.0, ticks.1);
                if Q::is_dense(&fetch) && F::passes_all(&filter) {
                    // Every row is handed out from here: mark them changed in one store, as
                    // `for_each` does.
                    Q::mark_dense(&fetch);
                    return Some(DenseIter::new(Q::into_dense(fetch, table.len())));
                }
                (self.fetch, self.filter, self.rows) = (fetch, filter, table.len());
                // The per-row cursors go first: park the table walk until they are done.
                (self.parked_end, self.end) = (self.end, 0);
            }
            if (self.rows > 0 || self.walks_set)
                && let Some(rows) = self.step_cold()
            {
                return Some(DenseIter::new(rows));
            }
            // The per-row cursors are used up: resume the table walk (where it was parked).
            self.end = self.parked_end;
            if self.next_table >= self.end {
                return None;
            }
        }
    }

    /// `step` where the table walk has nothing to hand out: the rows of the per-row
    /// cursors, or the set walk of an all-sparse query. Out of line, apart from the table
    /// walk, whose registers it would otherwise crowd.
    #[inline(never)]
    fn step_cold(&mut self) -> Option<Q::Dense<'w>> {
        if self.walks_set { self.step_set() } else { self.step_rows() }
    }

    /// `step` for an all-sparse query: its one source is the driver's set.
    #[inline(always)]
    fn step_set(&mut self) -> Option<Q::Dense<'w>> {
        if self.next_table == 0 {
            self.next_table = 1;
            let (columns, state) = (self.columns.as_mut()?, self.state.as_deref()?);
            let ticks = (self.last_run, self.this_run);
            let (fetch, filter, rows) = state.fetch_source(self.storage, columns, 0, ticks)?;
            if Q::is_dense(&fetch) && F::passes_all(&filter) {
                Q::mark_dense(&fetch);
                return Some(Q::into_dense(fetch, rows));
            }
            (self.fetch, self.filter, self.rows) = (fetch, filter, rows);
        }
        self.step_rows()
    }

    /// The next rows of the current table's per-row checked cursors that pass, as a dense
    /// cursor; `None` once its rows are used up.
    #[inline(never)]
    fn step_rows(&mut self) -> Option<Q::Dense<'w>> {
        while self.rows > 0 {
            if Q::is_dense(&self.fetch) {
                // The next stretch of rows that pass: `skip` that fail, `run` that pass, and
                // the failing row after them (already stepped in the filter).
                let (mut skip, mut run, mut after) = (0, 0, 0);
                while self.rows > 0 {
                    self.rows -= 1;
                    if F::filter(&mut self.filter) {
                        run += 1;
                    } else if run == 0 {
                        skip += 1;
                    } else {
                        after = 1;
                        break;
                    }
                }
                let fetch = Q::split(std::mem::take(&mut self.fetch), skip).1;
                let (stretch, rest) = Q::split(fetch, run);
                self.fetch = Q::split(rest, after).1;
                if run > 0 {
                    Q::mark_each(&stretch);
                    return Some(Q::into_dense(stretch, run));
                }
            } else {
                self.rows -= 1;
                if F::filter(&mut self.filter) {
                    if let Some(row) = Q::next_dense(&mut self.fetch) {
                        return Some(row);
                    }
                } else {
                    Q::skip(&mut self.fetch);
                }
            }
        }
        None
    }

    /// The rows of the sources (tables, or the driver's set) not reached yet.
    fn rows_after(&self) -> usize {
        match (&self.state, &self.columns) {
            (Some(state), Some(_)) => {
                (self.next_table..state.sources()).map(|i| state.source_len(self.storage, i)).sum()
            }
            _ => 0,
        }
    }
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
            self.dense = self.cursor.step()?;
        }
    }

    /// Exact (`lower == upper`) when every row of a matched table yields an item: no
    /// `Added`/`Changed` filter and no sparse component decides per row.
    fn size_hint(&self) -> (usize, Option<usize>) {
        let upper = self.dense.size_hint().0 + self.cursor.rows + self.cursor.rows_after();
        (if self.cursor.exact { upper } else { 0 }, Some(upper))
    }

    #[inline]
    fn fold<B, G: FnMut(B, Self::Item) -> B>(mut self, init: B, mut g: G) -> B {
        // The rest of the current table, then every table left, with the cursors in locals
        // (not fields), so they stay in registers and are never stored back.
        let dense = std::mem::replace(&mut self.dense, empty_dense::<Q>());
        let mut acc = dense.fold(init, &mut g);
        let cursor = &mut *self.cursor;
        let (fetch, filter) =
            (std::mem::take(&mut cursor.fetch), std::mem::take(&mut cursor.filter));
        acc = run_rows::<Q, F, B>(fetch, filter, cursor.rows, acc, &mut g);
        let (Some(columns), Some(state)) = (cursor.columns.as_mut(), cursor.state.as_deref())
        else {
            return acc;
        };
        let ticks = (cursor.last_run, cursor.this_run);
        fold_tables(cursor.storage, state, columns, cursor.next_table, ticks, acc, g)
    }
}

impl<Q: QueryData, F: QueryFilter> std::iter::FusedIterator for QueryIter<'_, '_, Q, F> {}

/// Folds `g` over the items of the sources (matched tables, or the driver's set) from the
/// `from`-th on, with the cursors in locals: the loop behind `for_each` and `fold`.
#[inline(always)]
pub(super) fn fold_tables<'w, Q: QueryData, F: QueryFilter, B>(
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
        let fetch = Q::fetch_cached(&state.q, columns, table, cache, ticks);
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
