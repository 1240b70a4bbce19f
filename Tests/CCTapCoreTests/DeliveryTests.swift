import CCTapCore
import CCTapEmulator
import CCTapTestSupport
import Foundation
import Testing

/// A user message is stored exactly once, or the caller is told it may not have been.
@Suite struct DeliveryTests {
    func send(_ h: Harness, _ fault: FaultRule) async throws -> SendResult {
        await h.store.addFault(fault)
        return try await h.tap.sendMessage(Seed.disconnected, message: "exactly once please")
    }

    @Test func resetAfterStoringIsConfirmedNotResent() async throws {
        try await withEmulator { (h: Harness) async throws in
            let sent = try await send(h, FaultRule(kind: .resetAfter, method: "POST", path: "/events"))
            #expect(sent.confirmedFromEvents)
            #expect(sent.attempts == 1)
            #expect(await h.store.storedCount(uuid: sent.uuid) == 1)
        }
    }

    @Test func resetBeforeStoringIsResentOnce() async throws {
        try await withEmulator { (h: Harness) async throws in
            let sent = try await send(h, FaultRule(kind: .resetBefore, method: "POST", path: "/events"))
            #expect(sent.attempts == 2)
            #expect(await h.store.receivedCount(uuid: sent.uuid) == 1)
            #expect(await h.store.storedCount(uuid: sent.uuid) == 1)
        }
    }

    @Test(arguments: [500, 502, 503, 529])
    func serverErrorBeforeStoringIsResent(status: Int) async throws {
        try await withEmulator { (h: Harness) async throws in
            let sent = try await send(h, FaultRule(kind: .status, method: "POST", path: "/events", status: status))
            #expect(sent.attempts == 2)
            #expect(await h.store.storedCount(uuid: sent.uuid) == 1)
        }
    }

    @Test func rateLimitedSendWaitsAndSendsOnce() async throws {
        try await withEmulator { (h: Harness) async throws in
            let sent = try await send(h, FaultRule(kind: .status, method: "POST", path: "/events", status: 429, retryAfter: 1))
            #expect(sent.attempts == 2)
            #expect(await h.store.storedCount(uuid: sent.uuid) == 1)
        }
    }

    @Test func unreadableSuccessBodyIsConfirmedFromTheEvents() async throws {
        // The POST's answer body is not documented: a 2xx that does not name the message is checked
        // against the session's events, where this one is.
        try await withEmulator { (h: Harness) async throws in
            let sent = try await send(h, FaultRule(kind: .malformedJSON, method: "POST", path: "/events"))
            #expect(sent.attempts == 1)
            #expect(sent.confirmedFromEvents)
            #expect(await h.store.storedCount(uuid: sent.uuid) == 1)
        }
    }

    @Test(arguments: ["{", "{}", #"{"data":[]}"#, #"{"data":[{"id":"evt_doesnotexist"}]}"#])
    func aSuccessThatStoredNothingIsNeverReportedSent(body: String) async throws {
        try await withEmulator { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .acceptWithoutStoring, method: "POST", path: "/events", body: body))
            let started = Date()
            let error = await tapError { _ = try await h.tap.sendMessage(Seed.disconnected, message: "lost on the way") }
            guard case .sendOutcomeUnknown(let uuid, let detail)? = error else {
                Issue.record("expected sendOutcomeUnknown, got \(String(describing: error))")
                return
            }
            #expect(detail.contains("not among the session's events"))
            #expect(error?.message.contains("may or may not have been stored") == true)
            // It looked for the whole window, and posted only once.
            #expect(Date().timeIntervalSince(started) >= StoreConfirmation.window - 0.5)
            #expect(await h.store.storedCount(uuid: uuid) == 0)
        }
    }

    @Test func aSendAndWaitsTimeoutBoundsItsStalledPost() async throws {
        // The post's own timeout is 35 s; a wait of 2 s cuts it to its floor of 5 s, and the look for the
        // message after it stops at the deadline too (it took 36 s for `--timeout 15` before).
        try await withEmulator { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .hold, method: "POST", path: "/events"))
            let started = Date()
            let error = await tapError { _ = try await h.tap.sendAndWait(Seed.disconnected, message: "stalled post", timeout: 2) }
            let seconds = Date().timeIntervalSince(started)
            guard case .sendOutcomeUnknown(let uuid, let detail)? = error else {
                Issue.record("expected sendOutcomeUnknown, got \(String(describing: error))")
                return
            }
            #expect(detail.contains("time allowed ran out"))
            // The post gets 5 s at least (a cold start); loose for a busy machine, far below the 35 s
            // post timeout and 6 s of looking the wait used to sit out.
            #expect(seconds < 15)
            await h.store.releaseHeldRequests()
            #expect(await eventually { await h.store.requestsInProgress == 0 })
            #expect(await h.store.storedCount(uuid: uuid) == 1)
        }
    }

    @Test func timeoutIsNeverResentBlindly() async throws {
        try await withEmulator(tune: { $0.sendTimeout = 0.5 }) { (h: Harness) async throws in
            // The post is held past the client's timeout until the client has answered, however slow the
            // machine: its check then finds nothing stored, so it cannot know.
            await h.store.addFault(FaultRule(kind: .hold, method: "POST", path: "/events"))
            let error = await tapError { _ = try await h.tap.sendMessage(Seed.disconnected, message: "slow post") }
            guard case .sendOutcomeUnknown(let uuid, _)? = error else {
                Issue.record("expected sendOutcomeUnknown, got \(String(describing: error))")
                return
            }
            #expect(error?.nextStep == .readBeforeResending)
            #expect(await h.store.storedCount(uuid: uuid) == 0)
            // The stalled request completes on the server: stored once, never twice.
            await h.store.releaseHeldRequests()
            #expect(await eventually { await h.store.requestsInProgress == 0 })
            #expect(await h.store.storedCount(uuid: uuid) == 1)
            #expect(await h.store.receivedCount(uuid: uuid) == 1)
        }
    }

    @Test func aWaitThatFailsAfterSendingSaysTheMessageWasSent() async throws {
        try await withEmulator(tune: { $0.sessionCheckInterval = 0.3 }) { (h: Harness) async throws in
            // Nobody answers, and the session check the quiet wait makes is refused (once the send
            // is stored: the look before it reads the session too).
            let sending = Task { await tapError { _ = try await h.tap.sendAndWait(Seed.disconnected, message: "still there?", timeout: 20) } }
            #expect(await eventually { await h.store.allEvents(Seed.disconnected).contains { $0["message"]?["content"]?.stringValue == "still there?" } })
            for route in ["/v1/code/sessions/{id}", "/v1/sessions/{id}"] {
                await h.store.addFault(FaultRule(kind: .status, method: "GET", route: route, times: nil, status: 404))
            }
            let error = await sending.value
            guard case .waitFailedAfterSend(let uuid, let cursor, let cause)? = error else {
                Issue.record("expected waitFailedAfterSend, got \(String(describing: error))")
                return
            }
            #expect(cause.kind == "not_found")
            #expect(error?.kind == "not_found")
            #expect(error?.message.contains("sent and stored") == true)
            #expect(error?.nextStep == .waitAgain(cursor: cursor))
            #expect(await h.store.storedCount(uuid: uuid) == 1)
        }
    }

    @Test func clientErrorIsFinal() async throws {
        try await withEmulator { (h: Harness) async throws in
            // The look before the send sees the session archived: nothing is posted.
            let error = await tapError { _ = try await h.tap.sendMessage(Seed.archived, message: "hello?") }
            #expect(error?.kind == "invalid_argument")
            #expect(error?.message.contains("archived") == true)
            #expect(error?.message.contains("nothing was sent") == true)
            #expect(!(await h.store.requests().contains { $0.hasPrefix("POST") && $0.contains("/events") }))
        }
    }
}
