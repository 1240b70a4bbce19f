/// The reply's text as the worker streams it before storing it: `ephemeral_event` frames whose payload
/// is a `stream_event` text delta (late-2026 §5). The CLI sends, every 100 ms, each content block's whole
/// text so far, and passes raw deltas through after a reconnect mid-stream; so a delta that extends the
/// block's text replaces it, and one that does not is appended. Pure: the live feed hands frames in,
/// the wait reads `text`, and a stored `assistant` message (the text for good) clears it.
package struct LiveText: Sendable, Equatable {
    private var blocks: [Int: String] = [:]

    package init() {}

    /// The streamed text of every block, in block order.
    package var text: String { blocks.sorted { $0.key < $1.key }.map(\.value).joined() }

    /// Takes one ephemeral frame's body; true when it changed the text.
    @discardableResult
    package mutating func take(_ frame: JSONValue) -> Bool {
        guard let (index, delta) = Self.textDelta(in: frame), !delta.isEmpty else { return false }
        let before = blocks[index] ?? ""
        blocks[index] = delta.hasPrefix(before) ? delta : before + delta
        return blocks[index] != before
    }

    package mutating func clear() { blocks = [:] }

    /// `(content block index, text)` of a `stream_event` text delta, from the frame's body
    /// (`{event_type, payload: {type: "stream_event", event: {type: "content_block_delta", index,
    /// delta: {type: "text_delta", text}}}}`) or from the payload itself; nil for any other frame.
    package static func textDelta(in frame: JSONValue) -> (Int, String)? {
        let payload = frame["payload"] ?? frame
        guard payload["type"]?.stringValue == "stream_event", let event = payload["event"],
            event["type"]?.stringValue == "content_block_delta", event["delta"]?["type"]?.stringValue == "text_delta",
            let text = event["delta"]?["text"]?.stringValue
        else { return nil }
        return (event["index"]?.intValue.map { Int($0) } ?? 0, text)
    }
}
