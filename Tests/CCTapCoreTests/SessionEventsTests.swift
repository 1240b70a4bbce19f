@testable import CCTapCore
import CCTapEmulator
import CCTapTestSupport
import Foundation
import Testing

/// `Tap.sessionEvents`, the live feed a follower of one session (an MCP resource subscription)
/// reads: from now, every event once and in order, through drops and failed reads, closed when dropped.
@Suite struct SessionEventsTests {
    /// Reads `updates` until `count` events came (or `seconds` pass, which only a broken feed
    /// reaches); returns their uuids and the failures reported on the way.
    func collect(_ updates: AsyncStream<SessionEventsUpdate>, count: Int, within seconds: Double = 60) async
        -> (uuids: [String], failures: [TapError], cursors: [String])
    {
        var uuids: [String] = [], failures: [TapError] = [], cursors: [String] = []
        let deadline = ContinuousClock.now + .seconds(seconds)
        for await update in updates {
            uuids += update.events.map { $0["uuid"]?.stringValue ?? "?" }
            if let failure = update.failure { failures.append(failure) }
            if !update.events.isEmpty { cursors.append(update.cursor) }
            if uuids.count >= count || ContinuousClock.now >= deadline { break }
        }
        return (uuids, failures, cursors)
    }

    func eventListReads(_ h: Harness) async -> Int {
        await h.store.requests().filter { $0.hasPrefix("GET ") && $0.contains("/events") && !$0.contains("/events/stream") }.count
    }

    @Test func followsTheStreamFromNowThroughDropsWithoutLossOrRepeats() async throws {
        var emulator = testEmulator()
        emulator.streamKeepaliveSeconds = 0.1  // so the emulator notices a closed stream at once
        try await withEmulator(emulator, tune: { $0.streamInitialBackoff = 0.1; $0.streamMaxBackoff = 0.4 }) {
            (h: Harness) async throws in
            await h.injectAssistantEvents(3, tag: "before")  // already stored: not news to a follower from now
            await h.store.addFault(FaultRule(kind: .streamDrop, path: "/events/stream", times: 6, frames: 3))
            let updates = try h.tap.sessionEvents(Seed.demo)
            // The start is taken once the stream is open; only then are the new events stored.
            #expect(await eventually { await h.store.openStreamCount(Seed.demo) == 1 })
            await h.injectAssistantEvents(20, tag: "new")
            let (uuids, failures, cursors) = await collect(updates, count: 20)
            #expect(uuids == (0..<20).map { "new-\($0)" })
            #expect(failures.isEmpty)  // a drop is the feed's to resume, not a failure
            #expect(cursors.allSatisfy { $0.hasPrefix("seq:") })
            // Dropping the updates closes the stream.
            _ = consume updates
            #expect(await eventually { await h.store.openStreamCount(Seed.demo) == 0 })
        }
    }

    @Test func aFailedReadIsReportedAndFollowingResumesFromItsCursor() async throws {
        try await withEmulator(tune: {
            $0.eventSource = .poll
            $0.streamInitialBackoff = 0.1
        }) { (h: Harness) async throws in
            let updates = try h.tap.sessionEvents(Seed.demo)
            // The latest-cursor read and one poll: the follower has its start.
            #expect(await eventually { await eventListReads(h) >= 2 })
            // A 404 is not retried by the transport: the feed ends, and the follower reopens it.
            await h.store.addFault(FaultRule(kind: .status, path: "/events", times: 1, status: 404))
            #expect(await eventually { await h.store.pendingFaults().isEmpty })
            await h.injectAssistantEvents(5, tag: "after")
            let (uuids, failures, _) = await collect(updates, count: 5)
            #expect(uuids == (0..<5).map { "after-\($0)" })
            #expect(failures.count == 1)
            #expect(failures.first?.message.contains("404") == true)
            #expect(await h.store.openStreamCount(Seed.demo) == 0)
        }
    }

    @Test func anIdThatIsNoSessionIsRefusedBeforeAnyRequest() async throws {
        try await withEmulator { (h: Harness) async throws in
            let before = await h.store.requests().count
            let error = await tapError { _ = try h.tap.sessionEvents("not a session") }
            guard case .invalidSessionID = error else {
                Issue.record("expected invalidSessionID, got \(String(describing: error))")
                return
            }
            #expect(await h.store.requests().count == before)
        }
    }
}
