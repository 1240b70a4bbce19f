import AsyncHTTPClient
import CCTapCore
import CCTapEmulator
import CCTapTestSupport
import Foundation
import NIOCore
import Testing

/// The emulated per-session event stream (v2 server-sent events), over raw HTTP.
@Suite struct EmulatorStreamTests {
    static let headers = [
        ("Authorization", "Bearer \(EmulatorConfiguration.defaultToken)"), ("anthropic-version", "2023-06-01"),
        ("x-organization-uuid", EmulatorConfiguration.defaultOrganization), ("User-Agent", "emulator-tests/1"),
        ("Accept", "text/event-stream"),
    ]

    struct Opened {
        var status: Int
        var events: [ServerSentEvent]
        var ended: Bool
    }

    /// Opens a stream and reads events until `enough` says so, the stream ends, or 10 s pass.
    func stream(
        _ port: Int, _ path: String, extraHeaders: [(String, String)] = [],
        while keepReading: @escaping @Sendable ([ServerSentEvent]) -> Bool
    ) async throws -> Opened {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        for (name, value) in Self.headers + extraHeaders { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        guard response.status == .ok else { return Opened(status: Int(response.status.code), events: [], ended: true) }
        do {
            for try await chunk in response.body {
                events += try parser.feed(chunk.readableBytesView)
                if !keepReading(events) { return Opened(status: 200, events: events, ended: false) }
            }
        } catch {
            return Opened(status: 200, events: events, ended: true)  // the server cut it
        }
        return Opened(status: 200, events: events, ended: true)
    }

    func post(_ port: Int, _ session: String, _ text: String) async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/sessions/\(session)/events")
        request.method = .POST
        for (name, value) in Self.headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: #"{"events":[{"type":"user","uuid":"\#(UUID().uuidString.lowercased())","message":{"role":"user","content":"\#(text)"}}]}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect(response.status == .ok)
    }

    static func clientEvents(_ events: [ServerSentEvent]) -> [JSONValue] {
        events.filter { $0.name == "client_event" }.compactMap { JSONValue.parse(Data($0.data.utf8)) }
    }

    @Test func replaysFromAPositionThenFollowsLiveEvents() async throws {
        try await withEmulator { (port: Int, emulator: Emulator) async throws in
            let count = await emulator.store.eventCount(Seed.demo)
            let poster = Task {
                // Posted once the stream is open, so the new events come live, after the replay.
                #expect(await eventually { await emulator.store.openStreamCount(Seed.demo) > 0 })
                try await post(port, Seed.demo, "hello stream")
            }
            let opened = try await stream(port, "/v1/code/sessions/cse_01HFlakyLoginTestDemo0001/events/stream?from_sequence_num=\(count - 2)") {
                !Self.clientEvents($0).contains { $0["event_type"] == .string("result") && $0["source"] == .string("worker") && Int($0["sequence_num"]?.stringValue ?? "") ?? 0 > count }
            }
            try await poster.value
            #expect(opened.events.first?.name == "")  // an unnamed keepalive on open
            #expect(opened.events.dropFirst().first?.name == "session_update")
            #expect(opened.events.dropFirst().first?.data == #"{"connection_status":"connected"}"#)
            let envelopes = Self.clientEvents(opened.events)
            let sequence = envelopes.compactMap { Int($0["sequence_num"]?.stringValue ?? "") }
            #expect(sequence == Array((count - 1)...(count - 2 + envelopes.count)))  // contiguous, no repeats
            // Frames with data carry the stored events, in order; a late-2026 stream also sends empty
            // ones that only say where it stands (at the newest event as a turn begins).
            let stored = opened.events.filter { $0.name == "client_event" && !$0.data.isEmpty }
            #expect(stored.map(\.lastEventID) == sequence.map(String.init))
            let positions = opened.events.filter { $0.name == "client_event" && $0.data.isEmpty }.compactMap { Int($0.lastEventID) }
            #expect(!positions.isEmpty && positions.allSatisfy { sequence.contains($0) })
            let user = try #require(envelopes.first { $0["event_type"] == .string("user") && $0["source"] == .string("client") })
            #expect(user["payload"]?["message"]?["content"] == .string("hello stream"))
            #expect(user["event_id"]?.stringValue?.hasPrefix("sevt_") == true)
        }
    }

    @Test func resumesFromLastEventIDAndRefusesBadPositions() async throws {
        try await withEmulator { (port: Int, emulator: Emulator) async throws in
            let count = await emulator.store.eventCount(Seed.demo)
            let resumed = try await stream(
                port, "/v1/code/sessions/\(Seed.demo)/events/stream", extraHeaders: [("Last-Event-ID", String(count - 1))]
            ) { Self.clientEvents($0).isEmpty }
            #expect(Self.clientEvents(resumed.events).first?["sequence_num"] == .string(String(count)))
            #expect(try await stream(port, "/v1/code/sessions/\(Seed.demo)/events/stream?from_sequence_num=x") { _ in true }.status == 400)
            #expect(try await stream(port, "/v1/code/sessions/cse_01NoSuchSession0000/events/stream") { _ in true }.status == 404)
        }
    }

    @Test func oldPositionsAreGone() async throws {
        try await withEmulator({ $0.streamReplayLimit = 100 }) { (port: Int, emulator: Emulator) async throws in
            #expect(try await stream(port, "/v1/code/sessions/\(Seed.long)/events/stream?from_sequence_num=0") { _ in true }.status == 410)
            let count = await emulator.store.eventCount(Seed.long)
            let recent = try await stream(port, "/v1/code/sessions/\(Seed.long)/events/stream?from_sequence_num=\(count - 100)") {
                Self.clientEvents($0).count < 100
            }
            #expect(Self.clientEvents(recent.events).count == 100)
        }
    }

    @Test func keepalivesArriveAndStreamsCloseWithTheirClients() async throws {
        try await withEmulator({ $0.streamKeepaliveSeconds = 0.1 }) { (port: Int, emulator: Emulator) async throws in
            let started = Date()
            let opened = try await stream(port, "/v1/code/sessions/\(Seed.demo)/events/stream") { events in
                events.filter { $0.name == "" }.count < 4
            }
            #expect(opened.events.filter { $0.name == "" }.count == 4)
            // Periodic at the configured 0.1 s (about 0.3 s for these), not the default 13 s (39 s): the
            // bound is a hundred times what it takes, so only a keepalive setting that is ignored fails it.
            #expect(Date().timeIntervalSince(started) < 30)
            #expect(await eventually { await emulator.store.openStreamCount(Seed.demo) == 0 })
        }
    }

    @Test func faultsCanDropOrStallAStream() async throws {
        try await withEmulator({ $0.streamKeepaliveSeconds = 0.1 }) { (port: Int, emulator: Emulator) async throws in
            let count = await emulator.store.eventCount(Seed.demo)
            await emulator.store.addFault(FaultRule(kind: .streamDrop, path: "/events/stream", frames: 2))
            let dropped = try await stream(port, "/v1/code/sessions/\(Seed.demo)/events/stream?from_sequence_num=0") { _ in true }
            #expect(dropped.ended)
            #expect(Self.clientEvents(dropped.events).count == 2)
            #expect(count > 2)

            await emulator.store.addFault(FaultRule(kind: .streamStall, path: "/events/stream", seconds: 1, frames: 1))
            let started = Date()
            let stalled = try await stream(port, "/v1/code/sessions/\(Seed.demo)/events/stream?from_sequence_num=0") { _ in true }
            // One event, then silence (no more events, no keepalives) until the connection drops.
            #expect(stalled.ended)
            #expect(Date().timeIntervalSince(started) >= 1)
            #expect(Self.clientEvents(stalled.events).count == 1)
            #expect(stalled.events.filter { $0.name == "" }.count == 1)  // only the one sent on open
        }
    }

    @Test func bodyFaultsApplyToOneFrameOfAStream() async throws {
        try await withEmulator({ $0.streamKeepaliveSeconds = 0.1 }) { (port: Int, emulator: Emulator) async throws in
            let path = "/v1/code/sessions/\(Seed.demo)/events/stream?from_sequence_num=0"
            let count = await emulator.store.eventCount(Seed.demo)
            // malformed_json: event number 1 goes out as a frame that is not JSON; the stream carries on.
            await emulator.store.addFault(FaultRule(kind: .malformedJSON, route: "/v1/code/sessions/{id}/events/stream", frames: 1))
            let mangled = try await stream(port, path) { events in events.filter { $0.name == "client_event" }.count < count }
            let frames = mangled.events.filter { $0.name == "client_event" }
            #expect(frames.count == count)
            #expect(JSONValue.parse(Data(frames[1].data.utf8)) == nil)
            #expect(Self.clientEvents(mangled.events).count == count - 1)

            // truncated_body: event number 2 is cut in half and the connection drops.
            await emulator.store.addFault(FaultRule(kind: .truncatedBody, path: "/events/stream", frames: 2))
            let cut = try await stream(port, path) { _ in true }
            #expect(cut.ended)
            #expect(Self.clientEvents(cut.events).count == 2)
        }
    }

    func list(_ port: Int, _ query: String) async throws -> (status: Int, json: JSONValue?) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/code/sessions/\(Seed.long)/events\(query)")
        for (name, value) in Self.headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 24)
        return (Int(response.status.code), JSONValue.parse(Data(body.readableBytesView)))
    }

    @Test func v2HistoryPagesBySequenceNumber() async throws {
        try await withEmulator { (port: Int, emulator: Emulator) async throws in
            let count = await emulator.store.eventCount(Seed.long)
            let newest = try await list(port, "?limit=1")  // desc by default: the newest
            #expect(newest.json?["data"]?.arrayValue?.first?["sequence_num"] == .string(String(count)))
            #expect(newest.json?["next_cursor"] == .string(String(count)))
            let older = try await list(port, "?limit=3&cursor=\(count)")
            #expect(older.json?["data"]?.arrayValue?.compactMap { $0["sequence_num"]?.stringValue } == [count - 1, count - 2, count - 3].map(String.init))
            let forward = try await list(port, "?sort_order=asc&limit=2&cursor=\(count - 2)")
            #expect(forward.json?["data"]?.arrayValue?.compactMap { $0["sequence_num"]?.stringValue } == [count - 1, count].map(String.init))
            #expect(forward.json?["next_cursor"] == nil)  // nothing more in that direction
            #expect(forward.json?["resume_cursor"] == .string(String(count)))
            let past = try await list(port, "?sort_order=asc&cursor=\(count + 5)")
            #expect(past.json?["data"] == .array([]))
            #expect(try await list(port, "?limit=501").status == 400)
            #expect(try await list(port, "?sort_order=sideways").status == 400)
        }
    }
}
