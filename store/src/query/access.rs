//! What a query type borrows: its [`Access`], found from the type alone.

use smallvec::SmallVec;

use super::{QueryData, QueryFilter};
use crate::access::{Access, AccessConflict, TokenKind};
use crate::error::QueryError;
use crate::storage::{Storage, TokenId};

impl Access {
    /// The access of query `Q` with filter `F`: the component types it reads, writes and
    /// filters on, computed without a world, so that a schedule can compare the accesses of
    /// systems before running them.
    ///
    /// Building it is where aliasing is caught: a query that writes a component and also
    /// reads or writes it again is an [`AccessConflict`] naming the type (a query run reports
    /// it as [`QueryError::Conflict`]).
    ///
    /// # Errors
    ///
    /// An [`AccessConflict`] if the query would alias.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::{Access, AccessKey, Borrow, With};
    ///
    /// struct Position(f32);
    /// struct Velocity(f32);
    /// struct Frozen;
    ///
    /// let access = Access::of_query::<(&mut Position, &Velocity), With<Frozen>>().unwrap();
    /// assert_eq!(access.writes().count(), 1);
    /// assert_eq!(access.reads().count(), 2);
    /// assert_eq!(access.get(&AccessKey::component::<Frozen>()), Some(Borrow::Filter));
    ///
    /// let err = Access::of_query::<(&mut Position, Option<&Position>), ()>().unwrap_err();
    /// assert_eq!(err.key, AccessKey::component::<Position>());
    /// ```
    pub fn of_query<Q: QueryData, F: QueryFilter>() -> Result<Access, AccessConflict> {
        let mut access = Access::new();
        Q::access(&mut access)?;
        F::access(&mut access)?;
        Ok(access)
    }

    /// The tokens of the components read or written that `storage` knows, sorted: what a
    /// query run takes ([`ListedTokens`](crate::lend::ListedTokens)). Filters take none.
    pub(crate) fn token_ids(&self, storage: &Storage) -> SmallVec<[TokenId; 4]> {
        let mut ids: SmallVec<[TokenId; 4]> = (self.iter())
            .filter(|(key, borrow)| key.kind() == TokenKind::Component && borrow.takes_token())
            .filter_map(|(key, _)| storage.component_token(key.type_id()))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// A query that aliases is refused with the component's name.
impl From<AccessConflict> for QueryError {
    fn from(conflict: AccessConflict) -> Self {
        QueryError::Conflict { component: conflict.key.type_name() }
    }
}
