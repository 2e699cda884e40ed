//! The sealed trait that lets one arena type and one storage serve the three qcell flavours.
//!
//! A flavour names an owner type and a cell type, and says how `&owner` opens a cell for
//! reading and `&mut owner` for writing. Opening can fail only for [`QFlavour`], whose owner
//! is checked at run time; the compile-time flavours use [`Infallible`] as their error, so
//! their public methods unwrap it with [`never`] at no cost and without a panic path.
//!
//! The trait and its flavours are `pub` only so that the public [`Arena`](super::Arena) and
//! its aliases can name them; this module is private and re-exports nothing, so no other
//! crate can name the trait, let alone implement it: it is sealed.

use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;

use qcell::{LCell, LCellOwner, QCell, QCellOwner, QCellOwnerID, TCell, TCellOwner};

use super::ArenaError;

/// An owner type, its cell type, and how the one opens the other.
pub trait Flavour {
    /// The name `Debug` shows: the alias of this flavour's arena.
    const NAME: &'static str;

    /// The token whose `&` reads and whose `&mut` writes.
    type Owner;
    /// The cell that holds an arena's values.
    type Cell<T>;
    /// What opening a cell with the wrong owner gives.
    type Error;

    /// Opens `cell` for reading with `owner`.
    fn ro<'a, T>(cell: &'a Self::Cell<T>, owner: &'a Self::Owner) -> Result<&'a T, Self::Error>;

    /// Opens `cell` for writing with `owner`.
    fn rw<'a, T>(
        cell: &'a Self::Cell<T>,
        owner: &'a mut Self::Owner,
    ) -> Result<&'a mut T, Self::Error>;

    /// Opens `cell` for writing without an owner: `&mut cell` already proves exclusivity.
    fn get_mut<T>(cell: &mut Self::Cell<T>) -> &mut T;
}

/// Unwraps the result of a flavour that cannot fail.
#[inline(always)]
pub(crate) fn never<T>(result: Result<T, Infallible>) -> T {
    match result {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

/// Owners identified at run time: [`QCellOwner`].
#[derive(Debug)]
pub enum QFlavour {}

/// A [`QCell`] together with its owner's id, so the arena can check the owner itself and
/// return an error where `QCellOwner::ro` would panic.
pub struct CheckedQCell<T> {
    /// The id `cell` was created with (qcell keeps its copy private).
    owner: QCellOwnerID,
    cell: QCell<T>,
}

impl<T> fmt::Debug for CheckedQCell<T> {
    /// Shows nothing inside: the value needs the owner, and qcell's id has no `Debug`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckedQCell").finish_non_exhaustive()
    }
}

impl<T> CheckedQCell<T> {
    pub(crate) fn new(owner: QCellOwnerID, value: T) -> Self {
        CheckedQCell { owner, cell: QCell::new(owner, value) }
    }

    pub(crate) fn owner(&self) -> QCellOwnerID {
        self.owner
    }
}

impl Flavour for QFlavour {
    const NAME: &'static str = "QArena";
    type Owner = QCellOwner;
    type Cell<T> = CheckedQCell<T>;
    type Error = ArenaError;

    #[inline]
    fn ro<'a, T>(cell: &'a Self::Cell<T>, owner: &'a QCellOwner) -> Result<&'a T, ArenaError> {
        if owner.id() == cell.owner { Ok(cell.cell.ro(owner)) } else { Err(ArenaError::WrongOwner) }
    }

    #[inline]
    fn rw<'a, T>(
        cell: &'a Self::Cell<T>,
        owner: &'a mut QCellOwner,
    ) -> Result<&'a mut T, ArenaError> {
        if owner.id() == cell.owner { Ok(cell.cell.rw(owner)) } else { Err(ArenaError::WrongOwner) }
    }

    #[inline]
    fn get_mut<T>(cell: &mut Self::Cell<T>) -> &mut T {
        cell.cell.get_mut()
    }
}

/// Owners identified by a marker type: [`TCellOwner<M>`].
pub struct TFlavour<M: 'static>(PhantomData<fn(M) -> M>, Infallible);

impl<M: 'static> fmt::Debug for TFlavour<M> {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {}
    }
}

impl<M: 'static> Flavour for TFlavour<M> {
    const NAME: &'static str = "TArena";
    type Owner = TCellOwner<M>;
    type Cell<T> = TCell<M, T>;
    type Error = Infallible;

    #[inline]
    fn ro<'a, T>(cell: &'a TCell<M, T>, owner: &'a TCellOwner<M>) -> Result<&'a T, Infallible> {
        Ok(cell.ro(owner))
    }

    #[inline]
    fn rw<'a, T>(
        cell: &'a TCell<M, T>,
        owner: &'a mut TCellOwner<M>,
    ) -> Result<&'a mut T, Infallible> {
        Ok(cell.rw(owner))
    }

    #[inline]
    fn get_mut<T>(cell: &mut TCell<M, T>) -> &mut T {
        cell.get_mut()
    }
}

/// Owners identified by an invariant lifetime: [`LCellOwner<'id>`].
pub struct LFlavour<'id>(PhantomData<fn(&'id ()) -> &'id ()>, Infallible);

impl fmt::Debug for LFlavour<'_> {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {}
    }
}

impl<'id> Flavour for LFlavour<'id> {
    const NAME: &'static str = "LArena";
    type Owner = LCellOwner<'id>;
    type Cell<T> = LCell<'id, T>;
    type Error = Infallible;

    #[inline]
    fn ro<'a, T>(cell: &'a LCell<'id, T>, owner: &'a LCellOwner<'id>) -> Result<&'a T, Infallible> {
        Ok(cell.ro(owner))
    }

    #[inline]
    fn rw<'a, T>(
        cell: &'a LCell<'id, T>,
        owner: &'a mut LCellOwner<'id>,
    ) -> Result<&'a mut T, Infallible> {
        Ok(cell.rw(owner))
    }

    #[inline]
    fn get_mut<T>(cell: &mut Self::Cell<T>) -> &mut T {
        cell.get_mut()
    }
}
