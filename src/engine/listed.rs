//! A list that keeps the first `cap` items by place (file, line) and counts the rest.
//!
//! A hostile or broken file can have millions of bad rows; holding a message for each would let
//! an input exhaust memory. Items arrive in any order from worker threads; whenever the list
//! doubles its cap it is sorted and cut back, which keeps exactly the `cap` earliest places of
//! everything seen (an item cut has `cap` items before it that only earlier ones can displace),
//! so what is listed never depends on thread timing.

use super::Place;

#[derive(Debug)]
pub struct Listed<T> {
    items: Vec<(Place, T)>,
    cap: usize,
    dropped: u64,
    /// Once full: the latest place kept. Anything later can be counted without being built.
    limit: Option<Place>,
}

impl<T> Listed<T> {
    pub fn new(cap: usize) -> Self {
        Listed {
            items: Vec::new(),
            cap: cap.max(1),
            dropped: 0,
            limit: None,
        }
    }

    pub fn push(&mut self, place: Place, item: T) {
        self.items.push((place, item));
        if self.items.len() >= 2 * self.cap {
            self.cut();
        }
    }

    /// Counts items that were not even built because they fall after [`Listed::limit`].
    pub fn skip(&mut self, n: u64) {
        self.dropped += n;
    }

    /// Once the list is full, the latest place it keeps: an item after it will never be listed.
    pub fn limit(&self) -> Option<Place> {
        self.limit
    }

    pub fn extend(&mut self, other: Listed<T>) {
        self.dropped += other.dropped;
        for (place, item) in other.items {
            self.push(place, item);
        }
    }

    fn cut(&mut self) {
        // Stable: the problems of one row stay in the order they were found.
        self.items.sort_by_key(|(place, _)| *place);
        if self.items.len() > self.cap {
            self.dropped += (self.items.len() - self.cap) as u64;
            self.items.truncate(self.cap);
        }
        if self.items.len() == self.cap {
            self.limit = self.items.last().map(|(place, _)| *place);
        }
    }

    /// The kept items in place order, and how many were dropped.
    pub fn into_sorted(mut self) -> (Vec<T>, u64) {
        self.cut();
        (
            self.items.into_iter().map(|(_, t)| t).collect(),
            self.dropped,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_earliest_whatever_the_order() {
        let places: Vec<u64> = (0..1000).map(|i| (i * 7919) % 1000).collect();
        let mut a = Listed::new(10);
        for &p in &places {
            a.push(Place::new(0, p), p);
        }
        let (kept, dropped) = a.into_sorted();
        assert_eq!(kept, (0..10).collect::<Vec<u64>>());
        assert_eq!(dropped, 990);
    }
}
