//! JavaScript number semantics needed to reproduce the plugin byte for byte.
//!
//! * [`js_number`]: `Number.prototype.toString()` (what the plugin writes into comments).
//! * [`js_round`]: `Math.round` (round half up, towards +∞).
//! * [`to_fixed`]: `Number.prototype.toFixed(digits)` (the exact binary value, halves up).
//! * [`parse_float`] / [`parse_int`]: the prefix parsers `parseFloat` / `parseInt(s, 10)`
//!   the plugin uses to read comment fields.
//!
//! All functions are total: they never panic, whatever the input.

/// `Number.prototype.toString()` for an `f64`.
///
/// Shortest text that round-trips, no trailing zeros, `-0` written as `0`. Like JavaScript,
/// magnitudes of at least 1e21 or below 1e-6 use exponent form (`1e+21`, `1.5e-7`); every value
/// that occurs in a scheduling comment is between those bounds and is written without exponent.
/// NaN and infinities are written `NaN`, `Infinity` and `-Infinity`.
pub fn js_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    let abs = x.abs();
    if (1e-6..1e21).contains(&abs) {
        // Rust's Display is the shortest round-trip representation without exponent,
        // choosing the closest candidate as ECMAScript's Number::toString does.
        return format!("{x}");
    }
    // Exponent form: Rust's LowerExp gives the same shortest digits as "d.ddde-7".
    let s = format!("{x:e}");
    match s.split_once('e') {
        Some((mantissa, exp)) if exp.starts_with('-') => format!("{mantissa}e{exp}"),
        Some((mantissa, exp)) => format!("{mantissa}e+{exp}"),
        None => s,
    }
}

/// `Math.round`: the nearest integer, ties towards +∞ (so -2.5 → -2). NaN and infinities are
/// returned unchanged.
pub fn js_round(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let f = x.floor();
    // x - floor(x) is exact for every finite double.
    if x - f >= 0.5 { f + 1.0 } else { f }
}

/// `Number.prototype.toFixed(digits)`: `digits` decimals (at most 100), rounding the exact binary
/// value with ties away from zero (`(0.25).toFixed(1)` is `"0.3"`, where Rust's `{:.1}` gives
/// `"0.2"`). Values of magnitude 1e21 or more, NaN and infinities print as [`js_number`] does;
/// `-0` prints without sign, a negative value that rounds to zero keeps it (`"-0.0"`).
pub fn to_fixed(x: f64, digits: usize) -> String {
    let digits = digits.min(100);
    if !x.is_finite() || x.abs() >= 1e21 {
        return js_number(x);
    }
    if x < 0.0 {
        return format!("-{}", to_fixed(-x, digits));
    }
    // Rust prints the exact decimal expansion for any precision, rounding only an exact tie to
    // even; a tie is seen in the expansion one digit further (a double has at most 1074
    // fractional digits) and resolved upwards by formatting the next double instead.
    let exact = format!("{x:.1100}");
    let frac = exact.split_once('.').map_or("", |(_, f)| f);
    let tail = frac.as_bytes().get(digits..).unwrap_or_default();
    let tie = tail.first() == Some(&b'5') && tail[1..].iter().all(|&b| b == b'0');
    // `+ 0.0` turns -0 into 0, which JavaScript prints without sign.
    let x = if tie { x.next_up() } else { x + 0.0 };
    format!("{x:.digits$}")
}

/// Leading white space as JavaScript's `parseFloat`/`parseInt` skip it (StrWhiteSpaceChar:
/// Unicode white space plus U+FEFF).
fn trim_js_start(s: &str) -> &str {
    s.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// Where a number's exponent part (`e` or `E`, an optional sign, at least one digit) that
/// starts at `i` of `b` ends; `i` when there is none there. Both `parseFloat`s end the number
/// there.
pub(crate) fn exponent_end(b: &[u8], i: usize) -> usize {
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let exp_start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > exp_start {
            return j;
        }
    }
    i
}

/// `parseFloat(s)`: the longest numeric prefix after leading white space; NaN when there is
/// none. Accepts `Infinity`, a sign, digits, one `.`, and an exponent.
pub fn parse_float(s: &str) -> f64 {
    let s = trim_js_start(s);
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if s[i..].starts_with("Infinity") {
        return if b.first() == Some(&b'-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut mantissa_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        let frac_start = i + 1;
        let mut j = frac_start;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        mantissa_digits += j - frac_start;
        if mantissa_digits > 0 {
            i = j;
        }
    }
    if mantissa_digits == 0 {
        return f64::NAN;
    }
    let i = exponent_end(b, i);
    let text = &s[..i];
    // Rust's parser accepts "5." and ".5"; a lone sign or dot was excluded above.
    text.parse::<f64>().unwrap_or(f64::NAN)
}

/// `parseInt(s, 10)`: optional sign and the leading decimal digits after white space; NaN when
/// there are none. Large values lose precision as in JavaScript.
pub fn parse_int(s: &str) -> f64 {
    let s = trim_js_start(s);
    let b = s.as_bytes();
    let mut i = 0;
    let negative = b.first() == Some(&b'-');
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == start {
        return f64::NAN;
    }
    let v = s[start..i].parse::<f64>().unwrap_or(f64::NAN);
    if negative { -v } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_decimals() {
        assert_eq!(js_number(3.0), "3");
        assert_eq!(js_number(2.5), "2.5");
        assert_eq!(js_number(250.0), "250");
        assert_eq!(js_number(36525.0), "36525");
        assert_eq!(js_number(1053.4), "1053.4");
        assert_eq!(js_number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(js_number(2.118_103_97), "2.11810397");
        assert_eq!(js_number(14_194.383_803_18), "14194.38380318");
        assert_eq!(js_number(-0.0), "0");
        assert_eq!(js_number(-7.25), "-7.25");
        assert_eq!(js_number(100.0), "100");
        assert_eq!(js_number(1e20), "100000000000000000000");
        assert_eq!(js_number(0.000001), "0.000001");
    }

    #[test]
    fn exponent_and_special() {
        assert_eq!(js_number(1e21), "1e+21");
        assert_eq!(js_number(1.5e-7), "1.5e-7");
        assert_eq!(js_number(f64::NAN), "NaN");
        assert_eq!(js_number(f64::INFINITY), "Infinity");
        assert_eq!(js_number(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn math_round() {
        assert_eq!(js_round(2.5), 3.0);
        assert_eq!(js_round(3.51), 4.0);
        assert_eq!(js_round(-2.5), -2.0);
        assert_eq!(js_round(0.499_999_999_999_999_94), 0.0);
        assert_eq!(js_round(7.5), 8.0);
        assert!(js_round(f64::NAN).is_nan());
    }

    #[test]
    fn fixed_decimals_round_ties_up() {
        assert_eq!(to_fixed(0.25, 1), "0.3");
        assert_eq!(to_fixed(0.35, 1), "0.3"); // 0.34999999999999997779...
        assert_eq!(to_fixed(26.0, 1), "26.0");
        assert_eq!(to_fixed(0.0, 1), "0.0");
        assert_eq!(to_fixed(-0.0, 1), "0.0");
        assert_eq!(to_fixed(-0.04, 1), "-0.0");
        assert_eq!(to_fixed(-2.25, 1), "-2.3");
        assert_eq!(to_fixed(2.5, 0), "3");
        assert_eq!(to_fixed(1.005, 2), "1.00"); // 1.00499999999999989...
        assert_eq!(to_fixed(13.0 / 476.0, 1), "0.0");
        assert_eq!(to_fixed(885.0, 1), "885.0");
        assert_eq!(to_fixed(1.45, 1), "1.4"); // 1.4499999999999999556...
        assert_eq!(to_fixed(8.345, 2), "8.35"); // 8.3450000000000006394...
        assert_eq!(to_fixed(2f64.powi(51) + 0.5, 0), "2251799813685249");
        assert_eq!(to_fixed(1e21, 1), "1e+21");
        assert_eq!(to_fixed(f64::NAN, 1), "NaN");
        assert_eq!(to_fixed(f64::NEG_INFINITY, 1), "-Infinity");
    }

    #[test]
    fn parsers() {
        assert_eq!(parse_int("2.5"), 2.0);
        assert_eq!(parse_int(" 250"), 250.0);
        assert_eq!(parse_int("-3x"), -3.0);
        assert!(parse_int("").is_nan());
        assert!(parse_int("abc").is_nan());
        assert!(parse_int("-").is_nan());
        assert_eq!(parse_float("2.11810397"), 2.118_103_97);
        assert_eq!(parse_float("1e3x"), 1000.0);
        assert_eq!(parse_float("1e"), 1.0);
        assert_eq!(parse_float(".5"), 0.5);
        assert_eq!(parse_float("5."), 5.0);
        assert_eq!(parse_float("-Infinity"), f64::NEG_INFINITY);
        assert!(parse_float(".").is_nan());
        assert!(parse_float("-").is_nan());
        assert!(parse_float("").is_nan());
    }
}
