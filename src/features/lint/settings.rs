//! `settings`: the vault's plugin settings could not be read as written (malformed JSON, a value
//! of the wrong type or out of range). The note is then read with the plugin's defaults for
//! those keys, so its author should know, in the note itself as well as in a message.

use super::{Diagnostic, default_severity};

/// One `settings` diagnostic at the start of the note per warning of its vault.
pub fn settings_diagnostics(warnings: &[String]) -> Vec<Diagnostic> {
    warnings
        .iter()
        .map(|w| Diagnostic {
            code: "settings",
            severity: default_severity("settings"),
            start: 0,
            end: 0,
            message: w.clone(),
            fixes: vec![],
        })
        .collect()
}
