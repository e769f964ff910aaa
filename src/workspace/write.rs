//! Writing a note back the way an editor saves it (used by `srls grade`; meant for every writer).
//!
//! - A symbolic link is followed: the note it points to is rewritten and the link stays.
//! - A note the user could not save from an editor is refused, untouched: no write permission
//!   bit applies to them (the owner's, the group's or the others' bit, by the class they are in;
//!   for root, which the system lets write anything, no write bit at all, as Vim judges it).
//! - Normally the new text goes to a temporary file beside the note, which gets the note's
//!   owner and mode, is synced and renamed over it: a crash leaves the old or the new note.
//! - When a rename would change what the note is (it has several hard links, its owner cannot
//!   be given to a new file, its folder is not writable) it is rewritten in place instead: space
//!   is reserved first, and when a write fails the old text is put back.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Replaces the text of the note at `path` by `bytes`, keeping links, owner and mode (see the
/// module documentation). A refused or failed write leaves the note as it was.
pub fn write_note(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let meta = std::fs::metadata(&target)?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    may_write(&meta)?;
    if hard_links(&meta) > 1 {
        return rewrite_in_place(&target, bytes);
    }
    match replace(&target, &meta, bytes)? {
        Replaced::Done => Ok(()),
        Replaced::InPlace => rewrite_in_place(&target, bytes),
    }
}

/// Whether a rename over the note happened, or the note must be rewritten in place.
enum Replaced {
    Done,
    InPlace,
}

/// Writes a temporary file beside `target` with its owner and mode, then renames it over.
fn replace(target: &Path, meta: &Metadata, bytes: &[u8]) -> io::Result<Replaced> {
    let (tmp, mut f) = match create_temp(target) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => return Ok(Replaced::InPlace),
        Err(e) => return Err(e),
    };
    let res = (|| {
        f.write_all(bytes)?;
        if !give_owner(&f, meta)? {
            return Ok(Replaced::InPlace);
        }
        f.set_permissions(meta.permissions())?;
        f.sync_all()?;
        std::fs::rename(&tmp, target)?;
        Ok(Replaced::Done)
    })();
    if !matches!(res, Ok(Replaced::Done)) {
        let _ = std::fs::remove_file(&tmp);
    } else if let Some(dir) = target.parent() {
        // Make the rename itself durable; not every system can sync a folder.
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    res
}

/// A new file `.NAME.srls-PID-N.tmp` beside `target`, readable by its owner only.
fn create_temp(target: &Path) -> io::Result<(PathBuf, File)> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut last = None;
    for i in 0..16 {
        let tmp = dir.join(format!(".{name}.srls-{}-{i}.tmp", std::process::id()));
        let mut o = OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        match o.open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary file name is free")))
}

/// Rewrites the note's own file (its inode, links, owner and mode stay). Space for the new text
/// is reserved before the first byte changes; a failed write puts the old text back.
fn rewrite_in_place(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let old = std::fs::read(target)?;
    let mut f = OpenOptions::new().write(true).open(target)?;
    let res = reserve(&f, bytes.len() as u64).and_then(|()| overwrite(&mut f, bytes));
    if res.is_err() {
        let _ = overwrite(&mut f, &old);
    }
    res
}

fn overwrite(f: &mut File, bytes: &[u8]) -> io::Result<()> {
    f.seek(SeekFrom::Start(0))?;
    f.write_all(bytes)?;
    f.set_len(bytes.len() as u64)?;
    f.sync_all()
}

/// Allocates `len` bytes for the file, so the rewrite cannot run out of space half-way (where
/// the system offers it; a file system that cannot is not an error).
#[cfg(target_os = "linux")]
fn reserve(f: &File, len: u64) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let Ok(len) = libc::off_t::try_from(len) else {
        return Err(io::Error::from(io::ErrorKind::FileTooLarge));
    };
    // SAFETY: the descriptor is open for writing for the whole call.
    match unsafe { libc::posix_fallocate(f.as_raw_fd(), 0, len) } {
        0 | libc::EINVAL | libc::EOPNOTSUPP => Ok(()),
        rc => Err(io::Error::from_raw_os_error(rc)),
    }
}

#[cfg(not(target_os = "linux"))]
fn reserve(_f: &File, _len: u64) -> io::Result<()> {
    Ok(())
}

/// Whether a write permission bit applies to a user, as an editor judges it: the owner's bit
/// for the owner, the group's bit for a member of the file's group, else the others' bit; for
/// root (`euid` 0), any write bit.
pub fn write_bit_applies(
    mode: u32,
    (uid, gid): (u32, u32),
    euid: u32,
    in_group: &dyn Fn(u32) -> bool,
) -> bool {
    if euid == 0 {
        mode & 0o222 != 0
    } else if euid == uid {
        mode & 0o200 != 0
    } else if in_group(gid) {
        mode & 0o020 != 0
    } else {
        mode & 0o002 != 0
    }
}

#[cfg(unix)]
fn may_write(meta: &Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let mode = meta.mode();
    // SAFETY: geteuid cannot fail and touches no memory.
    let euid = unsafe { libc::geteuid() };
    if write_bit_applies(mode, (meta.uid(), meta.gid()), euid, &in_group) {
        return Ok(());
    }
    let msg = if mode & 0o222 == 0 {
        format!("the note is read-only (mode {:04o})", mode & 0o7777)
    } else {
        format!(
            "you may not write this note (owner uid {}, group gid {}, mode {:04o})",
            meta.uid(),
            meta.gid(),
            mode & 0o7777
        )
    };
    Err(io::Error::new(io::ErrorKind::PermissionDenied, msg))
}

#[cfg(not(unix))]
fn may_write(meta: &Metadata) -> io::Result<()> {
    if meta.permissions().readonly() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the note is read-only",
        ));
    }
    Ok(())
}

/// Whether the effective group or a supplementary group of the process is `gid`.
#[cfg(unix)]
fn in_group(gid: u32) -> bool {
    // SAFETY: getegid cannot fail; getgroups writes at most `n` entries into a buffer of `n`.
    unsafe {
        if libc::getegid() == gid {
            return true;
        }
        let n = libc::getgroups(0, std::ptr::null_mut());
        if n <= 0 {
            return false;
        }
        let mut groups = vec![0 as libc::gid_t; n as usize];
        let got = libc::getgroups(n, groups.as_mut_ptr());
        groups.truncate(got.max(0) as usize);
        groups.contains(&gid)
    }
}

#[cfg(unix)]
fn hard_links(meta: &Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn hard_links(_meta: &Metadata) -> u64 {
    1
}

/// Gives the new file the note's owner and group; `false` when the system does not let us (the
/// note must then be rewritten in place to keep them).
#[cfg(unix)]
fn give_owner(f: &File, meta: &Metadata) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let mine = f.metadata()?;
    if (mine.uid(), mine.gid()) == (meta.uid(), meta.gid()) {
        return Ok(true);
    }
    match std::os::unix::fs::fchown(f, Some(meta.uid()), Some(meta.gid())) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn give_owner(_f: &File, _meta: &Metadata) -> io::Result<bool> {
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_write_bit_applies() {
        // (mode, (owner, group), user, member of group 20?, may write)
        let cases = [
            (0o644, (1000, 1000), 1000, false, true),
            (0o444, (1000, 1000), 1000, false, false),
            (0o464, (1000, 20), 1000, true, false),
            (0o644, (1000, 20), 1001, true, false),
            (0o664, (1000, 20), 1001, true, true),
            (0o646, (1000, 20), 1001, false, true),
            (0o644, (1000, 1000), 1001, false, false),
            (0o444, (1000, 1000), 0, false, false),
            (0o604, (1000, 1000), 0, false, true),
        ];
        for (mode, owner, euid, member, want) in cases {
            let in_group = |g: u32| member && g == 20;
            assert_eq!(
                write_bit_applies(mode, owner, euid, &in_group),
                want,
                "{mode:o} {owner:?} {euid}"
            );
        }
    }

    #[test]
    fn rewrites_in_place_and_by_rename() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.md");
        std::fs::write(&p, "old text, longer than the new one\n").unwrap();
        rewrite_in_place(&p, b"new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new\n");
        write_note(&p, "\u{feff}a\r\nb 🃏\r\n".as_bytes()).unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "\u{feff}a\r\nb 🃏\r\n"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
