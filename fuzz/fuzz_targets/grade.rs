//! (d) The grade writer: every card, side and response of an arbitrary note.
//! Byte 0 picks the settings variant, byte 1 the review day (signed, in weeks from
//! 2025-01-03); the rest is the note, read as UTF-8 (lossily).
#![no_main]

use libfuzzer_sys::fuzz_target;
use srls_fuzz::checks;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let text = String::from_utf8_lossy(&data[2..]);
    let shift = i16::from(data[1] as i8) * 7;
    checks::check_grade(&text, usize::from(data[0]), shift, 6);
});
