//! The `srls` configuration section (initializationOptions and workspace/configuration).
//!
//! Each key is read on its own: a wrong type keeps that key's default and yields a warning the
//! server shows with `window/showMessage`. Accepts the plain object (VS Code, Neovim), an object
//! wrapped as `{"srls": {...}}` (Helix sends its whole `config`), `null`, and `[]` (a Lua `{}`).

use crate::features::hints::HintStyle;
use crate::features::lint::{CODES, Severity};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The server's settings, read key by key.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub today: Option<NaiveDate>,
    pub now: Option<DateTime<Utc>>,
    pub hints_enabled: bool,
    pub hint_style: HintStyle,
    pub diagnostics_enabled: bool,
    /// Per-code severity; `None` silences the code.
    pub severity: HashMap<String, Option<Severity>>,
    /// Overrides of the plugin's `data.json` keys.
    pub plugin: Map<String, Value>,
    pub index_enabled: bool,
    pub max_file_size: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            today: None,
            now: None,
            hints_enabled: true,
            hint_style: HintStyle::Full,
            diagnostics_enabled: true,
            severity: HashMap::new(),
            plugin: Map::new(),
            index_enabled: true,
            max_file_size: 5 * 1024 * 1024,
        }
    }
}

/// The `srls` section of a settings value (unwrapping `{"srls": {...}}`; null and `[]` have none).
fn unwrap_section(v: &Value) -> Option<&Map<String, Value>> {
    let obj = v.as_object()?;
    match obj.get("srls") {
        Some(Value::Object(inner)) if obj.len() == 1 => Some(inner),
        _ => Some(obj),
    }
}

impl Config {
    /// Reads a configuration value. Returns the config and warnings for unusable keys.
    pub fn from_json(v: &Value) -> (Config, Vec<String>) {
        let mut c = Config::default();
        let mut w = Vec::new();
        let empty = Map::new();
        let obj = match v {
            Value::Null => &empty,
            Value::Array(a) if a.is_empty() => &empty,
            other => match unwrap_section(other) {
                Some(o) => o,
                None => {
                    w.push(format!(
                        "srls settings: expected an object, found {other}; using the defaults"
                    ));
                    &empty
                }
            },
        };
        let bad = |w: &mut Vec<String>, key: &str, want: &str| {
            w.push(format!(
                "srls setting `{key}`: expected {want}; using the default"
            ));
        };
        match obj.get("today") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.trim().is_empty() => {}
            Some(Value::String(s)) => match crate::workspace::clock::parse_today(s) {
                Ok(d) => c.today = Some(d),
                Err(e) => w.push(format!("srls setting `today`: {e}; using the real date")),
            },
            Some(_) => bad(&mut w, "today", "a date such as \"2025-01-03\""),
        }
        match obj.get("now") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.trim().is_empty() => {}
            Some(Value::String(s)) => match crate::workspace::clock::parse_now(s) {
                Ok(d) => c.now = Some(d),
                Err(e) => w.push(format!("srls setting `now`: {e}; using the real time")),
            },
            Some(_) => bad(&mut w, "now", "an instant such as \"2025-03-01T09:30:00Z\""),
        }
        if let Some(h) = obj.get("inlayHints") {
            match h {
                Value::Object(m) => {
                    match m.get("enabled") {
                        None | Some(Value::Null) => {}
                        Some(Value::Bool(b)) => c.hints_enabled = *b,
                        Some(_) => bad(&mut w, "inlayHints.enabled", "true or false"),
                    }
                    match m.get("style").and_then(Value::as_str) {
                        None => {
                            if m.get("style").is_some_and(|v| !v.is_null()) {
                                bad(&mut w, "inlayHints.style", "\"full\" or \"compact\"")
                            }
                        }
                        Some("full") => c.hint_style = HintStyle::Full,
                        Some("compact") => c.hint_style = HintStyle::Compact,
                        Some(_) => bad(&mut w, "inlayHints.style", "\"full\" or \"compact\""),
                    }
                }
                Value::Bool(b) => c.hints_enabled = *b,
                Value::Null => {}
                _ => bad(&mut w, "inlayHints", "an object"),
            }
        }
        if let Some(d) = obj.get("diagnostics") {
            match d {
                Value::Object(m) => {
                    match m.get("enabled") {
                        None | Some(Value::Null) => {}
                        Some(Value::Bool(b)) => c.diagnostics_enabled = *b,
                        Some(_) => bad(&mut w, "diagnostics.enabled", "true or false"),
                    }
                    match m.get("severity") {
                        None | Some(Value::Null) => {}
                        Some(Value::Object(sev)) => {
                            for (code, v) in sev {
                                if !CODES.iter().any(|c| c.0 == code) {
                                    w.push(format!(
                                        "srls setting `diagnostics.severity`: unknown code `{code}`"
                                    ));
                                    continue;
                                }
                                match v.as_str().map(Severity::parse_setting) {
                                    Some(Ok(s)) => {
                                        c.severity.insert(code.clone(), s);
                                    }
                                    Some(Err(e)) => w.push(format!(
                                        "srls setting `diagnostics.severity.{code}`: {e}"
                                    )),
                                    None => bad(
                                        &mut w,
                                        &format!("diagnostics.severity.{code}"),
                                        "a string",
                                    ),
                                }
                            }
                        }
                        Some(_) => bad(
                            &mut w,
                            "diagnostics.severity",
                            "an object of code → severity",
                        ),
                    }
                }
                Value::Bool(b) => c.diagnostics_enabled = *b,
                Value::Null => {}
                _ => bad(&mut w, "diagnostics", "an object"),
            }
        }
        match obj.get("plugin") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => c.plugin = m.clone(),
            Some(Value::Array(a)) if a.is_empty() => {}
            Some(_) => bad(&mut w, "plugin", "an object of plugin settings"),
        }
        if let Some(ix) = obj.get("index") {
            match ix {
                Value::Object(m) => {
                    match m.get("enabled") {
                        None | Some(Value::Null) => {}
                        Some(Value::Bool(b)) => c.index_enabled = *b,
                        Some(_) => bad(&mut w, "index.enabled", "true or false"),
                    }
                    match m.get("maxFileSize") {
                        None | Some(Value::Null) => {}
                        Some(v) => match v.as_u64() {
                            Some(n) => c.max_file_size = n,
                            None => bad(&mut w, "index.maxFileSize", "a number of bytes"),
                        },
                    }
                }
                Value::Null => {}
                _ => bad(&mut w, "index", "an object"),
            }
        }
        (c, w)
    }

    /// The `srls` section as an object (empty for null and `[]`).
    pub fn section(v: &Value) -> Map<String, Value> {
        unwrap_section(v).cloned().unwrap_or_default()
    }

    /// `initializationOptions` overlaid with a `workspace/configuration` answer, key by key.
    pub fn merge(init: &Value, pulled: &Value) -> Value {
        let mut out = Config::section(init);
        for (k, v) in Config::section(pulled) {
            if !v.is_null() {
                out.insert(k, v);
            }
        }
        Value::Object(out)
    }

    /// The severity of a code after the user's overrides (`None`: silenced).
    pub fn severity_of(&self, code: &str, default: Severity) -> Option<Severity> {
        match self.severity.get(code) {
            Some(s) => *s,
            None => Some(default),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_keys_and_warns_per_key() {
        let (c, w) = Config::from_json(&json!({
            "today": "2025-01-03",
            "inlayHints": {"enabled": false, "style": "compact"},
            "diagnostics": {"severity": {"orphan-comment": "off", "no-deck": "error", "nope": "x"}},
            "plugin": {"flashcardTags": ["#cards"]},
            "index": {"maxFileSize": "big"}
        }));
        assert_eq!(c.today, NaiveDate::from_ymd_opt(2025, 1, 3));
        assert!(!c.hints_enabled);
        assert_eq!(c.hint_style, HintStyle::Compact);
        assert_eq!(c.severity_of("orphan-comment", Severity::Warning), None);
        assert_eq!(
            c.severity_of("no-deck", Severity::Warning),
            Some(Severity::Error)
        );
        assert_eq!(c.plugin["flashcardTags"], json!(["#cards"]));
        assert_eq!(w.len(), 2, "{w:?}");
    }

    #[test]
    fn accepts_wrapped_null_and_empty_array() {
        let (c, w) = Config::from_json(&json!({"srls": {"today": "2025-01-03"}}));
        assert!(c.today.is_some() && w.is_empty());
        assert_eq!(Config::from_json(&Value::Null).0, Config::default());
        assert_eq!(Config::from_json(&json!([])).0, Config::default());
        let (_, w) = Config::from_json(&json!({"today": 5}));
        assert_eq!(w.len(), 1);
    }
}
