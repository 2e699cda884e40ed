//! The table graph: which table a set of components lives in, and the cached moves (edges)
//! between tables made by inserting or removing a bundle type, so that a structural change
//! looks up one edge and nothing by component.

use std::any::TypeId;
use std::collections::HashMap;

use smallvec::SmallVec;

use crate::component::{ComponentId, StorageKind};

use super::table::Table;
use super::{IdMap, Storage};

/// Where one value of a bundle goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// A new last row of the column at this arena position (in the destination table).
    Push(u32),
    /// The entity's existing row of the column at this arena position (in the source
    /// table: the value is replaced before the row moves, and moves with it).
    Replace(u32),
    /// The component's sparse set.
    Sparse,
}

/// What a world caches about one bundle type.
#[derive(Debug)]
pub(crate) struct BundleInfo {
    /// The components, in bundle order.
    pub(super) ids: Box<[ComponentId]>,
    /// The table components of the bundle, sorted.
    pub(super) table_ids: Box<[ComponentId]>,
    /// The table an entity spawned with this bundle alone goes to, and where each value
    /// goes there.
    pub(super) spawn_table: u32,
    pub(super) spawn_targets: Box<[Target]>,
}

/// What happens to one component of the source table when a row moves.
#[derive(Clone, Copy, Debug)]
pub(super) struct ColumnMove {
    pub(super) component: ComponentId,
    /// The component's index in the source table.
    pub(super) src: u32,
    /// Its index in the destination table; `None` where the destination lacks it (a
    /// removed component: its value was taken out already).
    pub(super) dst: Option<u32>,
    /// The arena positions of the source and destination columns.
    pub(super) from: u32,
    pub(super) to: u32,
}

/// A cached move from one table to another by inserting a bundle: everything an insert
/// needs, so that it looks up nothing but the edge itself.
#[derive(Debug)]
pub(super) struct InsertEdge {
    pub(super) to: u32,
    /// The bundle's components, in bundle order.
    pub(super) ids: Box<[ComponentId]>,
    pub(super) targets: Box<[Target]>,
    /// For each bundle value: its component's index in the destination table (for the
    /// ticks), `None` for a sparse component.
    pub(super) ticks: Box<[Option<u32>]>,
    /// How the row moves (empty where the table stays).
    pub(super) moves: Box<[ColumnMove]>,
    /// Whether every value goes to a sparse set: then no table is touched.
    pub(super) sparse_only: bool,
}

/// A cached move from one table to another by removing a bundle.
#[derive(Debug)]
pub(super) struct RemoveEdge {
    pub(super) to: u32,
    /// The bundle's components, in bundle order.
    pub(super) ids: Box<[ComponentId]>,
    /// For each bundle value: the arena position of its column in the source table, `None`
    /// for a sparse component (or a table component the source table lacks).
    pub(super) sources: Box<[Option<u32>]>,
    /// Whether every value is in a column of the source table: then nothing is checked per
    /// entity.
    pub(super) all_present: bool,
    /// How the row moves (empty where the table stays).
    pub(super) moves: Box<[ColumnMove]>,
    /// Whether every value comes from a sparse set: then no table is touched.
    pub(super) sparse_only: bool,
}

/// The tables' index and the cached edges.
#[derive(Debug, Default)]
pub(super) struct Graph {
    /// The table of each sorted set of table components.
    table_ids: HashMap<SmallVec<[ComponentId; 8]>, u32>,
    pub(super) bundles: IdMap<TypeId, BundleInfo>,
    /// By table, then bundle type: the index in `inserts` of the move made by inserting it.
    insert_index: Vec<EdgeIndex>,
    /// By table, then bundle type: the index in `removes` of the move made by removing it.
    remove_index: Vec<EdgeIndex>,
    pub(super) inserts: Vec<InsertEdge>,
    pub(super) removes: Vec<RemoveEdge>,
}

/// One table's edges by bundle type: a short list scanned in order (a table rarely has more
/// than a few bundle types inserted or removed), spilling into a hash map past
/// `EdgeIndex::SCAN` entries.
#[derive(Debug, Default)]
struct EdgeIndex {
    /// (A `Vec`, not a small vector: the scan then has no inline-or-heap branch.)
    first: Vec<(TypeId, u32)>,
    rest: IdMap<TypeId, u32>,
}

impl EdgeIndex {
    /// How many edges are found by a scan before the hash map takes the others.
    const SCAN: usize = 8;

    #[inline]
    fn get(&self, key: TypeId) -> Option<u32> {
        match self.first.iter().find(|(k, _)| *k == key) {
            Some(&(_, edge)) => Some(edge),
            None if self.first.len() == Self::SCAN => self.rest.get(&key).copied(),
            None => None,
        }
    }

    fn insert(&mut self, key: TypeId, edge: u32) {
        if self.first.len() < Self::SCAN {
            self.first.push((key, edge));
        } else {
            self.rest.insert(key, edge);
        }
    }
}

impl Graph {
    /// The cached insert edge of bundle type `key` out of table `from`.
    #[inline]
    pub(super) fn insert_edge(&self, from: u32, key: TypeId) -> Option<u32> {
        self.insert_index[from as usize].get(key)
    }

    /// The cached remove edge of bundle type `key` out of table `from`.
    #[inline]
    pub(super) fn remove_edge(&self, from: u32, key: TypeId) -> Option<u32> {
        self.remove_index[from as usize].get(key)
    }
}

/// The plan for moving rows from `src` to `dst`.
fn plan(src: &Table, dst: &Table) -> Box<[ColumnMove]> {
    (src.components().iter().enumerate())
        .map(|(i, &component)| {
            let dst_index = dst.index_of(component);
            ColumnMove {
                component,
                src: i as u32,
                dst: dst_index.map(|d| d as u32),
                from: src.column_position(i) as u32,
                to: dst_index.map_or(0, |d| dst.column_position(d) as u32),
            }
        })
        .collect()
}

impl Storage {
    /// The table for a sorted set of table components, made if it does not exist.
    pub(super) fn table_for(&mut self, components: SmallVec<[ComponentId; 8]>) -> u32 {
        if let Some(&t) = self.graph.table_ids.get(&components) {
            return t;
        }
        let t = self.tables.len() as u32;
        let positions = components.iter().map(|&c| self.store_mut(c).add_table_column()).collect();
        self.tables.push(Table::new(&components, positions));
        self.graph.insert_index.push(EdgeIndex::default());
        self.graph.remove_index.push(EdgeIndex::default());
        self.graph.table_ids.insert(components, t);
        t
    }

    /// Caches what the storage needs about bundle type `key`, whose components (registered,
    /// no two alike) are `ids`, in bundle order.
    pub(crate) fn add_bundle(&mut self, key: TypeId, ids: &[ComponentId]) {
        let mut table_ids: SmallVec<[ComponentId; 8]> =
            ids.iter().copied().filter(|&id| self.store(id).kind() == StorageKind::Table).collect();
        table_ids.sort_unstable();
        let spawn_table = self.table_for(table_ids.clone());
        let table = &self.tables[spawn_table as usize];
        let spawn_targets = ids
            .iter()
            .map(|&id| match table.index_of(id) {
                Some(i) => Target::Push(table.column_position(i) as u32),
                None => Target::Sparse,
            })
            .collect();
        let info = BundleInfo {
            ids: ids.into(),
            table_ids: table_ids.as_slice().into(),
            spawn_table,
            spawn_targets,
        };
        self.graph.bundles.insert(key, info);
    }

    /// Whether bundle type `key` is known.
    #[inline]
    pub(crate) fn has_bundle(&self, key: TypeId) -> bool {
        self.graph.bundles.contains_key(&key)
    }

    /// The cached insert edge of bundle `key` out of table `from`, if there is one.
    #[inline]
    pub(crate) fn cached_insert_edge(&self, from: u32, key: TypeId) -> Option<u32> {
        self.graph.insert_edge(from, key)
    }

    /// The cached remove edge of bundle `key` out of table `from`, if there is one.
    #[inline]
    pub(crate) fn cached_remove_edge(&self, from: u32, key: TypeId) -> Option<u32> {
        self.graph.remove_edge(from, key)
    }

    /// The insert edge of bundle `key` (known) out of table `from`, built if new.
    #[inline]
    pub(crate) fn find_insert_edge(&mut self, from: u32, key: TypeId) -> u32 {
        match self.graph.insert_edge(from, key) {
            Some(edge) => edge,
            None => self.build_insert_edge(from, key),
        }
    }

    #[cold]
    fn build_insert_edge(&mut self, from: u32, key: TypeId) -> u32 {
        let info = &self.graph.bundles[&key];
        let ids = info.ids.clone();
        let mut set: SmallVec<[ComponentId; 8]> = self.tables[from as usize].components().into();
        for &id in info.table_ids.iter() {
            if !set.contains(&id) {
                set.push(id);
            }
        }
        set.sort_unstable();
        let to = self.table_for(set);
        let (old, new) = (&self.tables[from as usize], &self.tables[to as usize]);
        let targets: Box<[Target]> = (ids.iter())
            .map(|&id| match (self.store(id).kind(), old.index_of(id), new.index_of(id)) {
                (StorageKind::SparseSet, ..) => Target::Sparse,
                (_, Some(i), _) => Target::Replace(old.column_position(i) as u32),
                (_, None, Some(i)) => Target::Push(new.column_position(i) as u32),
                (_, None, None) => unreachable!("the destination has every table component"),
            })
            .collect();
        let ticks = ids.iter().map(|&id| new.index_of(id).map(|i| i as u32)).collect();
        let moves = if to == from { Box::default() } else { plan(old, new) };
        let sparse_only = to == from && targets.iter().all(|&t| t == Target::Sparse);
        let index = self.graph.inserts.len() as u32;
        self.graph.inserts.push(InsertEdge { to, ids, targets, ticks, moves, sparse_only });
        self.graph.insert_index[from as usize].insert(key, index);
        index
    }

    /// The remove edge of bundle `key` (known) out of table `from`, built if new.
    #[inline]
    pub(crate) fn find_remove_edge(&mut self, from: u32, key: TypeId) -> u32 {
        match self.graph.remove_edge(from, key) {
            Some(edge) => edge,
            None => self.build_remove_edge(from, key),
        }
    }

    #[cold]
    fn build_remove_edge(&mut self, from: u32, key: TypeId) -> u32 {
        let info = &self.graph.bundles[&key];
        let table = &self.tables[from as usize];
        let sources: Box<[Option<u32>]> = (info.ids.iter())
            .map(|&id| match self.store(id).kind() {
                StorageKind::Table => table.index_of(id).map(|i| table.column_position(i) as u32),
                StorageKind::SparseSet => None,
            })
            .collect();
        let all_present = sources.iter().all(Option::is_some);
        let ids = info.ids.clone();
        let set = table.components().iter().copied().filter(|c| !info.table_ids.contains(c));
        let to = self.table_for(set.collect());
        let (old, new) = (&self.tables[from as usize], &self.tables[to as usize]);
        let moves = if to == from { Box::default() } else { plan(old, new) };
        let sparse_only = to == from && (ids.iter()).all(|&id| self.store(id).sparse().is_some());
        let index = self.graph.removes.len() as u32;
        let edge = RemoveEdge { to, ids, sources, all_present, moves, sparse_only };
        self.graph.removes.push(edge);
        self.graph.remove_index[from as usize].insert(key, index);
        index
    }
}
