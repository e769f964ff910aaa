//! Hover text for a card: type, deck, each side's schedule, and what each answer would do.

use crate::features::actions::interval_label;
use crate::features::due::Due;
use crate::features::grade::{GradeRequest, schedule_sibling};
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

/// What each answer would do to side `side`: `Again today · Hard 3d · ...` (SM-2) or the time
/// until due (FSRS).
fn preview(note: &Note, card: &Card, side: usize, ctx: &HoverContext<'_>) -> Option<String> {
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
            today: ctx.today,
            now: ctx.now,
            tz: ctx.tz,
            histogram: ctx.histogram,
        };
        let (o, _) = schedule_sibling(note, card, ctx.settings, &req).ok()?;
        let label = interval_label(&o, ctx.now);
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
pub fn hover_text(note: &Note, card: &Card, ctx: &HoverContext<'_>) -> String {
    // In markdown one newline joins lines into one paragraph ("ease 290 next: Again today"):
    // lines that belong together end with a hard break (two spaces), blocks with a blank line.
    let br = if ctx.markdown { "  \n" } else { "\n" };
    let mut out = summary_line(card, ctx);
    if !ctx.breadcrumb.is_empty() {
        out.push_str(br);
        out.push_str(&ctx.breadcrumb.join(" › "));
    }
    out.push_str("\n\n");
    let siblings = card.siblings();
    for (i, group) in card.schedule.iter().enumerate() {
        if siblings > 1 {
            out.push_str(&format!("Side {}: ", i + 1));
        }
        out.push_str(&schedule_line(group, ctx));
        if let Some(p) = preview(note, card, i, ctx) {
            out.push_str(br);
            out.push_str(&format!("  next: {p}"));
        }
        out.push_str(if ctx.markdown { "\n\n" } else { "\n" });
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

/// `text` in bold when hover speaks markdown.
fn strong(ctx: &HoverContext<'_>, text: &str) -> String {
    if ctx.markdown {
        format!("**{text}**")
    } else {
        text.to_string()
    }
}

/// `text` as inline code when hover speaks markdown.
fn code(ctx: &HoverContext<'_>, text: &str) -> String {
    if ctx.markdown {
        format!("`{text}`")
    } else {
        text.to_string()
    }
}

/// The first line: the card's type, its decks and how many sides it has.
fn summary_line(card: &Card, ctx: &HoverContext<'_>) -> String {
    let siblings = card.siblings();
    let decks: Vec<String> = card
        .decks
        .iter()
        .map(|d| code(ctx, d.trim_start_matches('#')))
        .collect();
    format!(
        "{} · {} {} · {} side{}",
        strong(ctx, kind_name(card.kind)),
        if decks.len() == 1 { "deck" } else { "decks" },
        if decks.is_empty() {
            "none".to_string()
        } else {
            decks.join(", ")
        },
        siblings,
        if siblings == 1 { "" } else { "s" }
    )
}

/// One side's schedule: new, its SM-2 or FSRS state and when it is due, or why it is unreadable.
fn schedule_line(group: &Option<Group>, ctx: &HoverContext<'_>) -> String {
    let due = Due::of(group);
    match group {
        None | Some(Group::New { .. }) => strong(ctx, "new"),
        Some(Group::Sm2 {
            due: date,
            interval,
            ease,
            ..
        }) => format!(
            "due {} ({}) · interval {}d · ease {}",
            strong(ctx, &date.format("%Y-%m-%d").to_string()),
            due_label(&due, ctx.today, ctx.now),
            interval,
            ease
        ),
        Some(Group::Fsrs(card)) => {
            let r = retrievability(card, ctx.now);
            let mut line = format!(
                "due {} ({}) · FSRS {} · stability {} · difficulty {} · retrievability {:.0}%",
                strong(
                    ctx,
                    &card
                        .due
                        .with_timezone(&ctx.tz)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                ),
                due_label(&due, ctx.today, ctx.now),
                card.state,
                js_number((card.stability * 100.0).round() / 100.0),
                js_number((card.difficulty * 100.0).round() / 100.0),
                r * 100.0
            );
            if let Some(step) = learning_step(group) {
                line.push_str(&format!(" · {step}"));
            }
            line
        }
        Some(Group::Invalid(i)) => {
            format!("schedule unreadable: {}", i.reasons.join("; "))
        }
    }
}
