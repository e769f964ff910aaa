//! One bad message never costs the session: undecodable frames are answered as JSON-RPC says
//! and the server keeps serving (over the real framing, byte for byte).

use serde_json::{Value, json};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf};

fn frame(body: &str, header: &str) -> Vec<u8> {
    format!("{header}: {}\r\n\r\n{body}", body.len()).into_bytes()
}

async fn read_message(r: &mut BufReader<ReadHalf<DuplexStream>>) -> Value {
    match srls::lsp::framing::read_frame(r).await {
        srls::lsp::framing::Frame::Body(b) => serde_json::from_slice(&b).expect("json"),
        other => panic!("no message: {other:?}"),
    }
}

/// Reads until a message with this id arrives (notifications and server requests skipped).
async fn answer_to(r: &mut BufReader<ReadHalf<DuplexStream>>, id: Value) -> Value {
    let wait = async {
        loop {
            let m = read_message(r).await;
            if m.get("id") == Some(&id) && m.get("method").is_none() {
                return m;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .unwrap_or_else(|_| panic!("no answer to {id}"))
}

#[tokio::test]
async fn bad_frames_are_answered_and_the_session_goes_on() {
    let (client, server) = tokio::io::duplex(1 << 20);
    let (server_read, server_write) = tokio::io::split(server);
    let session = tokio::spawn(srls::lsp::serve(server_read, server_write));
    let (read, mut write) = tokio::io::split(client);
    let mut read = BufReader::new(read);
    let send = |body: Value| frame(&body.to_string(), "Content-Length");

    write
        .write_all(&send(
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"processId": null, "rootUri": null, "capabilities": {}}}),
        ))
        .await
        .unwrap();
    assert!(answer_to(&mut read, json!(1)).await["result"]["capabilities"].is_object());
    write
        .write_all(&send(
            json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        ))
        .await
        .unwrap();

    // Invalid JSON: a parse error with a null id.
    write
        .write_all(&frame(
            "{\"jsonrpc\": \"2.0\", \"id\": 2,",
            "Content-Length",
        ))
        .await
        .unwrap();
    let e = answer_to(&mut read, Value::Null).await;
    assert_eq!(e["error"]["code"], -32700, "{e}");
    // JSON without "jsonrpc": an invalid request, answered with its id.
    write
        .write_all(&send(json!({"id": 3, "method": "textDocument/hover"})))
        .await
        .unwrap();
    assert_eq!(
        answer_to(&mut read, json!(3)).await["error"]["code"],
        -32600
    );
    // A `$/` request: MethodNotFound.
    write
        .write_all(&send(json!({"jsonrpc": "2.0", "id": 4, "method": "$/foo"})))
        .await
        .unwrap();
    assert_eq!(
        answer_to(&mut read, json!(4)).await["error"]["code"],
        -32601
    );
    // A lower-case header and a lone surrogate, as JSON.stringify writes it: the note opens.
    let open = r##"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/srls-framing.md","languageId":"markdown","version":1,"text":"#flashcards\nQ \ud83d::A\n"}}}"##;
    write
        .write_all(&frame(open, "content-length"))
        .await
        .unwrap();
    let hover = json!({"jsonrpc": "2.0", "id": 5, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": "file:///tmp/srls-framing.md"}, "position": {"line": 1, "character": 0}}});
    write.write_all(&send(hover)).await.unwrap();
    let h = answer_to(&mut read, json!(5)).await;
    // "Q" + U+FFFD + "::A" is 6 UTF-16 units: the surrogate became one replacement character.
    assert_eq!(
        h["result"]["range"]["end"],
        json!({"line": 1, "character": 6}),
        "{h}"
    );

    write
        .write_all(&send(
            json!({"jsonrpc": "2.0", "id": 6, "method": "shutdown"}),
        ))
        .await
        .unwrap();
    assert!(answer_to(&mut read, json!(6)).await.get("error").is_none());
    write
        .write_all(&send(json!({"jsonrpc": "2.0", "method": "exit"})))
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), session)
        .await
        .expect("ends")
        .unwrap();
    let mut rest = Vec::new();
    let _ = read.read_to_end(&mut rest).await;
}

/// `srls lsp` run with an unknown `SRLS_TZ`: the client is told, naming the variable.
#[test]
fn an_unknown_time_zone_is_shown_to_the_user() {
    use std::io::{BufRead, Read, Write};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_srls"))
        .arg("lsp")
        .env("SRLS_TZ", "Asia/Tokio")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": null, "rootUri": null, "capabilities": {}}})
    .to_string();
    stdin.write_all(&frame(&init, "Content-Length")).unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut shown = None;
    for _ in 0..10 {
        let mut len = 0;
        loop {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap() == 0 {
                break;
            }
            if line.trim().is_empty() {
                break;
            }
            if let Some(v) = line.trim().strip_prefix("Content-Length: ") {
                len = v.parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        out.read_exact(&mut body).unwrap();
        let m: Value = serde_json::from_slice(&body).unwrap();
        if m["method"] == "window/showMessage" {
            shown = Some(m);
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let m = shown.expect("a window/showMessage");
    let text = m["params"]["message"].as_str().unwrap();
    assert!(
        text.contains("SRLS_TZ") && text.contains("Asia/Tokio"),
        "{text}"
    );
}
