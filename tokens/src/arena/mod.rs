//! Arenas of token cells: read with `&owner`, write with `&mut owner`.
