//! Hover text for a card: type, deck, each side's schedule, and what each answer would do.

use crate::features::due::Due;
use crate::features::grade::{GradeRequest, Outcome, schedule_sibling};
use crate::features::hints::{due_label, learning_step};
use crate::note::{Card, Note};
use crate::plugin::js::number::js_number;
use crate::plugin::scanner::CardType;
use crate::plugin::schedule::fsrs::retrievability;
use crate::plugin::schedule::{Histogram, Response};
use crate::plugin::settings::Settings;
use crate::plugin::sr_comment::Group;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// What hover needs besides the card.
pub struct HoverContext<'a> {
    pub settings: &'a Settings,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub tz: Tz,
    pub histogram: &'a Histogram,
    /// Headings above the card, outermost first.
    pub breadcrumb: &'a [String],
    pub markdown: bool,
}

fn kind_name(k: CardType) -> &'static str {
    match k {
        CardType::SingleLineBasic => "Single-line card",
        CardType::SingleLineReversed => "Single-line reversed card",
        CardType::MultiLineBasic => "Multi-line card",
        CardType::MultiLineReversed => "Multi-line reversed card",
        CardType::Cloze => "Cloze card",
    }
}

/// A duration from now, for FSRS previews: `10m`, `3h`, `8d`.
fn span_label(secs: i64) -> String {
    if secs < 3600 {
        format!("{}m", (secs.max(0) + 59) / 60)
    } else if secs < 86_400 {
        format!("{}h", (secs + 3599) / 3600)
    } else {
        format!("{}d", (secs + 86_399) / 86_400)
    }
}

fn preview(note: &Note, card: &Card, side: usize, cx: &HoverContext<'_>) -> Option<String> {
    let mut parts = Vec::new();
    for r in [
        Response::Again,
        Response::Hard,
        Response::Good,
        Response::Easy,
    ] {
        let req = GradeRequest {
            sibling: side,
            response: r,
            today: cx.today,
            now: cx.now,
            tz: cx.tz,
            histogram: cx.histogram,
        };
        let (o, _) = schedule_sibling(note, card, cx.settings, &req).ok()?;
        let label = match o {
            Outcome::Sm2(o) => {
                if o.interval == 0.0 {
                    "today".to_string()
                } else {
                    format!("{}d", js_number(o.interval))
                }
            }
            Outcome::Fsrs(c) => span_label((c.due - cx.now).num_seconds()),
        };
        parts.push(format!("{} {label}", r.as_str_title()));
    }
    Some(parts.join(" · "))
}

trait Title {
    fn as_str_title(&self) -> &'static str;
}

impl Title for Response {
    fn as_str_title(&self) -> &'static str {
        match self {
            Response::Easy => "Easy",
            Response::Good => "Good",
            Response::Hard => "Hard",
            Response::Again => "Again",
            Response::Reset => "Reset",
        }
    }
}

/// The hover text of a card (markdown or plain text).
pub fn hover_text(note: &Note, card: &Card, cx: &HoverContext<'_>) -> String {
    let md = cx.markdown;
    let b = |s: &str| {
        if md {
            format!("**{s}**")
        } else {
            s.to_string()
        }
    };
    let c = |s: &str| if md { format!("`{s}`") } else { s.to_string() };
    let mut out = String::new();
    let n = card.siblings();
    let decks: Vec<String> = card
        .decks
        .iter()
        .map(|d| c(d.trim_start_matches('#')))
        .collect();
    out.push_str(&format!(
        "{} · {} {} · {} side{}",
        b(kind_name(card.kind)),
        if decks.len() == 1 { "deck" } else { "decks" },
        if decks.is_empty() {
            "none".to_string()
        } else {
            decks.join(", ")
        },
        n,
        if n == 1 { "" } else { "s" }
    ));
    out.push('\n');
    if !cx.breadcrumb.is_empty() {
        out.push_str(&cx.breadcrumb.join(" › "));
        out.push('\n');
    }
    out.push('\n');
    for (i, g) in card.schedule.iter().enumerate() {
        let side = if n > 1 {
            format!("Side {}: ", i + 1)
        } else {
            String::new()
        };
        let due = Due::of(g);
        let line = match g {
            None | Some(Group::New { .. }) => format!("{side}{}", b("new")),
            Some(Group::Sm2 {
                due: d,
                interval,
                ease,
                ..
            }) => format!(
                "{side}due {} ({}) · interval {}d · ease {}",
                b(&d.format("%Y-%m-%d").to_string()),
                due_label(&due, cx.today, cx.now),
                interval,
                ease
            ),
            Some(Group::Fsrs(f)) => {
                let r = retrievability(f, cx.now);
                let mut s = format!(
                    "{side}due {} ({}) · FSRS {} · stability {} · difficulty {} · retrievability {:.0}%",
                    b(&f.due
                        .with_timezone(&cx.tz)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()),
                    due_label(&due, cx.today, cx.now),
                    f.state,
                    js_number((f.stability * 100.0).round() / 100.0),
                    js_number((f.difficulty * 100.0).round() / 100.0),
                    r * 100.0
                );
                if let Some(step) = learning_step(g) {
                    s.push_str(&format!(" · {step}"));
                }
                s
            }
            Some(Group::Invalid { reasons, .. }) => {
                format!("{side}schedule unreadable: {}", reasons.join("; "))
            }
        };
        out.push_str(&line);
        out.push('\n');
        if let Some(p) = preview(note, card, i, cx) {
            out.push_str(&format!("  next: {p}\n"));
        }
        if md {
            out.push('\n');
        }
    }
    if card.extra_groups > 0 {
        out.push_str(&format!(
            "{} extra schedule group{} (the plugin drops them)\n",
            card.extra_groups,
            if card.extra_groups == 1 { "" } else { "s" }
        ));
    }
    out.trim_end().to_string()
}
