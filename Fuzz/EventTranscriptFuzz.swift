// libFuzzer target for decoding events and rendering them (JSONValue, TranscriptBuilder, TurnTracker,
// the result types and their JSON). Built by scripts/fuzz.sh from those source files, under
// AddressSanitizer. The input is a JSON array of events, one event, or JSON lines.
//
// Beyond "never crashes", it checks what the surfaces rely on:
// - whatever the events hold, the transcript and the wait's result encode to JSON that parses back;
// - JSON we parse and encode again parses to the same value (no number or string is mangled);
// - a turn tracker never reports more events read than it was given, and hands out no reply while
//   the message it follows is still queued (what runs then is another turn's);
// - any text either parses as a cursor that prints and parses back to itself, or is refused.

import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventsAndTranscript(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let data = count == 0 ? Data() : Data(bytes: start!, count: count)
    var events: [JSONValue] = []
    if let parsed = JSONValue.parse(data) {
        checkRoundTrip(parsed)
        events = parsed.arrayValue ?? [parsed]
    } else {
        for line in data.split(separator: UInt8(ascii: "\n")) {
            if let parsed = JSONValue.parse(Data(line)) { events.append(parsed) }
        }
    }

    let entries = TranscriptBuilder.entries(from: events)
    let transcript = Transcript(sessionID: "session_fuzz", entries: entries, hasOlder: false, eventsRead: events.count)
    mustParse(ResultJSON.encode(transcript), "transcript")

    let first = events.first?["uuid"]?.stringValue
    let ties: [EventCursor.MessageTie?] = [nil] + (first.map { uuid in
        [EventCursor.MessageTie(uuid: uuid, ahead: 0, running: false),
         EventCursor.MessageTie(uuid: uuid, ahead: 1, running: true)]
    } ?? [])
    for tie in ties {
        var tracker = TurnTracker(tie: tie)
        for event in events { tracker.consume(event) }
        if tracker.eventsRead > events.count { fatalError("tracker read \(tracker.eventsRead) of \(events.count) events") }
        if tracker.isQueued && !tracker.answer.isEmpty { fatalError("a queued message was handed another turn's reply") }
        let result = WaitResult(
            status: tracker.status ?? .timeout, sessionID: "session_fuzz", messageUUID: tie?.uuid, reply: tracker.answer,
            pendingPermissions: tracker.pendingPermissions, pendingInputs: tracker.pendingInputs, result: tracker.result,
            cursor: "start", elapsedSeconds: 0,
            eventsRead: tracker.eventsRead, eventSource: .poll, hint: "")
        mustParse(ResultJSON.encode(result), "wait result")
    }

    if let text = String(data: data, encoding: .utf8), let cursor = try? EventCursor(text) {
        guard let again = try? EventCursor(cursor.description), again == cursor else {
            fatalError("cursor \(cursor.description) does not parse back to itself")
        }
    }
    return 0
}

private func mustParse(_ text: String, _ what: String) {
    guard JSONValue.parse(Data(text.utf8)) != nil else { fatalError("the \(what) encoded to invalid JSON: \(text.prefix(300))") }
}

private func checkRoundTrip(_ value: JSONValue) {
    guard let encoded = try? JSONEncoder().encode(value) else { fatalError("a parsed value failed to encode") }
    guard let again = JSONValue.parse(encoded) else { fatalError("re-encoded JSON does not parse: \(String(decoding: encoded, as: UTF8.self).prefix(300))") }
    if again != value { fatalError("JSON changed on a round trip: \(value) vs \(again)") }
}
