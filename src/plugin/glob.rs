//! `noteFoldersToIgnore` matching.
//!
//! Entries are globs (`**/*.excalidraw.md`); older settings hold plain folder names
//! (`Templates`, `cloudy/`). A path is ignored when the glob matches the whole path, or when the
//! entry, read as a folder, contains the path.

/// Whether the vault-relative `path` is ignored by `entry`.
pub fn path_ignored(path: &str, entry: &str) -> bool {
    let entry = entry.trim();
    if entry.is_empty() {
        return false;
    }
    let folder = entry.trim_end_matches('/');
    if !folder.is_empty() && (path == folder || path.starts_with(&format!("{folder}/"))) {
        return true;
    }
    glob_match(entry.as_bytes(), path.as_bytes())
}

/// Glob matching with `*` (no `/`), `**` (anything, `**/` also empty) and `?`.
fn glob_match(p: &[u8], s: &[u8]) -> bool {
    if p.is_empty() {
        return s.is_empty();
    }
    if p.starts_with(b"**") {
        let rest = &p[2..];
        let rest_slash = rest.strip_prefix(b"/").unwrap_or(rest);
        if glob_match(rest_slash, s) {
            return true;
        }
        return (0..s.len())
            .any(|i| glob_match(rest, &s[i + 1..]) || glob_match(rest_slash, &s[i + 1..]));
    }
    match p[0] {
        b'*' => {
            if glob_match(&p[1..], s) {
                return true;
            }
            !s.is_empty() && s[0] != b'/' && glob_match(p, &s[1..])
        }
        b'?' => !s.is_empty() && s[0] != b'/' && glob_match(&p[1..], &s[1..]),
        c => !s.is_empty() && s[0] == c && glob_match(&p[1..], &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_folders() {
        assert!(path_ignored("a/b/x.excalidraw.md", "**/*.excalidraw.md"));
        assert!(path_ignored("x.excalidraw.md", "**/*.excalidraw.md"));
        assert!(!path_ignored("a/x.md", "**/*.excalidraw.md"));
        assert!(path_ignored("Templates/t.md", "Templates"));
        assert!(path_ignored("cloudy/x.md", "cloudy/"));
        assert!(!path_ignored("Templatesx/t.md", "Templates"));
    }
}
