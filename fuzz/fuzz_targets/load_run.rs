//! libFuzzer target: arbitrary bytes as a scenario file, through load, validate, explain,
//! compile and a short run. See `src/harness.rs` for what counts as a failure.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        corridor_fuzz::harness::exercise(text);
    }
});
