//! Resources: one value per type, each in the cell of its own token.

use std::any::{Any, TypeId};

use cellar_tokens::arena::{DefaultKey, QArena};

use super::{Storage, TokenId, Tokens};

/// One resource type: its token and, in that token's cell, the value if there is one.
#[derive(Debug)]
pub(super) struct ResourceSlot {
    pub(super) token: TokenId,
    pub(super) cell: QArena<Box<dyn Any + Send + Sync>>,
    pub(super) key: Option<DefaultKey>,
}

impl Storage {
    /// Makes resource type `R` known (its token, from `tokens`, and its cell); returns its
    /// token. Idempotent.
    pub(crate) fn register_resource<R: Send + Sync + 'static>(
        &mut self,
        tokens: &mut Tokens,
    ) -> TokenId {
        if let Some(slot) = self.resources.get(&TypeId::of::<R>()) {
            return slot.token;
        }
        let (token, owner) = tokens.push();
        let cell = QArena::new(owner);
        self.resources.insert(TypeId::of::<R>(), ResourceSlot { token, cell, key: None });
        token
    }

    /// Puts resource `value` (its type registered), returning the one it replaces.
    pub(crate) fn insert_resource<R: Send + Sync + 'static>(&mut self, value: R) -> Option<R> {
        let slot = self.resources.get_mut(&TypeId::of::<R>()).expect("registered");
        match slot.key {
            Some(_) => {
                let old = std::mem::replace(&mut slot.cell.values_mut()[0], Box::new(value));
                old.downcast::<R>().ok().map(|b| *b)
            }
            None => {
                slot.key = Some(slot.cell.insert(Box::new(value)));
                None
            }
        }
    }

    /// Takes resource `R` out; its token stays.
    pub(crate) fn remove_resource<R: Send + Sync + 'static>(&mut self) -> Option<R> {
        let slot = self.resources.get_mut(&TypeId::of::<R>())?;
        let value = slot.cell.remove(slot.key.take()?)?;
        value.downcast::<R>().ok().map(|b| *b)
    }
}
