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
        // 2 s an attempt, so each request reaches the emulator (and is counted) however loaded the machine
        // (a sanitizer run); every answer stalls 60 s, so only the client's own timeout ends an attempt.
        try await withEmulator(tune: { $0.requestTimeout = 2; $0.maxAttempts = 2 }) { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .delay, method: "GET", path: "/v1/code/sessions", times: nil, seconds: 60))
            let before = await h.store.requests().count
            let error = await tapError { _ = try await h.tap.listSessions() }
            #expect(error?.kind == "timeout")
            #expect(error?.message.contains("within 2 s") == true)
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
