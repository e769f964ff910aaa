//! Scratch: heap bytes held at each stage of opening a note as the server does.
use srls::lsp::OpenNote;
use srls::lsp::handlers::diagnostics;
use srls::lsp::state::State;
use srls::text::position::Encoding;
use srls::workspace::vault::Vault;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;
static HELD: AtomicIsize = AtomicIsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        HELD.fetch_add(l.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        HELD.fetch_sub(l.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        HELD.fetch_add(n as isize - l.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}
#[global_allocator]
static A: Counting = Counting;

fn mb(b: isize) -> f64 {
    b as f64 / 1e6
}

fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let len = text.len();
    let path = std::path::PathBuf::from("/nonexistent-srls-bench/big.md");
    let uri: tower_lsp_server::ls_types::Uri =
        "file:///nonexistent-srls-bench/big.md".parse().unwrap();
    let mut state = State::default();
    let vault = Arc::new(Vault::open(None, &Default::default()));
    let h0 = HELD.load(Ordering::Relaxed);
    let t = text.clone();
    let h1 = HELD.load(Ordering::Relaxed);
    let doc = srls::text::document::Document::with_encoding(&t, 1, Encoding::Utf16);
    let h2 = HELD.load(Ordering::Relaxed);
    drop(doc);
    let note = vault.parse_in(&t, &Default::default());
    let h3 = HELD.load(Ordering::Relaxed);
    println!(
        "cards {} lines {} events {} tags {}",
        note.cards.len(),
        note.lines.len(),
        note.events.len(),
        note.tags.len()
    );
    drop(note);
    drop(t);
    let h4 = HELD.load(Ordering::Relaxed);
    state.notes.insert(
        uri.clone(),
        OpenNote::open(text, 1, Encoding::Utf16, vault, Some(path)),
    );
    let h5 = HELD.load(Ordering::Relaxed);
    state.update_open_index(&uri);
    let h6 = HELD.load(Ordering::Relaxed);
    let srls::lsp::state::State {
        notes,
        index,
        config,
        ..
    } = &mut state;
    let n = notes.get_mut(&uri).unwrap();
    n.ensure_tree();
    let h7 = HELD.load(Ordering::Relaxed);
    let d = diagnostics::with_duplicates(n, config, index);
    let h8 = HELD.load(Ordering::Relaxed);
    drop(d);
    let h9 = HELD.load(Ordering::Relaxed);
    println!("note {:.2} MB", mb(len as isize));
    println!(
        "text copy {:.2} | document (rope+segments) {:.2} | note {:.2}",
        mb(h1 - h0),
        mb(h2 - h1),
        mb(h3 - h2)
    );
    println!(
        "OpenNote::open {:.2} | index copy {:.2} | ensure_tree {:.2} | diagnostics kept {:.2} (answer {:.2})",
        mb(h5 - h4),
        mb(h6 - h5),
        mb(h7 - h6),
        mb(h9 - h7),
        mb(h8 - h9)
    );
}
