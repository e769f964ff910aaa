//! Standard output for every subcommand: buffered, never panicking, and ending the same way
//! everywhere when it cannot be written. A closed pipe (`srls due | head -1`) ends the command
//! quietly with exit 0, as `head` asked for no more; any other error (a full disk) is one line
//! on stderr and exit 2.

use std::io::{self, BufWriter, Stdout, Write};

/// Buffered standard output that remembers its first write error (later writes are skipped).
pub struct Output {
    w: BufWriter<Stdout>,
    error: Option<io::Error>,
}

impl Default for Output {
    fn default() -> Self {
        Output::new()
    }
}

impl Output {
    /// Standard output, buffered.
    pub fn new() -> Output {
        Output {
            w: BufWriter::with_capacity(1 << 16, io::stdout()),
            error: None,
        }
    }

    /// Writes formatted text (what `write!` and `writeln!` call); does nothing after an error.
    pub fn write_fmt(&mut self, args: std::fmt::Arguments<'_>) {
        if self.error.is_none()
            && let Err(e) = self.w.write_fmt(args)
        {
            self.error = Some(e);
        }
    }

    /// Writes what `write` writes to the buffer, then a line end; does nothing after an error.
    pub fn write_line_with(
        &mut self,
        write: impl FnOnce(&mut BufWriter<Stdout>) -> io::Result<()>,
    ) {
        if self.error.is_none()
            && let Err(e) = write(&mut self.w).and_then(|()| self.w.write_all(b"\n"))
        {
            self.error = Some(e);
        }
    }

    /// Whether everything so far could be written (a command stops early when not).
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }

    /// Flushes and gives the exit code: `code` when everything was written, 0 when the reader
    /// closed the pipe, else 2 after saying why on stderr.
    pub fn finish(self, code: i32) -> i32 {
        self.finish_noting(code, "")
    }

    /// Like [`Output::finish`], adding `note` (e.g. `; the note was written`) to the message.
    pub fn finish_noting(mut self, code: i32, note: &str) -> i32 {
        if self.error.is_none()
            && let Err(e) = self.w.flush()
        {
            self.error = Some(e);
        }
        // The buffer is flushed or lost; do not let the drop try again.
        let (_, _) = self.w.into_parts();
        match self.error {
            None => code,
            Some(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
            Some(e) => {
                eprintln!("error: cannot write the output: {e}{note}");
                2
            }
        }
    }
}
