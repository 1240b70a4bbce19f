@testable import CCTapCore
import CCTapEmulator
import CCTapTestSupport
import Foundation
import Testing

/// Knowing which session needs its user: the reasons on summaries, the shared board, and waits
/// that follow the account watch or poll the list.
@Suite struct AttentionTests {
    // MARK: Pure parts

    static func object(_ id: String, worker: String = "idle", unread: Bool = false, connection: String = "connected",
                       pending: JSONValue? = nil, at: String = "2026-11-29T10:00:00Z", status: String = "active") -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(id), "status": .string(status), "worker_status": .string(worker),
            "connection_status": .string(connection), "unread": .bool(unread), "last_event_at": .string(at),
        ]
        if let pending { fields["external_metadata"] = ["pending_action": pending] }
        return .object(fields)
    }

    @Test func summariesSayWhyASessionNeedsItsUser() {
        let cases: [(JSONValue, AttentionReason?)] = [
            (Self.object("cse_01HAAAAAAAAAA1", worker: "requires_action", pending: ["type": "permission", "request_id": "r1"]), .permission),
            (Self.object("cse_01HAAAAAAAAAA2", worker: "requires_action", pending: ["type": "request_user_dialog"]), .input),
            (Self.object("cse_01HAAAAAAAAAA3", worker: "requires_action"), .permission),
            (Self.object("cse_01HAAAAAAAAAA4", unread: true), .unreadResult),
            (Self.object("cse_01HAAAAAAAAAA5", worker: "running", unread: true), nil),
            (Self.object("cse_01HAAAAAAAAAA6", worker: "running", connection: "disconnected"), .disconnected),
            (Self.object("cse_01HAAAAAAAAAA7", connection: "disconnected"), nil),
            (Self.object("cse_01HAAAAAAAAAA8", unread: true, status: "archived"), nil),
            (Self.object("cse_01HAAAAAAAAAA9"), nil),
        ]
        for (json, reason) in cases {
            let summary = SessionSummary(json)
            #expect(summary.attentionReason == reason, "\(summary.id)")
            #expect(summary.needsAttention == (reason != nil))
        }
    }

    @Test func theBoardFollowsWatchFramesAndReportsEachOccasionOnce() throws {
        var board = SessionBoard()
        let first = board.replace(with: [SessionSummary(Self.object("cse_01HAAAAAAAAAA1")), SessionSummary(Self.object("cse_01HAAAAAAAAAA2", status: "archived"))])
        #expect(first.changed && first.membership)
        #expect(board.sessions.keys.sorted() == ["cse_01HAAAAAAAAAA1"])
        #expect(board.freshAttention(scope: nil, seen: []).isEmpty)

        // A prompt appears: one fresh occasion; told once, it is not fresh again.
        let blocked = Self.object("session_01HAAAAAAAAAA1", worker: "requires_action", pending: ["type": "permission", "request_id": "r1"])
        #expect(board.apply(frame: "changed", data: blocked) == .init(changed: true, membership: false))
        let fresh = board.freshAttention(scope: nil, seen: [])
        #expect(fresh.map(\.session.attentionReason) == [.permission])
        let seen = Set(fresh.map(\.occasion))
        #expect(board.freshAttention(scope: nil, seen: seen).isEmpty)
        // The same frame again changes nothing; a second prompt is a new occasion.
        #expect(board.apply(frame: "changed", data: blocked) == .init())
        board.apply(frame: "changed", data: Self.object("cse_01HAAAAAAAAAA1", worker: "requires_action", pending: ["type": "permission", "request_id": "r2"]))
        #expect(board.freshAttention(scope: nil, seen: seen).count == 1)
        // Scope keeps other sessions out; added/removed change membership; unknown frames change nothing.
        #expect(board.apply(frame: "added", data: Self.object("cse_01HAAAAAAAAAB1", unread: true)).membership)
        #expect(board.freshAttention(scope: ["cse_01HAAAAAAAAAB1"], seen: []).map(\.session.id) == ["cse_01HAAAAAAAAAB1"])
        #expect(board.apply(frame: "removed", data: ["id": "cse_01HAAAAAAAAAB1"]) == .init(changed: true, membership: true))
        #expect(board.apply(frame: "some_future_frame", data: ["id": "cse_01HAAAAAAAAAA1"]) == .init())
        #expect(board.apply(frame: "changed", data: ["no_id": true]) == .init())
        #expect(board.apply(frame: "changed", data: Self.object("cse_01HAAAAAAAAAA1", status: "archived")).membership)
        #expect(board.sessions.isEmpty)
    }

    @Test func resumeTokensRoundTripAndRefuseForgeries() throws {
        let occasions: Set<String> = ["cse_01HAAAAAAAAAA1|permission|r1", "cse_01HB|unread_result|2026-11-29T10:00:00Z ✨"]
        let token = AttentionResumeToken.encode(occasions)
        #expect(token.hasPrefix("att2."))
        let read = try AttentionResumeToken.decode(token)
        #expect(read == AttentionResumeToken(occasions))
        #expect(occasions.allSatisfy(read.contains))
        #expect(!read.contains("cse_01HAAAAAAAAAA1|permission|r2"))
        #expect(try AttentionResumeToken.decode(AttentionResumeToken.encode([])).count == 0)
        // The first format is still read.
        let first = "att1." + "cse_01HAAAAAAAAAA1|permission|r1".utf8.map { String(format: "%02x", $0) }.joined()
        #expect(try AttentionResumeToken.decode(first).contains("cse_01HAAAAAAAAAA1|permission|r1"))
        for bad in ["", "seq:4", "att1.zz", "att1.abc", "att2.abc", "att2.zzzzzzzzzzzzzzzz", String(repeating: "a", count: 300_000)] {
            #expect(throws: TapError.self) { try AttentionResumeToken.decode(bad) }
        }
    }

    @Test func aBlockedSessionsAnsweredPromptIsToldApartFromOneNotShown() {
        let request: JSONValue = [
            "type": "control_request", "request_id": "r1", "request": ["subtype": "can_use_tool", "tool_name": "Bash", "input": [:]],
        ]
        let answer: JSONValue = ["type": "control_response", "response": ["subtype": "success", "request_id": "r1"]]
        let result: JSONValue = ["type": "result", "subtype": "success"]
        #expect(TurnReading.promptAnswered([request, answer]))  // dropped: nothing to do
        #expect(!TurnReading.promptAnswered([request]))  // still open: reported with its prompt
        // No prompt in this turn's events: reported as blocked with the prompt not visible here.
        #expect(!TurnReading.promptAnswered([request, answer, result]))
        #expect(!TurnReading.promptAnswered([]))
    }

    @Test func resumeTokensStayShortWhateverTheNumberOfSessions() throws {
        // Issue 22: 11 blocked sessions made a token of 2,700 characters; now 16 a session, capped.
        let eleven = (1...11).map { "cse_01HAAAAAAAAAA\($0)|permission|2026-12-02T10:00:00.123456Z" }
        #expect(AttentionResumeToken.encode(eleven).count == 5 + 11 * 16)
        let many = (1...5_000).map { "cse_\($0)|unread_result|2026-12-02T10:00:00Z" }
        let token = AttentionResumeToken.encode(many)
        #expect(token.count == 5 + AttentionResumeToken.maxOccasions * 16)
        #expect(try AttentionResumeToken.decode(token).count == AttentionResumeToken.maxOccasions)
    }

    // MARK: Against the emulator

    @Test func listsFilterOnNeedsAttention() async throws {
        try await withEmulator { (h: Harness) async throws in
            let list = try await h.tap.listSessions(status: "needs_attention")
            let reasons = Dictionary(uniqueKeysWithValues: list.sessions.map { (SessionBoard.key($0.id), $0.attentionReason) })
            #expect(reasons[SessionBoard.key(Seed.pendingPermission)] == .permission)
            #expect(reasons[SessionBoard.key(Seed.demo)] == .unreadResult)
            #expect(reasons[SessionBoard.key(Seed.archived)] == nil)
            #expect(list.sessions.allSatisfy { $0.needsAttention })
            let all = try await h.tap.listSessions()
            #expect(all.sessions.filter(\.needsAttention).count == list.count)
            let error = await tapError { _ = try await h.tap.listSessions(status: "blocked") }
            #expect(error?.errorKind == .invalidArgument)
            #expect(error?.message.contains("needs_attention") == true)
        }
    }

    /// Each wait reports what is new since its resume token; a prompt arriving while several waits
    /// pend reaches all of them over one watch stream.
    @Test func waitsFollowTheWatchAndReportEachOccasionOnce() async throws {
        try await withEmulator { (h: Harness) async throws in
            let first = try await h.tap.waitForAttention(timeout: 30)
            #expect(first.status == .attention)
            let pending = try #require(first.items.first { SessionBoard.key($0.session.id) == SessionBoard.key(Seed.pendingPermission) })
            #expect(pending.reason == .permission)
            #expect(pending.pendingPermissions.map(\.requestID) == [Seed.pendingRequestID])
            let unread = try #require(first.items.first { SessionBoard.key($0.session.id) == SessionBoard.key(Seed.demo) })
            #expect(unread.reason == .unreadResult && !unread.reply.isEmpty)

            // Nothing new: the resume token keeps the same occasions from coming back.
            let quiet = try await h.tap.waitForAttention(timeout: 0.5, resumeToken: first.resumeToken)
            #expect(quiet.status == .timeout && quiet.items.isEmpty)
            #expect(quiet.next == .watchAgain)

            let created = await h.store.createSession(turns: 0, title: "Watched")
            let token = quiet.resumeToken
            async let a = h.tap.waitForAttention(timeout: 60, resumeToken: token)
            async let b = h.tap.waitForAttention(sessions: [created], timeout: 60, resumeToken: token)
            async let c = h.tap.waitForAttention(sessions: [created, Seed.demo], timeout: 60, resumeToken: token)
            // Once the three are subscribed (one watch open), the session asks for permission.
            #expect(await eventually { await h.store.openWatchCount == 1 })
            _ = try await h.tap.sendMessage(created, message: "please ask permission to run ls")
            let results = try await [a, b, c]
            #expect(await h.store.openWatchCount == 1)
            for result in results {
                #expect(result.status == .attention)
                #expect(result.source == "watch")
                let item = try #require(result.items.first)
                #expect(SessionBoard.key(item.session.id) == SessionBoard.key(created))
                #expect(item.reason == .permission)
                let info = try await h.tap.sessionInfo(created)
                #expect(item.pendingPermissions.map(\.requestID) == info.pendingPermissions.map(\.requestID))
                #expect(!item.pendingPermissions.isEmpty)
            }
            // Answered: the turn ends unread, which is a new occasion.
            let request = try #require(results[0].items.first?.pendingPermissions.first)
            _ = try await h.tap.respondToPermission(created, requestID: request.requestID, decision: .allow)
            let done = try await h.tap.waitForAttention(sessions: [created], timeout: 60, resumeToken: results[1].resumeToken)
            #expect(done.items.map(\.reason) == [.unreadResult])
            #expect(done.items.first?.reply.isEmpty == false)
        }
    }

    @Test func whereTheWatchIsNotServedTheListIsPolled() async throws {
        var emulator = testEmulator()
        emulator.watchServed = false
        try await withEmulator(emulator) { (h: Harness) async throws in
            let first = try await h.tap.waitForAttention(timeout: 30)
            let created = await h.store.createSession(turns: 0, title: "Polled")
            async let next = h.tap.waitForAttention(sessions: [created], timeout: 60, resumeToken: first.resumeToken)
            _ = try await h.tap.sendMessage(created, message: "ask permission to run ls")
            let result = try await next
            #expect(result.status == .attention)
            #expect(result.source == "poll")
            #expect(result.items.first?.reason == .permission)
            #expect(await h.store.openWatchCount == 0)
        }
    }

    /// A token the service considers stale opens a stream that sends one keepalive and then
    /// nothing; the watch notices by its stall timeout and, twice empty, polls instead.
    @Test func aSilentlyDeadWatchIsGivenUpForPolling() async throws {
        var emulator = testEmulator()
        emulator.watchTokenStaleSeconds = 0
        emulator.streamKeepaliveSeconds = 60
        try await withEmulator(emulator, tune: { $0.streamStallTimeout = 0.5; $0.streamInitialBackoff = 0.05 }) {
            (h: Harness) async throws in
            let first = try await h.tap.waitForAttention(timeout: 30)
            let created = await h.store.createSession(turns: 0, title: "Dead watch")
            async let next = h.tap.waitForAttention(sessions: [created], timeout: 60, resumeToken: first.resumeToken)
            #expect(await eventually { h.tap.attentionSource == .poll })
            // Both dead opens were made with the web platform the watch requires.
            let opens = (await h.store.recordedRequests().arrayValue ?? []).filter {
                $0["request"]?.stringValue?.contains("/v1/code/sessions/watch?") == true
            }
            #expect(opens.count >= 2)
            #expect(opens.allSatisfy { $0["anthropic_client_platform"] == "web_claude_ai" })
            _ = try await h.tap.sendMessage(created, message: "ask permission to run ls")
            let result = try await next
            #expect(result.source == "poll")
            #expect(result.items.first?.reason == .permission)
        }
    }

    /// Followers of the account get the whole picture first, then only what changed: an appearance,
    /// a change (with the new attention reason), a removal.
    @Test func sessionUpdatesSayWhatChanged() async throws {
        try await withEmulator { (h: Harness) async throws in
            var updates = h.tap.sessionUpdates().makeAsyncIterator()
            let first = try #require(await updates.next())
            #expect(first.appeared.count == first.sessions.count && first.changed.isEmpty && first.removed.isEmpty)
            #expect(!first.sessions.contains { $0.status == "archived" })

            let created = await h.store.createSession(turns: 0, title: "Followed")
            let key = SessionBoard.key(created)
            let appeared = try #require(await updates.next())
            #expect(appeared.appeared == [key] && appeared.membershipChanged)

            _ = try await h.tap.sendMessage(created, message: "ask permission to run ls")
            var blocked = false
            while !blocked, let update = await updates.next() {
                #expect(update.changed == [key] && !update.membershipChanged)
                blocked = update.sessions.first { SessionBoard.key($0.id) == key }?.attentionReason == .permission
            }
            _ = await h.store.archive(created)
            var removed = false
            while !removed, let update = await updates.next() { removed = update.removed == [key] }
            #expect(removed)
        }
    }

    /// A wait whose reads of the sessions fail until it ends says why, instead of a "nothing new"
    /// it could not know.
    @Test func aWaitWhoseReadsFailSaysSoInsteadOfTimingOut() async throws {
        var emulator = testEmulator()
        emulator.watchServed = false
        try await withEmulator(emulator) { (h: Harness) async throws in
            let first = try await h.tap.waitForAttention(timeout: 5)
            await h.store.rotateTokens(["sk-ant-oat01-someone-else-0000000000"])
            let error = await tapError { _ = try await h.tap.waitForAttention(timeout: 2, resumeToken: first.resumeToken) }
            #expect(error?.errorKind == .authentication)
        }
    }

    @Test func badArgumentsAreRefusedWithTheReason() async throws {
        try await withEmulator { (h: Harness) async throws in
            let forged = await tapError { _ = try await h.tap.waitForAttention(timeout: 1, resumeToken: "seq:12") }
            #expect(forged?.errorKind == .invalidArgument)
            #expect(forged?.message.contains("resume_token") == true)
            let missing = await tapError { _ = try await h.tap.waitForAttention(sessions: ["cse_01HNoSuchSession0099"], timeout: 5) }
            #expect(missing?.errorKind == .invalidArgument)
            #expect(missing?.nextStep == .findSession)
            let archived = await tapError { _ = try await h.tap.waitForAttention(sessions: [Seed.archived], timeout: 5) }
            #expect(archived?.message.contains("archived") == true)
            let tooLong = await tapError { _ = try await h.tap.waitForAttention(timeout: 1e9) }
            #expect(tooLong?.errorKind == .invalidArgument)
        }
    }
}
