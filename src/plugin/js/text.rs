//! JavaScript string semantics the plugin relies on.
//!
//! The plugin trims with `String.prototype.trim`, which strips every Unicode white space
//! character, the line terminators and U+FEFF. Rust's `str::trim` does not strip U+FEFF, so a
//! note that starts with a byte-order mark or carries a zero-width no-break space on a separator
//! line would be read differently. Everything in the core that mirrors a JS trim uses these.

/// Whether `c` is white space for JavaScript's `trim` (WhiteSpace + LineTerminator).
pub fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\u{0009}'
            | '\u{000A}'
            | '\u{000B}'
            | '\u{000C}'
            | '\u{000D}'
            | '\u{0020}'
            | '\u{00A0}'
            | '\u{1680}'
            | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// `s.trim()` in JavaScript.
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_js_space)
}

/// `s.trimStart()` in JavaScript.
pub fn trim_start(s: &str) -> &str {
    s.trim_start_matches(is_js_space)
}

/// `s.trimEnd()` in JavaScript.
pub fn trim_end(s: &str) -> &str {
    s.trim_end_matches(is_js_space)
}

/// Whether a line is blank once trimmed.
pub fn is_blank(s: &str) -> bool {
    trim(s).is_empty()
}

/// JavaScript `parseInt(s, 10)`: leading white space, an optional sign, then leading digits.
/// Returns `None` where JavaScript gives `NaN`.
pub fn parse_int(s: &str) -> Option<i64> {
    let s = trim_start(s);
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let digits = rest.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    // Saturate instead of overflowing: JavaScript would give a huge float.
    let mut v: i64 = 0;
    for b in rest[..digits].bytes() {
        v = v.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    Some(if neg { -v } else { v })
}

/// JavaScript `parseFloat(s)` for the plain decimal forms that occur in comments.
/// Returns `None` where JavaScript gives `NaN`.
pub fn parse_float(s: &str) -> Option<f64> {
    let s = trim_start(s);
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut had_digits = i > int_start;
    if i < b.len() && b[i] == b'.' {
        let frac_start = i + 1;
        let mut j = frac_start;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > frac_start || had_digits {
            had_digits = had_digits || j > frac_start;
            i = j;
        }
    }
    if !had_digits {
        if s[int_start..].starts_with("Infinity") {
            return Some(if s.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        return None;
    }
    let i = super::number::exponent_end(b, i);
    s[..i].parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_strips_bom_and_nbsp() {
        assert_eq!(trim("\u{FEFF} ?\u{00A0}"), "?");
        assert_eq!(trim_end("a \t"), "a");
        assert!(is_blank("\u{3000}\t"));
        assert!(
            !is_blank("\u{200B}"),
            "zero-width space is not white space in JS"
        );
    }

    #[test]
    fn parse_int_like_js() {
        assert_eq!(parse_int("2.5"), Some(2));
        assert_eq!(parse_int(" 15"), Some(15));
        assert_eq!(parse_int("-3x"), Some(-3));
        assert_eq!(parse_int("x"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("99999999999999999999999"), Some(i64::MAX));
    }

    #[test]
    fn parse_float_like_js() {
        assert_eq!(parse_float("2.5"), Some(2.5));
        assert_eq!(parse_float("2.11810397abc"), Some(2.11810397));
        assert_eq!(parse_float(".5"), Some(0.5));
        assert_eq!(parse_float("1e3"), Some(1000.0));
        assert_eq!(parse_float("abc"), None);
        assert_eq!(parse_float("-"), None);
    }
}
