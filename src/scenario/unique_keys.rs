//! Maps in scenario files whose keys must be unique.
//!
//! Serde's `BTreeMap` keeps the last of two equal keys without a word, so
//! `capacity: { 2026: 7.5, 2026: 12.5 }` would silently mean 12.5. Fields that are maps
//! deserialise through `unique`, which refuses a repeated key at its position in the file.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};

/// `#[serde(deserialize_with = "unique")]` for map fields.
pub fn unique<'de, D, K, V>(d: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord + fmt::Display,
    V: Deserialize<'de>,
{
    struct Unique<K, V>(PhantomData<(K, V)>);

    impl<'de, K, V> Visitor<'de> for Unique<K, V>
    where
        K: Deserialize<'de> + Ord + fmt::Display,
        V: Deserialize<'de>,
    {
        type Value = BTreeMap<K, V>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a map such as { 2025: 72.5 }")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
            let mut map = BTreeMap::new();
            while let Some((k, v)) = access.next_entry::<K, V>()? {
                if map.contains_key(&k) {
                    return Err(A::Error::custom(format!(
                        "{k} is given twice; keep one entry per key"
                    )));
                }
                map.insert(k, v);
            }
            Ok(map)
        }
    }

    d.deserialize_map(Unique(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct S {
        #[serde(deserialize_with = "unique")]
        m: BTreeMap<i32, f64>,
    }

    #[test]
    fn refuses_a_repeated_key_and_keeps_distinct_ones() {
        let e = ron::from_str::<S>("(m: { 2026: 7.5, 2026: 12.5 })").unwrap_err();
        assert!(e.to_string().contains("2026 is given twice"), "{e}");
        let s: S = ron::from_str("(m: { 2025: 1.0, 2026: 2.0 })").unwrap();
        assert_eq!(s.m.len(), 2);
    }
}
