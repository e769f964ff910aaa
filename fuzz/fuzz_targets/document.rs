//! (c) The incremental document under random batches of changes in every encoding, with
//! out-of-range, reversed and mid-character positions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use srls_fuzz::checks;
use srls_fuzz::input::DocInput;

fuzz_target!(|input: DocInput| {
    let (initial, encoding, batches) = input.decode();
    checks::check_document(&initial, encoding, &batches);
});
