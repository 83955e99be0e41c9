//! A small cache of result pages, per index generation (an update starts an empty one).
//!
//! Citizens search the same few procedures over and over ("khai sinh", "căn cước", "hộ
//! chiếu"…): a hit skips planning, scoring and snippets. Two generations approximate LRU
//! cheaply: entries go to `current`; when it holds half the capacity it becomes `previous`
//! (the older `previous` is dropped); a hit in `previous` is moved back to `current`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::fold::fold;
use crate::search::{Filters, SearchRequest, SearchResults};

/// Default number of cached pages.
pub const DEFAULT_CACHE_CAPACITY: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    /// Folded query, trailing white space kept as one space (it disables completion).
    query: String,
    filters: Filters,
    page: usize,
    per_page: usize,
    snippets: bool,
}

impl Key {
    pub fn new(req: &SearchRequest) -> Self {
        let q = req.query.trim_start();
        let mut query = fold(q.trim_end());
        if q.ends_with(char::is_whitespace) {
            query.push(' ');
        }
        Key {
            query,
            filters: req.filters.clone(),
            page: req.page,
            per_page: req.per_page,
            snippets: req.snippets,
        }
    }
}

type Map = HashMap<Key, Arc<SearchResults>>;

pub(crate) struct ResultCache {
    capacity: AtomicUsize,
    maps: Mutex<(Map, Map)>,
}

impl ResultCache {
    pub fn new(capacity: usize) -> Self {
        ResultCache {
            capacity: AtomicUsize::new(capacity),
            maps: Mutex::new((Map::new(), Map::new())),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity.load(Ordering::Relaxed)
    }

    /// Changes the capacity and empties the cache.
    pub fn set_capacity(&self, capacity: usize) {
        let mut maps = self.maps.lock().unwrap_or_else(PoisonError::into_inner);
        self.capacity.store(capacity, Ordering::Relaxed);
        *maps = (Map::new(), Map::new());
    }

    pub fn get(&self, key: &Key) -> Option<Arc<SearchResults>> {
        let capacity = self.capacity();
        if capacity == 0 {
            return None;
        }
        let mut maps = self.maps.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(r) = maps.0.get(key) {
            return Some(r.clone());
        }
        let r = maps.1.remove(key)?;
        Self::insert_locked(&mut maps, capacity, key.clone(), r.clone());
        Some(r)
    }

    pub fn insert(&self, key: Key, results: Arc<SearchResults>) {
        let capacity = self.capacity();
        if capacity == 0 {
            return;
        }
        let mut maps = self.maps.lock().unwrap_or_else(PoisonError::into_inner);
        Self::insert_locked(&mut maps, capacity, key, results);
    }

    fn insert_locked(maps: &mut (Map, Map), capacity: usize, key: Key, r: Arc<SearchResults>) {
        if maps.0.len() >= capacity.div_ceil(2) {
            maps.1 = std::mem::take(&mut maps.0);
        }
        maps.0.insert(key, r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results(total: usize) -> Arc<SearchResults> {
        Arc::new(SearchResults {
            total,
            page: 1,
            per_page: 10,
            hits: Vec::new(),
            relaxed: false,
        })
    }

    #[test]
    fn keys_fold_the_query() {
        assert_eq!(
            Key::new(&SearchRequest::new("Đăng ký")),
            Key::new(&SearchRequest::new("  dang KY"))
        );
        assert_ne!(
            Key::new(&SearchRequest::new("dang ky")),
            Key::new(&SearchRequest::new("dang ky "))
        );
        assert_ne!(
            Key::new(&SearchRequest::new("dang ky")),
            Key::new(&SearchRequest::new("dang ky").page(2, 10))
        );
    }

    #[test]
    fn bounded_and_promoting() {
        let c = ResultCache::new(4);
        let key = |i: usize| Key::new(&SearchRequest::new(format!("q{i}")));
        for i in 0..4 {
            c.insert(key(i), results(i));
        }
        // q0, q1 were moved to `previous`; a hit brings q0 back.
        assert_eq!(c.get(&key(0)).unwrap().total, 0);
        for i in 4..8 {
            c.insert(key(i), results(i));
        }
        assert!(c.get(&key(1)).is_none(), "evicted");
        assert_eq!(c.get(&key(7)).unwrap().total, 7);
        let maps = c.maps.lock().unwrap();
        assert!(maps.0.len() + maps.1.len() <= 4);
    }

    #[test]
    fn disabled() {
        let c = ResultCache::new(0);
        c.insert(Key::new(&SearchRequest::new("x")), results(1));
        assert!(c.get(&Key::new(&SearchRequest::new("x"))).is_none());
    }
}
