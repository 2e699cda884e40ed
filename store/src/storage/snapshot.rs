//! Narrow access for snapshots (`crate::snapshot`): what a snapshot reads, and the parts a
//! restore overwrites whole while the world is borrowed exclusively. Nothing here changes a
//! row; the restore keeps every table, column and sparse set in step itself (and clears the
//! world if a user `Clone` or `Drop` unwinds out of it).

use std::any::{Any, TypeId};

use smallvec::SmallVec;

use crate::component::ComponentId;
use crate::entity_slots::EntitySlots;

use super::resources::ResourceSlot;
use super::{Column, ComponentStore, IdMap, SparseSet, Storage, Table, Tokens};

/// A resource value as a world keeps it.
type AnyResource = dyn Any + Send + Sync;

/// The parts of a storage a restore overwrites.
#[derive(Debug)]
pub(crate) struct SnapshotParts<'a> {
    pub(crate) entities: &'a mut EntitySlots,
    pub(crate) tables: &'a mut [Table],
    /// By `ComponentId` index.
    pub(crate) components: &'a mut [Option<ComponentStore>],
    resources: &'a mut IdMap<TypeId, ResourceSlot>,
}

impl Storage {
    /// The entity slots: generations, locations and the free list.
    pub(crate) fn entity_slots(&self) -> &EntitySlots {
        self.entities.slots()
    }

    /// What the world keeps about each component type it uses, in `ComponentId` order.
    pub(crate) fn component_stores(&self) -> impl Iterator<Item = &ComponentStore> {
        self.components.iter().flatten()
    }

    /// The world's store of component `id`, if it uses it.
    pub(crate) fn component_store(&self, id: ComponentId) -> Option<&ComponentStore> {
        self.components.get(id.index())?.as_ref()
    }

    /// Whether a table holds exactly this sorted set of components.
    pub(crate) fn has_table(&self, components: &[ComponentId]) -> bool {
        self.tables.iter().any(|t| t.components() == components)
    }

    /// The table for a sorted set of components, made (as the last table) if there is none.
    pub(crate) fn snapshot_table_for(&mut self, components: &[ComponentId]) -> u32 {
        self.table_for(components.iter().copied().collect::<SmallVec<_>>())
    }

    /// Every resource type the world has registered, with its value if it has one, read with
    /// the world's own tokens.
    pub(crate) fn resource_values<'a>(
        &'a self,
        tokens: &'a Tokens,
    ) -> impl Iterator<Item = (TypeId, Option<&'a AnyResource>)> {
        self.resources.iter().map(|(&type_id, slot)| {
            let owner = tokens.get(slot.token).expect("every resource has its token");
            let value = slot.key.and_then(|key| slot.cell.get(owner, key).ok().flatten());
            (type_id, value.map(|b| &**b))
        })
    }

    /// Whether resource type `type_id` is registered.
    pub(crate) fn has_resource_type(&self, type_id: TypeId) -> bool {
        self.resources.contains_key(&type_id)
    }

    /// The parts a restore overwrites.
    pub(crate) fn snapshot_parts(&mut self) -> SnapshotParts<'_> {
        SnapshotParts {
            entities: self.entities.slots_mut(),
            tables: &mut self.tables,
            components: &mut self.components,
            resources: &mut self.resources,
        }
    }
}

impl SnapshotParts<'_> {
    /// Every registered resource type's slot.
    pub(crate) fn resources_mut(&mut self) -> impl Iterator<Item = ResourceMut<'_>> {
        self.resources.iter_mut().map(|(&type_id, slot)| ResourceMut { type_id, slot })
    }
}

/// One resource type's slot, to overwrite.
#[derive(Debug)]
pub(crate) struct ResourceMut<'a> {
    type_id: TypeId,
    slot: &'a mut ResourceSlot,
}

impl ResourceMut<'_> {
    pub(crate) fn type_id(&self) -> TypeId {
        self.type_id
    }

    /// The value, if there is one.
    pub(crate) fn value_mut(&mut self) -> Option<&mut AnyResource> {
        let position = self.slot.cell.position(self.slot.key?)?;
        Some(&mut *self.slot.cell.values_mut()[position])
    }

    /// Puts `value` in the slot (there was none).
    pub(crate) fn insert(&mut self, value: Box<AnyResource>) {
        debug_assert!(self.slot.key.is_none(), "insert into an empty slot");
        self.slot.key = Some(self.slot.cell.insert(value));
    }

    /// Takes the value out, if there is one.
    pub(crate) fn take(&mut self) -> Option<Box<AnyResource>> {
        self.slot.cell.remove(self.slot.key.take()?)
    }
}

impl ComponentStore {
    /// The table column at arena position `pos`, to overwrite.
    pub(crate) fn snapshot_column_mut(&mut self, pos: usize) -> &mut Column {
        self.column_mut(pos as u32)
    }

    /// The sparse set and its dense column, to overwrite (sparse components only).
    pub(crate) fn snapshot_sparse_mut(&mut self) -> Option<(&mut SparseSet, &mut Column)> {
        self.sparse_mut()
    }
}
