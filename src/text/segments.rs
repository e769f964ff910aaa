//! The block tree of a note, kept as one tree-sitter-md tree per *segment*.
//!
//! Why: tree-sitter reuses little of a flat tree. A note is one long `section` with thousands
//! of paragraphs as siblings, and tree-sitter-md reparses it after a one-character edit nearly
//! as slowly as it parses it from scratch (about 370 ms for 1 MB). Cut into segments that
//! parse independently, an edit reparses (incrementally, with the edited old tree) only the
//! segment it falls in: a paragraph or two.
//!
//! **Where a note may be cut.** Before a line `b` when
//! * the line before `b` is blank (spaces and tabs only), so no paragraph, table or block quote
//!   continues into `b`;
//! * line `b` starts at column 0 with a character that cannot continue a list or start a list
//!   item, quote, table or front matter (not a space, tab, `-`, `+`, `*`, digit, `>` or `|`),
//!   so every list and container open before it ends there, not a byte order mark (skipped at
//!   the start of tree-sitter's input only), and it has a line terminator
//!   (tree-sitter-md reads a lone unterminated heading line at the start of its input as an
//!   error);
//! * and the segment before `b`, parsed on its own, leaves nothing open that CommonMark carries
//!   over a blank line: a fenced code block without its closing fence, an HTML block of the
//!   kinds that end at a marker (`-->`, `?>`, `>`, `]]>`, `</pre>`...) rather than at a blank
//!   line, or front matter whose closing `---` is further on. That is read from the segment's
//!   own tree (tree-sitter-md decides what is a fence or an HTML block, not a second reader);
//!   the text is then searched for the closing line and the segment extended past it.
//!
//! A segment whose parse holds an error is extended too (tree-sitter's error recovery may reread
//! earlier lines in the light of later ones).
//!
//! Then the parse of the whole note and the parses of its segments agree on every block (tested
//! against whole-note parses of the corpus and of random edits in `tests/text_segments.rs`);
//! only the `section` nesting under headings differs, which [`Blocks`] does not use (headings
//! are read as a list; breadcrumbs come from their levels). Two known exceptions, where the
//! segments follow CommonMark and one whole-note tree does not: a link reference definition
//! (`[x]: url`), which tree-sitter-md keeps open as a paragraph-or-definition (GLR) until text
//! far below decides, and a whole-note tree that holds an error further down.
//!
//! **After an edit** the segments are recomputed from the start of the segment holding the
//! edit until a cut that lies after the edit and was a cut before it; from there on the old
//! segments (and their trees, whose positions are relative to the segment) are reused, moved by
//! the byte delta.

use std::ops::Range;
use std::sync::Arc;

use ropey::Rope;
use tree_sitter::{InputEdit, Node, Parser, Point, Tree};

use super::markdown::{self, Blocks, Source};
use crate::note::incremental::EditSpan;

mod quick;

/// The trees of a note's segments; positions inside a tree are relative to its segment.
#[derive(Clone)]
pub struct Segments {
    /// Start byte of each segment; the first is 0, each ends where the next starts.
    starts: Vec<usize>,
    segs: Vec<Seg>,
    len: usize,
    /// The indices of the segments holding a heading, ascending: breadcrumbs walk these only
    /// (a note of 50,000 segments may have a handful). Kept by `parse` and `update`.
    headed: Vec<usize>,
    /// Segments at least this long keep their tree once edited ([`KEEP_TREE`] unless a test
    /// asks for all).
    keep_tree: usize,
    /// The bytes of the segments holding a tree (kept by `parse` and `update`): past
    /// [`KEPT_TREE_BYTES`], the trees of segments an edit did not just reparse are dropped.
    kept_bytes: usize,
}

#[derive(Clone)]
struct Seg {
    /// The segment's tree, kept only for segments of at least [`KEEP_TREE`] bytes that an edit
    /// reparsed (a fresh parse keeps none): what it saves is the reparse of a long segment on
    /// the next keystroke in it (tree-sitter reuses the old tree), and a short one parses from
    /// scratch in tens of microseconds. A tree costs several KB however short its text (an
    /// open note of small paragraphs spent 55 to 110 MB per MB on them) and some 45 bytes per
    /// byte of prose (the long segments of a 1 MB corpus note, 120 KB, held 5.5 MB of trees
    /// at open), while the features read only `blocks`. The first edit of a long segment
    /// parses it from scratch (a 20 KB segment in about 8 ms); the trees kept are bounded by
    /// [`KEPT_TREE_BYTES`].
    tree: Option<Tree>,
    /// The bytes the segment was parsed from.
    len: usize,
    /// The segment's blocks (relative offsets), `None` when it has none.
    blocks: Option<Arc<SegBlocks>>,
}

/// The blocks of one segment, relative to its start: [`Blocks`] without room to grow (every
/// segment of an open note keeps them; most hold one `<!--SR:...-->` comment). Shared by the
/// clones a background reparse takes.
#[derive(Debug, PartialEq)]
struct SegBlocks {
    front_matter: Option<Box<markdown::FrontMatter>>,
    headings: Box<[markdown::Heading]>,
    fenced_code: Box<[markdown::FencedCode]>,
    indented_code: Box<[Range<usize>]>,
    html: Box<[Range<usize>]>,
}

impl From<Blocks> for SegBlocks {
    fn from(b: Blocks) -> SegBlocks {
        SegBlocks {
            front_matter: b.front_matter.map(Box::new),
            headings: b.headings.into(),
            fenced_code: b.fenced_code.into(),
            indented_code: b.indented_code.into(),
            html: b.html.into(),
        }
    }
}

/// Segments this long or longer keep their tree for the next edit once edited (see
/// [`Seg::tree`]).
pub const KEEP_TREE: usize = 4096;

/// The bytes of text whose segments may keep a tree (see [`Seg::tree`]): some 3 MB of trees
/// of prose. An edit that reparses segments past it drops the trees of the others (the
/// segments it just reparsed keep theirs, however long).
pub const KEPT_TREE_BYTES: usize = 64 * 1024;

/// Bytes parsed beyond which [`Segments::update`] gives up (the caller parses in the background).
pub const UNBOUNDED: usize = usize::MAX;

/// A rope range as a [`Source`] with offsets relative to its start.
struct Sub<'a> {
    rope: &'a Rope,
    base: usize,
}

impl Source for Sub<'_> {
    fn text(&self, range: Range<usize>) -> std::borrow::Cow<'_, str> {
        self.rope
            .text(self.base + range.start..self.base + range.end)
    }
}

impl Segments {
    /// Parses the whole text, keeping no tree; edits keep those of segments of at least
    /// [`KEEP_TREE`] bytes they reparse.
    pub fn parse(parser: &mut Parser, rope: &Rope) -> Segments {
        Segments::parse_keeping(parser, rope, KEEP_TREE)
    }

    /// The segments of `text`, keeping no tree, for a caller that reads the blocks once (the
    /// CLI): no document around them, and one parser per thread for every note.
    pub fn of_text(text: &str) -> Segments {
        thread_local! {
            static PARSER: std::cell::RefCell<Parser> = std::cell::RefCell::new(markdown::parser());
        }
        let rope = Rope::from_str(text);
        PARSER.with_borrow_mut(|p| Segments::parse(p, &rope))
    }

    /// Parses the whole text; edits keep the trees of the segments of at least `keep_tree`
    /// bytes they reparse (see [`Seg::tree`]). 0 keeps every tree, from this parse on and
    /// without bound, for tests that compare trees node by node.
    pub fn parse_keeping(parser: &mut Parser, rope: &Rope, keep_tree: usize) -> Segments {
        let split = (rope.len_bytes() >= PARALLEL_BYTES).then_some(rope.len_bytes() / 2);
        Segments::parse_split(parser, rope, keep_tree, split)
    }

    /// [`Segments::of_text`], the text cut in two at the first cut candidate after byte `split`
    /// (when given) and its halves parsed on two cores: for tests, which check that the cut
    /// changes nothing.
    #[doc(hidden)]
    pub fn of_text_split(text: &str, split: Option<usize>) -> Segments {
        let rope = Rope::from_str(text);
        Segments::parse_split(&mut markdown::parser(), &rope, KEEP_TREE, split)
    }

    fn parse_split(
        parser: &mut Parser,
        rope: &Rope,
        keep_tree: usize,
        split: Option<usize>,
    ) -> Segments {
        let at_parse = if keep_tree == 0 { 0 } else { usize::MAX };
        let new = build_whole(parser, rope, at_parse, split);
        let (starts, segs): (Vec<usize>, Vec<Seg>) = new.into_iter().unzip();
        Segments {
            headed: headed(&segs, 0),
            kept_bytes: tree_bytes(&segs),
            starts,
            segs,
            len: rope.len_bytes(),
            keep_tree,
        }
    }

    /// Brings the segments of `base` (the text they were parsed from) up to `rope`, which is
    /// `base` with `edit` applied. Returns `false`, changing nothing, when that would parse more
    /// than `budget` bytes; otherwise the bytes whose segments were replaced:
    /// `start..old_end` of `base` became `start..new_end` of `rope` (segments after it only
    /// moved).
    pub fn update(
        &mut self,
        parser: &mut Parser,
        base: &Rope,
        rope: &Rope,
        edit: EditSpan,
        budget: usize,
    ) -> Option<EditSpan> {
        let EditSpan {
            start: s,
            old_end: oe,
            new_end: ne,
        } = edit;
        let delta = ne as isize - oe as isize;
        let mut k = self.starts.partition_point(|&x| x <= s).saturating_sub(1);
        // An edit in a segment's first line may decide whether it is cut there (its first
        // character and its terminator count).
        if k > 0
            && s < base.line_to_byte((base.byte_to_line(self.starts[k]) + 1).min(base.len_lines()))
        {
            k -= 1;
        }
        let r = self.starts[k];
        let old_end_k = self.starts.get(k + 1).copied().unwrap_or(self.len);
        // The old tree of the segment, told about the edit, when the edit lies inside it.
        // (Applied only once the budget allows the parse: editing a huge tree is not cheap.)
        let kept = self.segs[k].tree.as_ref().filter(|_| oe <= old_end_k);
        let old = kept.map(|tree| OldTree {
            tree: tree.clone(),
            edit: Some(RelEdit {
                start: s - r,
                old_end: oe - r,
                new_end: ne - r,
                removed: rel_point(base, s, oe),
            }),
            len: old_end_k.wrapping_add_signed(delta) - r,
        });
        let starts = &self.starts;
        let resync = |p: usize| {
            p >= ne && {
                let q = p.wrapping_add_signed(-delta);
                let i = starts.partition_point(|&x| x < q);
                i > k && starts.get(i) == Some(&q)
            }
        };
        let (new, stop) = build(parser, rope, r, old, &resync, budget, self.keep_tree)?;
        let m = match stop {
            Some(p) => self
                .starts
                .partition_point(|&x| x < p.wrapping_add_signed(-delta)),
            None => self.starts.len(),
        };
        for x in &mut self.starts[m..] {
            *x = x.wrapping_add_signed(delta);
        }
        let (ns, nsegs): (Vec<usize>, Vec<Seg>) = new.into_iter().unzip();
        self.splice_headed(k, m, &nsegs);
        self.kept_bytes =
            self.kept_bytes.saturating_sub(tree_bytes(&self.segs[k..m])) + tree_bytes(&nsegs);
        let fresh = k..k + nsegs.len();
        self.starts.splice(k..m, ns);
        self.segs.splice(k..m, nsegs);
        self.bound_trees(fresh);
        let old_len = self.len;
        self.len = rope.len_bytes();
        Some(EditSpan {
            start: r,
            old_end: stop.map_or(old_len, |p| p.wrapping_add_signed(-delta)),
            new_end: stop.unwrap_or(self.len),
        })
    }

    /// [`Segments::headed`] after segments `k..m` are replaced by `new`.
    fn splice_headed(&mut self, k: usize, m: usize, new: &[Seg]) {
        let a = self.headed.partition_point(|&i| i < k);
        let b = self.headed.partition_point(|&i| i < m);
        let shift = new.len() as isize - (m - k) as isize;
        for i in &mut self.headed[b..] {
            *i = i.wrapping_add_signed(shift);
        }
        self.headed.splice(a..b, headed(new, k));
    }

    /// Once [`KEPT_TREE_BYTES`] of segments hold a tree, drops the trees of every segment but
    /// those of `fresh` (just reparsed). Unbounded when every tree is kept (tests).
    fn bound_trees(&mut self, fresh: Range<usize>) {
        if self.keep_tree == 0 || self.kept_bytes <= KEPT_TREE_BYTES {
            return;
        }
        let (before, rest) = self.segs.split_at_mut(fresh.start);
        let after = &mut rest[fresh.len()..];
        for s in before.iter_mut().chain(after) {
            s.tree = None;
        }
        self.kept_bytes = tree_bytes(&self.segs[fresh]);
    }

    /// Segments at least this long keep their tree.
    pub fn keep_tree(&self) -> usize {
        self.keep_tree
    }

    /// Each segment's start byte.
    pub fn starts(&self) -> &[usize] {
        &self.starts
    }

    /// Where the text the last segment was parsed from ends: the length of the text the
    /// segments are in sync with.
    pub fn parsed_end(&self) -> usize {
        self.starts
            .last()
            .map_or(0, |&at| at + self.segs[self.segs.len() - 1].len)
    }

    /// The start and the tree of each segment that keeps one (see [`KEEP_TREE`]).
    pub fn kept_trees(&self) -> impl Iterator<Item = (usize, &Tree)> {
        self.starts
            .iter()
            .copied()
            .zip(&self.segs)
            .filter_map(|(at, s)| Some((at, s.tree.as_ref()?)))
    }

    /// Every segment's start, length and blocks, and its tree as an S-expression when kept:
    /// for tests comparing two parses.
    pub fn sexp(&self) -> String {
        let mut out = String::new();
        for (at, seg) in self.starts.iter().zip(&self.segs) {
            let tree = seg.tree.as_ref().map(|t| t.root_node().to_sexp());
            out.push_str(&format!("{at}+{}: {:?} {tree:?}\n", seg.len, seg.blocks));
        }
        out
    }

    /// Every segment's start, length and blocks, without trees: for tests comparing two parses
    /// that keep different trees (an edited one keeps those of the segments it reparsed).
    pub fn layout(&self) -> String {
        let mut out = String::new();
        for (at, seg) in self.starts.iter().zip(&self.segs) {
            out.push_str(&format!("{at}+{}: {:?}\n", seg.len, seg.blocks));
        }
        out
    }

    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// The headings of the whole note, in absolute offsets (what [`Segments::blocks`] lists,
    /// without copying the other blocks): read from the headed segments only.
    pub fn headings(&self) -> Vec<markdown::Heading> {
        let mut out = Vec::new();
        for &i in &self.headed {
            if let Some(b) = &self.segs[i].blocks {
                out.extend(b.headings.iter().map(|h| moved(h, self.starts[i])));
            }
        }
        out
    }

    /// [`Blocks::breadcrumb`] of the whole note, walking back from `byte` only until a level-1
    /// heading (or the start): the headings enclosing `byte`, outermost first.
    pub fn breadcrumb(&self, byte: usize) -> Vec<markdown::Heading> {
        let last = self.starts.partition_point(|&x| x <= byte);
        let mut trail = Vec::new();
        let mut above = u8::MAX;
        let upto = self.headed.partition_point(|&i| i < last);
        for &i in self.headed[..upto].iter().rev() {
            let Some(b) = &self.segs[i].blocks else {
                continue;
            };
            let at = self.starts[i];
            for h in b.headings.iter().rev() {
                if h.range.start + at <= byte && h.level < above {
                    above = h.level;
                    trail.push(moved(h, at));
                }
            }
            if above <= 1 {
                break;
            }
        }
        trail.reverse();
        trail
    }

    /// The blocks of the whole note, in absolute offsets.
    pub fn blocks(&self) -> Blocks {
        let mut out = Blocks::default();
        for (&at, seg) in self.starts.iter().zip(&self.segs) {
            let Some(b) = &seg.blocks else { continue };
            let mv = |r: &Range<usize>| r.start + at..r.end + at;
            if at == 0 {
                out.front_matter = b.front_matter.as_ref().map(|f| markdown::FrontMatter {
                    range: mv(&f.range),
                    content: mv(&f.content),
                });
            }
            out.headings.extend(b.headings.iter().map(|h| moved(h, at)));
            out.fenced_code
                .extend(b.fenced_code.iter().map(|c| markdown::FencedCode {
                    range: mv(&c.range),
                    ..c.clone()
                }));
            out.indented_code.extend(b.indented_code.iter().map(mv));
            out.html.extend(b.html.iter().map(mv));
        }
        out
    }

    /// Code and HTML blocks (absolute, sorted by start) of the segments overlapping `window`
    /// (bytes): where the editor does not show markdown. Fenced code, indented code and HTML,
    /// each with its kind.
    pub fn code_blocks(&self, window: Range<usize>) -> Vec<(usize, usize, &'static str)> {
        let mut out = Vec::new();
        let first = self
            .starts
            .partition_point(|&x| x <= window.start)
            .saturating_sub(1);
        for (&at, seg) in self.starts[first..].iter().zip(&self.segs[first..]) {
            if at >= window.end {
                break;
            }
            let Some(b) = &seg.blocks else { continue };
            let first = out.len();
            out.extend(
                b.fenced_code
                    .iter()
                    .map(|c| (c.range.start + at, c.range.end + at, "a code block")),
            );
            out.extend(
                b.indented_code
                    .iter()
                    .map(|r| (r.start + at, r.end + at, "an indented code block")),
            );
            out.extend(
                b.html
                    .iter()
                    .map(|r| (r.start + at, r.end + at, "an HTML block")),
            );
            out[first..].sort_by_key(|b| (b.0, b.1));
        }
        out
    }
}

/// A tree to reparse incrementally: the edit to tell it first, and how long its text is then.
struct OldTree {
    tree: Tree,
    edit: Option<RelEdit>,
    len: usize,
}

/// An edit relative to a segment's start; `removed` is the extent (rows, last row's bytes) of
/// the removed text.
struct RelEdit {
    start: usize,
    old_end: usize,
    new_end: usize,
    removed: Point,
}

impl OldTree {
    /// Whether the tree is worth reusing for a parse of `new_len` bytes. A tree far longer than
    /// that (a huge fenced block, whose first candidate cut is tried first) is not: editing it
    /// costs more than the short parse.
    fn fits(&self, new_len: usize) -> bool {
        self.len <= 2 * new_len.max(1024)
    }

    /// The tree told about its edit and that its text is now `rope[cur..end]` (the rope holds
    /// both texts: the old tree's, edited, is what the rope has from `cur` for `len` bytes),
    /// ready for a parse of `rope[cur..end]` to reuse.
    fn edited_for(self, rope: &Rope, cur: usize, end: usize) -> Tree {
        let mut tree = self.tree;
        if let Some(edit) = &self.edit {
            tree.edit(&edit.input_edit(rope, cur));
        }
        let old_len = self.len;
        let new_len = end - cur;
        if old_len != new_len {
            let at = old_len.min(new_len);
            tree.edit(&InputEdit {
                start_byte: at,
                old_end_byte: old_len,
                new_end_byte: new_len,
                start_position: rel_point(rope, cur, cur + at),
                old_end_position: rel_point(rope, cur, cur + old_len),
                new_end_position: rel_point(rope, cur, end),
            });
        }
        tree
    }
}

impl RelEdit {
    /// The edit as tree-sitter takes it, for the segment starting at `cur` of `rope` (the text
    /// after the edit).
    fn input_edit(&self, rope: &Rope, cur: usize) -> InputEdit {
        let start_position = rel_point(rope, cur, cur + self.start);
        InputEdit {
            start_byte: self.start,
            old_end_byte: self.old_end,
            new_end_byte: self.new_end,
            start_position,
            old_end_position: if self.removed.row == 0 {
                Point {
                    row: start_position.row,
                    column: start_position.column + self.removed.column,
                }
            } else {
                Point {
                    row: start_position.row + self.removed.row,
                    column: self.removed.column,
                }
            },
            new_end_position: rel_point(rope, cur, cur + self.new_end),
        }
    }
}

/// New segments (start, tree) and the cut where they rejoined the old ones (`None`: the end).
type Built = (Vec<(usize, Seg)>, Option<usize>);

/// Texts from this size on are cut in two and their halves parsed on two cores.
const PARALLEL_BYTES: usize = 256 * 1024;

/// The segments of the whole text, as one [`build`] from 0 gives them. With `split`, the text
/// is also parsed from the first cut candidate after that byte on another core, as though a
/// segment started there; the parse from 0 stops at its first cut at or past it, and the two
/// join at the first cut both have (the segments from a cut depend only on the text after it).
fn build_whole(
    parser: &mut Parser,
    rope: &Rope,
    keep_tree: usize,
    split: Option<usize>,
) -> Vec<(usize, Seg)> {
    let whole = |parser: &mut Parser, from: usize, stop: &dyn Fn(usize) -> bool| {
        build(parser, rope, from, None, stop, UNBOUNDED, keep_tree)
            .expect("an unbounded build always completes")
    };
    let Some(mid) = split.and_then(|at| next_candidate(rope, at, UNBOUNDED)) else {
        return whole(parser, 0, &|_| false).0;
    };
    let ((mut out, cut), (second, _)) = rayon::join(
        || whole(parser, 0, &|p| p >= mid),
        || whole(&mut markdown::parser(), mid, &|_| false),
    );
    let Some(mut cut) = cut else {
        return out;
    };
    let starts: Vec<usize> = second.iter().map(|(s, _)| *s).collect();
    if starts.binary_search(&cut).is_err() {
        // The first parse went past the second's start: on from its cut to one they share.
        let (more, at) = whole(parser, cut, &|p| starts.binary_search(&p).is_ok());
        out.extend(more);
        let Some(at) = at else {
            return out;
        };
        cut = at;
    }
    let from = starts.partition_point(|&s| s < cut);
    out.extend(second.into_iter().skip(from));
    out
}

/// Parses `rope[from..]` into segments, reusing `old` (an edited tree of the segment starting at
/// `from`, and where that old segment now ends) for the first one, until a cut `p` for which
/// `stop(p)` holds. Returns the new segments and that cut (`None`: the end of the text), or
/// `None` when more than `budget` bytes would be parsed.
fn build(
    parser: &mut Parser,
    rope: &Rope,
    from: usize,
    mut old: Option<OldTree>,
    stop: &dyn Fn(usize) -> bool,
    budget: usize,
    keep_tree: usize,
) -> Option<Built> {
    let len = rope.len_bytes();
    let mut out = Vec::new();
    let mut cur = from;
    // Nothing past this byte can end a segment within the budget.
    let limit = from.saturating_add(budget);
    let mut cand = next_candidate(rope, cur, limit);
    let mut parsed = 0usize;
    // Unclean tries of the segment starting at `cur`.
    let mut tries = 0u32;
    // The text of the segment tried, for `quick`.
    let mut buf = String::new();
    loop {
        let end = cand.unwrap_or(len);
        parsed = parsed.saturating_add(end - cur);
        if parsed > budget {
            return None;
        }
        // A segment of simple lines is read without a tree (it leaves nothing open). A longer
        // try holds what its first left open, so is never one.
        let quick = if tries == 0 {
            quick_seg(rope, cur, cand, limit, &mut buf)?
        } else {
            None
        };
        if let Some((seg, at)) = quick {
            out.push((cur, seg));
            cand = at;
            let Some(p) = cand else {
                return Some((out, None));
            };
            if stop(p) {
                return Some((out, Some(p)));
            }
            old = None;
            cur = p;
            cand = next_candidate(rope, p, limit);
            continue;
        }
        // Reuse the old tree when it fits; else keep it for a later, longer try.
        let fits = old.as_ref().is_some_and(|o| o.fits(end - cur));
        let prev = old.take_if(|_| fits).map(|o| o.edited_for(rope, cur, end));
        let tree = parse_range(parser, rope, cur..end, prev.as_ref());
        let Some(p) = cand else {
            out.push((cur, seg(tree, rope, cur..end, keep_tree)));
            return Some((out, None));
        };
        match open_at_end(parser, &tree, rope, cur, end) {
            None => {
                out.push((cur, seg(tree, rope, cur..end, keep_tree)));
                if stop(p) {
                    return Some((out, Some(p)));
                }
                // An old tree not used yet belongs to the segment just done.
                old = None;
                tries = 0;
                cur = p;
                cand = next_candidate(rope, p, limit);
            }
            Some(skip) => {
                let close = close_line(rope, end, skip, limit);
                if close.is_none() && limit >= len && matches!(skip, Open::Fence { .. }) {
                    // Nothing closes it: the block runs to the end of the note (it is at the top
                    // level), and no tree-sitter parse of the rest can say more. (Not so for an
                    // HTML block: where tree-sitter-md ends one, the text alone does not tell.)
                    out.push((cur, open_to_end(&tree, rope, cur..end, len)));
                    return Some((out, None));
                }
                // Extend the segment past the line that closes what is open, reusing its tree.
                tries += 1;
                cand = cut_past_open(rope, cur..end, close, skip, tries, limit);
                if old.is_none() {
                    old = Some(OldTree {
                        tree,
                        edit: None,
                        len: end - cur,
                    });
                }
            }
        }
    }
}

/// The next candidate cut for the segment `segment` (whose end is a candidate cut) that
/// leaves `open` open at that end: after the line that closes it. What the text cannot tell (a
/// parse error, an HTML block of unknown kind), and every third try on, at least doubles the
/// segment: a note that stays open to its end costs a few parses, not one per paragraph.
fn cut_past_open(
    rope: &Rope,
    segment: Range<usize>,
    close: Option<usize>,
    open: Open,
    tries: u32,
    limit: usize,
) -> Option<usize> {
    let grow = matches!(open, Open::Html(None)) || tries >= 3;
    let floor = if grow {
        segment.start + 2 * (segment.end - segment.start)
    } else {
        0
    };
    close.and_then(|c| next_candidate(rope, c.max(floor), limit))
}

/// The bytes of the segments of `segs` that hold a tree.
fn tree_bytes(segs: &[Seg]) -> usize {
    segs.iter()
        .filter(|s| s.tree.is_some())
        .map(|s| s.len)
        .sum()
}

/// The indices (from `first`) of the segments of `segs` that hold a heading.
fn headed(segs: &[Seg], first: usize) -> Vec<usize> {
    let has = |s: &Seg| s.blocks.as_ref().is_some_and(|b| !b.headings.is_empty());
    (0..segs.len())
        .filter(|&i| has(&segs[i]))
        .map(|i| i + first)
        .collect()
}

/// A heading of a segment starting at `at`, in absolute offsets.
fn moved(h: &markdown::Heading, at: usize) -> markdown::Heading {
    markdown::Heading {
        range: h.range.start + at..h.range.end + at,
        text_range: h.text_range.start + at..h.text_range.end + at,
        ..h.clone()
    }
}

/// The segment `rope[range]`, parsed as `tree`, with its blocks read (`None` when none).
fn seg(tree: Tree, rope: &Rope, range: Range<usize>, keep_tree: usize) -> Seg {
    let b = markdown::blocks(
        &tree,
        &Sub {
            rope,
            base: range.start,
        },
    );
    let len = range.end - range.start;
    Seg {
        tree: (len >= keep_tree).then_some(tree),
        len,
        blocks: seg_blocks(b),
    }
}

/// A segment's blocks as it keeps them: `None` when it has none.
fn seg_blocks(b: Blocks) -> Option<Arc<SegBlocks>> {
    let empty = b.front_matter.is_none()
        && b.headings.is_empty()
        && b.fenced_code.is_empty()
        && b.indented_code.is_empty()
        && b.html.is_empty();
    (!empty).then(|| Arc::new(SegBlocks::from(b)))
}

/// The segment from `cur` to the candidate cut `cand` (`None`: the end) read without a tree
/// (see [`quick`]), if it can be, and the cut it ends at: past the closing line of a fence it
/// leaves open, or at the end of the note when nothing closes it (`Some(None)`: it needs a
/// tree). `None` when that reaches past `limit`: the whole build gives up then, so that a
/// budgeted build never ends otherwise than an unbounded one. `buf` holds its text.
fn quick_seg(
    rope: &Rope,
    cur: usize,
    mut cand: Option<usize>,
    limit: usize,
    buf: &mut String,
) -> Option<Option<(Seg, Option<usize>)>> {
    let len = rope.len_bytes();
    loop {
        let end = cand.unwrap_or(len);
        if end > limit {
            // Past the budget (a keystroke's reparse under the lock): the caller parses in the
            // background, where the limit is the end.
            return None;
        }
        buf.clear();
        buf.extend(rope.byte_slice(cur..end).chunks());
        let q = match quick::blocks(buf, cur, cand.is_none()) {
            Ok(q) => q,
            Err(quick::Stop::Fence { ch, n }) => {
                cand = match close_line(rope, end, Open::Fence { ch, n }, limit) {
                    Some(c) => next_candidate(rope, c, limit),
                    None if limit >= len => None,
                    None => return None,
                };
                continue;
            }
            Err(quick::Stop::Tree) => return Some(None),
        };
        let seg = Seg {
            tree: None,
            len: end - cur,
            blocks: seg_blocks(q),
        };
        return Some(Some((seg, cand)));
    }
}

/// The segment from `range.start` to the end of the note (`len`), where `tree` (of
/// `rope[range]`) ends in a fenced code block that nothing closes: its blocks, that last block
/// running to the end. No tree is kept (it is not the segment's).
fn open_to_end(tree: &Tree, rope: &Rope, range: Range<usize>, len: usize) -> Seg {
    let mut b = markdown::blocks(
        tree,
        &Sub {
            rope,
            base: range.start,
        },
    );
    let end = len - range.start;
    if let Some(f) = b.fenced_code.last_mut() {
        f.range.end = end;
    }
    Seg {
        tree: None,
        len: end,
        blocks: seg_blocks(b),
    }
}

/// Parses `rope[range]`, reusing `old` (already told about the edits) when given.
fn parse_range(parser: &mut Parser, rope: &Rope, range: Range<usize>, old: Option<&Tree>) -> Tree {
    parse_with_suffix(parser, rope, range, b"", old)
}

/// Parses `rope[range]` followed by `suffix`.
fn parse_with_suffix(
    parser: &mut Parser,
    rope: &Rope,
    range: Range<usize>,
    suffix: &'static [u8],
    old: Option<&Tree>,
) -> Tree {
    let n = range.end - range.start;
    parser
        .parse_with_options(
            &mut |byte, _| {
                let abs = range.start + byte;
                if abs >= range.end {
                    return suffix.get(byte - n..).unwrap_or_default();
                }
                let (chunk, chunk_start, _, _) = rope.chunk_at_byte(abs);
                let b = &chunk.as_bytes()[abs - chunk_start..];
                &b[..b.len().min(range.end - abs)]
            },
            old,
            None,
        )
        // Parsing only stops early when cancelled by a progress callback, and none is
        // installed; the language is always set.
        .expect("tree-sitter parse without a progress callback always completes")
}

/// Tree-sitter point of `to` relative to `from` (rows count `\n` only).
fn rel_point(rope: &Rope, from: usize, to: usize) -> Point {
    let (mut row, mut col) = (0, 0);
    for chunk in rope.byte_slice(from..to).chunks() {
        let b = chunk.as_bytes();
        match memchr::memrchr(b'\n', b) {
            Some(i) => {
                row += memchr::memchr_iter(b'\n', b).count();
                col = b.len() - i - 1;
            }
            None => col += b.len(),
        }
    }
    Point { row, column: col }
}

/// What a segment leaves open at its end, and so what must close before it may be cut.
#[derive(Clone, Copy, Debug)]
enum Open {
    Fence {
        ch: u8,
        n: usize,
    },
    /// An HTML block, ending (as far as the text goes) at the first line holding this marker
    /// (ASCII case-insensitive); `None`: at any line.
    Html(Option<&'static str>),
    FrontMatter,
}

/// The text of the line starting at `at` without its terminator, and where the next starts.
fn line_at(rope: &Rope, at: usize) -> (String, usize) {
    let i = rope.byte_to_line(at);
    let line = rope.line(i);
    let next = at + line.len_bytes();
    let mut s = String::from(line);
    while s.ends_with(['\n', '\r']) {
        s.pop();
    }
    (s, next)
}

/// The first line start after `after` where a note may be cut as far as the text goes: after a
/// blank line, at a line whose first character cannot continue anything.
fn next_candidate(rope: &Rope, after: usize, limit: usize) -> Option<usize> {
    let len = rope.len_bytes();
    if after >= len {
        return None;
    }
    let i = rope.byte_to_line(after);
    let mut at = rope.line_to_byte(i);
    let mut prev_blank = false;
    // The first line starts at or before `after`: never a candidate.
    for line in rope.lines_at(i) {
        let n = line.len_bytes();
        if n == 0 {
            return None;
        }
        let c = line.byte(0);
        // The last line, without a terminator, never starts a segment: tree-sitter-md fails on
        // a document that is one unterminated heading line.
        let terminated = matches!(line.byte(n - 1), b'\n' | b'\r');
        // Tree-sitter skips a byte order mark at the start of its input only.
        let bom = n >= 3 && line.byte(0) == 0xEF && line.byte(1) == 0xBB && line.byte(2) == 0xBF;
        if prev_blank && at > after && terminated && !bom && !b" \t\r\n-+*>|0123456789".contains(&c)
        {
            return Some(at);
        }
        if at > limit {
            return None;
        }
        prev_blank = line
            .bytes()
            .take_while(|&b| b != b'\n' && b != b'\r')
            .all(|b| b == b' ' || b == b'\t');
        at += n;
    }
    None
}

/// The start of the line at or after `from` that closes `open`, if any before `limit`.
fn close_line(rope: &Rope, from: usize, open: Open, limit: usize) -> Option<usize> {
    let mut at = rope.line_to_byte(rope.byte_to_line(from));
    for line in rope.lines_at(rope.byte_to_line(from)) {
        let n = line.len_bytes();
        if n == 0 || at > limit {
            return None;
        }
        let text = std::borrow::Cow::<str>::from(line);
        let l = text.trim_end_matches(['\n', '\r']);
        let closes = match open {
            Open::Fence { ch, n } => {
                let ind = l.bytes().take_while(|&b| b == b' ').count();
                let r = &l.as_bytes()[ind..];
                let m = r.iter().take_while(|&&b| b == ch).count();
                ind <= 3 && m >= n && r[m..].iter().all(|&b| b == b' ' || b == b'\t')
            }
            Open::Html(Some(marker)) => l.to_ascii_lowercase().contains(marker),
            Open::Html(None) => true,
            Open::FrontMatter => l.len() < text.len() && l.trim_end_matches([' ', '\t']) == "---",
        };
        if closes && at >= from {
            return Some(at);
        }
        at += n;
    }
    None
}

/// The line a probe parse appends to a segment: a fresh paragraph starts there unless the
/// segment leaves something open.
const PROBE: &[u8] = b"P\n";

/// The last block at the top level (sections are only heading nesting), if any.
fn last_block(tree: &Tree) -> Option<Node<'_>> {
    let mut node = tree.root_node();
    loop {
        let c = node.child(node.child_count().checked_sub(1)?)?;
        if c.kind() == "section" {
            node = c;
        } else {
            return Some(c);
        }
    }
}

/// What the segment `rope[at..end]`, parsed as `tree`, leaves open at its end.
fn open_at_end(
    parser: &mut Parser,
    tree: &Tree,
    rope: &Rope,
    at: usize,
    end: usize,
) -> Option<Open> {
    if at == 0 && front_matter_unclosed(tree, rope) {
        // Tree-sitter-md reads front matter only when its closing line exists; it may lie
        // beyond this segment.
        return Some(Open::FrontMatter);
    }
    if tree.root_node().has_error() {
        // Tree-sitter's error recovery may read what follows differently: keep going until a
        // cut where the segment parses cleanly.
        return Some(Open::Html(None));
    }
    let last = last_block(tree)?;
    match last.kind() {
        "fenced_code_block" => open_fence(last, rope, at, end),
        "html_block" => open_html(parser, tree, last, rope, at, end),
        _ => None,
    }
}

/// Whether the note's line 0 is `---` but `tree` (of its first segment) holds no front matter.
fn front_matter_unclosed(tree: &Tree, rope: &Rope) -> bool {
    let (l0, _) = line_at(rope, 0);
    let has_fm = tree
        .root_node()
        .child(0)
        .is_some_and(|c| c.kind() == "minus_metadata");
    !has_fm && l0.trim_matches([' ', '\t']) == "---"
}

/// The text of `node` of the segment `rope[at..end]`, cut at the segment's end.
fn node_text<'r>(rope: &'r Rope, at: usize, end: usize, node: Node) -> std::borrow::Cow<'r, str> {
    rope.text(at + node.start_byte().min(end - at)..at + node.end_byte().min(end - at))
}

/// The fence a fenced code block (`last`, of the segment `rope[at..end]`) leaves open: `None`
/// when it has its closing delimiter.
fn open_fence(last: Node, rope: &Rope, at: usize, end: usize) -> Option<Open> {
    let mut cur = last.walk();
    let delims: Vec<Node> = last
        .children(&mut cur)
        .filter(|c| c.kind() == "fenced_code_block_delimiter")
        .collect();
    if delims.len() >= 2 {
        return None;
    }
    let d = node_text(rope, at, end, *delims.first()?);
    // The delimiter node holds the fence's indentation.
    let d = d.trim_start_matches([' ', '\t']);
    let ch = *d.as_bytes().first()?;
    Some(Open::Fence {
        ch,
        n: d.bytes().take_while(|&b| b == ch).count(),
    })
}

/// Whether an HTML block (`last`, the segment's last block) is left open at the end of the
/// segment `rope[at..end]`, parsed as `tree`, and until what marker.
fn open_html(
    parser: &mut Parser,
    tree: &Tree,
    last: Node,
    rope: &Rope,
    at: usize,
    end: usize,
) -> Option<Open> {
    // Whether tree-sitter-md ends it here (at a blank line, or at its end marker as the
    // grammar tokenises it) is asked of tree-sitter-md: parse the segment followed by a probe
    // line and see whether that line starts a paragraph of its own.
    let t = node_text(rope, at, end, last).to_ascii_lowercase();
    let kind = html_kind(t.trim_start_matches(' '));
    // A comment whose `-->` follows its `<!--` (every scheduling comment) is closed: no probe
    // needed.
    if let Some((start, "-->")) = kind
        && t.trim_start_matches(' ')[start..].contains("-->")
    {
        return None;
    }
    let n = end - at;
    let mut old = tree.clone();
    old.edit(&probe_edit(rope, at, end));
    let probe = parse_with_suffix(parser, rope, at..end, PROBE, Some(&old));
    let fresh = last_block(&probe).is_some_and(|b| b.kind() == "paragraph" && b.start_byte() == n);
    if fresh {
        return None;
    }
    Some(Open::Html(kind.map(|(_, m)| m)))
}

/// The edit that appends [`PROBE`] to the segment `rope[at..end]`.
fn probe_edit(rope: &Rope, at: usize, end: usize) -> InputEdit {
    let n = end - at;
    let at_end = rel_point(rope, at, end);
    InputEdit {
        start_byte: n,
        old_end_byte: n,
        new_end_byte: n + PROBE.len(),
        start_position: at_end,
        old_end_position: at_end,
        new_end_position: Point {
            row: at_end.row + 1,
            column: 0,
        },
    }
}

/// For an HTML block that ends at a marker (CommonMark kinds 1 to 5): the length of its start
/// and the marker. `t` is lowercase.
fn html_kind(t: &str) -> Option<(usize, &'static str)> {
    for (tag, end) in [
        ("<script", "</script>"),
        ("<pre", "</pre>"),
        ("<style", "</style>"),
        ("<textarea", "</textarea>"),
    ] {
        if let Some(rest) = t.strip_prefix(tag)
            && (rest.is_empty() || rest.starts_with([' ', '\t', '>', '\n', '\r']))
        {
            return Some((tag.len(), end));
        }
    }
    if t.starts_with("<!--") {
        return Some((4, "-->"));
    }
    if t.starts_with("<?") {
        return Some((2, "?>"));
    }
    if t.starts_with("<![cdata[") {
        return Some((9, "]]>"));
    }
    if t.starts_with("<!") && t.as_bytes().get(2).is_some_and(|b| b.is_ascii_alphabetic()) {
        return Some((2, ">"));
    }
    None
}
