/// Reads the service's error answers: an Anthropic error body, or a description of any other body
/// (a Cloudflare page, a gateway's plain text).
///
/// Everything in it comes from outside, so every text taken from it is scrubbed of credentials (an
/// error page may echo the request's headers), folded to one line and cut to a readable length, and
/// `Retry-After` is read by `RetryAfter`'s rules. Pure, so the fuzz target runs it as it is.
public enum ErrorAnswer {
    public static func details(
        status: Int, header: (String) -> String?, body: some Collection<UInt8>, route: String, scrubber: SecretScrubber
    ) -> APIErrorDetails {
        func clean(_ text: String, _ limit: Int) -> String {
            // Scrubbed before it is cut (a secret cut in half is no longer found), on a bounded part.
            var text = scrubber.scrub(String(text.prefix(limit + 8192))).split(whereSeparator: \.isNewline)
                .joined(separator: " ").trimmed
            if text.count > limit { text = String(text.prefix(limit)) + "…" }
            return text
        }
        let requestID = header("request-id").map { clean($0, 200) }
        let retryAfter = RetryAfter.seconds(header("retry-after"))
        if let json = JSONValue.parse(body), let error = json["error"], let type = error["type"]?.stringValue {
            return APIErrorDetails(
                status: status, type: clean(type, 100), message: clean(error["message"]?.stringValue ?? "(no message)", 1000),
                requestID: requestID ?? json["request_id"]?.stringValue.map { clean($0, 200) }, retryAfterSeconds: retryAfter,
                route: route)
        }
        let contentType = clean(header("content-type") ?? "unknown type", 100)
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        let summary = clean(htmlTitle(text) ?? text, 160)
        return APIErrorDetails(
            status: status, type: "non_json_body",
            message: "non-JSON \(contentType) body" + (summary.isEmpty ? "" : ": \(summary)"),
            requestID: requestID, retryAfterSeconds: retryAfter, route: route)
    }

    /// The text of an HTML page's `<title>`, found without regard to case.
    static func htmlTitle(_ text: String) -> String? {
        // ASCII case folding keeps every byte where it was, so offsets in the folded copy are offsets in `text`.
        let bytes = Array(text.utf8)
        let folded = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        func find(_ needle: String, from start: Int) -> Int? {
            let pattern = Array(needle.utf8)
            guard start + pattern.count <= folded.count else { return nil }
            return (start...(folded.count - pattern.count)).first { folded[$0..<$0 + pattern.count].elementsEqual(pattern) }
        }
        guard let open = find("<title>", from: 0), let close = find("</title>", from: open + 7) else { return nil }
        return String(decoding: bytes[(open + 7)..<close], as: UTF8.self)
    }
}
