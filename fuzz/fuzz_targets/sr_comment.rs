//! (b) The SR comment readers, group parser and moment date parser on arbitrary lines.
//! Bytes 0 and 1 place the `find_first` window (scaled to the text); the rest is the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use srls_fuzz::checks;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let text = String::from_utf8_lossy(&data[2..]);
    let scale = |b: u8| usize::from(b) * (text.len() + 1) / 255;
    checks::check_sr(&text, scale(data[0]), scale(data[1]));
});
