import AsyncHTTPClient
import CCTapCore
import CCTapEmulator
import CCTapTestSupport
import Foundation
import NIOCore
import Synchronization
import Testing

/// The emulated account watch (`/v1/code/sessions/watch`), over raw HTTP, as protocol.md §8.3 has it.
@Suite struct EmulatorWatchTests {
    let streams = EmulatorStreamTests()
    static let web = [("anthropic-client-platform", "web_claude_ai")]

    func resumeToken(_ port: Int) async throws -> String {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/code/sessions?limit=5")
        for (name, value) in EmulatorStreamTests.headers where name != "Accept" { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return try #require(JSONValue.parse(Data(body.readableBytesView))?["resume_token"]?.stringValue)
    }

    @Test func refusesWithoutTokenPlatformOrAValidToken() async throws {
        try await withEmulator { (port: Int, _: Emulator) async throws in
            let token = try await resumeToken(port)
            let noToken = try await streams.stream(port, "/v1/code/sessions/watch?exclude_tags=-", extraHeaders: Self.web) { _ in false }
            #expect(noToken.status == 400)
            let otherPlatform = try await streams.stream(port, "/v1/code/sessions/watch?resume_token=\(token)") { _ in false }
            #expect(otherPlatform.status == 400)
            let unknown = try await streams.stream(port, "/v1/code/sessions/watch?resume_token=rt_never_issued", extraHeaders: Self.web) { _ in false }
            #expect(unknown.status == 410)
        }
    }

    @Test func announcesLiveSessionsThenSyncsThenSendsChanges() async throws {
        try await withEmulator { (port: Int, emulator: Emulator) async throws in
            let token = try await resumeToken(port)
            let changer = Task {
                #expect(await eventually { await emulator.store.openWatchCount > 0 })
                let posted = Date().timeIntervalSince1970
                try await streams.post(port, Seed.demo, "hello watch")
                // Archived once the turn is over, so the removal is the stream's last news.
                #expect(await eventually { (await emulator.store.stats())["last_result_at"]?["session_01HFlakyLoginTestDemo0001"]?.doubleValue ?? 0 > posted })
                _ = await emulator.store.archive(Seed.unicode)
            }
            let opened = try await streams.stream(port, "/v1/code/sessions/watch?exclude_tags=-&resume_token=\(token)", extraHeaders: Self.web) {
                events in !events.contains { $0.name == "removed" }
            }
            try await changer.value
            let names = opened.events.map(\.name).filter { !$0.isEmpty }
            let added = opened.events.filter { $0.name == "added" }.compactMap { JSONValue.parse(Data($0.data.utf8)) }
            // Every live session first (the archived one is not live), then one sync with the next token.
            #expect(added.count > 5 && added.allSatisfy { $0["status"] == "active" })
            #expect(!added.contains { $0["id"] == "cse_01HArchivedSession00004" })
            let firstSync = try #require(names.firstIndex(of: "sync"))
            #expect(names[..<firstSync].allSatisfy { $0 == "added" })
            #expect(opened.events.first { $0.name == "sync" }?.lastEventID.hasPrefix("rt_") == true)
            // The turn shows as changes of the demo session, ending idle and unread.
            let changes = opened.events.filter { $0.name == "changed" }.compactMap { JSONValue.parse(Data($0.data.utf8)) }
            let demo = changes.filter { $0["id"] == "cse_01HFlakyLoginTestDemo0001" }
            #expect(demo.contains { $0["worker_status"] == "running" })
            #expect(demo.last?["worker_status"] == "idle" && demo.last?["unread"] == true)
            let removed = opened.events.last { $0.name == "removed" }.flatMap { JSONValue.parse(Data($0.data.utf8)) }
            #expect(removed == ["id": "cse_01HUnicodeTitle000000002"])
        }
    }

    @Test func aStaleTokenGetsAKeepaliveAndThenSilence() async throws {
        try await withEmulator({ $0.watchTokenStaleSeconds = 0 }) { (port: Int, emulator: Emulator) async throws in
            let token = try await resumeToken(port)
            let received = Received()
            let reader = Task {
                try await streams.stream(port, "/v1/code/sessions/watch?resume_token=\(token)", extraHeaders: Self.web) { events in
                    received.count.withLock { $0 = events.count }
                    return true
                }
            }
            // Once its keepalive arrived, a change that a live watch would announce; the dead one
            // says nothing about it.
            #expect(await eventually { received.count.withLock { $0 } > 0 })
            let posted = Date().timeIntervalSince1970
            try await streams.post(port, Seed.demo, "hello nobody")
            #expect(await eventually { (await emulator.store.stats())["last_result_at"]?["session_01HFlakyLoginTestDemo0001"]?.doubleValue ?? 0 > posted })
            reader.cancel()
            // The stream opened (200 and its one keepalive) and said nothing of the change after it.
            let opened = try #require(try? await reader.value)
            #expect(opened.status == 200)
            #expect(!opened.events.isEmpty && opened.events.allSatisfy { $0.name.isEmpty })
            #expect(await emulator.store.openWatchCount == 0)
        }
    }

    /// How many events a stream reader has seen so far.
    final class Received: Sendable {
        let count = Mutex(0)
    }
}
