//! libFuzzer target: arbitrary bytes as up to four shard files (`partial.json`, separated by a
//! 0xFF byte), through merge's reader, its set checks, the merge and the result files. See
//! `src/partials.rs` for what counts as a failure.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    corridor_fuzz::partials::exercise(data);
});
