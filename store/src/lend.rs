//! Lending the tokens of one batch out to its systems, in safe code.
//!
//! The world keeps one owner token per component type and per resource in a list indexed by
//! a dense token index. Before a batch runs, the schedule walks that list once with
//! `iter_mut()`, which yields each token as a `&mut` that the borrow checker knows is
//! disjoint from every other. A token that one system of the batch writes is *moved* to that
//! system as the `&mut` itself; a token that systems only read is turned into one `&` and
//! copied to each reader. A token that one system writes and another also claims cannot be
//! lent: the walk returns an error instead. So a faulty batch can fail, but nothing here (and
//! no `unsafe` anywhere in the schedule) can put a `&mut` beside another borrow of one token.
//!
//! The lent tokens then travel on in safe code too: a system's parameters take them out of
//! its `FetchContext` (an exclusive one at most once), a `ParamSet` reborrows its tokens for
//! one member at a time (`p0()` borrows the set mutably, so two members cannot coexist), and
//! a query checks each against its columns' owner once per run (`TokenSource`). This module
//! sits beside `system` and `schedule`, not in either, so neither imports the other for it.

/// One token as lent to one system for one run.
#[derive(Debug)]
pub enum Lent<'a, O> {
    /// Shared: the system reads what the token guards. Other systems may hold the same `&`.
    Read(&'a O),
    /// Exclusive: the system writes what the token guards. No one else holds the token.
    Write(&'a mut O),
}

/// A request by one system of a batch: token index and whether it writes.
pub(crate) type Request = (usize, bool);

/// Why a batch's tokens could not be lent out.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LendError {
    /// Token `token` was requested by the systems at these batch positions, one of them for
    /// writing.
    Clash { token: usize, claimants: Vec<usize> },
    /// A request named a token index the world does not have.
    Missing { token: usize },
}

/// Lends `owners` (the world's tokens, in token-index order) out to the systems of a batch.
///
/// `requests[s]` lists system `s`'s requests; the result's `[s][k]` answers `requests[s][k]`.
pub(crate) fn lend<'a, O: 'a>(
    owners: impl IntoIterator<Item = &'a mut O>,
    requests: &[&[Request]],
) -> Result<Vec<Vec<Lent<'a, O>>>, LendError> {
    // (token, system, slot, write), sorted by token so one walk over the owners serves all.
    let mut claims: Vec<(usize, usize, usize, bool)> = requests
        .iter()
        .enumerate()
        .flat_map(|(s, reqs)| reqs.iter().enumerate().map(move |(k, &(t, w))| (t, s, k, w)))
        .collect();
    claims.sort_unstable();
    let mut answers: Vec<Vec<Option<Lent<'a, O>>>> =
        requests.iter().map(|reqs| reqs.iter().map(|_| None).collect()).collect();

    let mut claims_left = &claims[..];
    for (token, owner) in owners.into_iter().enumerate() {
        let here = claims_left.iter().take_while(|c| c.0 == token).count();
        if here == 0 {
            if claims_left.is_empty() {
                break;
            }
            continue;
        }
        let (mine, rest) = claims_left.split_at(here);
        claims_left = rest;
        if mine.iter().any(|c| c.3) {
            if let [(_, s, k, _)] = *mine {
                answers[s][k] = Some(Lent::Write(owner));
            } else {
                let claimants = mine.iter().map(|c| c.1).collect();
                return Err(LendError::Clash { token, claimants });
            }
        } else {
            let shared: &'a O = owner;
            for &(_, s, k, _) in mine {
                answers[s][k] = Some(Lent::Read(shared));
            }
        }
    }
    if let Some(&(token, ..)) = claims_left.first() {
        return Err(LendError::Missing { token });
    }
    Ok(answers
        .into_iter()
        .map(|row| row.into_iter().map(|a| a.expect("every claim was answered")).collect())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_get_the_token_and_readers_share_one() {
        let mut owners = vec![10, 20, 30];
        let requests: [&[Request]; 3] = [&[(0, true), (1, false)], &[(1, false)], &[(2, true)]];
        let mut lent = lend(owners.iter_mut(), &requests).unwrap();
        match &mut lent[0][0] {
            Lent::Write(x) => **x += 1,
            Lent::Read(_) => panic!("expected a write"),
        }
        assert!(matches!(lent[0][1], Lent::Read(&20)));
        assert!(matches!(lent[1][0], Lent::Read(&20)));
        assert!(matches!(lent[2][0], Lent::Write(&mut 30)));
        drop(lent);
        assert_eq!(owners, vec![11, 20, 30]);
    }

    #[test]
    fn a_write_beside_another_claim_is_refused() {
        let mut owners = [0, 0];
        let requests: [&[Request]; 2] = [&[(1, true)], &[(1, false)]];
        assert_eq!(
            lend(owners.iter_mut(), &requests).unwrap_err(),
            LendError::Clash { token: 1, claimants: vec![0, 1] }
        );
        let requests: [&[Request]; 2] = [&[(0, true)], &[(0, true)]];
        assert!(lend(owners.iter_mut(), &requests).is_err());
    }

    #[test]
    fn missing_tokens_are_refused() {
        let mut owners = [0];
        let requests: [&[Request]; 1] = [&[(0, false), (3, false)]];
        assert_eq!(
            lend(owners.iter_mut(), &requests).unwrap_err(),
            LendError::Missing { token: 3 }
        );
    }
}
