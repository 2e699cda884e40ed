//! `#[derive(Bundle)]` for cellar: a struct whose fields are components becomes a bundle that
//! `spawn`, `insert` and `remove` move in and out at once.
//!
//! Use it through the facade (`use cellar::prelude::*;` or `use cellar::Bundle;`) or through
//! `cellar_store::Bundle`: the trait and the derive share one name, one in the type namespace
//! and one in the macro namespace, so one import brings both.
//!
//! ```
//! use cellar::prelude::*;
//!
//! #[derive(Debug, PartialEq)]
//! struct Health(u32);
//! #[derive(Debug, PartialEq)]
//! struct Armor(u32);
//!
//! #[derive(Bundle)]
//! struct Soldier {
//!     health: Health,
//!     armor: Armor,
//! }
//!
//! let mut world = World::new();
//! let e = world.spawn(Soldier { health: Health(100), armor: Armor(5) });
//! assert_eq!(world.get::<Armor>(e), Ok(&Armor(5)));
//! ```
//!
//! The macro writes the three methods of the `Bundle` trait and nothing else: `visit` names
//! each field's type, `write` puts each field, `take` takes each field back, all in
//! declaration order. It needs no `unsafe` code, since the trait is safe to implement.

#![forbid(unsafe_code)]

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::{format_ident, quote};
use syn::{
    Data, DeriveInput, Fields, GenericParam, Member, Path, WherePredicate, parse_macro_input,
    parse_quote,
};

/// Implements `Bundle` for a struct: each field is one component, in declaration order.
///
/// Structs with named fields, tuple structs and unit structs (an empty bundle, like `()`) are
/// accepted; enums and unions are refused. Every type parameter gets a `Send + Sync + 'static`
/// bound and every lifetime parameter an `'a: 'static` bound, since a bundle is `'static`.
///
/// The struct itself is not a component: `spawn` takes it apart into its fields, and
/// `remove::<S>` puts them back together, so `world.get::<S>(e)` finds nothing.
///
/// A bundle may not hold two components of one type: two fields of the same type compile, but
/// the world panics the first time it meets the bundle (in `spawn`, `insert` or `remove`),
/// naming the bundle and the repeated type. A field may not be moved out of a type that
/// implements `Drop`, so such a struct cannot derive `Bundle`.
///
/// # The crate path
///
/// The generated code names `::cellar::Bundle` and its helper types. Code that depends on
/// `cellar_store` directly (or on `cellar` under another name) says where they are with
/// `#[bundle(crate = path)]`:
///
/// ```
/// # use cellar as cellar_store; // stands in for a direct dependency on cellar_store
/// use cellar_store::{Bundle, World};
///
/// #[derive(Bundle)]
/// #[bundle(crate = cellar_store)]
/// struct Marker;
///
/// let mut world = World::new();
/// let e = world.spawn(Marker);
/// assert_eq!(world.remove::<Marker>(e).map(|_| ()), Ok(()));
/// ```
///
/// # Examples
///
/// Named, tuple and generic structs:
///
/// ```
/// use cellar::prelude::*;
///
/// #[derive(Debug, PartialEq)]
/// struct Position(f32, f32);
/// #[derive(Debug, PartialEq)]
/// struct Velocity(f32, f32);
///
/// #[derive(Bundle)]
/// struct Body {
///     position: Position,
///     velocity: Velocity,
/// }
///
/// #[derive(Bundle)]
/// struct Tagged<T>(Position, T);
///
/// let mut world = World::new();
/// let a = world.spawn(Body { position: Position(0.0, 0.0), velocity: Velocity(1.0, 0.0) });
/// let b = world.spawn(Tagged(Position(2.0, 0.0), "rock"));
/// assert_eq!(world.get::<&str>(b), Ok(&"rock"));
///
/// let body = world.remove::<Body>(a).unwrap();
/// assert_eq!(body.velocity, Velocity(1.0, 0.0));
/// assert!(!world.has::<Position>(a));
/// ```
///
/// Enums and unions are refused:
///
/// ```compile_fail
/// use cellar::prelude::*;
///
/// #[derive(Bundle)]
/// enum Shape {
///     Circle(f32),
///     Square(f32),
/// }
/// ```
///
/// So is an attribute the macro does not know, on the struct or on a field:
///
/// ```compile_fail
/// use cellar::prelude::*;
///
/// #[derive(Bundle)]
/// #[bundle(storage = "sparse")]
/// struct Burning(u32);
/// ```
///
/// ```compile_fail
/// use cellar::prelude::*;
///
/// #[derive(Bundle)]
/// struct Burning(#[bundle(ignore)] u32);
/// ```
///
/// And a field that is not a component (here, not `Send`):
///
/// ```compile_fail
/// use cellar::prelude::*;
///
/// #[derive(Bundle)]
/// struct Shared(std::rc::Rc<u32>);
/// ```
#[proc_macro_derive(Bundle, attributes(bundle))]
pub fn derive_bundle(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// The `impl Bundle` for `input`, or the first error found in it.
fn expand(mut input: DeriveInput) -> syn::Result<TokenStream2> {
    let krate = crate_path(&input)?;
    let fields = match &input.data {
        Data::Struct(data) => &data.fields,
        Data::Enum(data) => {
            return Err(syn::Error::new(
                data.enum_token.span,
                "`#[derive(Bundle)]` needs a struct: an enum's variants hold different \
                 components, and a bundle's components are fixed",
            ));
        }
        Data::Union(data) => {
            return Err(syn::Error::new(
                data.union_token.span,
                "`#[derive(Bundle)]` needs a struct: a union holds one field at a time",
            ));
        }
    };
    for field in fields {
        if let Some(attr) = field.attrs.iter().find(|a| a.path().is_ident("bundle")) {
            return Err(syn::Error::new_spanned(
                attr,
                "`#[bundle]` goes on the struct, not on a field: every field is a component",
            ));
        }
    }

    // Each field's type, and how `self` reaches it.
    let types: Vec<_> = fields.iter().map(|f| &f.ty).collect();
    let members: Vec<Member> = fields.members().collect();
    // An empty bundle uses none of its arguments.
    let (types_arg, writer_arg, reader_arg) = if types.is_empty() {
        (format_ident!("_types"), format_ident!("_writer"), format_ident!("_reader"))
    } else {
        (format_ident!("types"), format_ident!("writer"), format_ident!("reader"))
    };
    // A struct expression evaluates its fields in the order written: the order of `visit`.
    let take = match fields {
        Fields::Named(_) => quote!(Self { #(#members: #reader_arg.take::<#types>(),)* }),
        Fields::Unnamed(_) => quote!(Self( #(#reader_arg.take::<#types>(),)* )),
        Fields::Unit => quote!(Self),
    };

    // A bundle is `Send + Sync + 'static`, so every parameter must be.
    let bounds: Vec<WherePredicate> = input
        .generics
        .params
        .iter()
        .filter_map(|param| match param {
            GenericParam::Type(t) => {
                let ident = &t.ident;
                Some(parse_quote!(#ident: ::core::marker::Send + ::core::marker::Sync + 'static))
            }
            GenericParam::Lifetime(l) => {
                let lifetime = &l.lifetime;
                Some(parse_quote!(#lifetime: 'static))
            }
            GenericParam::Const(_) => None,
        })
        .collect();
    input.generics.make_where_clause().predicates.extend(bounds);
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();

    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Bundle for #name #ty_generics #where_clause {
            fn visit(#types_arg: &mut #krate::BundleTypes) {
                #(#types_arg.add::<#types>();)*
            }
            #[inline]
            fn write(self, #writer_arg: &mut #krate::BundleWriter<'_>) {
                #(#writer_arg.put::<#types>(self.#members);)*
            }
            fn take(#reader_arg: &mut #krate::BundleReader<'_>) -> Self {
                #take
            }
        }
    })
}

/// The path named by `#[bundle(crate = path)]`, or `::cellar`.
fn crate_path(input: &DeriveInput) -> syn::Result<Path> {
    let mut krate: Option<Path> = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("bundle")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                if krate.is_some() {
                    return Err(meta.error("`crate` is given twice"));
                }
                krate = Some(meta.value()?.parse()?);
                Ok(())
            } else {
                Err(meta.error("unknown `bundle` attribute: the one accepted is `crate = path`"))
            }
        })?;
    }
    Ok(krate.unwrap_or_else(|| parse_quote!(::cellar)))
}
