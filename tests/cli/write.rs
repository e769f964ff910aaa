//! Writing a graded note as an editor would save it: through symbolic links, keeping owner,
//! mode and hard links, refusing read-only notes (issue 13, items 2, 3).

use crate::support::*;

// ------------------------------------------------------------------------------------------
// 2, 3. Writing the note: links, permissions, owners
// ------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn grading_through_a_symlink_writes_the_target_and_keeps_the_link() {
    let dir = tree(&[("V/.obsidian/app.json", "{}"), ("V/sub/real.md", NOTE)]);
    let v = root(&dir).join("V");
    std::os::unix::fs::symlink("sub/real.md", v.join("link.md")).unwrap();
    let r = graded(&v, "link.md");
    assert_eq!(r.code, 0, "{}", r.err);
    let meta = std::fs::symlink_metadata(v.join("link.md")).unwrap();
    assert!(meta.file_type().is_symlink(), "the link is kept");
    let real = std::fs::read_to_string(v.join("sub/real.md")).unwrap();
    assert!(real.contains("<!--SR:!2025-01-"), "{real}");
    assert!(!real.contains("2025-01-03,3,250"), "{real}");
    // No temporary file left anywhere.
    for d in [v.clone(), v.join("sub")] {
        let n = std::fs::read_dir(&d).unwrap().count();
        assert!(n <= 3, "{d:?} holds {n} entries");
    }
}

#[cfg(unix)]
#[test]
fn a_read_only_note_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[("V/.obsidian/app.json", "{}"), ("V/n.md", NOTE)]);
    let v = root(&dir).join("V");
    let f = v.join("n.md");
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o444)).unwrap();
    let r = graded(&v, "n.md");
    assert_eq!(r.code, 2, "{}", r.out);
    assert!(r.err.contains("read-only"), "{}", r.err);
    assert_eq!(r.err.lines().count(), 1, "{}", r.err);
    assert_eq!(std::fs::read_to_string(&f).unwrap(), NOTE);
    let mode = std::fs::metadata(&f).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o444);
    // --dry-run still shows the edit.
    let r = srls(
        &v,
        &["grade", "n.md:3", "good", "--today", TODAY, "--dry-run"],
    );
    assert_eq!(r.code, 0, "{}", r.err);
}

#[cfg(unix)]
#[test]
fn owner_mode_and_hard_links_are_kept() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tree(&[("V/.obsidian/app.json", "{}"), ("V/n.md", NOTE)]);
    let v = root(&dir).join("V");
    let f = v.join("n.md");
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
    let me = std::fs::metadata(&f).unwrap().uid();
    // As root, the note belongs to somebody else (an editor run by root keeps the owner).
    if me == 0 {
        std::os::unix::fs::chown(&f, Some(65534), Some(65534)).unwrap();
    }
    let before = std::fs::metadata(&f).unwrap();
    let r = graded(&v, "n.md");
    assert_eq!(r.code, 0, "{}", r.err);
    let after = std::fs::metadata(&f).unwrap();
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    assert_eq!(after.mode() & 0o7777, 0o640);

    // A second name for the note: both see the new text, the link stays one file.
    std::fs::hard_link(&f, v.join("other.md")).unwrap();
    let ino = std::fs::metadata(&f).unwrap().ino();
    let once = std::fs::read_to_string(&f).unwrap();
    let r = srls(&v, &["grade", "n.md:3", "again", "--today", TODAY]);
    assert_eq!(r.code, 0, "{}", r.err);
    let a = std::fs::read_to_string(&f).unwrap();
    assert_eq!(a, std::fs::read_to_string(v.join("other.md")).unwrap());
    assert_ne!(a, once);
    let m = std::fs::metadata(&f).unwrap();
    assert_eq!((m.ino(), m.nlink()), (ino, 2));
    assert_eq!((m.uid(), m.gid()), (before.uid(), before.gid()));
}
