//! `ParamSet`: parameters whose borrows overlap, in one system, used one at a time.

use std::fmt;

use super::{SystemMeta, SystemParam, SystemParamItem};
use crate::World;
use crate::access::{Access, AccessConflict, AccessKey, Borrow};
use crate::commands::CommandReport;
use crate::lend::{FetchContext, Lent};

/// Several parameters that borrow the same tokens, for one system: two queries that write
/// one component (`With<M>` and `Without<M>` halves of it), a query and a resource it
/// shares with another parameter. The set holds the union of their tokens (exclusive where
/// any member writes) and lends them to one member at a time: `p0()`, `p1()`, ... each
/// borrow the set mutably, so the borrow checker refuses to keep one member while using
/// another.
///
/// Up to 4 members. Between systems a `ParamSet` is as wide as its members together: it
/// conflicts with (and is ordered against) what any member conflicts with.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
///
/// struct Health(u32);
/// struct Shielded;
///
/// fn damage(mut set: ParamSet<(Query<&mut Health, With<Shielded>>, Query<&mut Health, Without<Shielded>>)>) {
///     for h in set.p0().iter_mut() {
///         h.0 -= 1;
///     }
///     for h in set.p1().iter_mut() {
///         h.0 -= 10;
///     }
/// }
///
/// let mut world = World::new();
/// let a = world.spawn((Health(50), Shielded));
/// let b = world.spawn((Health(50),));
/// let mut schedule = Schedule::new();
/// schedule.add_system(damage);
/// schedule.run(&mut world);
/// assert_eq!(world.get::<Health>(a).unwrap().0, 49);
/// assert_eq!(world.get::<Health>(b).unwrap().0, 40);
/// ```
///
/// A member cannot be kept while another is used:
///
/// ```compile_fail
/// use cellar::prelude::*;
/// fn both(mut set: ParamSet<(Query<&mut u32>, Query<&u32>)>) {
///     let mut writer = set.p0();
///     let reader = set.p1(); // `set` is already borrowed by `writer`
///     for n in writer.iter_mut() {
///         *n += reader.iter().count() as u32;
///     }
/// }
/// ```
pub struct ParamSet<'w, 's, T: SystemParam> {
    /// The union of the members' tokens, taken out of the system's context.
    tokens: FetchContext<'w>,
    state: &'s mut ParamSetState<T::State>,
}

impl<T: SystemParam> fmt::Debug for ParamSet<'_, '_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParamSet").field("tokens", &self.tokens).finish_non_exhaustive()
    }
}

/// What a [`ParamSet`] keeps between runs: its members' states and the union of their
/// tokens.
#[doc(hidden)]
#[derive(Debug)]
pub struct ParamSetState<S> {
    members: S,
    keys: Vec<(AccessKey, Borrow)>,
}

impl<'w, T: SystemParam> ParamSet<'w, '_, T> {
    /// A context holding this set's tokens, reborrowed for as long as `self` is.
    fn lend(&mut self) -> (FetchContext<'_>, &mut T::State) {
        (self.tokens.reborrow(), &mut self.state.members)
    }
}

/// What [`SystemParam::access`] is, for one member.
type AccessOf = fn(&mut Access) -> Result<(), AccessConflict>;

/// The union of the members' tokens: each member must be valid alone; a token any member
/// writes is written.
fn union(members: &[AccessOf]) -> Result<Access, AccessConflict> {
    let mut union = Access::new();
    for member in members {
        let mut access = Access::new();
        member(&mut access)?;
        union.union_with(&access);
    }
    Ok(union)
}

macro_rules! param_set {
    ($(($P:ident, $p:ident, $i:tt)),*) => {
        impl<'w, $($P: SystemParam,)*> ParamSet<'w, '_, ($($P,)*)> {
            $(
                #[doc = concat!("Member ", stringify!($i), ", for as long as the set is borrowed.")]
                ///
                /// The other members are out of reach until the item is dropped; see
                /// [`ParamSet`] for an example.
                pub fn $p(&mut self) -> SystemParamItem<'_, '_, $P> {
                    let (mut ctx, members) = self.lend();
                    $P::fetch(&mut members.$i, &mut ctx)
                }
            )*
        }

        impl<$($P: SystemParam,)*> SystemParam for ParamSet<'_, '_, ($($P,)*)> {
            type State = ParamSetState<($($P::State,)*)>;
            type Item<'w, 's> = ParamSet<'w, 's, ($($P,)*)>;

            fn access(access: &mut Access) -> Result<(), AccessConflict> {
                access.extend(&union(&[$($P::access),*])?)
            }

            fn init_state(world: &mut World, meta: &mut SystemMeta) -> Self::State {
                let keys = union(&[$($P::access),*]).map_or_else(|_| Vec::new(), |a| a.iter().collect());
                ParamSetState { members: ($($P::init_state(world, meta),)*), keys }
            }

            fn fetch<'w, 's>(
                state: &'s mut Self::State,
                ctx: &mut FetchContext<'w>,
            ) -> Self::Item<'w, 's> {
                let tokens = (state.keys.iter())
                    .map(|&(key, borrow)| {
                        let lent = if borrow.is_write() {
                            Lent::Write(ctx.write(&key))
                        } else {
                            Lent::Read(ctx.read(&key))
                        };
                        (key, lent)
                    })
                    .collect();
                ParamSet { tokens: FetchContext::new(ctx.storage(), tokens), state }
            }

            fn apply(
                state: &mut Self::State,
                world: &mut World,
                system: &str,
                report: &mut CommandReport,
            ) {
                $($P::apply(&mut state.members.$i, world, system, report);)*
            }

            fn discard(state: &mut Self::State) {
                $($P::discard(&mut state.members.$i);)*
            }
        }
    };
}

param_set!((P0, p0, 0), (P1, p1, 1));
param_set!((P0, p0, 0), (P1, p1, 1), (P2, p2, 2));
param_set!((P0, p0, 0), (P1, p1, 1), (P2, p2, 2), (P3, p3, 3));
