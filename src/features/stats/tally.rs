//! The plugin's `ValueCountDict`: a JavaScript `Record<number, number>` from a value to how many
//! cards have it, with the semantics the charts inherit from JavaScript objects.
//!
//! * A value is stored under its property key, `String(value)` ([`js_number`]): `-0` and `0` are
//!   one key, `NaN` is the key `"NaN"`.
//! * Keys come back (`Object.keys`, `Object.entries`) with the array-index keys (`"0"`, `"1"`, …,
//!   below 2³² − 1) first in ascending order, then every other key (`"-3"`, `"2.5"`, `"NaN"`) in
//!   insertion order. So a chart's labels are sorted numbers only while every value is a
//!   non-negative integer.

use crate::plugin::js::number::js_number;
use std::collections::HashMap;

/// Value → count, in the plugin's key order.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Property key, the number it stands for, count; in insertion order.
    entries: Vec<(String, f64, u64)>,
    index: HashMap<String, usize>,
}

/// The largest array index plus one: `2³² − 1` is not an index.
const INDEX_LIMIT: u64 = u32::MAX as u64;

/// Whether `key` is an array index (canonical decimal text of an integer below 2³² − 1).
pub(super) fn array_index(key: &str) -> Option<u64> {
    let n: u64 = key.parse().ok()?;
    (n < INDEX_LIMIT && n.to_string() == key).then_some(n)
}

/// JavaScript's `||` fallback for numbers: `NaN` and `0` give `fallback`.
pub fn or_else(x: f64, fallback: f64) -> f64 {
    if x.is_nan() || x == 0.0 { fallback } else { x }
}

impl Tally {
    /// `incrementCount(value)`.
    pub fn add(&mut self, value: f64) {
        let i = self.slot(value);
        self.entries[i].2 += 1;
    }

    /// `clearCountIfMissing(value)`: a bar of 0 for a value no card has.
    pub fn fill(&mut self, value: f64) {
        self.slot(value);
    }

    fn slot(&mut self, value: f64) -> usize {
        let key = js_number(value);
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        self.entries.push((key.clone(), value, 0));
        self.index.insert(key, self.entries.len() - 1);
        self.entries.len() - 1
    }

    /// Whether nothing was counted or filled.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `Math.max(...keys)`: `-Infinity` when empty, `NaN` when any key is `NaN`.
    pub fn max_key(&self) -> f64 {
        self.fold(f64::NEG_INFINITY, f64::max)
    }

    /// `Math.min(...keys)`: `Infinity` when empty, `NaN` when any key is `NaN`.
    pub fn min_key(&self) -> f64 {
        self.fold(f64::INFINITY, f64::min)
    }

    fn fold(&self, start: f64, pick: fn(f64, f64) -> f64) -> f64 {
        self.entries.iter().fold(start, |acc, e| {
            if acc.is_nan() || e.1.is_nan() {
                f64::NAN
            } else {
                pick(acc, e.1)
            }
        })
    }

    /// `getMaxValue()`: `Math.max(...keys) || 0`, so `-Infinity` when empty and 0 for `NaN`.
    pub fn max_value(&self) -> f64 {
        or_else(self.max_key(), 0.0)
    }

    /// `getTotalOfValueMultiplyCount()`: Σ value × count in key order, `|| 0`.
    pub fn total(&self) -> f64 {
        let sum = self
            .ordered()
            .iter()
            .fold(0.0, |acc, e| acc + e.1 * e.2 as f64);
        or_else(sum, 0.0)
    }

    /// `Object.entries(dict)`: (key, value, count) in JavaScript's property order.
    pub fn ordered(&self) -> Vec<(&str, f64, u64)> {
        let mut indexed: Vec<(u64, usize)> = Vec::new();
        let mut others = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            match array_index(&e.0) {
                Some(n) => indexed.push((n, i)),
                None => others.push(i),
            }
        }
        indexed.sort_unstable();
        indexed
            .into_iter()
            .map(|(_, i)| i)
            .chain(others)
            .map(|i| {
                let e = &self.entries[i];
                (e.0.as_str(), e.1, e.2)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_javascript_order() {
        let mut t = Tally::default();
        for v in [10.0, -3.0, 2.0, 2.5, f64::NAN, 0.0, -0.0, 10.0] {
            t.add(v);
        }
        let keys: Vec<(&str, u64)> = t.ordered().iter().map(|e| (e.0, e.2)).collect();
        assert_eq!(
            keys,
            [
                ("0", 2),
                ("2", 1),
                ("10", 2),
                ("-3", 1),
                ("2.5", 1),
                ("NaN", 1)
            ]
        );
        assert!(t.max_key().is_nan());
        assert_eq!(t.max_value(), 0.0);
        assert_eq!(t.total(), 0.0); // NaN × 1 makes the sum NaN, and `|| 0` gives 0
    }

    #[test]
    fn empty_and_plain() {
        let mut t = Tally::default();
        assert_eq!(t.max_value(), f64::NEG_INFINITY);
        assert_eq!(t.min_key(), f64::INFINITY);
        assert_eq!(t.total(), 0.0);
        t.add(4.0);
        t.add(4.0);
        t.fill(1.0);
        t.fill(4.0);
        assert_eq!(t.max_value(), 4.0);
        assert_eq!(t.min_key(), 1.0);
        assert_eq!(t.total(), 8.0);
        assert_eq!(t.ordered(), [("1", 1.0, 0), ("4", 4.0, 2)]);
        // 2^32 - 1 is not an array index: it keeps its insertion place.
        let mut big = Tally::default();
        big.add(4_294_967_295.0);
        big.add(7.0);
        assert_eq!(big.ordered()[0].0, "7");
    }
}
