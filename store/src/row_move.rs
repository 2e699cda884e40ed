//! Moving an entity's row from one table to another, along a plan cached on the edge
//! between them, so a move looks nothing up by component.

use crate::component::ComponentId;
use crate::entity::{Entities, Entity, Location};
use crate::storage::{ComponentStore, Table};

/// What happens to one component of the source table when a row moves.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ColumnMove {
    component: ComponentId,
    /// The component's index in the source table.
    src: u32,
    /// Its index in the destination table; `None` where the destination lacks it (the value
    /// was taken out already, only the ticks go).
    dst: Option<u32>,
    /// The arena positions of the source and destination columns.
    from: u32,
    to: u32,
}

/// The plan for moving rows from `src` to `dst`.
pub(crate) fn plan(src: &Table, dst: &Table) -> Box<[ColumnMove]> {
    (src.components.iter().zip(&src.positions).enumerate())
        .map(|(i, (&component, &from))| {
            let dst_index = dst.index_of(component);
            ColumnMove {
                component,
                src: i as u32,
                dst: dst_index.map(|d| d as u32),
                from,
                to: dst_index.map_or(0, |d| dst.positions[d]),
            }
        })
        .collect()
}

/// Moves `entity`'s row from its table (`loc`) to table `to` along `plan` (made for those
/// two tables): components both tables have move with their ticks; components only the old
/// table has must have been taken out of their columns already (by `remove`), and only
/// their ticks are dropped here. Returns the new row.
pub(crate) fn move_row(
    entities: &mut Entities,
    tables: &mut [Table],
    components: &mut [Option<ComponentStore>],
    entity: Entity,
    loc: Location,
    to: u32,
    plan: &[ColumnMove],
) -> usize {
    let [src, dst] = tables
        .get_disjoint_mut([loc.table as usize, to as usize])
        .expect("moving between two distinct tables");
    let row = loc.row as usize;
    for m in plan {
        let (added, changed) = src.ticks[m.src as usize].swap_remove(row);
        let Some(d) = m.dst else { continue };
        let store = components[m.component.index()].as_mut().expect("registered");
        let [from, into] = store
            .columns
            .values_mut()
            .get_disjoint_mut([m.from as usize, m.to as usize])
            .expect("two tables have two columns");
        from.swap_remove_move_to(row, into);
        dst.ticks[d as usize].push(added, changed);
    }
    src.entities.swap_remove(row);
    if let Some(&moved) = src.entities.get(row) {
        entities.get_mut(moved).expect("tables hold live entities").row = row as u32;
    }
    let new_row = dst.entities.len();
    dst.entities.push(entity);
    *entities.get_mut(entity).expect("moving a live entity") =
        Location { table: to, row: new_row as u32 };
    new_row
}
