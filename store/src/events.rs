//! Events: double-buffered queues of messages between systems.
//!
//! An [`Events<E>`] resource holds the events of type `E` sent in the current frame and in the
//! one before. [`EventWriter<E>`](crate::system::EventWriter) appends to the current buffer;
//! [`EventReader<E>`](crate::system::EventReader) keeps a cursor per system and yields every
//! event it has not seen from both buffers. At the start of every run the schedule calls
//! [`Events::update`] for each event type its systems use, which drops the older buffer and
//! starts a new current one.
//!
//! So an event sent in frame *n* is seen by every reader that runs after the writer in frame
//! *n* (ordered after it, or in a later batch), and by every reader in frame *n + 1*; it is
//! gone in frame *n + 2*. A reader never sees one event twice.

use std::fmt;

/// The events of type `E` of this frame and the frame before, as one resource.
///
/// Events get consecutive ids; a reader's [`EventCursor`] remembers the next id it has not
/// read. Sending is through [`EventWriter`](crate::system::EventWriter) in systems, or
/// [`send`](Events::send) with the resource in hand.
///
/// # Examples
///
/// ```
/// use cellar::events::{EventCursor, Events};
///
/// let mut events = Events::<u32>::new();
/// let mut cursor = EventCursor::new();
/// events.send(1);
/// events.update(); // a new frame: 1 is still readable
/// events.send(2);
/// assert_eq!(cursor.read(&events).copied().collect::<Vec<_>>(), vec![1, 2]);
/// assert_eq!(cursor.read(&events).count(), 0, "each event is read once");
/// events.update();
/// events.update(); // two frames later both are gone
/// assert!(events.is_empty());
/// ```
pub struct Events<E> {
    /// Events of the previous frame; the first has id `previous_start`.
    previous: Vec<E>,
    previous_start: u64,
    /// Events of this frame; the first has id `previous_start + previous.len()`.
    current: Vec<E>,
}

impl<E> Events<E> {
    /// Empty queues.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::events::Events;
    /// assert!(Events::<()>::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Events { previous: Vec::new(), previous_start: 0, current: Vec::new() }
    }

    fn current_start(&self) -> u64 {
        self.previous_start + self.previous.len() as u64
    }

    /// The id the next event sent will get.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::events::Events;
    /// let mut events = Events::new();
    /// events.send('a');
    /// assert_eq!(events.next_id(), 1);
    /// ```
    pub fn next_id(&self) -> u64 {
        self.current_start() + self.current.len() as u64
    }

    /// Appends `event` to this frame's buffer and returns its id.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::events::Events;
    /// let mut events = Events::new();
    /// assert_eq!(events.send("hit"), 0);
    /// assert_eq!(events.send("miss"), 1);
    /// ```
    pub fn send(&mut self, event: E) -> u64 {
        let id = self.next_id();
        self.current.push(event);
        id
    }

    /// Appends every event of `events`, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::events::Events;
    /// let mut events = Events::new();
    /// events.send_batch([1, 2, 3]);
    /// assert_eq!(events.len(), 3);
    /// ```
    pub fn send_batch(&mut self, events: impl IntoIterator<Item = E>) {
        self.current.extend(events);
    }

    /// Starts a new frame: drops the previous frame's events and keeps this frame's as the
    /// previous ones. The schedule calls this at the start of every run.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::events::Events;
    /// let mut events = Events::new();
    /// events.send(7);
    /// events.update();
    /// assert_eq!(events.len(), 1);
    /// events.update();
    /// assert_eq!(events.len(), 0);
    /// ```
    pub fn update(&mut self) {
        self.previous_start = self.current_start();
        self.previous.clear();
        std::mem::swap(&mut self.previous, &mut self.current);
    }

    /// How many events are held (this frame's and the previous frame's).
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::events::Events;
    /// let mut events = Events::new();
    /// events.send(());
    /// assert_eq!(events.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.previous.len() + self.current.len()
    }

    /// Whether no event is held.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::events::Events;
    /// assert!(Events::<u8>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every held event; readers will not see them.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::events::Events;
    /// let mut events = Events::new();
    /// events.send(1);
    /// events.clear();
    /// assert!(events.is_empty());
    /// ```
    pub fn clear(&mut self) {
        self.previous_start = self.next_id();
        self.previous.clear();
        self.current.clear();
    }

    /// Every held event, oldest first, without a cursor.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::events::Events;
    /// let mut events = Events::new();
    /// events.send(1);
    /// events.update();
    /// events.send(2);
    /// assert_eq!(events.iter().copied().collect::<Vec<_>>(), vec![1, 2]);
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &E> + '_ {
        ExactChain { inner: self.previous.iter().chain(self.current.iter()), len: self.len() }
    }
}

impl<E> Default for Events<E> {
    fn default() -> Self {
        Events::new()
    }
}

impl<E> fmt::Debug for Events<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Events")
            .field("type", &std::any::type_name::<E>())
            .field("previous", &self.previous.len())
            .field("current", &self.current.len())
            .field("next_id", &self.next_id())
            .finish()
    }
}

/// A reader's position in an [`Events<E>`] queue: the id of the next event it has not read.
///
/// [`EventReader`](crate::system::EventReader) keeps one per system; use one directly to read
/// events outside the schedule.
///
/// # Examples
///
/// ```
/// use cellar::events::{EventCursor, Events};
///
/// let mut events = Events::new();
/// let mut cursor = EventCursor::new();
/// events.send("a");
/// assert_eq!(cursor.read(&events).collect::<Vec<_>>(), vec![&"a"]);
/// events.send("b");
/// assert_eq!(cursor.read(&events).collect::<Vec<_>>(), vec![&"b"]);
/// ```
pub struct EventCursor<E> {
    next: u64,
    missed: u64,
    _events: std::marker::PhantomData<fn() -> E>,
}

impl<E> EventCursor<E> {
    /// A cursor before the first event ever sent: it reads everything still held.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::events::EventCursor;
    /// assert_eq!(EventCursor::<u8>::new().missed(), 0);
    /// ```
    pub fn new() -> Self {
        EventCursor { next: 0, missed: 0, _events: std::marker::PhantomData }
    }

    /// The events of `events` this cursor has not read yet, oldest first; reading moves the
    /// cursor past them.
    ///
    /// Events dropped by [`Events::update`] before this cursor read them are counted in
    /// [`missed`](EventCursor::missed).
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::events::{EventCursor, Events};
    /// let mut events = Events::new();
    /// let mut cursor = EventCursor::new();
    /// events.send(1);
    /// events.update();
    /// events.update();
    /// assert_eq!(cursor.read(&events).count(), 0);
    /// assert_eq!(cursor.missed(), 1);
    /// ```
    pub fn read<'a>(&mut self, events: &'a Events<E>) -> impl ExactSizeIterator<Item = &'a E> + 'a {
        if self.next < events.previous_start {
            self.missed += events.previous_start - self.next;
            self.next = events.previous_start;
        }
        let skip = (self.next - events.previous_start) as usize;
        let (prev, cur) = if skip <= events.previous.len() {
            (&events.previous[skip..], &events.current[..])
        } else {
            let in_current = (skip - events.previous.len()).min(events.current.len());
            (&events.previous[..0], &events.current[in_current..])
        };
        self.next = events.next_id();
        let len = prev.len() + cur.len();
        ExactChain { inner: prev.iter().chain(cur.iter()), len }
    }

    /// How many events this cursor has not read yet.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::events::{EventCursor, Events};
    /// let mut events = Events::new();
    /// events.send_batch([1, 2]);
    /// assert_eq!(EventCursor::new().unread(&events), 2);
    /// ```
    pub fn unread(&self, events: &Events<E>) -> usize {
        (events.next_id() - self.next.max(events.previous_start)) as usize
    }

    /// How many events this cursor never read because they were dropped first.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::events::EventCursor;
    /// assert_eq!(EventCursor::<()>::new().missed(), 0);
    /// ```
    pub fn missed(&self) -> u64 {
        self.missed
    }
}

impl<E> Default for EventCursor<E> {
    fn default() -> Self {
        EventCursor::new()
    }
}

impl<E> fmt::Debug for EventCursor<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventCursor")
            .field("next", &self.next)
            .field("missed", &self.missed)
            .finish()
    }
}

/// A chain of two slice iterators that knows its length.
struct ExactChain<I> {
    inner: I,
    len: usize,
}

impl<I: Iterator> Iterator for ExactChain<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        let item = self.inner.next()?;
        self.len -= 1;
        Some(item)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }
}

impl<I: Iterator> ExactSizeIterator for ExactChain<I> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_live_two_frames_and_are_read_once() {
        let mut events = Events::new();
        let mut early = EventCursor::new();
        let mut late = EventCursor::new();
        events.send(1);
        assert_eq!(early.read(&events).copied().collect::<Vec<_>>(), vec![1]);
        events.update();
        events.send(2);
        assert_eq!(early.read(&events).copied().collect::<Vec<_>>(), vec![2]);
        assert_eq!(late.read(&events).copied().collect::<Vec<_>>(), vec![1, 2]);
        events.update();
        events.update();
        events.send(3);
        assert_eq!(early.read(&events).copied().collect::<Vec<_>>(), vec![3]);
        assert_eq!(early.missed(), 0);
        assert_eq!(late.unread(&events), 1);
    }

    #[test]
    fn a_slow_reader_counts_what_it_missed() {
        let mut events = Events::new();
        let mut cursor = EventCursor::new();
        events.send_batch([1, 2, 3]);
        events.update();
        events.update();
        events.send(4);
        assert_eq!(cursor.read(&events).copied().collect::<Vec<_>>(), vec![4]);
        assert_eq!(cursor.missed(), 3);
    }

    #[test]
    fn clear_hides_held_events_from_every_cursor() {
        let mut events = Events::new();
        let mut cursor = EventCursor::new();
        events.send(1);
        events.clear();
        events.send(2);
        assert_eq!(cursor.read(&events).copied().collect::<Vec<_>>(), vec![2]);
    }
}
