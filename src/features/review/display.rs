//! What the review screen shows (`review.md` §8): the front and back of a card, the context
//! line (file name and heading path) and the button labels with the interval each answer gives.

use crate::features::grade::Outcome;
use crate::plugin::js::text::trim_start;
use crate::plugin::schedule::Response;
use crate::plugin::settings::Settings;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The plugin's `textInterval`: `New` without an interval, else days, months or years with
/// one decimal as JavaScript prints it (`3 day(s)`, `9.5 month(s)`; mobile `3d`, `9.5m`, `2y`).
pub fn text_interval(interval: Option<f64>, mobile: bool) -> String {
    match interval {
        None => "New".to_string(),
        Some(days) => crate::plugin::schedule::text_interval(days, mobile),
    }
}

/// The plugin's `formatScheduleInterval`: below one day with a due moment, the minutes (then
/// hours) until due, rounded up and at least 1; otherwise [`text_interval`].
pub fn schedule_interval(
    interval: f64,
    due: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    mobile: bool,
) -> String {
    let Some(due) = due.filter(|_| interval < 1.0) else {
        return text_interval(Some(interval), mobile);
    };
    let ms = (due - now).num_milliseconds().max(0);
    let minutes = ((ms + 59_999) / 60_000).max(1);
    if minutes < 60 {
        return if mobile {
            format!("{minutes}m")
        } else {
            format!("{minutes} min")
        };
    }
    let hours = ((minutes + 59) / 60).max(1);
    if mobile {
        format!("{hours}h")
    } else {
        format!("{hours} hr")
    }
}

/// Local midnight of a date as an instant (SM-2 due dates).
pub fn local_midnight(d: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let naive = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| naive.and_utc())
}

/// The interval and due moment of a computed schedule.
pub fn outcome_interval(o: &Outcome, tz: Tz) -> (f64, DateTime<Utc>) {
    match o {
        Outcome::Sm2(s) => (s.interval, local_midnight(s.due, tz)),
        Outcome::Fsrs(c) => (c.interval, c.due),
    }
}

/// The text of a response's button: the setting's label, then ` - <interval>` when
/// `showIntervalInReviewButtons` is on and an interval is known.
pub fn button_label(settings: &Settings, r: Response, interval: Option<&str>) -> String {
    let label = match r {
        Response::Again => &settings.flashcard_again_text,
        Response::Hard => &settings.flashcard_hard_text,
        Response::Good => &settings.flashcard_good_text,
        Response::Easy => &settings.flashcard_easy_text,
        Response::Reset => return "Reset".to_string(),
    };
    match interval {
        Some(i) if settings.show_interval_in_review_buttons => format!("{label} - {i}"),
        _ => label.clone(),
    }
}

/// The front as the plugin shows it: leading white space removed.
pub fn front_text(front: &str) -> String {
    trim_start(front).to_string()
}

/// The back as the plugin shows it: cloze cards show only the back (the text with the deletion
/// revealed); basic and reversed cards the front, a horizontal rule, then the back.
pub fn back_text(front: &str, back: &str, cloze: bool) -> String {
    if cloze {
        trim_start(back).to_string()
    } else {
        format!("{}\n\n---\n\n{}", trim_start(front), back)
    }
}

/// One heading of the note: its 0-based line, level and raw text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingLine {
    pub line: usize,
    pub level: u8,
    pub text: String,
}

/// The context line: a space, the file name without extension, then ` > ` and each heading of
/// the path to the card (headings on lines up to `card_line`; a heading replaces earlier ones
/// of the same or a deeper level).
pub fn context_line(file_stem: &str, headings: &[HeadingLine], card_line: usize) -> String {
    let mut trail: Vec<&HeadingLine> = Vec::new();
    for h in headings.iter().take_while(|h| h.line <= card_line) {
        while trail.last().is_some_and(|t| t.level >= h.level) {
            trail.pop();
        }
        trail.push(h);
    }
    let mut out = format!(" {file_stem}");
    for h in trail {
        out.push_str(" > ");
        out.push_str(&heading_text(&h.text));
    }
    out
}

/// A heading as the context shows it: footnote markers `[^n]` removed, trimmed, and a heading
/// that is exactly a wiki link shown as its alias or target.
fn heading_text(raw: &str) -> String {
    let mut s = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find("[^") {
        match rest[i..].find(']') {
            Some(j) => {
                s.push_str(&rest[..i]);
                rest = &rest[i + j + 1..];
            }
            None => break,
        }
    }
    s.push_str(rest);
    let t = s.trim();
    if let Some(inner) = t.strip_prefix("[[").and_then(|x| x.strip_suffix("]]"))
        && !inner.contains("[[")
        && !inner.contains("]]")
    {
        return match inner.split_once('|') {
            Some((_, alias)) => alias.to_string(),
            None => inner.to_string(),
        };
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_like_the_plugin() {
        assert_eq!(text_interval(None, false), "New");
        assert_eq!(text_interval(Some(3.0), false), "3 day(s)");
        assert_eq!(text_interval(Some(2.5), false), "2.5 day(s)");
        assert_eq!(text_interval(Some(100.0), false), "3.3 month(s)");
        assert_eq!(text_interval(Some(289.0), false), "9.5 month(s)");
        assert_eq!(text_interval(Some(800.0), false), "2.2 year(s)");
        assert_eq!(text_interval(Some(800.0), true), "2.2y");
        assert_eq!(text_interval(Some(4.0), true), "4d");
    }

    #[test]
    fn short_intervals_count_minutes_then_hours() {
        let now = Utc.with_ymd_and_hms(2025, 3, 1, 9, 30, 0).unwrap();
        let due = |secs: i64| Some(now + chrono::Duration::seconds(secs));
        assert_eq!(schedule_interval(0.0, due(-3600), now, false), "1 min");
        assert_eq!(schedule_interval(0.0, due(600), now, false), "10 min");
        assert_eq!(schedule_interval(0.0, due(601), now, false), "11 min");
        assert_eq!(schedule_interval(0.0, due(3600), now, false), "1 hr");
        assert_eq!(schedule_interval(0.0, due(3601), now, true), "2h");
        assert_eq!(schedule_interval(3.0, due(600), now, false), "3 day(s)");
    }

    #[test]
    fn labels_follow_the_settings() {
        let mut s = Settings::default();
        assert_eq!(
            button_label(&s, Response::Good, Some("3 day(s)")),
            "Good - 3 day(s)"
        );
        s.show_interval_in_review_buttons = false;
        s.flashcard_hard_text = "Schwer".into();
        assert_eq!(button_label(&s, Response::Hard, Some("1 day(s)")), "Schwer");
    }

    #[test]
    fn context_is_the_heading_path() {
        let h = |line, level, text: &str| HeadingLine {
            line,
            level,
            text: text.into(),
        };
        let hs = [
            h(0, 1, "Cells"),
            h(2, 2, "Nuclei"),
            h(5, 2, "Organelles[^1]"),
            h(9, 3, "[[Mito|Power]]"),
            h(12, 1, "Other"),
        ];
        assert_eq!(
            context_line("Biology", &hs, 7),
            " Biology > Cells > Organelles"
        );
        assert_eq!(
            context_line("Biology", &hs, 9),
            " Biology > Cells > Organelles > Power"
        );
        assert_eq!(context_line("Biology", &hs, 20), " Biology > Other");
        assert_eq!(context_line("B", &[], 3), " B");
    }

    #[test]
    fn backs_of_basic_and_cloze_cards() {
        assert_eq!(back_text("  Q", "A", false), "Q\n\n---\n\nA");
        assert_eq!(back_text("a [...] c", "a b c", true), "a b c");
    }
}
