@testable import CCTapCore
import CCTapEmulator
import CCTapTestSupport
import Foundation
import Testing

/// `Tap.sessionEvents`, the live feed a follower of one session (an MCP resource subscription)
/// reads: from now, every event once and in order, through drops and failed reads, closed when dropped.
@Suite struct SessionEventsTests {
    struct Collected: Sendable {
        var uuids: [String] = []
        var failures: [TapError] = []
        var cursors: [String] = []
    }

    /// Reads `updates` until `count` events came or `seconds` pass (which only a broken feed reaches:
    /// the read is then cancelled, and what came so far is returned).
    func collect(_ updates: AsyncStream<SessionEventsUpdate>, count: Int, within seconds: Double = 60) async -> Collected {
        await withTaskGroup(of: Collected?.self) { group in
            group.addTask {
                var collected = Collected()
                for await update in updates {
                    collected.uuids += update.events.map { $0["uuid"]?.stringValue ?? "?" }
                    if let failure = update.failure { collected.failures.append(failure) }
                    if !update.events.isEmpty { collected.cursors.append(update.cursor) }
                    if collected.uuids.count >= count { break }
                }
                return collected
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            var result = Collected()
            if case let collected?? = await group.next() { result = collected }  // all came in time
            group.cancelAll()
            for await case let collected? in group { result = collected }  // the time ran out first
            return result
        }
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
            let collected = await collect(updates, count: 20)
            #expect(collected.uuids == (0..<20).map { "new-\($0)" })
            #expect(collected.failures.isEmpty)  // a drop is the feed's to resume, not a failure
            #expect(collected.cursors.allSatisfy { $0.hasPrefix("seq:") })
            // The drops happened, and each reconnect resumed from a position.
            #expect(await h.store.pendingFaults().isEmpty)
            #expect(await h.store.requests().filter { $0.contains("/events/stream?from_sequence_num=") }.count >= 6)
            // Dropping the updates closes the stream.
            _ = consume updates
            #expect(await eventually { await h.store.openStreamCount(Seed.demo) == 0 })
        }
    }

    @Test func aFailedReadIsReportedAndFollowingResumesFromItsCursor() async throws {
        try await withEmulator(tune: {
            $0.eventSource = .poll
            $0.streamInitialBackoff = 0.5  // at least 0.25 s before the follower reads again
        }) { (h: Harness) async throws in
            let updates = try h.tap.sessionEvents(Seed.demo)
            // The latest-cursor read and one poll: the follower has its start.
            #expect(await eventually { await eventListReads(h) >= 2 })
            // The next read fails (a 404 is not retried by the transport), and the events are stored
            // at once, long before the follower reads again: only a follower that resumes from its
            // cursor sees them; one that started afresh from the newest event would not.
            await h.store.addFault(FaultRule(kind: .status, path: "/events", times: 1, status: 404))
            await h.injectAssistantEvents(5, tag: "after")
            let collected = await collect(updates, count: 5)
            #expect(collected.uuids == (0..<5).map { "after-\($0)" })
            #expect(collected.failures.count == 1)
            #expect(collected.failures.first?.message.contains("404") == true)
            #expect(await h.store.pendingFaults().isEmpty)
            #expect(await h.store.openStreamCount(Seed.demo) == 0)
        }
    }

    /// A wait gives the stream up for good when it fails; a follower, which may live for hours, tries
    /// it again after polling for a while (here 0.5 s), and goes on from where polling left off.
    @Test func aFollowerThatFellBackToPollingTriesTheStreamAgain() async throws {
        var emulator = testEmulator()
        emulator.streamKeepaliveSeconds = 0.1
        try await withEmulator(emulator, tune: { $0.streamInitialBackoff = 0.05; $0.streamMaxBackoff = 0.1 }) {
            (h: Harness) async throws in
            // Two opens that deliver nothing: the policy falls back to polling.
            await h.store.addFault(FaultRule(kind: .status, path: "/events/stream", times: 2, status: 503))
            let updates = try h.tap.sessionEvents(Seed.demo, streamRetryAfter: 0.5)
            #expect(await eventually { await eventListReads(h) >= 3 })  // polling
            await h.injectAssistantEvents(2, tag: "polled")
            // Then the stream again, once the faults are spent.
            #expect(await eventually { await h.store.openStreamCount(Seed.demo) == 1 })
            await h.injectAssistantEvents(2, tag: "streamed")
            let collected = await collect(updates, count: 4)
            #expect(collected.uuids == ["polled-0", "polled-1", "streamed-0", "streamed-1"])
            #expect(collected.failures.isEmpty)
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
