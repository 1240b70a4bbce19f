import CCTapCore
import CCTapEmulator
import CCTapTestSupport
import Foundation
import Testing

/// Error mapping and retries, with faults injected by the emulator per route.
@Suite struct FaultTests {
    @Test(arguments: [500, 502, 503, 529])
    func readsRetryServerErrors(status: Int) async throws {
        try await withEmulator { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .status, method: "GET", path: "/v1/code/sessions", times: 2, status: status))
            let list = try await h.tap.listSessions()
            #expect(list.count == 31)
        }
    }

    @Test func persistentServerErrorBecomesATypedError() async throws {
        try await withEmulator { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .status, path: "/v1/code/sessions", times: nil, status: 529))
            let error = await tapError { _ = try await h.tap.listSessions() }
            guard case .api(let details)? = error else { Issue.record("expected .api, got \(String(describing: error))"); return }
            #expect(details.status == 529)
            #expect(details.type == "overloaded_error")
            #expect(details.requestID?.hasPrefix("req_") == true)
            #expect(error?.kind == "server")
        }
    }

    @Test func rateLimitHonoursRetryAfter() async throws {
        try await withEmulator { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .status, path: "/events", times: 1, status: 429, retryAfter: 1))
            let started = Date()
            _ = try await h.tap.readSession(Seed.demo)
            #expect(Date().timeIntervalSince(started) >= 0.95)
        }
    }

    @Test func rateLimitWithoutRetryAfterBacksOff() async throws {
        // A backoff is at least half its ceiling: 0.25 s after the first 429 and 0.5 s after the second
        // (ceilings 0.5 s and 1 s), so the read cannot end sooner than 0.75 s after it began.
        try await withEmulator(tune: { $0.initialBackoff = 0.5; $0.maxBackoff = 1 }) { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .status, path: "/events", times: 2, status: 429))
            let before = await h.store.requests().count
            let started = ContinuousClock.now
            let transcript = try await h.tap.readSession(Seed.demo)
            let elapsed = ContinuousClock.now - started
            #expect(transcript.entries.count == 3)
            #expect(await h.store.pendingFaults().isEmpty)  // both 429s were answered
            #expect(await h.store.requests().dropFirst(before).filter { $0.contains("/events") }.count == 3)
            #expect(elapsed >= .milliseconds(750))
        }
    }

    @Test func longRetryAfterIsReturnedNotWaited() async throws {
        try await withEmulator { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .status, path: "/events", times: 1, status: 429, retryAfter: 600))
            let error = await tapError { _ = try await h.tap.readSession(Seed.demo) }
            guard case .api(let details)? = error else { Issue.record("expected .api"); return }
            #expect(details.retryAfterSeconds == 600)
            #expect(details.explanation.contains("wait 600 s"))
        }
    }

    @Test func cloudflarePageIsDescribed() async throws {
        try await withEmulator { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .cloudflare, path: "/v1/code/sessions", times: 1))
            let error = await tapError { _ = try await h.tap.listSessions() }
            guard case .api(let details)? = error else { Issue.record("expected .api"); return }
            #expect(details.status == 403)
            #expect(details.type == "non_json_body")
            #expect(details.message.contains("Just a moment..."))
        }
    }

    @Test func nonJSONGatewayErrorIsRetried() async throws {
        try await withEmulator { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .nonJSON, path: "/v1/code/sessions", times: 1, status: 502))
            #expect(try await h.tap.listSessions().count == 31)
        }
    }

    @Test func malformedAndTruncatedBodiesAreClearErrorsOrRetried() async throws {
        try await withEmulator { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .malformedJSON, method: "GET", path: "/v1/code/sessions/", times: 1))
            let error = await tapError { _ = try await h.tap.sessionInfo(Seed.demo) }
            #expect(error?.kind == "bad_response")
            #expect(error?.message.contains("not valid JSON") == true)

            // A cut connection is a network error, and reads retry those.
            await h.store.addFault(FaultRule(kind: .truncatedBody, method: "GET", path: "/v1/code/sessions/", times: 1))
            #expect(try SessionID(await h.tap.sessionInfo(Seed.demo).session.id) == SessionID(Seed.demo))
        }
    }

    @Test func connectionResetOnReadIsRetried() async throws {
        try await withEmulator { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .resetBefore, method: "GET", path: "/events", times: 2))
            #expect(try await h.tap.readSession(Seed.demo).entries.count == 3)
        }
    }

    @Test func stallLongerThanTheTimeoutIsReported() async throws {
        try await withEmulator(tune: { $0.requestTimeout = 0.5; $0.maxAttempts = 2 }) { (h: Harness) async throws in
            // Every answer stalls 6 s: a client that waited one out would get the list, not an error.
            await h.store.addFault(FaultRule(kind: .delay, method: "GET", path: "/v1/code/sessions", times: nil, seconds: 6))
            let before = await h.store.requests().count
            let error = await tapError { _ = try await h.tap.listSessions() }
            #expect(error?.kind == "timeout")
            #expect(error?.message.contains("within 1 s") == true)
            // Each attempt gave up after its own timeout: two attempts, no more.
            #expect(await h.store.requests().dropFirst(before).filter { $0.contains("/v1/code/sessions") }.count == 2)
        }
    }

    @Test func oversizedBodiesAreRefusedNotRetried() async throws {
        try await withEmulator(testEmulator(longSession: true), tune: { $0.maxResponseBytes = 8 * 1024 }) { (h: Harness) async throws in
            let before = await h.store.requests().count
            let error = await tapError { _ = try await h.tap.events(Seed.long, lastN: 1000) }
            #expect(error?.kind == "bad_response")
            #expect(error?.message.contains("more than 8 KiB; refused") == true)
            #expect(await h.store.requests().count == before + 1)
            // Small answers still pass.
            #expect(try SessionID(await h.tap.sessionInfo(Seed.demo).session.id) == SessionID(Seed.demo))
        }
    }

    @Test func notFoundIsNotRetried() async throws {
        try await withEmulator { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .status, path: "sessions/", times: 5, status: 404))
            let before = await h.store.requests().count
            #expect(await tapError { _ = try await h.tap.sessionInfo(Seed.demo) }?.kind == "not_found")
            // One ask in each dialect (a 404 may mean the route is not served), no retries.
            #expect(await h.store.requests().count == before + 2)
        }
    }
}

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
            #expect(!sent.confirmedFromEvents)
            #expect(sent.attempts == 2)
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

    @Test func unreadableSuccessBodyIsStillASuccess() async throws {
        // The POST's answer body is not documented, so a 2xx is success whatever it holds.
        try await withEmulator { (h: Harness) async throws in
            let sent = try await send(h, FaultRule(kind: .malformedJSON, method: "POST", path: "/events"))
            #expect(sent.attempts == 1)
            #expect(await h.store.storedCount(uuid: sent.uuid) == 1)
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
            #expect(error?.message.contains("before sending it again") == true)
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
            // Nobody answers, and the session check the quiet wait makes is refused.
            for route in ["/v1/code/sessions/{id}", "/v1/sessions/{id}"] {
                await h.store.addFault(FaultRule(kind: .status, method: "GET", route: route, times: nil, status: 404))
            }
            let error = await tapError { _ = try await h.tap.sendAndWait(Seed.disconnected, message: "still there?", timeout: 20) }
            guard case .waitFailedAfterSend(let uuid, let cursor, let cause)? = error else {
                Issue.record("expected waitFailedAfterSend, got \(String(describing: error))")
                return
            }
            #expect(cause.kind == "not_found")
            #expect(error?.kind == "not_found")
            #expect(error?.message.contains("sent and stored") == true)
            #expect(error?.message.contains("wait_for_reply with cursor \(cursor)") == true)
            #expect(await h.store.storedCount(uuid: uuid) == 1)
        }
    }

    @Test func clientErrorIsFinal() async throws {
        try await withEmulator { (h: Harness) async throws in
            let error = await tapError { _ = try await h.tap.sendMessage(Seed.archived, message: "hello?") }
            #expect(error?.kind == "api")
            #expect(error?.message.contains("archived") == true)
        }
    }
}
