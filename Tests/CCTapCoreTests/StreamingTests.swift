@testable import CCTapCore
import CCTapEmulator
import CCTapTestSupport
import Foundation
import Testing

/// The live event feed against the emulator's event stream: resuming after drops, 410, stalls,
/// rate limits and the fall back to polling, each checked for lost or repeated events.
@Suite struct StreamingTests {
    /// A feed from the demo session's newest event now.
    func feedFromNow(_ h: Harness) async throws -> LiveFeed {
        let session = try SessionID(Seed.demo)
        let position = try await h.tap.api.latestSequence(session)
        return LiveFeed(api: h.tap.api, session: session, cursor: EventCursor(.sequence(position)), pollInterval: 0.05)
    }

    /// What a feed delivered: the events' uuids in order, and when the expected count was reached.
    struct Collected {
        var uuids: [String] = []
        var reachedAt: ContinuousClock.Instant?
    }

    /// Reads the feed until `count` events came, then stores one more event (`sentinel-0`) and reads
    /// until it arrives: an event the feed repeats or adds before it shows among the uuids (the
    /// sentinel itself is left out). Gives up after `seconds`, which only a broken feed reaches.
    func collect(_ h: Harness, _ feed: LiveFeed, count: Int, within seconds: Double = 60) async -> Collected {
        var collected = Collected()
        let deadline = ContinuousClock.now + .seconds(seconds)
        for await item in feed.items {
            if case .events(let events, _) = item {
                let uuids = events.map { $0["uuid"]?.stringValue ?? "?" }
                collected.uuids += uuids.filter { $0 != "sentinel-0" }
                if uuids.contains("sentinel-0") { break }
            }
            if collected.uuids.count >= count, collected.reachedAt == nil {
                collected.reachedAt = .now
                await h.injectAssistantEvents(1, tag: "sentinel")
            }
            if ContinuousClock.now >= deadline { break }
        }
        return collected
    }

    /// Starts a feed at the demo session's newest event, stores `count` events tagged `tag`, reads
    /// them back and stops the feed. `seconds`: from the start to the last expected event (nil if
    /// they did not all come).
    func followInjected(_ h: Harness, _ count: Int, tag: String) async throws
        -> (uuids: [String], seconds: Double?, feed: LiveFeed)
    {
        let feed = try await feedFromNow(h)
        let started = ContinuousClock.now
        feed.start()
        await h.injectAssistantEvents(count, tag: tag)
        let collected = await collect(h, feed, count: count)
        feed.stop()
        let seconds = collected.reachedAt.map { ($0 - started) / .seconds(1) }
        return (collected.uuids, seconds, feed)
    }

    func streamOpens(_ h: Harness) async -> Int {
        await h.store.requests().filter { $0.contains("/events/stream") }.count
    }

    func fastStream(_ configuration: inout TapConfiguration) {
        configuration.streamInitialBackoff = 0.1
        configuration.streamMaxBackoff = 0.4
    }

    @Test func sendAndWaitFollowsTheStream() async throws {
        var emulator = testEmulator()
        emulator.streamKeepaliveSeconds = 0.1  // so the emulator notices a closed stream at once
        try await withEmulator(emulator) { (h: Harness) async throws in
            let result = try await h.tap.sendAndWait(Seed.demo, message: "hello there", timeout: 20)
            #expect(result.status == .complete)
            #expect(result.eventSource == .stream)
            #expect(result.cursor.hasPrefix("seq:"))
            #expect(!result.reply.isEmpty)
            let requests = await h.store.requests()
            #expect(requests.contains { $0.contains("/events/stream?from_sequence_num=") })
            // Nothing polls the event lists while the stream answers.
            #expect(!requests.contains { $0.contains("/v1/sessions/\(Seed.demo)/events?") })
            // The wait's stream is closed when it ends (the emulator notices at its next keepalive).
            #expect(await eventually { await h.store.openStreamCount(Seed.demo) == 0 })
            // A later wait from the sequence cursor finds nothing running, and says so at once.
            let again = try await h.tap.waitForReply(Seed.demo, cursor: result.cursor, timeout: 30)
            #expect(again.status == .idle)
            #expect(again.hint.hasPrefix("No turn is running"))
            #expect(again.eventsRead == 0)
        }
    }

    @Test func aGarbledLastFrameIsReadFromTheList() async throws {
        // The turn's `result` arrives unreadable and nothing follows it: only reading the list ends the wait.
        try await withEmulator(tune: fastStream) { (h: Harness) async throws in
            let before = await h.store.eventCount(Seed.demo)
            _ = try await h.tap.sendAndWait(Seed.demo, message: "count the frames", timeout: 20)
            let perTurn = await h.store.eventCount(Seed.demo) - before
            await h.store.addFault(FaultRule(
                kind: .malformedJSON, route: "/v1/code/sessions/{id}/events/stream", frames: perTurn - 1))
            let waited = try await h.tap.sendAndWait(Seed.demo, message: "again", timeout: 8)
            #expect(waited.status == .complete)
            #expect(waited.eventSource == .stream)
            #expect(await h.store.pendingFaults().isEmpty)
        }
    }

    @Test func dropsAreResumedWithoutLossOrRepeats() async throws {
        try await withEmulator(tune: fastStream) { (h: Harness) async throws in
            // Every connection drops after 4 events; the feed must resume after the last one it delivered.
            await h.store.addFault(FaultRule(kind: .streamDrop, path: "/events/stream", times: 12, frames: 4))
            let (uuids, _, feed) = try await followInjected(h, 40, tag: "drop")
            #expect(uuids == (0..<40).map { "drop-\($0)" })
            #expect(await streamOpens(h) >= 10)
            #expect(feed.source == .stream)
        }
    }

    @Test func positionOutsideTheReplayWindowCatchesUpByREST() async throws {
        var emulator = testEmulator()
        emulator.streamReplayLimit = 5
        try await withEmulator(emulator, tune: fastStream) { (h: Harness) async throws in
            let feed = try await feedFromNow(h)
            await h.injectAssistantEvents(20, tag: "old")  // stored before the feed opens: older than the window
            feed.start()
            // Once the 410 made the feed reopen without a position, new events come by that stream.
            #expect(await eventually {
                await h.store.requests().contains { $0.contains("/events/stream") && !$0.contains("from_sequence_num") }
            })
            await h.injectAssistantEvents(5, tag: "new")
            let uuids = await collect(h, feed, count: 25).uuids
            feed.stop()
            #expect(uuids == (0..<20).map { "old-\($0)" } + (0..<5).map { "new-\($0)" })
            #expect(feed.source == .stream)
            let requests = await h.store.requests()
            #expect(requests.contains { $0.contains("/v1/code/sessions/") && $0.contains("/events?") && $0.contains("sort_order=asc") })
            #expect(requests.last { $0.contains("/events/stream") }?.contains("from_sequence_num") == false)
        }
    }

    @Test func aStalledStreamIsReopened() async throws {
        try await withEmulator(tune: {
            fastStream(&$0)
            $0.streamStallTimeout = 1
        }) { (h: Harness) async throws in
            // The server stalls the first stream for an hour: only the watchdog can get the events through
            // (collect gives up after 60 s).
            await h.store.addFault(FaultRule(kind: .streamStall, path: "/events/stream", times: 1, seconds: 3600, frames: 0))
            let (uuids, seconds, feed) = try await followInjected(h, 3, tag: "stall")
            #expect(uuids == ["stall-0", "stall-1", "stall-2"])
            #expect(seconds.map { $0 >= 0.9 } == true)  // not before the 1 s watchdog could fire
            #expect(await streamOpens(h) == 2)
            #expect(feed.source == .stream)
        }
    }

    @Test func twoEmptyOpensFallBackToPolling() async throws {
        try await withEmulator(tune: fastStream) { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .status, path: "/events/stream", times: 2, status: 503))
            let (uuids, _, feed) = try await followInjected(h, 6, tag: "poll")
            #expect(uuids == (0..<6).map { "poll-\($0)" })
            #expect(feed.source == .poll)
            #expect(await streamOpens(h) == 2)
        }
    }

    @Test func aRefusingStreamFallsBackAtOnce() async throws {
        try await withEmulator(tune: fastStream) { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .status, path: "/events/stream", times: 1, status: 404))
            let result = try await h.tap.sendAndWait(Seed.demo, message: "hello", timeout: 20)
            #expect(result.status == .complete)
            #expect(result.eventSource == .poll)
            #expect(await streamOpens(h) == 1)
        }
    }

    @Test func rateLimitedOpenWaitsForRetryAfter() async throws {
        // A Retry-After is honoured up to twice the largest backoff; fastStream's 0.4 s would cap
        // this 1 s at 0.8 s.
        try await withEmulator(tune: { fastStream(&$0); $0.streamMaxBackoff = 2 }) { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .status, path: "/events/stream", times: 1, status: 429, retryAfter: 1))
            let (uuids, seconds, feed) = try await followInjected(h, 2, tag: "limited")
            #expect(uuids == ["limited-0", "limited-1"])
            #expect(seconds.map { $0 >= 0.95 } == true)
            #expect(feed.source == .stream)
        }
    }

    @Test func pollingModesNeverOpenTheStream() async throws {
        for mode in [EventSourceMode.poll, .pollV1] {
            try await withEmulator(tune: { $0.eventSource = mode }) { (h: Harness) async throws in
                let result = try await h.tap.sendAndWait(Seed.demo, message: "hello", timeout: 20)
                #expect(result.status == .complete)
                #expect(result.eventSource == (mode == .poll ? .poll : .pollV1))
                #expect(result.cursor.hasPrefix("seq:") == (mode == .poll))
                #expect(await streamOpens(h) == 0)
            }
        }
    }

    @Test func eventSourceModeIsReadFromTheEnvironment() throws {
        let host = HostEnvironment(variables: ["CCTAP_EVENT_SOURCE": "poll-v1"], homeDirectory: "/nonexistent")
        #expect(try TapConfiguration.fromEnvironment(host).eventSource == .pollV1)
        let bad = HostEnvironment(variables: ["CCTAP_EVENT_SOURCE": "carrier-pigeon"], homeDirectory: "/nonexistent")
        #expect(throws: TapError.self) { try TapConfiguration.fromEnvironment(bad) }
    }

    @Test func cursorsKeepTheirNumbering() throws {
        #expect(try EventCursor("seq:42").position == .sequence(42))
        #expect(try EventCursor("start").position == .start)
        #expect(try EventCursor("sevt_000000000012").position == .eventID("sevt_000000000012"))
        #expect(throws: TapError.self) { try EventCursor("seq:-1") }
        #expect(throws: TapError.self) { try EventCursor("seq:x") }
    }

    @Test func pollingStretchesOnlyWhenIdleAndQuiet() {
        var interval = AdaptiveInterval(fast: 0.5, idle: 5, quietPolls: 2)
        // While a turn runs, polling stays quick however long the model is silent.
        for _ in 0..<20 { #expect(interval.next(sawEvents: false, turnRunning: true) == 0.5) }
        // Idle: quick for `quietPolls` reads, then growing by half per read up to `idle`.
        #expect(interval.next(sawEvents: false) == 0.5)
        #expect(interval.next(sawEvents: false) == 0.5)
        #expect(interval.next(sawEvents: false) == 0.75)
        for _ in 0..<20 { _ = interval.next(sawEvents: false) }
        #expect(interval.next(sawEvents: false) == 5)
        #expect(interval.next(sawEvents: true) == 0.5)
        #expect(interval.next(sawEvents: false, turnRunning: true) == 0.5)
    }
}
