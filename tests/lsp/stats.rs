//! `srls.stats` gives the numbers `srls stats --json` gives (and so the plugin's), over the
//! workspace's vault.

use crate::client::{Client, file_uri};
use serde_json::{Value, json};
use std::path::Path;

#[tokio::test]
async fn stats_command_equals_the_cli() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    for name in ["Atlinx__gre-text", "currently-coding__knowledge"] {
        let vault = corpus.join(name);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_srls"))
            .args([
                "stats",
                "--json",
                "--period",
                "lifetime",
                "--today",
                "2024-06-01",
            ])
            .arg(&vault)
            .env("SRLS_TZ", "UTC")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cli: Value = serde_json::from_slice(&out.stdout).unwrap();

        let mut c = Client::start();
        let init = json!({"today": "2024-06-01", "now": "2024-06-01T00:00:00Z"});
        c.initialize(&["utf-16"], false, init, Some(&file_uri(&vault)))
            .await;
        let r = c
            .request(
                "workspace/executeCommand",
                json!({"command": "srls.stats", "arguments": [{"period": "lifetime"}]}),
            )
            .await;
        for key in [
            "forecast",
            "intervals",
            "eases",
            "card_types",
            "stats",
            "note_eases",
        ] {
            assert_eq!(r[key], cli[key], "{name}: {key}");
        }
        assert!(
            r["forecast"]["counts"]
                .as_array()
                .is_some_and(|c| !c.is_empty()),
            "{name}"
        );
        let e = c
            .request_raw(
                "workspace/executeCommand",
                json!({"command": "srls.stats", "arguments": [{"period": "decade"}]}),
            )
            .await;
        assert!(
            e["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("lifetime"),
            "{e}"
        );
    }
}
