//! Arenas of token cells: read with `&owner`, write with `&mut owner`.

mod error;
mod flavour;
mod iter;
mod l_arena;
mod q_arena;
mod storage;
mod t_arena;

pub use error::ArenaError;
pub use iter::{Iter, IterMut};
pub use l_arena::LArena;
pub use q_arena::QArena;
pub use t_arena::{TArena, try_tcell_owner};

pub use qcell::{LCellOwner, QCellOwner, QCellOwnerID, TCellOwner};
pub use slotmap::{DefaultKey, Key};
