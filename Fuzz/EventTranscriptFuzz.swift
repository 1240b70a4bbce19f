// libFuzzer target for decoding events and rendering them (JSONValue, TranscriptBuilder, TurnTracker,
// the result types and their JSON). Built by scripts/fuzz.sh from those source files, under
// AddressSanitizer. The input is a JSON array of events, one event, or JSON lines.
//
// Beyond "never crashes", it checks what the surfaces rely on:
// - whatever the events hold, the transcript and the wait's result encode to JSON that parses back;
// - JSON we parse and encode again parses to the same value (no number or string is mangled);
// - a turn tracker never reports more events read than it was given.

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

    for own in [nil, events.first?["uuid"]?.stringValue] {
        var tracker = TurnTracker(ownUUID: own)
        for event in events { tracker.consume(event) }
        if tracker.eventsRead > events.count { fatalError("tracker read \(tracker.eventsRead) of \(events.count) events") }
        let result = WaitResult(
            status: tracker.status ?? .timeout, sessionID: "session_fuzz", messageUUID: own, reply: tracker.reply,
            pendingPermissions: tracker.pendingPermissions, pendingInputs: tracker.pendingInputs, result: tracker.result,
            cursor: "start", elapsedSeconds: 0,
            eventsRead: tracker.eventsRead, eventSource: .poll, hint: "")
        mustParse(ResultJSON.encode(result), "wait result")
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
