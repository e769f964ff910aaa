//! The editor configurations name the binary and language the README says.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn helix_config_parses_and_lists_srls_first_for_markdown() {
    let text = std::fs::read_to_string(root().join("editors/helix/languages.toml")).unwrap();
    let v: toml::Table = toml::from_str(&text).expect("languages.toml is TOML");
    assert_eq!(
        v["language-server"]["srls"]["command"].as_str(),
        Some("srls")
    );
    let langs = v["language"].as_array().unwrap();
    let md = langs
        .iter()
        .find(|l| l["name"].as_str() == Some("markdown"))
        .expect("markdown");
    assert_eq!(md["language-servers"][0].as_str(), Some("srls"));
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("editors/helix/") && readme.contains("display-inlay-hints = true"));
}

#[test]
fn neovim_config_names_the_binary_and_filetype() {
    let text = std::fs::read_to_string(root().join("editors/neovim/lsp/srls.lua")).unwrap();
    assert!(text.contains("'srls'") || text.contains("\"srls\""));
    assert!(text.contains("markdown"));
    assert!(text.contains(".obsidian"));
}

#[test]
fn vscode_manifest_starts_srls_for_markdown() {
    let text = std::fs::read_to_string(root().join("editors/vscode/package.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        v["activationEvents"].to_string().contains("markdown")
            || v["contributes"].to_string().contains("markdown")
    );
    assert!(
        v["contributes"]["configuration"]
            .to_string()
            .contains("srls.server.path")
    );
}
