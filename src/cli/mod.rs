//! The command line: subcommands over the same core as the server.

pub mod cards;
pub mod check;
pub mod due;
pub mod files;
pub mod grade;

use crate::core::cloze::ClozeEngine;
use crate::core::settings::Settings;

/// Compiles cloze regexes once per distinct pattern list.
#[derive(Default)]
pub struct EngineCache {
    engines: Vec<(Vec<String>, ClozeEngine)>,
}

impl EngineCache {
    pub fn get(&mut self, s: &Settings) -> &ClozeEngine {
        if let Some(i) = self
            .engines
            .iter()
            .position(|(p, _)| *p == s.cloze_patterns)
        {
            return &self.engines[i].1;
        }
        self.engines.push((
            s.cloze_patterns.clone(),
            ClozeEngine::new(&s.cloze_patterns),
        ));
        &self.engines.last().expect("just pushed").1
    }
}

/// The first line of a text, shortened to `max` characters.
pub fn one_line(s: &str, max: usize) -> String {
    let first = s
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if first.chars().count() > max {
        let mut t: String = first.chars().take(max - 1).collect();
        t.push('…');
        t
    } else {
        first.to_string()
    }
}
