//! `srls stats --html`: one self-contained file that headless Chromium draws without console
//! messages, in light and dark mode. Without Chromium the test fails under CI (`CI` set) and
//! is skipped with a reason otherwise.

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .flat_map(|name| {
            std::env::var_os("PATH")
                .map(|p| {
                    std::env::split_paths(&p)
                        .map(|d| d.join(name))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .find(|p| p.is_file())
}

/// Renders `page` to a PNG; returns its size and Chromium's console lines.
fn screenshot(chromium: &Path, page: &Path, png: &Path, dark: bool) -> (u64, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=800,2400",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .arg(format!("--screenshot={}", png.display()));
    if dark {
        cmd.arg("--force-dark-mode");
    }
    let out = cmd
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    (
        std::fs::metadata(png).map(|m| m.len()).unwrap_or(0),
        console,
    )
}

fn write_report(vault: &Path, html: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_srls"))
        .args(["stats", "--today", "2024-06-01", "--html"])
        .arg(html)
        .arg(vault)
        .env("SRLS_TZ", "UTC")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_report_is_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let vault =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/GeniusMilk__enotebook");
    write_report(&vault, &html);
    let page = std::fs::read_to_string(&html).unwrap();
    for needle in [
        "<svg",
        "GeniusMilk__enotebook",
        "2024-06-01",
        "prefers-color-scheme: dark",
    ] {
        assert!(page.contains(needle), "{needle} missing");
    }
    for summary in [
        "Average: 885.0 reviews/day",
        "Average ease: 197",
        "Total cards: 919",
    ] {
        assert!(page.contains(summary), "{summary} missing");
    }
    for outside in [
        "<script", "src=", "href=", "url(", "@import", "http:", "https:",
    ] {
        assert!(
            !page.contains(outside),
            "the page reaches outside: {outside}"
        );
    }
}

#[test]
fn an_empty_vault_gives_a_sentence_and_drawable_svg() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".obsidian")).unwrap();
    std::fs::write(dir.path().join("plain.md"), "no cards\n").unwrap();
    let html = dir.path().join("report.html");
    write_report(dir.path(), &html);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("No flashcards in the 1 note read"));
    assert!(page.contains("no cards"));
    assert!(
        !page.contains("=\"NaN") && !page.contains("inf\""),
        "bad coordinates"
    );
}

#[test]
fn chromium_draws_the_report_in_light_and_dark_mode() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed (CI installs it in .ci/run)"
        );
        println!("skipped: chromium is not installed (apt-get install -y chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let vault =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/GeniusMilk__enotebook");
    write_report(&vault, &html);
    let empty = dir.path().join("empty.html");
    std::fs::write(&empty, "<!DOCTYPE html><html><body></body></html>").unwrap();
    let (blank, _) = screenshot(&chromium, &empty, &dir.path().join("empty.png"), false);
    for dark in [false, true] {
        let png = dir.path().join(format!("report-{dark}.png"));
        let (size, console) = screenshot(&chromium, &html, &png, dark);
        println!("dark={dark}: {size} bytes (empty page: {blank})");
        assert!(
            size > 10 * blank.max(1),
            "the report draws little: {size} vs {blank} bytes"
        );
        assert!(console.is_empty(), "console: {console:?}");
    }
    // The console check sees what a broken page logs.
    let noisy = dir.path().join("noisy.html");
    std::fs::write(
        &noisy,
        "<html><body><script>console.error('boom')</script></body></html>",
    )
    .unwrap();
    let (_, console) = screenshot(&chromium, &noisy, &dir.path().join("noisy.png"), false);
    assert!(
        console.iter().any(|l| l.contains("boom")),
        "console lines not seen"
    );
}
