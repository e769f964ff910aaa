//! An open note: the editor's text (rope + tree-sitter trees per segment), the parsed note kept
//! up to date keystroke by keystroke, and the diagnostics that follow each edit.

use crate::features::lint::{self, Lint, rendered_as_code};
use crate::lsp::per_card::KeptAnswers;
use crate::note::incremental::{EditSpan, OldFacts, Reparsed, reparse_in_place};
use crate::note::{Card, Note, NoteContext};
use crate::text::document::{Change, Document, StaleVersion, TreeSnapshot, TreeUpdate};
use crate::text::position::{self, Encoding, Pos};
use crate::text::segments::Segments;
use crate::workspace::index::KeptLines;
use crate::workspace::vault::Vault;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_lsp_server::ls_types::{DocumentSymbol, FoldingRange};

/// Bytes of tree-sitter parsing a `didChange` may do inline (about 6 ms at tree-sitter-md's
/// 2.5 MB/s); beyond that the trees are brought up to date in the background.
const INLINE_TREE_BUDGET: usize = 16 * 1024;

/// A note open in the editor, with everything the handlers read kept current.
pub struct OpenNote {
    document: Document,
    /// The text, edited in place (the incremental reparse needs only [`OldFacts`] of the old).
    text: String,
    note: Arc<Note>,
    vault: Arc<Vault>,
    path: Option<PathBuf>,
    /// The note's place in its vault (computed once: it touches the file system).
    ctx: NoteContext,
    /// The core diagnostics, once asked for; then kept up to date edit by edit
    /// ([`Lint::update`] redoes only the window the edit changed).
    lint: Option<Lint>,
    /// The `rendered-as-code` diagnostics (sorted by start), once asked for with the trees up to
    /// date; then kept up to date edit by edit while the trees keep up, else recomputed.
    rendered: Option<Vec<lint::Diagnostic>>,
    /// Bumped on every change; a debounced diagnostics task only publishes its own generation.
    generation: u64,
    /// The generation last copied into the vault index.
    pub(crate) indexed: u64,
    /// What is as it was at that copy (`None`: nothing known, the next copy is whole). Set by
    /// the copy; narrowed by every reparse in place to the lines before and after its window;
    /// invalidated by a full or settings reparse and by decks or kept cards changing outside
    /// a window.
    pub(crate) index_kept: Option<KeptLines>,
    /// The last [`OpenNote::position`]: the generation, line, byte and code units from the
    /// line's start (invalidated by any change, which bumps the generation).
    last_position: std::cell::Cell<Option<(u64, usize, usize, usize)>>,
    /// The last `documentSymbol` answer, for the generation and clock it was computed for.
    pub(crate) symbols: Kept<SymbolsKey, Vec<DocumentSymbol>>,
    /// The last `foldingRange` answer, for the generation it was computed for.
    pub(crate) folds: Kept<u64, Vec<FoldingRange>>,
    /// The cards' parts of the outline, the folds and the code lens, kept card by card across
    /// edits (see [`KeptAnswers`] for what invalidates them).
    answers: KeptAnswers,
}

/// What a `documentSymbol` answer depends on besides the note: its generation (bumped by every
/// edit and by a reparse with reloaded settings), and the day and minute of the clock its due
/// labels were computed at (an FSRS label is in minutes at the finest).
pub(crate) type SymbolsKey = (u64, chrono::NaiveDate, i64);

/// A whole-document answer kept with the key it was computed for. Invalidated by a different
/// key: the note's generation changes with every edit, a reparse and nothing else that feeds
/// the answer (the encoding is fixed for the session, the trees follow the text).
pub struct Kept<K, V>(Option<(K, V)>);

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Kept(None)
    }
}

impl<K: PartialEq, V: Clone> Kept<K, V> {
    /// The kept answer when `key` is the one it was computed for, else `compute()` kept.
    pub fn get_or(&mut self, key: K, compute: impl FnOnce() -> V) -> V {
        match &self.0 {
            Some((k, v)) if *k == key => v.clone(),
            _ => {
                let v = compute();
                self.0 = Some((key, v.clone()));
                v
            }
        }
    }
}

impl OpenNote {
    /// A freshly opened note.
    pub fn open(
        text: String,
        version: i32,
        encoding: Encoding,
        vault: Arc<Vault>,
        path: Option<PathBuf>,
    ) -> OpenNote {
        let document = Document::with_encoding(&text, version, encoding);
        let ctx = vault.context(path.as_deref());
        let note = Arc::new(vault.parse_in(&text, &ctx));
        OpenNote {
            document,
            text,
            note,
            vault,
            path,
            ctx,
            lint: None,
            rendered: None,
            generation: 0,
            indexed: u64::MAX,
            index_kept: None,
            last_position: Default::default(),
            symbols: Kept::default(),
            folds: Kept::default(),
            answers: KeptAnswers::default(),
        }
    }

    /// Parses the note afresh with a (possibly reloaded) vault.
    pub fn reparse(&mut self, vault: Arc<Vault>) {
        self.ctx = vault.context(self.path.as_deref());
        self.vault = vault;
        self.note = Arc::new(self.vault.parse_in(&self.text, &self.ctx));
        self.lint = None;
        self.rendered = None;
        self.answers = KeptAnswers::default();
        self.index_kept = None;
        self.generation += 1;
    }

    /// Applies a `didChange`: the rope, the text (in place), the edited tree segment, an
    /// incremental reparse of the note (equal to a fresh parse) and, once diagnostics have been
    /// asked for, an incremental lint. Returns whether a range had to be clamped; a stale
    /// version changes nothing.
    pub fn apply(&mut self, version: i32, changes: &[Change]) -> Result<bool, StaleVersion> {
        let old = OldFacts::of(&self.text, &self.note);
        let had_dropped = !self.note.dropped.is_empty();
        let applied = self.document.apply_changes_deferred(version, changes)?;
        // An edit inside a paragraph reparses that segment's tree now; a larger reparse (a
        // fence opened above hundreds of paragraphs) waits for a pause in typing and runs off
        // the lock (see `publish`).
        let tree = self.document.try_ensure_tree(INLINE_TREE_BUDGET);
        let mut clamped = false;
        let mut spans = Vec::with_capacity(applied.len());
        for (a, c) in applied.iter().zip(changes) {
            clamped |= a.was_clamped();
            let len = self.text.len();
            let (s0, e0) = (a.start_byte.min(len), a.old_end_byte.min(len));
            self.text.replace_range(s0..e0, &c.text);
            spans.push(EditSpan {
                start: s0,
                old_end: e0,
                new_end: s0 + c.text.len(),
            });
        }
        let (settings, engine) = (&self.vault.settings, &self.vault.engine);
        let note = Arc::make_mut(&mut self.note);
        let how = reparse_in_place(note, old, &self.text, &spans, settings, &self.ctx, engine);
        if let Some(l) = &mut self.lint {
            l.update(&self.text, &self.note, settings, engine, &how);
        }
        let follows = !had_dropped && self.note.dropped.is_empty();
        self.rendered = match (self.rendered.take(), &how, tree) {
            (Some(r), Reparsed::Window(w), TreeUpdate::Changed(t)) if follows => {
                let from = w.bytes_new.start.min(t.start);
                let old_end = w.bytes_old.end.max(t.old_end);
                Some(self.follow_rendered(r, from, old_end, w.delta))
            }
            _ => None,
        };
        self.generation += 1;
        self.index_kept = match (self.index_kept, &how) {
            (Some(k), Reparsed::Window(w)) if w.decks_kept => Some(KeptLines {
                head: k.head.min(w.lines_new.start),
                tail: k.tail.min(self.note.lines.len() - w.lines_new.end),
                lines: k.lines,
                tags_kept: k.tags_kept && w.tags_kept,
            }),
            _ => None,
        };
        self.with_answers(|a, me| a.follow(me, &how, follows));
        Ok(clamped)
    }

    /// `rendered-as-code` after an edit that changed the note and the trees only in
    /// `from..old_end` (old bytes; `delta` is the change in length): shift what follows, redo
    /// the window. (When cards moved in or out of the dropped ones, which a tag above can do,
    /// the caller recomputes instead.)
    fn follow_rendered(
        &self,
        mut r: Vec<lint::Diagnostic>,
        from: usize,
        old_end: usize,
        delta: isize,
    ) -> Vec<lint::Diagnostic> {
        let new_end = old_end.wrapping_add_signed(delta);
        let a = r.partition_point(|d| d.start < from);
        let b = r.partition_point(|d| d.start < old_end);
        for d in &mut r[b..] {
            d.start = d.start.wrapping_add_signed(delta);
            d.end = d.end.wrapping_add_signed(delta);
        }
        r.splice(a..b, self.rendered_in(from..new_end));
        r
    }

    fn rendered_in(&self, window: Range<usize>) -> Vec<lint::Diagnostic> {
        let blocks = self.document.segments().code_blocks(window.clone());
        rendered_as_code(
            &self.text,
            &self.note,
            &self.vault.settings,
            &blocks,
            window,
        )
    }

    /// Computes the core and `rendered-as-code` diagnostics in full the first time (and after a
    /// change they could not follow); the trees must be up to date.
    pub fn ensure_diagnostics(&mut self) {
        if self.rendered.is_none() {
            self.rendered = Some(self.rendered_in(0..usize::MAX));
        }
        if self.lint.is_none() {
            let (settings, engine) = (&self.vault.settings, &self.vault.engine);
            self.lint = Some(Lint::new(&self.text, &self.note, settings, engine));
        }
    }

    /// The core then the `rendered-as-code` diagnostics as last computed by
    /// [`OpenNote::ensure_diagnostics`] (none before).
    pub fn diagnostics(&self) -> impl Iterator<Item = &lint::Diagnostic> {
        let core = self.lint.iter().flat_map(|l| l.iter());
        core.chain(self.rendered.iter().flatten())
    }

    /// The core diagnostics overlapping `start..=end`, from the kept lint when there is one.
    pub fn diagnostics_at(&self, start: usize, end: usize) -> Vec<lint::Diagnostic> {
        let near = |d: &lint::Diagnostic| d.end >= start && d.start <= end;
        match &self.lint {
            Some(l) => l.iter().filter(|d| near(d)).cloned().collect(),
            None => {
                let (settings, engine) = (&self.vault.settings, &self.vault.engine);
                let mut all = lint::lint(&self.text, &self.note, settings, engine);
                all.retain(near);
                all
            }
        }
    }

    /// The position of a byte offset in the negotiated encoding, from the note's line table (a
    /// binary search and the line's prefix; the rope's conversion is several tree walks). A
    /// later offset on the line of the last conversion counts on from it: the edits of a card
    /// of thousands of clozes on one line would each count the line again.
    pub fn position(&self, byte: usize) -> Pos {
        let byte = position::snap_str_offset(&self.text, byte);
        let line = self.note.lines.line_of(byte);
        let start = self.line_start(line).min(byte);
        let (from, base) = match self.last_position.get() {
            Some((g, l, b, units))
                if g == self.generation && l == line && b <= byte && b >= start =>
            {
                (b, units)
            }
            _ => (start, 0),
        };
        let units = base + self.document.encoding().len_of_str(&self.text[from..byte]);
        self.last_position
            .set(Some((self.generation, line, byte, units)));
        Pos {
            line: line as u32,
            character: units as u32,
        }
    }

    /// The first byte of a line in the client's text. The note's own lines start past a byte
    /// order mark (the plugin reads past it), but a client that sent one holds it as a
    /// character of line 0, as the incoming positions count it ([`OpenNote::offset`]).
    pub fn line_start(&self, line: usize) -> usize {
        if line == 0 {
            0
        } else {
            self.note.lines.get(line).start
        }
    }

    /// A client position as a byte offset (clamped to the document).
    pub fn offset(&self, pos: Pos) -> usize {
        self.document.pos_to_offset(pos).offset
    }

    /// Brings the tree segments up to date now (the server does it in the background after a
    /// pause in typing when a keystroke's reparse was too large to do inline).
    pub fn ensure_tree(&mut self) {
        if self.document.tree_is_stale() {
            self.document.ensure_tree();
            self.rendered = None;
        }
    }

    /// Whether the tree segments lag behind the text.
    pub fn tree_is_stale(&self) -> bool {
        self.document.tree_is_stale()
    }

    /// What a background reparse of the trees needs, when they lag behind.
    pub fn stale_tree(&self) -> Option<(TreeSnapshot, i32)> {
        self.tree_is_stale()
            .then(|| (self.document.tree_snapshot(), self.document.version()))
    }

    /// Installs trees parsed in the background for `version` (ignored when the text moved on).
    pub fn install_tree(&mut self, version: i32, trees: Segments) {
        if self.document.install_tree(version, trees) {
            self.rendered = None;
        }
    }

    /// The headings above a card, outermost first (the plugin's context line).
    pub fn breadcrumb(&self, card: &Card) -> Vec<String> {
        let at = self.note.lines.get(card.start_line()).start;
        let trail = self.document.segments().breadcrumb(at);
        trail.into_iter().map(|h| h.text).collect()
    }

    /// Runs `f` on the kept per-card answers and the note they belong to.
    pub fn with_answers<R>(&mut self, f: impl FnOnce(&mut KeptAnswers, &OpenNote) -> R) -> R {
        let mut answers = std::mem::take(&mut self.answers);
        let out = f(&mut answers, self);
        self.answers = answers;
        out
    }

    /// The parsed note.
    pub fn note(&self) -> &Note {
        &self.note
    }

    /// The current text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The editor's document (rope, trees, version).
    pub fn document(&self) -> &Document {
        &self.document
    }

    /// The vault the note belongs to.
    pub fn vault(&self) -> &Arc<Vault> {
        &self.vault
    }

    /// The note's file, when it has one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The document version the client last sent.
    pub fn version(&self) -> i32 {
        self.document.version()
    }

    /// Bumped on every change.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}
