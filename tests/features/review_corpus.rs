//! Review sessions over every vault of `../shared/corpus`, with its own settings and again under
//! FSRS: each answer must write exactly what `srls grade FILE:LINE RESPONSE --sibling N` would
//! write for that card at that moment (the card found from the item's line, load balancing over
//! the whole vault as it stands after the answers before).

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use serde_json::{Map, Value, json};
use srls::features::due::add_note;
use srls::features::grade::{GradeRequest, apply_edits, grade};
use srls::features::review::{Mode, Options, ReviewNote, Scope, Session};
use srls::note::Note;
use srls::plugin::schedule::{Histogram, Response};
use srls::workspace::vault::Vault;
use std::path::{Path, PathBuf};

const CORPUS: &str = "../shared/corpus";
const RESPONSES: [Response; 4] = [
    Response::Good,
    Response::Again,
    Response::Easy,
    Response::Hard,
];
/// Answers per session (a vault's first cards; the corpus has thousands).
const MAX_ANSWERS: usize = 120;

struct Vaultful {
    vault: Vault,
    notes: Vec<(PathBuf, String, Note)>,
}

fn load(root: &Path, overrides: &Map<String, Value>) -> Vaultful {
    let vault = Vault::open(Some(root), overrides);
    let notes = vault
        .note_paths()
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let note = vault.parse(&text, Some(&p));
            Some((p, text, note))
        })
        .collect();
    Vaultful { vault, notes }
}

/// The histogram `srls grade` builds from the vault on disk.
fn histogram(v: &Vaultful, today: NaiveDate, now: chrono::DateTime<Utc>) -> Histogram {
    let mut h = Histogram::new();
    if v.vault.settings.load_balance {
        for (_, _, n) in &v.notes {
            add_note(&mut h, n, today, now);
        }
    }
    h
}

/// What `srls grade` writes for the item's card, or `None` where it writes nothing.
fn graded_text(
    v: &Vaultful,
    i: usize,
    line: usize,
    card: usize,
    sibling: usize,
    r: Response,
    clock: (NaiveDate, chrono::DateTime<Utc>),
) -> Option<String> {
    let (_, text, note) = &v.notes[i];
    // `srls grade FILE:LINE` finds a card at the item's line; where two cards share it (a `::`
    // line in a callout opening a cloze paragraph, one comment for both) the item's own card is
    // the one to compare: the writer `srls grade` uses, on the same card.
    assert!(
        note.card_at_line(line).is_some(),
        "srls grade finds a card at the item's line"
    );
    let ci = card;
    let h = histogram(v, clock.0, clock.1);
    let req = GradeRequest {
        sibling,
        response: r,
        today: clock.0,
        now: clock.1,
        tz: chrono_tz::UTC,
        histogram: &h,
    };
    grade(text, note, ci, &v.vault.settings, &req)
        .ok()
        .map(|g| apply_edits(text, &g.edits))
}

/// Runs one session; returns (answers compared, differences).
fn session(root: &Path, overrides: &Map<String, Value>) -> (usize, Vec<String>) {
    let mut v = load(root, overrides);
    let today = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    let now = Utc.with_ymd_and_hms(2024, 6, 1, 10, 0, 0).unwrap();
    let notes: Vec<ReviewNote> = v
        .notes
        .iter()
        .map(|(p, t, n)| ReviewNote {
            path: p.clone(),
            text: t.clone(),
            note: n.clone(),
            context: v.vault.context(Some(p)),
        })
        .collect();
    let o = Options {
        settings: v.vault.settings.clone(),
        scope: Scope::default(),
        mode: Mode::Review,
        seed: 7,
        today,
        now,
        tz: chrono_tz::UTC,
        histogram: histogram(&v, today, now),
    };
    let mut s = Session::start(notes, o).unwrap();
    let (mut compared, mut bad) = (0, Vec::new());
    for k in 0..MAX_ANSWERS {
        let item = match s.current() {
            Some(item) => item,
            None => match s.counts().next_wait {
                Some(t) => {
                    s.set_now(t);
                    continue;
                }
                None => break,
            },
        };
        let i = v.notes.iter().position(|n| n.0 == item.path).unwrap();
        let r = RESPONSES[k % 4];
        let want = graded_text(
            &v,
            i,
            item.line,
            item.card,
            item.sibling,
            r,
            (today, s.now()),
        );
        let Ok(eff) = s.answer(item.id, r) else {
            assert!(
                want.is_none(),
                "srls grade grades {}:{}",
                item.path.display(),
                item.line
            );
            s.skip(item.id).unwrap();
            continue;
        };
        let got = eff.edit.map(|e| e.new_text);
        compared += 1;
        if got != want {
            bad.push(format!("{}:{} {r}", item.path.display(), item.line + 1));
        }
        if let Some(text) = got {
            let note = v.vault.parse(&text, Some(&item.path));
            v.notes[i] = (item.path.clone(), text, note);
        }
        s.set_now(s.now() + Duration::seconds(50));
    }
    (compared, bad)
}

#[test]
fn every_answer_writes_what_srls_grade_writes() {
    let mut vaults: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("../shared/corpus beside the repository")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join(".obsidian").is_dir())
        .collect();
    vaults.sort();
    assert!(vaults.len() >= 10);
    let fsrs = json!({"algorithm": "FSRS"}).as_object().unwrap().clone();
    let (mut total, mut failures) = (0, Vec::new());
    for root in &vaults {
        for overrides in [Map::new(), fsrs.clone()] {
            let (n, bad) = session(root, &overrides);
            total += n;
            if !bad.is_empty() {
                failures.push(format!(
                    "{} ({}): {} of {n} differ, e.g. {}",
                    root.display(),
                    if overrides.is_empty() {
                        "own settings"
                    } else {
                        "FSRS"
                    },
                    bad.len(),
                    bad[..bad.len().min(3)].join(", ")
                ));
            }
        }
    }
    eprintln!("{total} answers compared over {} vaults", vaults.len());
    assert!(total >= 1000, "only {total} answers compared");
    assert!(
        failures.is_empty(),
        "{total} answers:\n{}",
        failures.join("\n")
    );
}
