import CCTapCore
import CCTapEmulator
import Foundation
import Testing

/// Reads against the emulator over real HTTP on loopback.
@Suite struct SessionTests {
    @Test func listFollowsEveryPage() async throws {
        try await withEmulator(tune: { $0.pageSize = 3 }) { (h: Harness) async throws in
            let all = try await h.tap.listSessions()
            // 7 named sessions + 24 filler.
            #expect(all.count == 31)
            #expect(all.pagesRead == 11)
            #expect(Set(all.sessions.map(\.id)).count == 31)
            #expect(all.sessions.contains { $0.title == "Résumé parser — поддержка 日本語 🚀" })
            #expect(all.complete && all.note == nil)
            #expect(Set(all.sessions.map(\.status)) == ["active", "archived"])
            #expect(Set(all.sessions.map(\.workerStatus)).isSuperset(of: ["running", "idle", "requires_action"]))

            let active = try await h.tap.listSessions(status: "active")
            #expect(active.sessions.allSatisfy { $0.status != "archived" })
            #expect(active.count == all.sessions.filter { $0.status != "archived" }.count)
            let archived = try await h.tap.listSessions(status: "archived")
            #expect(archived.count == all.count - active.count)
        }
    }

    @Test func sessionInfoShowsPendingPrompt() async throws {
        try await withEmulator { (h: Harness) async throws in
            let info = try await h.tap.sessionInfo(Seed.pendingPermission)
            #expect(info.session.workerStatus == "requires_action")
            #expect(info.session.status == "active")
            #expect(info.session.connectionStatus == "connected")
            #expect(info.context?["cwd"] == .string("/home/user/infra"))
            let request = try #require(info.pendingPermissions.first)
            #expect(request.requestID == Seed.pendingRequestID)
            #expect(request.toolUseID != request.requestID)
            #expect(request.toolName == "Bash")
            #expect(request.input["command"] == .string("./deploy.sh staging"))
        }
    }

    @Test func cseAndBareIDsWork() async throws {
        try await withEmulator { (h: Harness) async throws in
            let suffix = String(Seed.demo.dropFirst("session_".count))
            // Any spelling is accepted; results show the one the service uses (v2 here).
            for spelling in [Seed.demo, "cse_" + suffix, suffix] {
                #expect(try await h.tap.sessionInfo(spelling).session.id == "cse_" + suffix)
            }
        }
    }

    @Test func transcriptCollapsesStreamedCopies() async throws {
        try await withEmulator { (h: Harness) async throws in
            let transcript = try await h.tap.readSession(Seed.demo, lastN: 10)
            let assistant = transcript.entries.filter { $0.kind == .assistant }
            #expect(assistant.count == 1)
            #expect(assistant.first?.text.hasSuffix("I added an explicit wait.") == true)
            #expect(transcript.entries.map(\.kind) == [.user, .assistant, .turnResult])
            #expect(transcript.hasOlder == false)
        }
    }

    @Test func readsTheNewestOfALongSession() async throws {
        try await withEmulator(testEmulator(longSession: true)) { (h: Harness) async throws in
            let transcript = try await h.tap.readSession(Seed.long, lastN: 6)
            #expect(transcript.entries.count == 6)
            #expect(transcript.hasOlder)
            #expect(transcript.entries.last?.kind == .turnResult)
            let lastUser = try #require(transcript.entries.last { $0.kind == .user })
            #expect(lastUser.text.hasPrefix("Step 1000:"))
            // Reads only the end of the session, not its 5,000 events.
            #expect(transcript.eventsRead <= 200)

            let events = try await h.tap.events(Seed.long, lastN: 50)
            #expect(events.count == 50)
            #expect(events.events.last?["type"] == .string("result"))
            #expect(events.hasOlder)

            let users = try await h.tap.events(Seed.long, types: ["user"], lastN: 30)
            #expect(users.count == 30)
            #expect(users.events.allSatisfy { $0["type"] == .string("user") })
            #expect(users.events.last?["message"]?["content"] == .string("Step 1000: continue the refactor"))
            #expect(users.events.first?["message"]?["content"] == .string("Step 971: continue the refactor"))
        }
    }

    @Test func unknownEventsPassThroughUntouched() async throws {
        try await withEmulator { (h: Harness) async throws in
            // A type we do not know (from a newer Claude Code) must come back exactly as stored.
            await h.store.inject(Seed.demo, event: [
                "type": "future_event_kind", "uuid": "u-1", "payload": ["nested": [1, 2.5, "x", nil]], "flag": true,
            ])
            let events = try await h.tap.events(Seed.demo, lastN: 1)
            let event = try #require(events.events.first)
            #expect(event["type"] == .string("future_event_kind"))
            #expect(event["payload"] == .object(["nested": .array([.int(1), .double(2.5), .string("x"), .null])]))
            #expect(event["flag"] == .bool(true))
            // And the transcript skips it without failing.
            let transcript = try await h.tap.readSession(Seed.demo, lastN: 3)
            #expect(transcript.entries.count == 3)
        }
    }

    @Test func invalidInputFailsBeforeAnyRequest() async throws {
        try await withEmulator { (h: Harness) async throws in
            let before = await h.store.requests().count
            for bad in ["../../v1/sessions", "session_x", "a b c d e f g h", "session_abcdefgh?limit=1"] {
                let error = await tapError { _ = try await h.tap.readSession(bad) }
                #expect(error?.kind == "invalid_argument")
            }
            #expect(await tapError { _ = try await h.tap.readSession(Seed.demo, lastN: 0) }?.kind == "invalid_argument")
            #expect(await tapError { _ = try await h.tap.sendMessage(Seed.demo, message: "  ") }?.kind == "invalid_argument")
            #expect(await tapError { _ = try await h.tap.waitForReply(Seed.demo, cursor: "") }?.kind == "invalid_argument")
            #expect(await h.store.requests().count == before)
        }
    }

    @Test func unknownSessionIsNotFound() async throws {
        try await withEmulator { (h: Harness) async throws in
            let error = await tapError { _ = try await h.tap.sessionInfo("session_01DoesNotExist0000") }
            #expect(error?.kind == "not_found")
            guard case .api(let details)? = error else { return }
            #expect(details.type == "not_found_error")
            #expect(details.requestID?.hasPrefix("req_") == true)
            #expect(error?.nextStep == .findSession)
        }
    }
}
