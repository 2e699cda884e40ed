//! `ColumnBatch`: components for many entities, one `Vec` per component type, spawned by
//! moving each `Vec` into its column in one copy.

use std::any::{Any, TypeId};
use std::fmt;

use crate::component::{Component, ComponentId};
use crate::entity::Entity;

use super::components::ComponentStore;
use super::{Storage, Tokens};

/// Components for many entities, one `Vec` per component type: entity `i` gets element `i`
/// of every `Vec`. [`World::spawn_column_batch`](crate::World::spawn_column_batch) moves
/// each `Vec` into its column in one copy, with one type check per column (hecs calls this
/// `ColumnBatch` too).
///
/// # Examples
///
/// ```
/// use cellar::{ColumnBatch, World};
///
/// let batch = ColumnBatch::new().with(vec![1u32, 2, 3]).with(vec!['a', 'b', 'c']);
/// let mut world = World::new();
/// let es = world.spawn_column_batch(batch).unwrap().to_vec();
/// assert_eq!(world.get::<char>(es[1]), Ok(&'b'));
/// ```
#[derive(Default)]
pub struct ColumnBatch {
    len: Option<usize>,
    columns: Vec<BatchColumn>,
    error: Option<ColumnBatchError>,
}

/// One component's values, type-erased until they reach their column.
pub(crate) struct BatchColumn {
    type_id: TypeId,
    pub(crate) register: fn(&mut Storage, &mut Tokens) -> ComponentId,
    values: Box<dyn Any + Send + Sync>,
    append: AppendFn,
}

/// Moves a `Vec<T>` (boxed) to the end of `T`'s column at the given arena position, or
/// into `T`'s sparse set for the given entities.
type AppendFn = fn(Box<dyn Any + Send + Sync>, &mut ComponentStore, Option<u32>, &[Entity], u32);

impl fmt::Debug for ColumnBatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ColumnBatch")
            .field("len", &self.len)
            .field("columns", &self.columns.len())
            .field("error", &self.error)
            .finish()
    }
}

/// Why a [`ColumnBatch`] cannot be spawned.
///
/// ```
/// use cellar::{ColumnBatch, ColumnBatchError, World};
///
/// let batch = ColumnBatch::new().with(vec![1u8, 2]).with(vec![1u16]);
/// assert_eq!(
///     World::new().spawn_column_batch(batch).unwrap_err(),
///     ColumnBatchError::LengthMismatch { component: "u16", len: 1, expected: 2 }
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnBatchError {
    /// One `Vec` has another length than the first one added.
    LengthMismatch {
        /// The component type of the `Vec`.
        component: &'static str,
        /// Its length.
        len: usize,
        /// The first `Vec`'s length.
        expected: usize,
    },
    /// Two `Vec`s of one component type.
    Duplicate {
        /// The component type.
        component: &'static str,
    },
}

impl fmt::Display for ColumnBatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnBatchError::LengthMismatch { component, len, expected } => write!(
                f,
                "the column batch's {component} column has {len} values, the first one {expected}"
            ),
            ColumnBatchError::Duplicate { component } => {
                write!(f, "the column batch has two {component} columns")
            }
        }
    }
}

impl std::error::Error for ColumnBatchError {}

impl ColumnBatch {
    /// An empty batch (spawning it spawns nothing).
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// assert!(world.spawn_column_batch(cellar::ColumnBatch::new()).unwrap().is_empty());
    /// ```
    pub fn new() -> Self {
        ColumnBatch::default()
    }

    /// Adds the values of one component type; every `Vec` must have the same length, and
    /// each type may come once (otherwise spawning the batch is an error).
    ///
    /// ```
    /// let batch = cellar::ColumnBatch::new().with(vec![0.5f32; 10]);
    /// assert_eq!(batch.len(), 10);
    /// ```
    pub fn with<T: Component>(mut self, values: Vec<T>) -> Self {
        let component = std::any::type_name::<T>();
        let type_id = TypeId::of::<T>();
        if self.error.is_none() {
            if self.columns.iter().any(|c| c.type_id == type_id) {
                self.error = Some(ColumnBatchError::Duplicate { component });
            } else if let Some(expected) = self.len.filter(|&l| l != values.len()) {
                let len = values.len();
                self.error = Some(ColumnBatchError::LengthMismatch { component, len, expected });
            }
        }
        self.len.get_or_insert(values.len());
        self.columns.push(BatchColumn {
            type_id,
            register: Storage::init_component::<T>,
            values: Box::new(values),
            append: append::<T>,
        });
        self
    }

    /// The number of entities the batch spawns.
    ///
    /// ```
    /// assert_eq!(cellar::ColumnBatch::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.len.unwrap_or(0)
    }

    /// Whether the batch spawns no entity.
    ///
    /// ```
    /// assert!(cellar::ColumnBatch::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The columns, once checked.
    pub(crate) fn into_columns(self) -> Result<(usize, Vec<BatchColumn>), ColumnBatchError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok((self.len(), self.columns)),
        }
    }
}

fn append<T: Component>(
    values: Box<dyn Any + Send + Sync>,
    store: &mut ComponentStore,
    position: Option<u32>,
    entities: &[Entity],
    tick: u32,
) {
    let values = *values.downcast::<Vec<T>>().expect("a batch column holds its own type");
    match position {
        Some(pos) => store.column_mut(pos).extend_from_vec(values),
        None => {
            let (set, column) = store.sparse_mut().expect("a column without a table is sparse");
            set.extend(column, entities, values, tick);
        }
    }
}

impl Storage {
    /// Spawns `n` entities with `columns` (their components registered as `ids`, no two
    /// alike, each `Vec` of length `n`). Nothing here runs user code: the values are moved,
    /// not dropped.
    pub(crate) fn spawn_columns(
        &mut self,
        n: usize,
        ids: &[ComponentId],
        columns: Vec<BatchColumn>,
    ) -> &[Entity] {
        let mut set: smallvec::SmallVec<[ComponentId; 8]> =
            (ids.iter().copied()).filter(|&id| self.store(id).sparse().is_none()).collect();
        set.sort_unstable();
        let t = self.table_for(set);
        let tick = self.tick.load();
        let Storage { entities, tables, components, .. } = self;
        let table = &mut tables[t as usize];
        let start = table.len();
        table.reserve(n);
        entities.reserve(n);
        for row in start..start + n {
            let entity = entities.alloc(crate::entity::Location { table: t, row: row as u32 });
            table.push_entity(entity);
        }
        table.push_ticks_bulk(n, tick);
        let table = &tables[t as usize];
        let spawned = &table.entities()[start..];
        for (&id, column) in ids.iter().zip(columns) {
            let position = table.index_of(id).map(|i| table.column_position(i) as u32);
            let store = components[id.index()].as_mut().expect("registered");
            (column.append)(column.values, store, position, spawned, tick);
        }
        spawned
    }
}
