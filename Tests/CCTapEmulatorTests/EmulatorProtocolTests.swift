import AsyncHTTPClient
import CCTapEmulator
import CCTapTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The emulator must behave as the protocol reference says the service does: these tests speak
/// raw HTTP to it, independent of the cc-tap client.
@Suite struct EmulatorProtocolTests {
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var json: JSON?
        var text: String
    }

    static let token = EmulatorConfiguration.defaultToken
    static let org = EmulatorConfiguration.defaultOrganization

    func call(
        _ port: Int, _ method: HTTPMethod = .GET, path: String, body: String? = nil,
        headers: [(String, String)]? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers ?? [
            ("Authorization", "Bearer \(Self.token)"), ("anthropic-version", "2023-06-01"),
            ("x-organization-uuid", Self.org), ("User-Agent", "emulator-tests/1"),
        ] {
            request.headers.add(name: name, value: value)
        }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 1 << 24)
        let text = String(buffer: buffer)
        return Answer(
            status: Int(response.status.code), headers: response.headers,
            json: try? JSONDecoder().decode(JSON.self, from: Data(text.utf8)), text: text)
    }

    func ids(_ answer: Answer) -> [String] {
        (answer.json?["data"]?.arrayValue ?? []).compactMap { $0["uuid"]?.stringValue ?? $0["id"]?.stringValue }
    }

    @Test func eventsAreOldestFirstWithExclusiveCursors() async throws {
        try await withEmulator { (port: Int, _: Emulator) async throws in
            let base = "/v1/sessions/\(Seed.long)/events"
            let first = try await call(port, path: base + "?limit=5")
            #expect(first.status == 200)
            #expect(first.json?["has_more"] == .bool(true))
            #expect(first.json?["data"]?.arrayValue?.first?["message"]?["content"] == .string("Step 1: continue the refactor"))
            let last = try #require(first.json?["last_id"]?.stringValue)
            let next = try await call(port, path: base + "?limit=5&after_id=\(last)")
            #expect(Set(ids(next)).isDisjoint(with: Set(ids(first))))
            #expect(next.json?["first_id"] != first.json?["last_id"])

            let newest = try await call(port, path: base + "?limit=5&anchor_to_latest=true")
            let newestData = try #require(newest.json?["data"]?.arrayValue)
            #expect(newestData.count == 5)
            #expect(newestData.last?["type"] == .string("result"))  // chronological: the turn's end is last
            #expect(newest.json?["has_more"] == .bool(true))  // older events exist
            let firstID = try #require(newest.json?["first_id"]?.stringValue)
            let older = try await call(port, path: base + "?limit=5&anchor_to_latest=true&before_id=\(firstID)")
            #expect(Set(ids(older)).isDisjoint(with: Set(ids(newest))))

            let end = try await call(port, path: base + "?after_id=\(try #require(newest.json?["last_id"]?.stringValue))")
            #expect(end.json?["data"] == .array([]))
            #expect(end.json?["has_more"] == .bool(false))
            #expect(end.json?["last_id"] == .null)
        }
    }

    @Test func limitIsBoundedAndDefaultsTo20() async throws {
        try await withEmulator { (port: Int, _: Emulator) async throws in
            let base = "/v1/sessions/\(Seed.long)/events"
            #expect(try await call(port, path: base).json?["data"]?.arrayValue?.count == 20)
            #expect(try await call(port, path: base + "?limit=1000").json?["data"]?.arrayValue?.count == 300)
            for bad in ["0", "1001", "x"] {
                let answer = try await call(port, path: base + "?limit=\(bad)")
                #expect(answer.status == 400)
                #expect(answer.json?["error"]?["type"] == .string("invalid_request_error"))
            }
            #expect(try await call(port, path: base + "?after_id=sevt_nope").status == 400)
        }
    }

    @Test func errorsHaveTheServiceShapeAndARequestID() async throws {
        try await withEmulator { (port: Int, _: Emulator) async throws in
            let missing = try await call(port, path: "/v1/sessions/session_01DoesNotExist000")
            #expect(missing.status == 404)
            #expect(missing.json?["type"] == .string("error"))
            #expect(missing.json?["error"]?["type"] == .string("not_found_error"))
            let requestID = try #require(missing.headers.first(name: "request-id"))
            #expect(requestID.hasPrefix("req_"))
            #expect(missing.json?["request_id"] == .string(requestID))

            #expect(try await call(port, path: "/v1/sessions/cse_01Whatever00000").status == 400)

            let noAuth = try await call(port, path: "/v1/sessions", headers: [("User-Agent", "t/1"), ("anthropic-version", "2023-06-01")])
            #expect(noAuth.status == 401)
            #expect(noAuth.json?["error"]?["type"] == .string("authentication_error"))

            let noVersion = try await call(port, path: "/v1/sessions", headers: [
                ("Authorization", "Bearer \(Self.token)"), ("User-Agent", "t/1"), ("x-organization-uuid", Self.org),
            ])
            #expect(noVersion.status == 400)
            #expect(noVersion.json?["error"]?["message"] == .string("anthropic-version: header is required"))

            let python = try await call(port, path: "/v1/sessions", headers: [("User-Agent", "Python-urllib/3.11")])
            #expect(python.status == 403)
            #expect(python.text.contains("Just a moment..."))
        }
    }

    @Test func archiveIsIdempotentWith409() async throws {
        try await withEmulator { (port: Int, _: Emulator) async throws in
            let path = "/v1/sessions/\(Seed.disconnected)/archive"
            #expect(try await call(port, .POST, path: path, body: "{}").status == 200)
            let again = try await call(port, .POST, path: path, body: "{}")
            #expect(again.status == 409)
            #expect(try await call(port, path: "/v1/sessions/\(Seed.disconnected)").json?["session_status"] == .string("archived"))
        }
    }

    @Test func sessionListPagesNewestFirst() async throws {
        try await withEmulator { (port: Int, _: Emulator) async throws in
            var seen: [String] = []
            var after: String?
            var updated: [String] = []
            repeat {
                let answer = try await call(port, path: "/v1/sessions?limit=7" + (after.map { "&after_id=\($0)" } ?? ""))
                let data = answer.json?["data"]?.arrayValue ?? []
                seen += data.compactMap { $0["id"]?.stringValue }
                updated += data.compactMap { $0["updated_at"]?.stringValue }
                after = answer.json?["has_more"] == .bool(true) ? answer.json?["last_id"]?.stringValue : nil
            } while after != nil
            #expect(seen.count == 31)
            #expect(Set(seen).count == 31)
            #expect(updated == updated.sorted(by: >))
        }
    }

    @Test(arguments: EmulatorWorld.allCases)
    func workerAnswersAUserMessageLikeClaudeCode(world: EmulatorWorld) async throws {
        try await withEmulator({ $0.world = world }) { (port: Int, emulator: Emulator) async throws in
            let uuid = UUID().uuidString.lowercased()
            let body = #"{"events":[{"type":"user","uuid":"\#(uuid)","session_id":"\#(Seed.demo)","parent_tool_use_id":null,"message":{"role":"user","content":"hi"}}]}"#
            #expect(try await call(port, .POST, path: "/v1/sessions/\(Seed.demo)/events", body: body).status == 200)
            #expect(await eventually { await emulator.store.allEvents(Seed.demo).last?["type"] == .string("result") })
            let types = await emulator.store.allEvents(Seed.demo).compactMap { $0["type"]?.stringValue }
            let events = await emulator.store.allEvents(Seed.demo)
            switch world {
            case .mid2026:
                #expect(Array(types.suffix(6)) == ["user", "system", "assistant", "assistant", "assistant", "result"])
                let copies = events.suffix(4).prefix(3).compactMap { $0["message"]?["id"]?.stringValue }
                #expect(Set(copies).count == 1)  // one message id, streamed three times
            case .late2026:
                // The parts went out as ephemeral frames; only the whole reply is stored, and the message
                // carries its sender's platform (the test posted without one: none is stamped).
                #expect(Array(types.suffix(4)) == ["user", "system", "assistant", "result"])
                #expect(events.last { $0["type"] == "user" }?["client_platform"] == nil)
            }
            #expect(events.last?["total_cost_usd"] == .int(0))  // a Remote Control bridge's synthetic result
            #expect(await emulator.store.storedCount(uuid: uuid) == 1)
        }
    }

    @Test func faultsCanBeInjectedOverHTTP() async throws {
        try await withEmulator { (port: Int, _: Emulator) async throws in
            let rule = #"{"kind":"status","status":429,"retry_after":3,"path":"/v1/sessions","times":1}"#
            #expect(try await call(port, .POST, path: "/_emulator/faults", body: rule).status == 200)
            let limited = try await call(port, path: "/v1/sessions")
            #expect(limited.status == 429)
            #expect(limited.headers.first(name: "retry-after") == "3")
            #expect(limited.json?["error"]?["type"] == .string("rate_limit_error"))
            #expect(try await call(port, path: "/v1/sessions").status == 200)
        }
    }

    @Test func benchmarkCountersAndCreatedSessions() async throws {
        try await withEmulator { (port: Int, emulator: Emulator) async throws in
            let created = try await call(port, .POST, path: "/_emulator/sessions", body: #"{"turns": 180}"#)
            let id = try #require(created.json?["id"]?.stringValue)
            #expect(created.json?["events"] == .int(900))
            #expect(await emulator.store.sessionStatus(id) == "idle")

            // Response bytes count what clients read of the service's routes, not the control routes.
            let before = try #require(try await call(port, path: "/_emulator/stats").json?["response_bytes"]?.intValue)
            let page = try await call(port, path: "/v1/sessions/\(id)/events?limit=1000")
            #expect(page.json?["data"]?.arrayValue?.count == 900)
            let after = try #require(try await call(port, path: "/_emulator/stats").json?["response_bytes"]?.intValue)
            #expect(after - before == Int64(page.text.utf8.count))

            // The time the newest result was stored, for the turn-end latency figure.
            let stamp = try await call(port, path: "/_emulator/stats").json?["last_result_at"]?[id]?.doubleValue
            #expect(stamp.map { abs($0 - Date().timeIntervalSince1970) < 60 } == true)
            #expect(try await call(port, .POST, path: "/_emulator/sessions", body: #"{"turns": -1}"#).status == 400)
        }
    }

    @Test func aFaultCanTargetOneRoute() async throws {
        try await withEmulator { (port: Int, emulator: Emulator) async throws in
            let rule = #"{"kind":"status","status":503,"method":"GET","route":"/v1/sessions/{id}","times":1}"#
            #expect(try await call(port, .POST, path: "/_emulator/faults", body: rule).status == 200)
            // Neither the list nor a session's events match; the session itself does, once.
            #expect(try await call(port, path: "/v1/sessions").status == 200)
            #expect(try await call(port, path: "/v1/sessions/\(Seed.demo)/events").status == 200)
            #expect(try await call(port, path: "/_emulator/stats").json?["faults_pending"] == .int(1))
            #expect(try await call(port, path: "/v1/sessions/\(Seed.demo)").status == 503)
            #expect(try await call(port, path: "/v1/sessions/\(Seed.demo)").status == 200)
            #expect(await emulator.store.pendingFaults().isEmpty)
        }
    }

    @Test func theLoginCanBeRotatedAndSessionsArchivedByOthers() async throws {
        try await withEmulator { (port: Int, emulator: Emulator) async throws in
            #expect(try await call(port, .POST, path: "/_emulator/tokens", body: #"{"valid":["sk-ant-oat01-next"]}"#).status == 200)
            let refused = try await call(port, path: "/v1/sessions")
            #expect(refused.status == 401)
            #expect(refused.json?["error"]?["type"] == .string("authentication_error"))
            #expect(try await call(port, .POST, path: "/_emulator/tokens", body: #"{"valid":[]}"#).status == 400)

            let archived = try await call(port, .POST, path: "/_emulator/sessions/\(Seed.demo)/archive")
            #expect(archived.json?["archived"] == .bool(true))
            #expect(await emulator.store.sessionStatus(Seed.demo) == "archived")
            let texts = try await call(port, path: "/_emulator/sessions/\(Seed.demo)/user-messages")
            #expect(texts.json?["texts"]?.arrayValue?.isEmpty == false)
        }
    }
}
