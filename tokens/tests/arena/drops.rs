//! `drop_suite!(arena, owner)`: every value is dropped exactly once, whichever way it leaves.

use std::cell::RefCell;
use std::rc::Rc;

/// A value that records its id in a shared log when dropped.
#[derive(Debug)]
pub struct Tracked {
    pub id: u32,
    pub log: Rc<RefCell<Vec<u32>>>,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.log.borrow_mut().push(self.id);
    }
}

/// Sorted copy of the log.
pub fn sorted(log: &Rc<RefCell<Vec<u32>>>) -> Vec<u32> {
    let mut ids = log.borrow().clone();
    ids.sort_unstable();
    ids
}

macro_rules! drop_suite {
    ($arena:ident, $owner:ident) => {{
        use super::drops::{Tracked, sorted};
        use std::{cell::RefCell, rc::Rc};

        let log = Rc::new(RefCell::new(Vec::new()));
        let track = |id| Tracked { id, log: Rc::clone(&log) };
        let keys: Vec<_> = (0..10).map(|id| $arena.insert(track(id))).collect();
        assert!(log.borrow().is_empty());

        // remove hands the value back; it is dropped by the caller, once.
        let removed = $arena.remove(keys[3]).unwrap();
        assert!(log.borrow().is_empty());
        drop(removed);
        assert_eq!(sorted(&log), [3]);
        assert!($arena.remove(keys[3]).is_none());
        assert_eq!(sorted(&log), [3]);

        // Overwriting through the owner drops the old value.
        *ok($arena.get_mut(&mut $owner, keys[0])).unwrap() = track(100);
        assert_eq!(sorted(&log), [0, 3]);

        // retain drops exactly the rejected values.
        $arena.retain(|_, v| v.id % 2 == 0);
        assert_eq!(sorted(&log), [0, 1, 3, 5, 7, 9]);
        assert_eq!($arena.len(), 5);

        // clear drops the rest.
        $arena.clear();
        assert_eq!(sorted(&log), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100]);

        // Dropping the arena drops what is in it.
        for id in 200..205 {
            $arena.insert(track(id));
        }
        drop($arena);
        assert_eq!(log.borrow().len(), 16);
        assert_eq!(&sorted(&log)[11..], [200, 201, 202, 203, 204]);
        let _ = &mut $owner;
    }};
}
