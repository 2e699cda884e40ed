//! Function systems: turning `fn(Query<..>, Res<..>, ..)` and closures into [`System`]s.

use std::marker::PhantomData;

use super::{System, SystemInput, SystemMeta, SystemParam, SystemParamItem};
use crate::World;
use crate::access::{Access, AccessConflict};
use crate::commands::CommandReport;
use crate::lend::FetchContext;

/// Something that can become a [`System`]: a function or closure whose parameters are all
/// [`SystemParam`]s (up to 12 of them), or one that takes `&mut World` alone.
///
/// `Marker` only keeps the two kinds of implementation apart; it is inferred.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
/// use cellar::system::System;
///
/// struct Score(u32);
/// fn add_point(mut score: ResMut<Score>) {
///     score.0 += 1;
/// }
/// let system = add_point.into_system();
/// assert!(system.name().ends_with("add_point"));
///
/// let exclusive = (|world: &mut World| world.clear()).into_system();
/// assert!(exclusive.access().is_exclusive());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a system",
    label = "not a system",
    note = "a system is a function or closure whose parameters are all system parameters: `Query<..>`, `Res<T>`, `ResMut<T>`, `Option<Res<T>>`, `Option<ResMut<T>>`, `Local<T>` (with `T: Default`), `Commands`, `EventReader<E>`, `EventWriter<E>`, `RemovedComponents<T>`, `ParamSet<(..)>`, or tuples of these; or one that takes `&mut World` and nothing else",
    note = "`Local<T>` needs `T: Default`; `&World` is no system parameter (read through `Query` and `Res`); `&mut World` must be a system's only parameter (an exclusive system)"
)]
pub trait IntoSystem<Marker>: Sized {
    /// The system this becomes.
    type System: System;

    /// Wraps `self` into its system, named after its type (a closure: after the function
    /// around it and where it became a system).
    #[track_caller]
    fn into_system(self) -> Self::System;
}

/// The marker of [`IntoSystem`] for functions of [`SystemParam`]s.
#[derive(Debug)]
pub struct FunctionMarker<P>(PhantomData<fn() -> P>);

/// The marker of [`IntoSystem`] for functions that take `&mut World`.
#[derive(Debug)]
pub struct ExclusiveMarker;

/// A function whose parameters are [`SystemParam`]s, callable with one run's values.
///
/// Implemented for every `FnMut` of up to 12 parameters whose types are system parameters;
/// not meant to be implemented by hand.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a function of system parameters",
    label = "not a system",
    note = "a system is a function or closure whose parameters are all system parameters: `Query<..>`, `Res<T>`, `ResMut<T>`, `Option<Res<T>>`, `Option<ResMut<T>>`, `Local<T>` (with `T: Default`), `Commands`, `EventReader<E>`, `EventWriter<E>`, `RemovedComponents<T>`, `ParamSet<(..)>`, or tuples of these; or one that takes `&mut World` and nothing else",
    note = "`Local<T>` needs `T: Default`; `&World` is no system parameter (read through `Query` and `Res`); `&mut World` must be a system's only parameter (an exclusive system)"
)]
pub trait SystemParamFunction<Marker>: Send + 'static {
    /// The parameters, as one tuple.
    type Param: SystemParam;

    /// Calls the function with one run's parameter values.
    fn call(&mut self, params: SystemParamItem<'_, '_, Self::Param>);
}

/// A [`System`] made from a function: its parameters' access, their state, and the function.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
/// use cellar::system::{FunctionSystem, System};
///
/// fn noop() {}
/// let system = noop.into_system().with_name("noop");
/// assert_eq!(system.name(), "noop");
/// ```
pub struct FunctionSystem<Marker, F: SystemParamFunction<Marker>> {
    func: F,
    name: String,
    access: Access,
    conflict: Option<AccessConflict>,
    state: Option<<F::Param as SystemParam>::State>,
    _marker: PhantomData<fn() -> Marker>,
}

impl<Marker, F: SystemParamFunction<Marker>> FunctionSystem<Marker, F> {
    /// Renames the system.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::system::System;
    /// let system = (|| {}).into_system().with_name("idle");
    /// assert_eq!(system.name(), "idle");
    /// ```
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
}

impl<Marker, F: SystemParamFunction<Marker>> std::fmt::Debug for FunctionSystem<Marker, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FunctionSystem")
            .field("name", &self.name)
            .field("access", &self.access)
            .finish_non_exhaustive()
    }
}

impl<Marker: 'static, F: SystemParamFunction<Marker>> IntoSystem<FunctionMarker<Marker>> for F {
    type System = FunctionSystem<Marker, F>;

    #[track_caller]
    fn into_system(self) -> Self::System {
        let mut access = Access::new();
        let conflict = F::Param::access(&mut access).err();
        FunctionSystem {
            func: self,
            name: system_name::<F>(std::panic::Location::caller()),
            access,
            conflict,
            state: None,
            _marker: PhantomData,
        }
    }
}

impl<Marker: 'static, F: SystemParamFunction<Marker>> System for FunctionSystem<Marker, F> {
    fn name(&self) -> &str {
        &self.name
    }

    fn set_name(&mut self, name: String) {
        self.name = name;
    }

    fn access(&self) -> &Access {
        &self.access
    }

    fn access_conflict(&self) -> Option<AccessConflict> {
        self.conflict
    }

    fn initialize(&mut self, world: &mut World, meta: &mut SystemMeta) {
        self.state = Some(F::Param::init_state(world, meta));
    }

    fn run(&mut self, input: SystemInput<'_>) {
        let SystemInput::Shared(mut ctx) = input else {
            panic!("system `{}` takes parameters, not the world", self.name)
        };
        let state = self
            .state
            .as_mut()
            .unwrap_or_else(|| panic!("system `{}` ran before it was initialized", self.name));
        let params = F::Param::fetch(state, &mut ctx);
        self.func.call(params);
    }

    fn apply_deferred(&mut self, world: &mut World, report: &mut CommandReport) {
        if let Some(state) = self.state.as_mut() {
            F::Param::apply(state, world, &self.name, report);
        }
    }

    fn discard_deferred(&mut self) {
        if let Some(state) = self.state.as_mut() {
            F::Param::discard(state);
        }
    }
}

/// A [`System`] made from a function that takes `&mut World`: it runs alone, between batches.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
/// use cellar::system::System;
///
/// let system = (|world: &mut World| { world.insert_resource(1u8); }).into_system();
/// assert!(system.access().is_exclusive());
/// ```
pub struct ExclusiveSystem<F> {
    func: F,
    name: String,
    access: Access,
}

impl<F> std::fmt::Debug for ExclusiveSystem<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExclusiveSystem").field("name", &self.name).finish_non_exhaustive()
    }
}

impl<F: FnMut(&mut World) + Send + 'static> IntoSystem<ExclusiveMarker> for F {
    type System = ExclusiveSystem<F>;

    #[track_caller]
    fn into_system(self) -> Self::System {
        ExclusiveSystem {
            func: self,
            name: system_name::<F>(std::panic::Location::caller()),
            access: Access::exclusive(),
        }
    }
}

impl<F: FnMut(&mut World) + Send + 'static> System for ExclusiveSystem<F> {
    fn name(&self) -> &str {
        &self.name
    }

    fn set_name(&mut self, name: String) {
        self.name = name;
    }

    fn access(&self) -> &Access {
        &self.access
    }

    fn initialize(&mut self, _world: &mut World, _meta: &mut SystemMeta) {}

    fn run(&mut self, input: SystemInput<'_>) {
        let SystemInput::World(world) = input else {
            panic!("exclusive system `{}` needs the whole world", self.name)
        };
        (self.func)(world);
    }

    fn apply_deferred(&mut self, _world: &mut World, _report: &mut CommandReport) {}
}

/// A system's default name: a function's path, or, for a closure (whose type name is only
/// `path::{{closure}}`), the enclosing function and where the closure was turned into a
/// system: `demo::main closure at src/main.rs:12:5`. Rename with `.named(..)`.
fn system_name<F>(caller: &std::panic::Location<'_>) -> String {
    let name = std::any::type_name::<F>();
    match name.find("::{{closure}}") {
        Some(at) => format!(
            "{} closure at {}:{}:{}",
            &name[..at],
            caller.file(),
            caller.line(),
            caller.column()
        ),
        None => name.to_owned(),
    }
}

macro_rules! impl_system_param_function {
    ($($P:ident),*) => {
        #[allow(non_snake_case, unused_variables, clippy::unused_unit)]
        impl<$($P: SystemParam,)*> SystemParam for ($($P,)*) {
            type State = ($($P::State,)*);
            type Item<'w, 's> = ($($P::Item<'w, 's>,)*);

            fn access(access: &mut Access) -> Result<(), AccessConflict> {
                $($P::access(access)?;)*
                Ok(())
            }

            fn init_state(world: &mut World, meta: &mut SystemMeta) -> Self::State {
                ($($P::init_state(world, meta),)*)
            }

            fn fetch<'w, 's>(
                state: &'s mut Self::State,
                ctx: &mut FetchContext<'w>,
            ) -> Self::Item<'w, 's> {
                let ($($P,)*) = state;
                ($($P::fetch($P, ctx),)*)
            }

            fn apply(
                state: &mut Self::State,
                world: &mut World,
                system: &str,
                report: &mut CommandReport,
            ) {
                let ($($P,)*) = state;
                $($P::apply($P, world, system, report);)*
            }

            fn discard(state: &mut Self::State) {
                let ($($P,)*) = state;
                $($P::discard($P);)*
            }
        }

        #[allow(non_snake_case)]
        impl<Func, $($P: SystemParam,)*> SystemParamFunction<fn($($P,)*)> for Func
        where
            Func: Send + 'static,
            for<'a> &'a mut Func: FnMut($($P),*) + FnMut($(SystemParamItem<'_, '_, $P>),*),
        {
            type Param = ($($P,)*);

            fn call(&mut self, params: SystemParamItem<'_, '_, ($($P,)*)>) {
                // Calling through a generic function fixes which of the two `FnMut` bounds
                // is used: the one over the fetched items.
                #[allow(clippy::too_many_arguments)]
                fn call_inner<$($P,)*>(mut f: impl FnMut($($P),*), $($P: $P,)*) {
                    f($($P),*)
                }
                let ($($P,)*) = params;
                call_inner(self, $($P),*)
            }
        }
    };
}

impl_system_param_function!();
impl_system_param_function!(P0);
impl_system_param_function!(P0, P1);
impl_system_param_function!(P0, P1, P2);
impl_system_param_function!(P0, P1, P2, P3);
impl_system_param_function!(P0, P1, P2, P3, P4);
impl_system_param_function!(P0, P1, P2, P3, P4, P5);
impl_system_param_function!(P0, P1, P2, P3, P4, P5, P6);
impl_system_param_function!(P0, P1, P2, P3, P4, P5, P6, P7);
impl_system_param_function!(P0, P1, P2, P3, P4, P5, P6, P7, P8);
impl_system_param_function!(P0, P1, P2, P3, P4, P5, P6, P7, P8, P9);
impl_system_param_function!(P0, P1, P2, P3, P4, P5, P6, P7, P8, P9, P10);
impl_system_param_function!(P0, P1, P2, P3, P4, P5, P6, P7, P8, P9, P10, P11);
