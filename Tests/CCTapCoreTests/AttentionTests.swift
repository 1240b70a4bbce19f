@testable import CCTapCore
import CCTapEmulator
import CCTapTestSupport
import Foundation
import Testing

/// Waits for attention against the emulator: following the account watch, polling the list, and
/// what they report. (The board, the reasons and the tokens alone: CCTapModelTests' SessionBoardTests.)
@Suite struct AttentionTests {
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
            #expect(quiet.next == .watchAgain(resumeToken: quiet.resumeToken))

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
