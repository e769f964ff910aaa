//! Drawing `srls review`: a progress line, the context, the card, the buttons, a message line
//! and the keys. Pure over [`App`], so it is tested on ratatui's `TestBackend`.

use super::app::App;
use super::markdown;
use crate::features::review::{Item, Mode};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

/// The smallest screen the review draws in.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Draws the whole screen.
pub fn draw(f: &mut Frame, app: &App) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "Terminal too small ({}x{}): srls review needs {MIN_WIDTH}x{MIN_HEIGHT}. Enlarge it, or q to quit.",
            area.width, area.height
        );
        f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        return;
    }
    let [top, context, body, buttons, message, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let item = app.session.current();
    f.render_widget(progress(app, item.as_ref()), top);
    match &item {
        Some(item) => {
            let ctx = item.context.clone().unwrap_or_default();
            f.render_widget(
                Paragraph::new(ctx).style(Style::default().fg(Color::DarkGray)),
                context,
            );
            draw_card(f, app, item, body);
            f.render_widget(button_line(app, item), buttons);
        }
        None => f.render_widget(idle(app), body),
    }
    let msg = app.message.clone().unwrap_or_default();
    f.render_widget(
        Paragraph::new(msg).style(Style::default().fg(Color::Yellow)),
        message,
    );
    let keys = "space show · 1 again 2 hard 3 good 4 easy · u undo · s skip · q quit";
    f.render_widget(
        Paragraph::new(keys).style(Style::default().fg(Color::DarkGray)),
        help,
    );
}

/// `due 3 · new 2 · reviewed 1 · deck flashcards/geo`.
fn progress(app: &App, item: Option<&Item>) -> Paragraph<'static> {
    let c = app.session.counts();
    let deck = item.map_or_else(
        || match app.session.deck() {
            "" => "All Decks".to_string(),
            d => d.to_string(),
        },
        |i| i.deck.clone(),
    );
    let mode = if app.session.mode() == Mode::Cram {
        " (cram)"
    } else {
        ""
    };
    let mut s = format!(
        "srls review{mode} · due {} · new {} · reviewed {} · {deck}",
        c.due, c.new, c.reviewed
    );
    if c.waiting > 0 {
        s.push_str(&format!(" · {} waiting", c.waiting));
    }
    Paragraph::new(s).style(Style::default().add_modifier(Modifier::BOLD))
}

fn draw_card(f: &mut Frame, app: &App, item: &Item, area: Rect) {
    let (title, md) = if app.revealed {
        (" Answer ", item.back.as_str())
    } else {
        (" Question ", item.question.as_str())
    };
    let width = area.width.saturating_sub(2);
    let p = Paragraph::new(markdown::render(md, width))
        .block(Block::bordered().title(title))
        .wrap(Wrap { trim: false })
        .scroll((app.scroll, 0));
    f.render_widget(p, area);
}

/// Before the answer: how to show it; after: each button with its key and interval.
fn button_line(app: &App, item: &Item) -> Paragraph<'static> {
    if !app.revealed {
        return Paragraph::new("space: show the answer");
    }
    let mut spans = Vec::new();
    for (i, b) in item.buttons.iter().enumerate() {
        let key = match (app.session.mode(), i) {
            (Mode::Cram, 1) => 4,
            _ => i + 1,
        };
        spans.push(Span::styled(
            format!("{key}"),
            Style::default().add_modifier(Modifier::REVERSED),
        ));
        spans.push(Span::raw(format!(" {}   ", b.label)));
    }
    Paragraph::new(Line::from(spans)).wrap(Wrap { trim: true })
}

/// No card: waiting for a learning step, or done.
fn idle(app: &App) -> Paragraph<'static> {
    let c = app.session.counts();
    let text = match c.next_wait {
        Some(t) => {
            let secs = (t - app.now()).num_seconds().max(0);
            let wait = if secs < 60 {
                format!("{secs} s")
            } else {
                format!("{} min", (secs + 59) / 60)
            };
            let fixed = if app.live_clock {
                ""
            } else {
                " (the clock is fixed by --now/--today: it will not come)"
            };
            format!("Next card in {wait}: a learning step is waiting{fixed}. q quits.")
        }
        None if app.session.order_presents_nothing() => {
            "Nothing to show: the flashcardCardOrder setting is one with which the plugin presents no card. q quits.".to_string()
        }
        None => format!(
            "Nothing left to review: {} reviewed. Press q to quit.",
            c.reviewed
        ),
    };
    Paragraph::new(text)
        .block(Block::bordered())
        .wrap(Wrap { trim: true })
}
