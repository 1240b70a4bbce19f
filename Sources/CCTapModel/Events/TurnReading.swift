/// Small reads of a run of a session's events (oldest first) that the feeds ask for: where the
/// newest turn ended, whether a session is at rest, whether a message is among them, what the newest
/// turn said. Event reading lives in the model, so the core's feeds never look inside an event.
package enum TurnReading {
    /// The event's `type` ("" when it has none).
    package static func type(of event: JSONValue) -> String { event["type"]?.stringValue ?? "" }

    /// When the newest turn among `events` ended: its `result`'s `created_at` (or `timestamp`).
    package static func lastTurnEnd(in events: [JSONValue]) -> String? {
        let ended = events.last { type(of: $0) == "result" }
        return ended?["created_at"]?.stringValue ?? ended?["timestamp"]?.stringValue
    }

    /// The newest event ends a turn: its `result`, or the `prompt_suggestion` the CLI writes only once a
    /// turn is done.
    package static func endsAtRest(_ events: [JSONValue]) -> Bool {
        ["result", "prompt_suggestion"].contains(events.last.map(type(of:)) ?? "")
    }

    /// The user message `uuid` is among `events` (stored).
    package static func containsMessage(_ uuid: String, in events: [JSONValue]) -> Bool {
        events.contains { type(of: $0) == "user" && $0["uuid"]?.stringValue == uuid }
    }

    /// Events that settle live text: anything stored but a user message (the worker's own output).
    package static func settlesLiveText(_ events: [JSONValue]) -> Bool {
        events.contains { type(of: $0) != "user" }
    }

    /// Whether the current turn (the events after the last `result`) shows a worker prompt that was
    /// answered or withdrawn.
    package static func promptAnswered(_ events: [JSONValue]) -> Bool {
        let start = events.lastIndex { type(of: $0) == "result" }.map { $0 + 1 } ?? events.startIndex
        let turn = events[start...]
        return turn.contains { type(of: $0) == "control_request" && $0["request"]?["subtype"]?.stringValue != "interrupt" }
            && openPrompts(in: Array(turn)).isEmpty
    }

    /// The assistant's text after the newest user prompt among `events`.
    package static func latestReply(_ events: [JSONValue]) -> String {
        let start = events.lastIndex { type(of: $0) == "user" && TranscriptBuilder.isPrompt($0) } ?? events.startIndex - 1
        var tracker = TurnTracker(tie: nil)
        for event in events[(start + 1)...] { tracker.consume(event) }
        return tracker.reply
    }
}
