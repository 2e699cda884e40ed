//! From systems, their accesses and their declared order to a sequence of batches.
//!
//! 1. The *sequence*: a topological order of the declared `before`/`after` edges that, among
//!    the systems free to go next, always takes the earliest added (Kahn's algorithm with a
//!    min-heap). Without declared edges it is insertion order. A cycle is an error naming the
//!    systems on it.
//! 2. The *batches*: walking the sequence, each system goes into the earliest batch after the
//!    batches of its declared predecessors and of every system before it in the sequence
//!    whose access conflicts with its own. Systems of one batch therefore never conflict, and
//!    two conflicting systems always run in sequence order.
//!
//! Nothing here depends on the number of threads, so neither does the result of a run.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::access::Access;

/// The plan of one schedule: `batches[b]` lists system indices in sequence order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Plan {
    pub(crate) sequence: Vec<usize>,
    pub(crate) batches: Vec<Vec<usize>>,
}

/// Builds the plan for `n` systems, `edges` as `(before, after)` index pairs.
///
/// Returns `Err(cycle)` with the system indices on one cycle, in order.
pub(crate) fn plan(accesses: &[&Access], edges: &[(usize, usize)]) -> Result<Plan, Vec<usize>> {
    let n = accesses.len();
    let mut succ = vec![Vec::new(); n];
    let mut preds = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for &(a, b) in edges {
        if a != b && !succ[a].contains(&b) {
            succ[a].push(b);
            preds[b].push(a);
            indegree[b] += 1;
        } else if a == b {
            return Err(vec![a]);
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> =
        (0..n).filter(|&i| indegree[i] == 0).map(Reverse).collect();
    let mut sequence = Vec::with_capacity(n);
    while let Some(Reverse(i)) = ready.pop() {
        sequence.push(i);
        for &j in &succ[i] {
            indegree[j] -= 1;
            if indegree[j] == 0 {
                ready.push(Reverse(j));
            }
        }
    }
    if sequence.len() < n {
        return Err(find_cycle(&succ, &indegree));
    }

    let mut batch_of = vec![0usize; n];
    let mut batches: Vec<Vec<usize>> = Vec::new();
    for (pos, &i) in sequence.iter().enumerate() {
        let mut b = 0;
        for &p in &preds[i] {
            b = b.max(batch_of[p] + 1);
        }
        for &earlier in &sequence[..pos] {
            if batch_of[earlier] + 1 > b && accesses[i].conflicts_with(accesses[earlier]) {
                b = batch_of[earlier] + 1;
            }
        }
        batch_of[i] = b;
        if batches.len() <= b {
            batches.resize_with(b + 1, Vec::new);
        }
        batches[b].push(i);
    }
    Ok(Plan { sequence, batches })
}

/// One cycle among the nodes Kahn's algorithm could not place (those with indegree left).
///
/// Every stuck node lies on a cycle or downstream of one, so a depth-first search through
/// stuck nodes finds a back edge; the path from its target to the top is a cycle.
fn find_cycle(succ: &[Vec<usize>], indegree: &[usize]) -> Vec<usize> {
    let n = succ.len();
    let stuck = |i: usize| indegree[i] > 0;
    // 0 = unvisited, 1 = on the current path, 2 = finished.
    let mut state = vec![0u8; n];
    for root in (0..n).filter(|&i| stuck(i)) {
        if state[root] != 0 {
            continue;
        }
        let mut path = vec![root];
        let mut next_child = vec![0usize];
        state[root] = 1;
        while let Some(&node) = path.last() {
            let k = next_child.last_mut().expect("one cursor per path node");
            if let Some(&child) = succ[node].get(*k) {
                *k += 1;
                if !stuck(child) {
                    continue;
                }
                match state[child] {
                    0 => {
                        state[child] = 1;
                        path.push(child);
                        next_child.push(0);
                    }
                    1 => {
                        let at = path.iter().position(|&p| p == child).expect("on the path");
                        return path[at..].to_vec();
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                path.pop();
                next_child.pop();
            }
        }
    }
    unreachable!("nodes left with predecessors always hold a cycle")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{AccessKey, Borrow};

    struct A;
    struct B;

    fn access(entries: &[(AccessKey, Borrow)]) -> Access {
        let mut a = Access::new();
        for &(k, b) in entries {
            a.add(k, b).unwrap();
        }
        a
    }

    #[test]
    fn non_conflicting_systems_share_a_batch() {
        let r = access(&[(AccessKey::component::<A>(), Borrow::Read)]);
        let w = access(&[(AccessKey::component::<B>(), Borrow::Write)]);
        let p = plan(&[&r, &w, &r], &[]).unwrap();
        assert_eq!(p.batches, vec![vec![0, 1, 2]]);
    }

    #[test]
    fn conflicting_systems_follow_insertion_order() {
        let r = access(&[(AccessKey::component::<A>(), Borrow::Read)]);
        let w = access(&[(AccessKey::component::<A>(), Borrow::Write)]);
        let other = access(&[(AccessKey::component::<B>(), Borrow::Write)]);
        let p = plan(&[&r, &w, &r, &other], &[]).unwrap();
        assert_eq!(p.batches, vec![vec![0, 3], vec![1], vec![2]]);
    }

    #[test]
    fn declared_order_overrides_insertion_order() {
        let w = access(&[(AccessKey::component::<A>(), Borrow::Write)]);
        // 1 before 0.
        let p = plan(&[&w, &w], &[(1, 0)]).unwrap();
        assert_eq!(p.sequence, vec![1, 0]);
        assert_eq!(p.batches, vec![vec![1], vec![0]]);
    }

    #[test]
    fn declared_order_separates_non_conflicting_systems() {
        let e = Access::new();
        let p = plan(&[&e, &e, &e], &[(0, 2)]).unwrap();
        assert_eq!(p.batches, vec![vec![0, 1], vec![2]]);
    }

    #[test]
    fn exclusive_systems_run_alone() {
        let e = Access::new();
        let x = Access::exclusive();
        let p = plan(&[&e, &x, &e], &[]).unwrap();
        assert_eq!(p.batches, vec![vec![0], vec![1], vec![2]]);
    }

    #[test]
    fn cycles_are_found_and_named_in_order() {
        let e = Access::new();
        let err = plan(&[&e, &e, &e, &e], &[(0, 1), (1, 2), (2, 1), (3, 0)]).unwrap_err();
        let mut sorted = err.clone();
        sorted.sort();
        assert_eq!(sorted, vec![1, 2]);
        let err = plan(&[&e, &e, &e], &[(0, 1), (1, 2), (2, 0)]).unwrap_err();
        assert_eq!(err.len(), 3);
        for w in 0..3 {
            let (a, b) = (err[w], err[(w + 1) % 3]);
            assert_eq!((a + 1) % 3, b, "{err:?} is not in edge order");
        }
        assert_eq!(plan(&[&e], &[(0, 0)]).unwrap_err(), vec![0]);
    }
}
