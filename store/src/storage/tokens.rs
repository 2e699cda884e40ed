//! Tokens: one `QCellOwner` per component type and per resource type, the exclusive half of
//! a world.

use cellar_tokens::arena::QCellOwner;

/// The index of one token (a [`QCellOwner`]) in a world's [`Tokens`]: one per component type
/// and one per resource type used in the world.
///
/// # Examples
///
/// ```
/// use cellar::World;
/// use std::any::TypeId;
///
/// let mut world = World::new();
/// world.spawn((1u8,));
/// world.insert_resource(2u16);
/// let c = world.component_token(TypeId::of::<u8>()).unwrap();
/// let r = world.resource_token(TypeId::of::<u16>()).unwrap();
/// assert_ne!(c, r);
/// assert!(c.index() < world.tokens().len() && r.index() < world.tokens().len());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenId(pub(crate) u32);

impl TokenId {
    /// The token's index in [`Tokens`] (and in the order of [`Tokens::iter_mut`]).
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let t = world.register_resource::<u8>();
    /// assert!(world.tokens().get(t).is_some());
    /// assert_eq!(t.index(), world.tokens().len() - 1);
    /// ```
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The exclusive half of a world: one [`QCellOwner`] per component type and per resource
/// type, indexed by [`TokenId`].
///
/// Whoever holds `&Tokens` may read every column and resource; `&mut Tokens` may write them.
/// [`iter_mut`](Tokens::iter_mut) splits `&mut Tokens` into one `&mut QCellOwner` per token,
/// which the schedule lends to the systems of one batch (exclusive to a writer, shared among
/// readers) in safe code.
///
/// # Examples
///
/// ```
/// use cellar::World;
///
/// let mut world = World::new();
/// world.insert_resource(1u32);
/// let (storage, tokens) = world.split();
/// let t = storage.resource_token(std::any::TypeId::of::<u32>()).unwrap();
/// let owner = tokens.get_mut(t).unwrap();
/// *storage.resource_mut::<u32>(owner).unwrap() += 1;
/// assert_eq!(*world.resource::<u32>().unwrap(), 2);
/// ```
#[derive(Default)]
pub struct Tokens {
    owners: Vec<QCellOwner>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens").field("len", &self.owners.len()).finish()
    }
}

impl Tokens {
    pub(crate) fn push(&mut self) -> (TokenId, &QCellOwner) {
        self.owners.push(QCellOwner::new());
        let id = TokenId((self.owners.len() - 1) as u32);
        (id, &self.owners[id.index()])
    }

    /// How many tokens the world has.
    ///
    /// ```
    /// assert_eq!(cellar::World::new().tokens().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.owners.len()
    }

    /// Whether the world has no tokens yet.
    ///
    /// ```
    /// assert!(cellar::World::new().tokens().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.owners.is_empty()
    }

    /// One token, shared.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let t = world.register_resource::<u8>();
    /// assert!(world.tokens().get(t).is_some());
    /// ```
    #[inline]
    pub fn get(&self, id: TokenId) -> Option<&QCellOwner> {
        self.owners.get(id.index())
    }

    /// One token, exclusive.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let t = world.register_resource::<u8>();
    /// let (_, tokens) = world.split();
    /// assert!(tokens.get_mut(t).is_some());
    /// ```
    #[inline]
    pub fn get_mut(&mut self, id: TokenId) -> Option<&mut QCellOwner> {
        self.owners.get_mut(id.index())
    }

    /// Every token, shared, in [`TokenId`] order.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.register_resource::<u8>();
    /// assert_eq!(world.tokens().iter().count(), 1);
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, QCellOwner> {
        self.owners.iter()
    }

    /// Every token, exclusive and disjoint, in [`TokenId`] order: how the schedule splits the
    /// tokens among the systems of a batch.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.register_resource::<u8>();
    /// world.register_resource::<u16>();
    /// let (_, tokens) = world.split();
    /// let owners: Vec<_> = tokens.iter_mut().collect();
    /// assert_eq!(owners.len(), 2);
    /// ```
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, QCellOwner> {
        self.owners.iter_mut()
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [QCellOwner] {
        &mut self.owners
    }
}
