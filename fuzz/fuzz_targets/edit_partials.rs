//! libFuzzer target: real shards edited field by field as the input says (extreme statistics,
//! out-of-range numbers, missing and repeated shards), then through `read_partials`' checks.
//! See `exercise_edits` in `src/partials.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    corridor_fuzz::partials::exercise_edits(data);
});
