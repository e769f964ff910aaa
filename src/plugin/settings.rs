//! The plugin's settings, with its defaults, read from its `data.json`.
//!
//! The plugin stores its settings under the `settings` key of
//! `.obsidian/plugins/obsidian-spaced-repetition/data.json` and merges them over its defaults.
//! We do the same, one key at a time: an unknown key is ignored, and a key with the wrong type
//! or a number out of the range the plugin's settings tab accepts keeps its default and
//! produces a warning, so one bad value never resets the whole vault and srls never writes a
//! schedule it would itself report as invalid.

use serde_json::Value;

/// Which scheduler the vault uses for flashcards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sm2Osr,
    Fsrs,
}

/// The plugin settings that srls uses. Field names follow the plugin's keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub flashcard_tags: Vec<String>,
    pub flashcard_tags_to_ignore: Vec<String>,
    pub convert_folders_to_decks: bool,
    pub single_line_card_separator: String,
    pub single_line_reversed_card_separator: String,
    pub multiline_card_separator: String,
    pub multiline_reversed_card_separator: String,
    pub multiline_card_end_marker: String,
    /// The effective cloze patterns (built from the three toggles when the file has none).
    pub cloze_patterns: Vec<String>,
    pub convert_highlights_to_clozes: bool,
    pub convert_bold_text_to_clozes: bool,
    pub convert_curly_brackets_to_clozes: bool,
    pub card_comment_on_same_line: bool,
    pub use_callouts_for_scheduling_comments: bool,
    pub bury_sibling_cards: bool,
    pub note_folders_to_ignore: Vec<String>,
    pub tags_to_review: Vec<String>,
    pub algorithm: Algorithm,
    pub base_ease: f64,
    pub lapses_interval_change: f64,
    pub easy_bonus: f64,
    pub load_balance: bool,
    pub maximum_interval: f64,
    pub max_link_factor: f64,
    pub fsrs_desired_retention: f64,
    pub start_of_day: String,
    /// `flashcardCardOrder`: the order within a deck (read by [`crate::features::review`]).
    pub flashcard_card_order: String,
    /// `flashcardDeckOrder`: the order of the decks in a session.
    pub flashcard_deck_order: String,
    /// `showContextInCards`: the file name and heading path above a card.
    pub show_context_in_cards: bool,
    /// `showIntervalInReviewButtons`: `Good - 3 day(s)` instead of `Good`.
    pub show_interval_in_review_buttons: bool,
    /// `flashcardAgainText` … `flashcardEasyText`: the labels of the review buttons.
    pub flashcard_again_text: String,
    pub flashcard_hard_text: String,
    pub flashcard_good_text: String,
    pub flashcard_easy_text: String,
}

pub const HIGHLIGHT_CLOZE: &str = "==[123;;]answer[;;hint]==";
pub const BOLD_CLOZE: &str = "**[123;;]answer[;;hint]**";
pub const CURLY_CLOZE: &str = "{{[123;;]answer[;;hint]}}";

impl Default for Settings {
    fn default() -> Self {
        Settings {
            flashcard_tags: vec!["#flashcards".into()],
            flashcard_tags_to_ignore: vec![],
            convert_folders_to_decks: false,
            single_line_card_separator: "::".into(),
            single_line_reversed_card_separator: ":::".into(),
            multiline_card_separator: "?".into(),
            multiline_reversed_card_separator: "??".into(),
            multiline_card_end_marker: String::new(),
            cloze_patterns: vec![HIGHLIGHT_CLOZE.into()],
            convert_highlights_to_clozes: true,
            convert_bold_text_to_clozes: false,
            convert_curly_brackets_to_clozes: false,
            card_comment_on_same_line: false,
            use_callouts_for_scheduling_comments: false,
            bury_sibling_cards: false,
            note_folders_to_ignore: vec!["**/*.excalidraw.md".into()],
            tags_to_review: vec!["#review".into()],
            algorithm: Algorithm::Sm2Osr,
            base_ease: 250.0,
            lapses_interval_change: 0.5,
            easy_bonus: 1.3,
            load_balance: true,
            maximum_interval: 36525.0,
            max_link_factor: 1.0,
            fsrs_desired_retention: 0.9,
            start_of_day: "00:00:00".into(),
            flashcard_card_order: "DueFirstRandom".into(),
            flashcard_deck_order: "PrevDeckComplete_Sequential".into(),
            show_context_in_cards: true,
            show_interval_in_review_buttons: true,
            flashcard_again_text: "Again".into(),
            flashcard_hard_text: "Hard".into(),
            flashcard_good_text: "Good".into(),
            flashcard_easy_text: "Easy".into(),
        }
    }
}

/// A setting that was present but could not be used.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingWarning {
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for SettingWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "setting `{}`: {}", self.key, self.message)
    }
}

/// Path of the plugin's settings file relative to the vault root.
pub const DATA_JSON: &str = ".obsidian/plugins/obsidian-spaced-repetition/data.json";

impl Settings {
    /// Parses the text of a `data.json`. A malformed file gives the defaults and an error.
    pub fn from_data_json(text: &str) -> Result<(Settings, Vec<SettingWarning>), String> {
        let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if !v.is_object() {
            return Err("the top level is not a JSON object".into());
        }
        // The plugin keeps its settings under `settings`; very old files had them at the top.
        let obj = match v.get("settings") {
            Some(s) if s.is_object() => s,
            _ => &v,
        };
        let mut s = Settings::default();
        let w = s.merge(obj);
        Ok((s, w))
    }

    /// Merges the keys of a JSON object over `self`, one by one. Returns warnings for keys whose
    /// value has the wrong type (those keep their current value).
    pub fn merge(&mut self, obj: &Value) -> Vec<SettingWarning> {
        let mut w = Vec::new();
        let Some(map) = obj.as_object() else {
            w.push(SettingWarning {
                key: "settings".into(),
                message: "expected an object".into(),
            });
            return w;
        };
        let mut m = Merger {
            map,
            warnings: &mut w,
        };
        self.merge_cards(&mut m);
        self.merge_clozes(&mut m);
        self.merge_scheduling(&mut m);
        self.merge_review_screen(&mut m);
        w
    }

    /// Tags, folders and separators: which notes and lines hold cards.
    fn merge_cards(&mut self, m: &mut Merger<'_>) {
        m.strings("flashcardTags", &mut self.flashcard_tags);
        m.strings("flashcardTagsToIgnore", &mut self.flashcard_tags_to_ignore);
        m.boolean("convertFoldersToDecks", &mut self.convert_folders_to_decks);
        m.string(
            "singleLineCardSeparator",
            &mut self.single_line_card_separator,
        );
        m.string(
            "singleLineReversedCardSeparator",
            &mut self.single_line_reversed_card_separator,
        );
        m.string("multilineCardSeparator", &mut self.multiline_card_separator);
        m.string(
            "multilineReversedCardSeparator",
            &mut self.multiline_reversed_card_separator,
        );
        m.string(
            "multilineCardEndMarker",
            &mut self.multiline_card_end_marker,
        );
        m.strings("noteFoldersToIgnore", &mut self.note_folders_to_ignore);
        m.strings("tagsToReview", &mut self.tags_to_review);
    }

    /// The cloze toggles and patterns (older files have only the toggles).
    fn merge_clozes(&mut self, m: &mut Merger<'_>) {
        let had_h = m.boolean(
            "convertHighlightsToClozes",
            &mut self.convert_highlights_to_clozes,
        );
        let had_b = m.boolean(
            "convertBoldTextToClozes",
            &mut self.convert_bold_text_to_clozes,
        );
        let had_c = m.boolean(
            "convertCurlyBracketsToClozes",
            &mut self.convert_curly_brackets_to_clozes,
        );
        let had_patterns = m.strings("clozePatterns", &mut self.cloze_patterns);
        if !had_patterns && (had_h || had_b || had_c) {
            // Older settings files have only the toggles: build the list from them.
            let mut p = Vec::new();
            if self.convert_highlights_to_clozes {
                p.push(HIGHLIGHT_CLOZE.to_string());
            }
            if self.convert_bold_text_to_clozes {
                p.push(BOLD_CLOZE.to_string());
            }
            if self.convert_curly_brackets_to_clozes {
                p.push(CURLY_CLOZE.to_string());
            }
            self.cloze_patterns = p;
        }
    }

    /// Where comments go, the algorithm and its numbers (each within the plugin's range).
    fn merge_scheduling(&mut self, m: &mut Merger<'_>) {
        m.boolean("cardCommentOnSameLine", &mut self.card_comment_on_same_line);
        m.boolean(
            "useCalloutsForSchedulingComments",
            &mut self.use_callouts_for_scheduling_comments,
        );
        m.boolean("burySiblingCards", &mut self.bury_sibling_cards);
        let mut alg = String::new();
        if m.string("algorithm", &mut alg) {
            match alg.as_str() {
                "SM-2-OSR" => self.algorithm = Algorithm::Sm2Osr,
                "FSRS" => self.algorithm = Algorithm::Fsrs,
                other => m.warnings.push(SettingWarning {
                    key: "algorithm".into(),
                    message: format!("unknown algorithm {other:?}; using SM-2-OSR"),
                }),
            }
        }
        m.number("baseEase", &mut self.base_ease, AT_LEAST_130);
        m.number(
            "lapsesIntervalChange",
            &mut self.lapses_interval_change,
            HARD_FACTOR,
        );
        m.number("easyBonus", &mut self.easy_bonus, AT_LEAST_1);
        m.boolean("loadBalance", &mut self.load_balance);
        m.number("maximumInterval", &mut self.maximum_interval, AT_LEAST_1);
        m.number("maxLinkFactor", &mut self.max_link_factor, FRACTION);
        m.number(
            "fsrsDesiredRetention",
            &mut self.fsrs_desired_retention,
            RETENTION,
        );
        m.string("startOfDay", &mut self.start_of_day);
    }

    /// What the review screen does and shows.
    fn merge_review_screen(&mut self, m: &mut Merger<'_>) {
        m.string("flashcardCardOrder", &mut self.flashcard_card_order);
        m.string("flashcardDeckOrder", &mut self.flashcard_deck_order);
        m.boolean("showContextInCards", &mut self.show_context_in_cards);
        m.boolean(
            "showIntervalInReviewButtons",
            &mut self.show_interval_in_review_buttons,
        );
        m.string("flashcardAgainText", &mut self.flashcard_again_text);
        m.string("flashcardHardText", &mut self.flashcard_hard_text);
        m.string("flashcardGoodText", &mut self.flashcard_good_text);
        m.string("flashcardEasyText", &mut self.flashcard_easy_text);
    }

    /// The inline separators in the order the scanner tests them: longest first, the basic one
    /// first on equal length. Empty separators are left out.
    pub fn inline_separators(&self) -> Vec<(&str, bool)> {
        let mut v: Vec<(&str, bool)> = vec![
            (self.single_line_card_separator.as_str(), false),
            (self.single_line_reversed_card_separator.as_str(), true),
        ];
        v.retain(|(s, _)| !s.is_empty());
        v.sort_by_key(|s| std::cmp::Reverse(s.0.len()));
        v
    }
}

/// The values the plugin's settings tab accepts for a number (spec §4.1, fsrs.md): outside
/// them the plugin computes schedules it would never write (a negative maximum interval gives
/// negative intervals, an ease below 130 is one no review produces).
#[derive(Debug, Clone, Copy)]
struct Limits {
    min: f64,
    /// Whether `min` itself is out of range.
    min_open: bool,
    max: f64,
    text: &'static str,
}

impl Limits {
    fn allows(&self, x: f64) -> bool {
        (x > self.min || (!self.min_open && x == self.min)) && x <= self.max
    }
}

const AT_LEAST_130: Limits = Limits {
    min: 130.0,
    min_open: false,
    max: f64::INFINITY,
    text: "at least 130",
};
const AT_LEAST_1: Limits = Limits {
    min: 1.0,
    min_open: false,
    max: f64::INFINITY,
    text: "at least 1",
};
const HARD_FACTOR: Limits = Limits {
    min: 0.01,
    min_open: false,
    max: 0.99,
    text: "from 0.01 to 0.99",
};
const FRACTION: Limits = Limits {
    min: 0.0,
    min_open: false,
    max: 1.0,
    text: "from 0 to 1",
};
const RETENTION: Limits = Limits {
    min: 0.0,
    min_open: true,
    max: 1.0,
    text: "above 0 and at most 1",
};

struct Merger<'a> {
    map: &'a serde_json::Map<String, Value>,
    warnings: &'a mut Vec<SettingWarning>,
}

impl Merger<'_> {
    fn bad(&mut self, key: &str, want: &str, got: &Value) {
        self.warnings.push(SettingWarning {
            key: key.into(),
            message: format!("expected {want}, found {}; using the default", kind(got)),
        });
    }
    /// Returns whether the key was present and usable.
    fn boolean(&mut self, key: &str, out: &mut bool) -> bool {
        match self.map.get(key) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => {
                *out = *b;
                true
            }
            Some(v) => {
                self.bad(key, "true or false", v);
                false
            }
        }
    }
    fn string(&mut self, key: &str, out: &mut String) -> bool {
        match self.map.get(key) {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => {
                *out = s.clone();
                true
            }
            Some(v) => {
                self.bad(key, "a string", v);
                false
            }
        }
    }
    /// A number (or a numeric string, as the settings UI stores some) within `limits`; out of
    /// them it keeps its current value with a warning.
    fn number(&mut self, key: &str, out: &mut f64, limits: Limits) -> bool {
        let x = match self.map.get(key) {
            None | Some(Value::Null) => return false,
            Some(Value::Number(n)) => match n.as_f64() {
                Some(f) if f.is_finite() => f,
                _ => return false,
            },
            Some(Value::String(s)) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
                s.trim().parse().unwrap_or(*out)
            }
            Some(v) => {
                self.bad(key, "a number", v);
                return false;
            }
        };
        if !limits.allows(x) {
            self.warnings.push(SettingWarning {
                key: key.into(),
                message: format!(
                    "{x} is out of range (the plugin accepts {}); using {}",
                    limits.text, *out
                ),
            });
            return false;
        }
        *out = x;
        true
    }
    fn strings(&mut self, key: &str, out: &mut Vec<String>) -> bool {
        match self.map.get(key) {
            None | Some(Value::Null) => false,
            Some(Value::Array(a)) if a.iter().all(Value::is_string) => {
                *out = a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                true
            }
            Some(v) => {
                self.bad(key, "a list of strings", v);
                false
            }
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_empty_object() {
        let (s, w) = Settings::from_data_json("{}").unwrap();
        assert_eq!(s, Settings::default());
        assert!(w.is_empty());
    }

    #[test]
    fn nested_settings_and_wrong_types() {
        let (s, w) = Settings::from_data_json(
            r##"{"settings": {"flashcardTags": ["#🃏"], "baseEase": "x", "loadBalance": 3, "unknown": 1}}"##,
        )
        .unwrap();
        assert_eq!(s.flashcard_tags, vec!["#🃏"]);
        assert_eq!(s.base_ease, 250.0);
        assert!(s.load_balance);
        assert_eq!(w.len(), 2);
        assert!(w[0].to_string().contains("baseEase"));
    }

    #[test]
    fn out_of_range_numbers_keep_their_default() {
        let (s, w) = Settings::from_data_json(
            r#"{"settings": {"maximumInterval": -5, "baseEase": 100, "easyBonus": "0.5",
                "lapsesIntervalChange": 0, "maxLinkFactor": 1.5, "fsrsDesiredRetention": 0}}"#,
        )
        .unwrap();
        let d = Settings::default();
        assert_eq!(
            (s.maximum_interval, s.base_ease, s.easy_bonus),
            (d.maximum_interval, d.base_ease, d.easy_bonus)
        );
        assert_eq!(s.lapses_interval_change, d.lapses_interval_change);
        assert_eq!(s.max_link_factor, d.max_link_factor);
        assert_eq!(s.fsrs_desired_retention, d.fsrs_desired_retention);
        let keys: Vec<&str> = w.iter().map(|w| w.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "baseEase",
                "lapsesIntervalChange",
                "easyBonus",
                "maximumInterval",
                "maxLinkFactor",
                "fsrsDesiredRetention"
            ]
        );
        assert_eq!(
            w[3].to_string(),
            "setting `maximumInterval`: -5 is out of range (the plugin accepts at least 1); using 36525"
        );
        // The edges are in range.
        let (s, w) = Settings::from_data_json(
            r#"{"maximumInterval": 1, "baseEase": 130, "easyBonus": 1, "lapsesIntervalChange": 0.99,
                "maxLinkFactor": 0, "fsrsDesiredRetention": 1}"#,
        )
        .unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!((s.maximum_interval, s.base_ease), (1.0, 130.0));
    }

    #[test]
    fn cloze_patterns_from_toggles_when_missing() {
        let (s, _) = Settings::from_data_json(
            r#"{"settings": {"convertHighlightsToClozes": false, "convertCurlyBracketsToClozes": true}}"#,
        )
        .unwrap();
        assert_eq!(s.cloze_patterns, vec![CURLY_CLOZE]);
    }

    #[test]
    fn review_session_settings() {
        let (s, w) = Settings::from_data_json(
            r#"{"settings": {"flashcardCardOrder": "NewFirstSequential", "flashcardDeckOrder": "PrevDeckComplete_Random", "showContextInCards": false, "showIntervalInReviewButtons": false, "flashcardAgainText": "Nochmal", "flashcardEasyText": 3}}"#,
        )
        .unwrap();
        assert_eq!(s.flashcard_card_order, "NewFirstSequential");
        assert_eq!(s.flashcard_deck_order, "PrevDeckComplete_Random");
        assert!(!s.show_context_in_cards && !s.show_interval_in_review_buttons);
        assert_eq!(s.flashcard_again_text, "Nochmal");
        assert_eq!(s.flashcard_easy_text, "Easy");
        assert_eq!(w.len(), 1);
        assert_eq!(Settings::default().flashcard_card_order, "DueFirstRandom");
    }

    #[test]
    fn malformed_is_an_error() {
        assert!(Settings::from_data_json("{").is_err());
        assert!(Settings::from_data_json("[]").is_err());
        assert!(Settings::from_data_json("").is_err());
    }

    #[test]
    fn separators_longest_first() {
        let s = Settings::default();
        assert_eq!(s.inline_separators(), vec![(":::", true), ("::", false)]);
    }
}
