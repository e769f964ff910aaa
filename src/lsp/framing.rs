//! The wire in front of tower-lsp-server: LSP base-protocol framing done by srls.
//!
//! Why our own layer: tower-lsp-server 0.23 ends the whole session on one undecodable message
//! (invalid JSON, a message without `"jsonrpc"`, a lower-case `content-length` header, a lone
//! UTF-16 surrogate escape as JavaScript's `JSON.stringify` writes it), so one bad frame from an
//! editor or a plugin costs the user the server. Here every frame is read with case-insensitive
//! headers and checked before tower sees it: what JSON-RPC can answer is answered (`-32700` parse
//! error, `-32600` invalid request, `-32601` for `$/` requests, which the spec says must get
//! MethodNotFound), a lone surrogate becomes U+FFFD, and the session goes on. tower only ever
//! reads well-formed frames; its output is copied out frame by frame, so our answers never
//! interleave with its bytes. A closed output ends the session quietly.

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// A header line longer than this is not a header (the frame is skipped).
const MAX_HEADER_LINE: usize = 8 * 1024;
/// A body larger than this is skipped unread (1 GiB: far above any note an editor sends).
const MAX_BODY: usize = 1 << 30;

/// What one read from the input gave.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A body.
    Body(Vec<u8>),
    /// Headers without a usable `Content-Length` (or a body too large): skipped, with why.
    Skipped(String),
    /// The input ended.
    End,
}

/// Reads one frame: header lines up to an empty line (names case-insensitive), then exactly
/// `Content-Length` bytes.
pub async fn read_frame<R: AsyncRead + Unpin>(input: &mut BufReader<R>) -> Frame {
    let mut length: Option<usize> = None;
    let mut problem = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        match (&mut *input)
            .take(MAX_HEADER_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .await
        {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        if line.len() > MAX_HEADER_LINE {
            problem = Some("a header line too long".to_string());
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            continue; // Blank lines between frames.
        }
        saw_header = true;
        let Some((name, value)) = text.split_once(':') else {
            problem = Some(format!("a header without `:` ({text:?})"));
            continue;
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().ok();
            if length.is_none() {
                problem = Some(format!("a Content-Length that is not a number ({value:?})"));
            }
        }
    }
    let Some(length) = length else {
        return Frame::Skipped(problem.unwrap_or_else(|| "no Content-Length header".into()));
    };
    if length > MAX_BODY {
        let _ = tokio::io::copy(
            &mut (&mut *input).take(length as u64),
            &mut tokio::io::sink(),
        )
        .await;
        return Frame::Skipped(format!("a body of {length} bytes"));
    }
    let mut body = vec![0; length];
    match input.read_exact(&mut body).await {
        Ok(_) => Frame::Body(body),
        Err(_) => Frame::End,
    }
}

/// What to do with a body.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// Hand it to the server (possibly repaired).
    Forward(Vec<u8>),
    /// Answer it ourselves with this message.
    Answer(Value),
    /// A bad notification: nothing can be answered; log it.
    Drop(String),
}

fn error(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// Checks a body: JSON (lone surrogates repaired), a JSON-RPC 2.0 object, no `$/` request.
pub fn check(body: Vec<u8>) -> Verdict {
    let (value, body) = match serde_json::from_slice::<Value>(&body) {
        Ok(v) => (v, body),
        Err(e) => {
            let repaired = repair_surrogates(&body);
            match serde_json::from_slice::<Value>(&repaired) {
                Ok(v) => (v, repaired),
                Err(_) => {
                    return Verdict::Answer(error(
                        Value::Null,
                        -32700,
                        &format!("srls: parse error: {e}"),
                    ));
                }
            }
        }
    };
    let id = value.get("id").cloned();
    let id_ok = id
        .as_ref()
        .is_none_or(|i| i.is_string() || i.is_i64() || i.is_u64() || i.is_null());
    if !value.is_object() || value.get("jsonrpc") != Some(&json!("2.0")) || !id_ok {
        let why = "srls: invalid request: not a JSON-RPC 2.0 message object";
        return match id {
            Some(id) if id_ok => Verdict::Answer(error(id, -32600, why)),
            _ if value.get("method").is_some() && id.is_none() => Verdict::Drop(why.into()),
            _ => Verdict::Answer(error(Value::Null, -32600, why)),
        };
    }
    let method = value.get("method").and_then(Value::as_str).unwrap_or("");
    if let Some(id) = id.filter(|_| method.starts_with("$/")) {
        return Verdict::Answer(error(
            id,
            -32601,
            &format!("srls: method not found: {method}"),
        ));
    }
    Verdict::Forward(body)
}

/// Replaces each unpaired UTF-16 surrogate escape (`\ud83d` alone) in JSON text with `\ufffd`,
/// as a JavaScript string holding one is shown. Escaped backslashes are respected.
pub fn repair_surrogates(body: &[u8]) -> Vec<u8> {
    let hex = |at: usize| -> Option<u16> {
        let s = body.get(at..at + 4)?;
        u16::from_str_radix(std::str::from_utf8(s).ok()?, 16).ok()
    };
    let unit_at = |at: usize| -> Option<u16> {
        (body.get(at) == Some(&b'\\') && body.get(at + 1) == Some(&b'u'))
            .then(|| hex(at + 2))
            .flatten()
    };
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'\\' {
            out.push(body[i]);
            i += 1;
            continue;
        }
        match unit_at(i) {
            Some(0xD800..=0xDBFF) if matches!(unit_at(i + 6), Some(0xDC00..=0xDFFF)) => {
                out.extend_from_slice(&body[i..i + 12]);
                i += 12;
            }
            Some(0xD800..=0xDFFF) => {
                out.extend_from_slice(b"\\ufffd");
                i += 6;
            }
            _ => {
                // Any other escape: copy it with the character it escapes.
                out.extend_from_slice(&body[i..(i + 2).min(body.len())]);
                i += 2;
            }
        }
    }
    out
}

async fn write_frame<W: AsyncWrite + Unpin>(out: &mut W, body: &[u8]) -> std::io::Result<()> {
    out.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await?;
    out.write_all(body).await?;
    out.flush().await
}

/// Writes every frame it receives; stops at the first write error (a closed pipe ends the
/// session quietly: nobody is listening).
async fn write_all_frames<W: AsyncWrite + Unpin>(
    mut out: W,
    mut frames: UnboundedReceiver<Vec<u8>>,
) {
    while let Some(body) = frames.recv().await {
        if write_frame(&mut out, &body).await.is_err() {
            return;
        }
    }
}

/// Copies the server's frames to the writer.
async fn pump<R: AsyncRead + Unpin>(from: R, to: UnboundedSender<Vec<u8>>) {
    let mut from = BufReader::new(from);
    while let Frame::Body(body) = read_frame(&mut from).await {
        if to.send(body).is_err() {
            return;
        }
    }
}

/// Reads the client's frames, answering bad ones and forwarding the rest to the server.
async fn read_client<R, W>(input: R, mut server: W, answers: UnboundedSender<Vec<u8>>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut input = BufReader::new(input);
    loop {
        match read_frame(&mut input).await {
            Frame::End => return,
            Frame::Skipped(why) => tracing::warn!("srls: skipped a frame: {why}"),
            Frame::Body(body) => match check(body) {
                Verdict::Forward(body) => {
                    if write_frame(&mut server, &body).await.is_err() {
                        return;
                    }
                }
                Verdict::Answer(v) => {
                    tracing::warn!("srls: answered a bad message: {v}");
                    let _ = answers.send(v.to_string().into_bytes());
                }
                Verdict::Drop(why) => tracing::warn!("{why}; notification dropped"),
            },
        }
    }
}

/// Serves LSP over `input`/`output` through the checking layer; `serve` runs the real server
/// over the clean streams it is given.
pub async fn serve_checked<I, O, F, Fut>(input: I, output: O, serve: F)
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
    F: FnOnce(tokio::io::DuplexStream, tokio::io::DuplexStream) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let (to_server, server_in) = tokio::io::duplex(1 << 20);
    let (server_out, from_server) = tokio::io::duplex(1 << 20);
    let (frames, frames_rx) = unbounded_channel::<Vec<u8>>();
    let writer = tokio::spawn(write_all_frames(output, frames_rx));
    let reader = tokio::spawn(read_client(input, to_server, frames.clone()));
    let copier = tokio::spawn(pump(from_server, frames));
    serve(server_in, server_out).await;
    reader.abort();
    let _ = reader.await;
    let _ = copier.await;
    let _ = writer.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_lone_surrogates_only() {
        let fix = |s: &str| String::from_utf8(repair_surrogates(s.as_bytes())).unwrap();
        assert_eq!(fix(r#""a\ud83d b""#), r#""a\ufffd b""#);
        assert_eq!(fix(r#""\ud83d\ude00""#), r#""\ud83d\ude00""#);
        assert_eq!(fix(r#""\ude00\ud83d""#), r#""\ufffd\ufffd""#);
        assert_eq!(fix(r#""\\ud83d""#), r#""\\ud83d""#);
        assert_eq!(fix(r#""\n\"\u0041""#), r#""\n\"\u0041""#);
    }

    #[test]
    fn verdicts() {
        let v = |s: &str| check(s.as_bytes().to_vec());
        assert!(matches!(v("{nope"), Verdict::Answer(e) if e["error"]["code"] == -32700));
        assert!(
            matches!(v(r#"{"id": 3, "method": "x"}"#), Verdict::Answer(e) if e["error"]["code"] == -32600 && e["id"] == 3)
        );
        assert!(matches!(v(r#"{"method": "x"}"#), Verdict::Drop(_)));
        assert!(matches!(v("[]"), Verdict::Answer(e) if e["error"]["code"] == -32600));
        assert!(
            matches!(v(r#"{"jsonrpc": "2.0", "id": 1, "method": "$/foo"}"#), Verdict::Answer(e) if e["error"]["code"] == -32601)
        );
        assert!(matches!(
            v(r#"{"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 1}}"#),
            Verdict::Forward(_)
        ));
        let Verdict::Forward(body) = v(r#"{"jsonrpc": "2.0", "method": "m", "params": "\ud83d"}"#)
        else {
            panic!("not forwarded");
        };
        let value: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["params"], "\u{fffd}");
    }

    #[tokio::test]
    async fn headers_are_case_insensitive_and_bad_ones_skipped() {
        let input =
            b"content-length: 2\r\n\r\n{}Content-Type: x\r\n\r\nCONTENT-LENGTH: 4\r\n\r\nnull";
        let mut r = BufReader::new(&input[..]);
        assert_eq!(read_frame(&mut r).await, Frame::Body(b"{}".to_vec()));
        assert!(matches!(read_frame(&mut r).await, Frame::Skipped(_)));
        assert_eq!(read_frame(&mut r).await, Frame::Body(b"null".to_vec()));
        assert_eq!(read_frame(&mut r).await, Frame::End);
    }
}
