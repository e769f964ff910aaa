//! (a) The note parser and the linter on arbitrary bytes read as UTF-8 (lossily).
//! Byte 0 picks the settings variant (`checks::VARIANTS`); the rest is the note.
#![no_main]

use libfuzzer_sys::fuzz_target;
use srls_fuzz::checks;

fuzz_target!(|data: &[u8]| {
    let Some((&v, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    checks::check_parse(&text, usize::from(v));
});
