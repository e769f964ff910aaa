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
    /// An open note longer than this (bytes) is not parsed or served, with a message: its
    /// trees alone would take about 100 MB per MB.
    pub max_note_size: u64,
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
            max_note_size: 20 * 1024 * 1024,
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
        let mut r = Reader::default();
        let empty = Map::new();
        let obj = match v {
            Value::Null => &empty,
            Value::Array(a) if a.is_empty() => &empty,
            other => unwrap_section(other).unwrap_or_else(|| {
                r.warnings.push(format!(
                    "srls settings: expected an object, found {other}; using the defaults"
                ));
                &empty
            }),
        };
        c.today = r.parsed(obj, "today", crate::workspace::clock::parse_today, "date");
        c.now = r.parsed(obj, "now", crate::workspace::clock::parse_now, "time");
        if let Some(m) = r.group(obj, "inlayHints", Some(&mut c.hints_enabled)) {
            r.flag(m, "inlayHints.enabled", "enabled", &mut c.hints_enabled);
            r.hint_style(m, &mut c.hint_style);
        }
        if let Some(m) = r.group(obj, "diagnostics", Some(&mut c.diagnostics_enabled)) {
            r.flag(
                m,
                "diagnostics.enabled",
                "enabled",
                &mut c.diagnostics_enabled,
            );
            r.severities(m, &mut c.severity);
        }
        match obj.get("plugin") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => c.plugin = m.clone(),
            Some(Value::Array(a)) if a.is_empty() => {}
            Some(_) => r.bad("plugin", "an object of plugin settings"),
        }
        if let Some(m) = r.group(obj, "index", None) {
            r.flag(m, "index.enabled", "enabled", &mut c.index_enabled);
            r.bytes(m, "index.maxFileSize", "maxFileSize", &mut c.max_file_size);
        }
        r.bytes(obj, "maxNoteSize", "maxNoteSize", &mut c.max_note_size);
        (c, r.warnings)
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

/// Reads keys one by one, collecting a warning for each value of the wrong type.
#[derive(Default)]
struct Reader {
    warnings: Vec<String>,
}

impl Reader {
    /// A size in bytes (null: the default).
    fn bytes(&mut self, obj: &Map<String, Value>, name: &str, key: &str, out: &mut u64) {
        match obj.get(key) {
            None | Some(Value::Null) => {}
            Some(v) => match v.as_u64() {
                Some(n) => *out = n,
                None => self.bad(name, "a number of bytes"),
            },
        }
    }

    fn bad(&mut self, key: &str, want: &str) {
        self.warnings.push(format!(
            "srls setting `{key}`: expected {want}; using the default"
        ));
    }

    /// `today` / `now`: a string `parse` accepts (empty or null: unset).
    fn parsed<T>(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        parse: fn(&str) -> Result<T, String>,
        real: &str,
    ) -> Option<T> {
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => parse(s)
                .map_err(|e| {
                    self.warnings
                        .push(format!("srls setting `{key}`: {e}; using the real {real}"))
                })
                .ok(),
            Some(_) => {
                let want = if key == "today" {
                    "a date such as \"2025-01-03\""
                } else {
                    "an instant such as \"2025-03-01T09:30:00Z\""
                };
                self.bad(key, want);
                None
            }
        }
    }

    /// A group of keys (`inlayHints`, `diagnostics`, `index`): its object, or a bare boolean
    /// for `enabled` where the group takes one.
    fn group<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        key: &str,
        enabled: Option<&mut bool>,
    ) -> Option<&'a Map<String, Value>> {
        match (obj.get(key)?, enabled) {
            (Value::Object(m), _) => Some(m),
            (Value::Bool(b), Some(enabled)) => {
                *enabled = *b;
                None
            }
            (Value::Null, _) => None,
            _ => {
                self.bad(key, "an object");
                None
            }
        }
    }

    /// A boolean key of a group.
    fn flag(&mut self, m: &Map<String, Value>, name: &str, key: &str, out: &mut bool) {
        match m.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => *out = *b,
            Some(_) => self.bad(name, "true or false"),
        }
    }

    fn hint_style(&mut self, m: &Map<String, Value>, out: &mut HintStyle) {
        match m.get("style") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s == "full" => *out = HintStyle::Full,
            Some(Value::String(s)) if s == "compact" => *out = HintStyle::Compact,
            Some(_) => self.bad("inlayHints.style", "\"full\" or \"compact\""),
        }
    }

    /// `diagnostics.severity`: code → severity name (`off` silences).
    fn severities(&mut self, m: &Map<String, Value>, out: &mut HashMap<String, Option<Severity>>) {
        let sev = match m.get("severity") {
            None | Some(Value::Null) => return,
            Some(Value::Object(sev)) => sev,
            Some(_) => return self.bad("diagnostics.severity", "an object of code → severity"),
        };
        for (code, v) in sev {
            if !CODES.iter().any(|c| c.0 == code) {
                self.warnings.push(format!(
                    "srls setting `diagnostics.severity`: unknown code `{code}`"
                ));
                continue;
            }
            match v.as_str().map(Severity::parse_setting) {
                Some(Ok(s)) => {
                    out.insert(code.clone(), s);
                }
                Some(Err(e)) => self
                    .warnings
                    .push(format!("srls setting `diagnostics.severity.{code}`: {e}")),
                None => self.bad(&format!("diagnostics.severity.{code}"), "a string"),
            }
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
