import CCTapCore
import CCTapEmulator
import CCTapTestFiles
import CCTapTestSupport
import Foundation
import Testing

/// A reply belongs to its message: against the emulator's worker, which (like Claude Code's) runs
/// one turn at a time and queues what arrives meanwhile. Turns that run "until stopped" make the
/// order certain whatever the machine's load: the test decides when the running turn ends.
@Suite struct TurnOwnershipTests {
    func storedText(_ h: Harness, _ text: String) async -> Bool {
        await h.store.allEvents(Seed.demo).contains { $0["message"]?["content"]?.stringValue == text }
    }

    @Test(arguments: [EventSourceMode.auto, .poll])
    func aWaitQueuedBehindARunningTurnReturnsItsOwnReply(_ source: EventSourceMode) async throws {
        try await withEmulator(tune: { $0.eventSource = source }) { (h: Harness) async throws in
            let first = try await h.tap.sendMessage(Seed.demo, message: "first AAA until stopped")
            #expect(try EventCursor(first.cursor).tie?.uuid == first.uuid)
            let waiting = Task { try await h.tap.sendAndWait(Seed.demo, message: "second BBB", timeout: 110) }
            #expect(await eventually { await storedText(h, "second BBB") })
            // The running turn ends (interrupted): its result is not the second message's answer.
            _ = try await h.tap.interrupt(Seed.demo)
            let result = try await waiting.value
            #expect(result.status == .complete)
            #expect(result.turn == .own)
            #expect(result.reply.contains("second BBB"))
            #expect(!result.reply.contains("AAA"))
        }
    }

    /// The look before a send reads a few events when the session is at rest, and the wider page only
    /// when a turn runs (so a send costs a few events' bytes, as before the look existed).
    @Test func aLookReadsTheWiderPageOnlyWhenATurnRuns() async throws {
        try await withEmulator { (h: Harness) async throws in
            func historyReads(after count: Int) async -> [String] {
                await h.store.requests().dropFirst(count).filter { $0.hasPrefix("GET ") && $0.contains("/events?") }
            }
            var before = await h.store.requests().count
            let resting = try await h.tap.sendMessage(Seed.demo, message: "first AAA until stopped")
            let restReads = await historyReads(after: before)
            // (Besides the look, the send reads forward from it to find its message stored.)
            #expect(restReads.filter { $0.contains("sort_order=desc") }.count == 1, "\(restReads)")
            #expect(restReads.contains { $0.contains("limit=1&sort_order=desc") }, "\(restReads)")
            #expect(!restReads.contains { $0.contains("limit=200") }, "\(restReads)")
            #expect(!resting.queued)

            #expect(try await eventually { try await h.tap.sessionInfo(Seed.demo).session.workerStatus == "running" })
            before = await h.store.requests().count
            let busy = try await h.tap.sendMessage(Seed.demo, message: "second BBB")
            let busyReads = await historyReads(after: before)
            #expect(busyReads.contains { $0.contains("limit=200") }, "\(busyReads)")
            #expect(busy.queued)
            _ = try await h.tap.interrupt(Seed.demo)
            let answered = try await h.tap.waitForReply(Seed.demo, cursor: busy.cursor, timeout: 60)
            #expect(answered.reply.contains("second BBB"))
        }
    }

    @Test func aSendsCursorWaitsForThatMessagesTurn() async throws {
        try await withEmulator { (h: Harness) async throws in
            _ = try await h.tap.sendMessage(Seed.demo, message: "first AAA until stopped")
            #expect(try await eventually { try await h.tap.sessionInfo(Seed.demo).session.workerStatus == "running" })
            let second = try await h.tap.sendMessage(Seed.demo, message: "second BBB")
            #expect(second.queued)
            #expect(second.hint.contains("queued behind the current turn"))
            let waiting = Task { try await h.tap.waitForReply(Seed.demo, cursor: second.cursor, timeout: 110) }
            _ = try await h.tap.interrupt(Seed.demo)
            let result = try await waiting.value
            #expect(result.status == .complete)
            #expect(result.messageUUID == second.uuid)
            #expect(result.reply.contains("second BBB") && !result.reply.contains("AAA"))
        }
    }

    @Test func aTimeoutWhileQueuedSaysSoAndKeepsTheCursorThatNamesTheMessage() async throws {
        try await withEmulator { (h: Harness) async throws in
            _ = try await h.tap.sendMessage(Seed.demo, message: "first AAA until stopped")
            let result = try await h.tap.sendAndWait(Seed.demo, message: "second BBB", timeout: 0.5)
            #expect(result.status == .timeout)
            #expect(result.turn == .queued)
            #expect(result.hint.contains("queued behind the current turn"))
            #expect(result.reply.isEmpty)  // what runs meanwhile is another turn's
            #expect(try EventCursor(result.cursor).tie?.uuid == result.messageUUID)
            _ = try await h.tap.interrupt(Seed.demo)
            let resumed = try await h.tap.waitForReply(Seed.demo, cursor: result.cursor, timeout: 110)
            #expect(resumed.status == .complete)
            #expect(resumed.reply.contains("second BBB") && !resumed.reply.contains("AAA"))
        }
    }

    @Test func aSessionBlockedOnAPromptAnswersASendAtOnceWithThatPrompt() async throws {
        try await withEmulator { (h: Harness) async throws in
            _ = try await h.tap.sendMessage(Seed.demo, message: "run ls")
            #expect(try await eventually { try await !h.tap.sessionInfo(Seed.demo).pendingPermissions.isEmpty })
            let prompt = try #require(try await h.tap.sessionInfo(Seed.demo).pendingPermissions.first)
            let result = try await h.tap.sendAndWait(Seed.demo, message: "and then this", timeout: 110)
            #expect(result.status == .waitingForPermission)
            #expect(result.turn == .queued)
            #expect(result.pendingPermissions.map(\.requestID) == [prompt.requestID])
            #expect(result.hint.contains("queued behind it"))
            // Answered, the blocked turn ends and the message gets a turn of its own.
            _ = try await h.tap.respondToPermission(Seed.demo, requestID: prompt.requestID, decision: .allow)
            let after = try await h.tap.waitForReply(Seed.demo, cursor: result.cursor, timeout: 110)
            #expect(after.status == .complete)
            #expect(after.reply.contains("and then this"))
        }
    }

    @Test func aCursorOnAnIdleSessionSaysNoTurnIsRunning() async throws {
        try await withEmulator { (h: Harness) async throws in
            let done = try await h.tap.sendAndWait(Seed.demo, message: "hello", timeout: 60)
            #expect(done.status == .complete && done.turn == .own)
            let idle = try await h.tap.waitForReply(Seed.demo, cursor: done.cursor, timeout: 60)
            #expect(idle.status == .idle)
            #expect(idle.hint.hasPrefix("No turn is running"))
            #expect(idle.hint.contains("last turn ended at"))
            let past = await tapError { _ = try await h.tap.waitForReply(Seed.demo, cursor: "seq:999999", timeout: 5) }
            #expect(past?.message.contains("past the session's newest event") == true)
        }
    }

    @Test func aMalformedCursorIsRefusedBeforeAnyRequest() async throws {
        try await withEmulator { (h: Harness) async throws in
            let before = await h.store.requests().count
            let error = await tapError { _ = try await h.tap.waitForReply(Seed.demo, cursor: "bogus", timeout: 5) }
            #expect(error?.kind == "invalid_argument")
            #expect(error?.message.contains("is not a cursor") == true)
            #expect(await h.store.requests().count == before)
        }
    }
}

/// Failures told in seconds, naming the right cause.
@Suite struct FailureCauseTests {
    func tap(_ variables: [String: String]) throws -> Tap {
        var env = ["CCTAP_ACCESS_TOKEN": EmulatorConfiguration.defaultToken, "CCR_ORG_UUID": "00000000-0000-4000-8000-000000000000"]
        env.merge(variables) { _, given in given }
        return Tap(configuration: try TapConfiguration.fromEnvironment(HostEnvironment(variables: env, homeDirectory: temporaryHome())))
    }

    @Test func aRefusedConnectionIsReportedAtOnceInOneSentence() async throws {
        // Port 9 (discard) is not served on loopback here; a bound-then-closed port would do as well.
        let tap = try tap(["CCTAP_BASE_URL": "http://127.0.0.1:9"])
        let started = Date()
        let error = await tapError { _ = try await tap.listSessions() }
        let seconds = Date().timeIntervalSince(started)
        #expect(error?.kind == "network")
        #expect(error?.message == "Nothing answers at http://127.0.0.1:9 (connection refused): check CCTAP_BASE_URL or your network, then try again.")
        // Four attempts of 10 s each before; one quick retry now. Loose: the figure is in the README.
        #expect(seconds < 15)
    }

    @Test func aRefusedSettingBecomesAnErrorOnEachCall() async throws {
        let host = HostEnvironment(
            variables: ["CCTAP_BASE_URL": "ftp://nowhere", "CCTAP_ACCESS_TOKEN": "t", "CCR_ORG_UUID": "00000000-0000-4000-8000-000000000000"],
            homeDirectory: temporaryHome())
        let configuration = TapConfiguration.fromEnvironmentForServing(host)
        #expect(configuration.refusal != nil)
        let error = await tapError { _ = try await Tap(configuration: configuration).listSessions() }
        #expect(error?.kind == "invalid_argument")
        #expect(error?.message.contains("CCTAP_BASE_URL") == true)
        #expect(error?.message.contains("nothing was sent") == true)
    }

    @Test func anOrganisationMismatchIsNamedAsSuch() async throws {
        try await withEmulator { (h: Harness) async throws in
            for route in ["/v1/code/sessions", "/v1/sessions"] {
                await h.store.addFault(
                    FaultRule(kind: .status, method: "GET", route: route, times: nil, status: 403, message: "Organization mismatch."))
            }
            let error = await tapError { _ = try await h.tap.listSessions() }
            #expect(error?.kind == "permission")
            #expect(error?.message.contains("CCR_ORG_UUID") == true)
            #expect(error?.message.contains("scope") == false)
            #expect(error?.message.contains("..") == false)
        }
    }
}
