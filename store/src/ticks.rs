//! Change ticks: when each row of a component was added and last handed out mutably.

use crate::primitives::AtomicCell;

/// The change ticks of one row of one component.
///
/// # Invariants
///
/// `added` holds the world tick at which the row's value was added; `changed` the tick at
/// which it was added or last handed out mutably. Both only ever hold ticks the world has
/// handed out.
///
/// Both are written only by a holder of the component's exclusive token (a `&mut` to the
/// world's `QCellOwner` for it, which the world lends out only from `&mut World`) or through
/// `&mut` to the storage. So while the world is borrowed shared (`&World`, which holds every
/// token), nothing writes them, and they may be read plainly
/// ([`Ticks::added_into_unsynchronized`]).
#[derive(Debug)]
pub(crate) struct RowTicks {
    pub(crate) added: AtomicCell<u32>,
    pub(crate) changed: AtomicCell<u32>,
}

/// Per-row change ticks of one component in one table (or sparse set), beside the values:
/// one entry per row, and one tick for a write to every row at once.
///
/// A loop that hands out every row of a table mutably stores one tick in `marked` instead
/// of one per row: the rows' changed tick is then the newer of their own and `marked`.
/// Any change to the set of rows first writes `marked` into the rows (`settle`), so a row
/// that arrives later is never covered by an older mark.
///
/// A snapshot keeps the rows' added ticks as one tick when they are all the same (a batch
/// spawn, a restore): `added_all` says when, so that taking one need not read them.
///
/// # Invariants
///
/// - While `marked != settled` (a mark is pending), every row in `rows` was changed at
///   `marked` or later; otherwise `marked` says nothing about the rows.
/// - `settled` only changes under `&mut self`, so shared readers see a stable value.
/// - While `rows` is not empty and `added_all` is `Some(t)`, every row was added at `t`.
///   Rows' added ticks are written only under `&mut self`, by these methods and by a
///   snapshot's restore, which keep this.
#[derive(Debug, Default)]
pub(crate) struct Ticks {
    pub(crate) rows: Vec<RowTicks>,
    /// The tick at which every row was added, where they all were added at one; `None`
    /// where they differ or nobody knew (it is a summary: `None` is always right).
    added_all: Option<u32>,
    /// The tick of the last write to every row at once.
    marked: AtomicCell<u32>,
    /// The value of `marked` last written into the rows.
    settled: u32,
}

impl RowTicks {
    #[inline]
    fn new(added: u32, changed: u32) -> Self {
        RowTicks { added: AtomicCell::new(added), changed: AtomicCell::new(changed) }
    }
}

/// When each of a column's rows was added, as a snapshot keeps it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum AddedTicks<'a> {
    /// `n` rows, all added at `tick`.
    All { tick: u32, n: usize },
    /// One tick per row.
    PerRow(&'a [u32]),
}

impl AddedTicks<'_> {
    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        match self {
            AddedTicks::All { n, .. } => *n,
            AddedTicks::PerRow(ticks) => ticks.len(),
        }
    }

    /// When row `row` was added.
    #[inline]
    pub(crate) fn get(&self, row: usize) -> u32 {
        match self {
            AddedTicks::All { tick, .. } => *tick,
            AddedTicks::PerRow(ticks) => ticks[row],
        }
    }
}

/// Whether `a` is a later tick than `b` (wrap-around safe within half the tick range).
#[inline(always)]
fn later(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

impl Ticks {
    /// Marks every row as changed at `tick`, in O(1). Needs the component's exclusive token
    /// (every row is handed out mutably), so no other writer races the load and store.
    #[inline]
    pub(crate) fn mark_all(&self, tick: u32) {
        let marked = self.marked.load();
        if marked == self.settled || later(tick, marked) {
            self.marked.store(tick);
        }
    }

    /// The tick of a pending mark of every row, if there is one.
    #[inline]
    pub(crate) fn pending(&self) -> Option<u32> {
        let marked = self.marked.load();
        (marked != self.settled).then_some(marked)
    }

    /// Writes a pending mark into the rows, so the set of rows can change.
    #[inline]
    fn settle(&mut self) {
        // Exclusive access: a plain read, not an atomic load.
        let marked = *self.marked.get_mut();
        if marked != self.settled {
            self.settle_rows(marked);
        }
    }

    #[cold]
    fn settle_rows(&mut self, marked: u32) {
        for row in &self.rows {
            if later(marked, row.changed.load()) {
                row.changed.store(marked);
            }
        }
        self.settled = marked;
    }

    /// The tick at which every row was added, if they all were added at one (any tick while
    /// there are no rows).
    #[inline]
    pub(crate) fn added_all(&self) -> Option<u32> {
        if self.rows.is_empty() { Some(0) } else { self.added_all }
    }

    /// Records that rows added at `added` are about to be appended.
    #[inline]
    fn note_added(&mut self, added: u32) {
        self.added_all =
            if self.rows.is_empty() { Some(added) } else { self.added_all.filter(|&a| a == added) };
    }

    #[inline]
    pub(crate) fn push(&mut self, added: u32, changed: u32) {
        self.settle();
        self.note_added(added);
        self.rows.push(RowTicks::new(added, changed));
    }

    /// Removes row `row` (the last row takes its place); returns its (added, changed) ticks.
    #[inline]
    pub(crate) fn swap_remove(&mut self, row: usize) -> (u32, u32) {
        self.settle();
        let RowTicks { added, changed } = self.rows.swap_remove(row);
        (added.into_inner(), changed.into_inner())
    }

    /// Appends `n` rows added and changed at `tick`.
    pub(crate) fn extend(&mut self, n: usize, tick: u32) {
        self.settle();
        if n > 0 {
            self.note_added(tick);
        }
        self.rows.extend((0..n).map(|_| RowTicks::new(tick, tick)));
    }

    /// Appends every row's added tick to `out`, in row order, with plain loads: a loop the
    /// compiler vectorizes, where one atomic load per row is an instruction each (a whole
    /// snapshot copies every row's tick).
    ///
    /// # Safety
    ///
    /// - No thread writes these ticks while this runs, and every earlier write happens before
    ///   it: the caller holds the world they belong to borrowed shared as a whole (`&World`;
    ///   see [`RowTicks`]).
    #[allow(unsafe_code)]
    pub(crate) unsafe fn added_into_unsynchronized(&self, out: &mut Vec<u32>) {
        // SAFETY:
        // - nothing writes the ticks meanwhile, and earlier writes happen before (the caller's
        //   guarantee), which is what `load_unsynchronized` asks of each cell.
        out.extend(self.rows.iter().map(|t| unsafe { t.added.load_unsynchronized() }));
    }

    /// Makes these the ticks of the rows `added` says, every one changed at `tick`: rows the
    /// column already has keep their own changed tick under a pending mark at `tick` (one
    /// store, not one per row), and their added tick is written only where `added_all` does
    /// not already say it. What a whole restore of a snapshot does.
    ///
    /// `tick` is a fresh run tick (`Storage::next_run_tick`): no row holds a later one, and
    /// no mark was made at it.
    pub(crate) fn restore(&mut self, added: AddedTicks<'_>, tick: u32) {
        debug_assert!(self.rows.iter().all(|t| !later(t.changed.load(), tick)), "a fresh tick");
        let n = added.len();
        // Rows go: the pending mark (if any) still covers the rest; rows come: changed at
        // `tick`, the mark this sets.
        self.rows.truncate(n);
        let kept = self.rows.len();
        match added {
            AddedTicks::All { tick: at, .. } => {
                if self.added_all() != Some(at) {
                    for row in &mut self.rows {
                        *row.added.get_mut() = at;
                    }
                }
                self.rows.extend((kept..n).map(|_| RowTicks::new(at, tick)));
                self.added_all = Some(at);
            }
            AddedTicks::PerRow(ticks) => {
                for (row, &at) in self.rows.iter_mut().zip(ticks) {
                    *row.added.get_mut() = at;
                }
                self.rows.extend(ticks[kept..].iter().map(|&at| RowTicks::new(at, tick)));
                self.added_all = None;
            }
        }
        let marked = self.marked.get_mut();
        debug_assert!(*marked == self.settled || later(tick, *marked), "a fresh run tick");
        debug_assert!(tick != self.settled, "a fresh run tick, so the mark is pending");
        *marked = tick;
    }

    /// Forgets that every row was added at one tick (before writing rows' added ticks one by
    /// one).
    pub(crate) fn forget_added_all(&mut self) {
        self.added_all = None;
    }

    pub(crate) fn reserve(&mut self, n: usize) {
        self.rows.reserve(n);
    }

    pub(crate) fn clear(&mut self) {
        self.rows.clear();
        self.settled = *self.marked.get_mut();
    }
}
