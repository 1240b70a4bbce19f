import CCTapCore
import CCTapEmulator
import CCTapTestFiles
import CCTapTestSupport
import Foundation
import Testing

/// Every operation in each world a user may meet: a service with both route generations, only the
/// 2026 `/v1/code/sessions` routes, or only the older `/v1/sessions` compat routes.
@Suite struct DialectTests {
    /// The service's requests after `before`, as "METHOD /path?query" lines.
    func requests(_ h: Harness, after before: Int) async -> [String] {
        Array(await h.store.requests().dropFirst(before))
    }

    @Test(arguments: EmulatorDialect.allCases)
    func everyOperationWorks(in world: EmulatorDialect) async throws {
        try await withEmulator(testEmulator(dialect: world)) { (h: Harness) async throws in
            let spelled = world == .v1 ? Seed.demo : "cse_" + Seed.demo.dropFirst("session_".count)

            let list = try await h.tap.listSessions()
            #expect(list.count == 31)
            #expect(list.complete)
            #expect(list.sessions.contains { $0.id == spelled })
            #expect(list.sessions.contains { $0.workerStatus == "requires_action" })
            #expect(try await h.tap.listSessions(status: "archived").sessions.allSatisfy { $0.status == "archived" })

            let info = try await h.tap.sessionInfo(Seed.pendingPermission)
            #expect(info.session.workerStatus == "requires_action")
            #expect(info.pendingPermissions.first?.requestID == Seed.pendingRequestID)
            if world != .v1 {
                #expect(info.session.environmentKind == "bridge")
                #expect(info.session.pendingAction?["request_id"] == .string(Seed.pendingRequestID))
            }

            let transcript = try await h.tap.readSession(Seed.demo)
            #expect(transcript.entries.map(\.kind) == [.user, .assistant, .turnResult])
            #expect(transcript.sessionID == spelled)
            #expect(try await h.tap.events(Seed.demo, lastN: 2).events.last?["type"] == "result")

            let cursor = try await h.tap.latestCursor(Seed.demo)
            #expect(cursor.hasPrefix("seq:") == (world != .v1))

            let reply = try await h.tap.sendAndWait(Seed.demo, message: "hello from \(world)", timeout: 60)
            #expect(reply.status == .complete)
            #expect(reply.reply.contains("hello from \(world)"))
            #expect(reply.sessionID == spelled)
            #expect(reply.eventSource == (world == .v1 ? .pollV1 : .stream))

            let answered = try await h.tap.respondToPermission(
                Seed.pendingPermission, requestID: Seed.pendingRequestID, decision: .allow)
            #expect(answered.requestID == Seed.pendingRequestID)
            #expect(try await eventually { try await h.tap.sessionInfo(Seed.pendingPermission).session.workerStatus == "idle" })

            // Nothing speaks a generation the world does not serve once it has been learned, and a
            // world with v2 never needs v1 at all.
            let all = await h.store.requests()
            switch world {
            case .both, .v2:
                #expect(all.allSatisfy { !$0.contains(" /v1/sessions") })
            case .v1:
                break
            }
        }
    }

    @Test func bothWorldsLearnOnceThenCostNothingExtra() async throws {
        // v1 only: each family asks v2 once, learns v1, and asks v1 directly from then on.
        try await withEmulator(testEmulator(dialect: .v1)) { (h: Harness) async throws in
            func round() async throws {
                _ = try await h.tap.listSessions()
                _ = try await h.tap.sessionInfo(Seed.demo)
                _ = try await h.tap.readSession(Seed.demo)
                _ = try await h.tap.sendMessage(Seed.demo, message: "one more")
            }
            let start = await h.store.requests().count
            try await round()
            let firstRound = await requests(h, after: start)
            #expect(firstRound.filter { $0.contains("/v1/code/") }.count == 4)  // list, session, history, send
            let middle = await h.store.requests().count
            try await round()
            let secondRound = await requests(h, after: middle)
            #expect(secondRound.allSatisfy { !$0.contains("/v1/code/") })
            #expect(secondRound.count == firstRound.count - 4)
        }
    }

    @Test func writesGoThroughV2WithThePayloadWrapper() async throws {
        try await withEmulator(testEmulator(dialect: .both)) { (h: Harness) async throws in
            let before = await h.store.requests().count
            let sent = try await h.tap.sendMessage(Seed.demo, message: "wrapped?")
            _ = try await h.tap.interrupt(Seed.demo)
            let posts = await requests(h, after: before).filter { $0.hasPrefix("POST") }
            #expect(posts.count == 2)
            #expect(posts.allSatisfy { $0.contains("/v1/code/sessions/cse_") && $0.hasSuffix("/events") })
            #expect(await h.store.storedCount(uuid: sent.uuid) == 1)
        }
    }

    @Test func theRoutesGetTheHeadersCurrentClientsSend() async throws {
        try await withEmulator(testEmulator(dialect: .both)) { (h: Harness) async throws in
            _ = try await h.tap.sendAndWait(Seed.demo, message: "headers", timeout: 60)
            _ = try await h.tap.listSessions()
            let recorded = (await h.store.recordedRequests()).arrayValue ?? []
            let service = recorded.filter { $0["request"]?.stringValue?.contains("/sessions") == true }
            #expect(!service.isEmpty)
            for request in service {
                #expect(request["anthropic_client_platform"] == "claude_code_remote")
                let line = request["request"]?.stringValue ?? ""
                if line.contains("/v1/code/") && !line.contains("/events/stream") {
                    #expect(request["accept"] == .null, "no explicit Accept on \(line)")
                    #expect(request["anthropic_beta"] == .null, "no beta on \(line)")
                }
                #expect(request["trusted_device_token"] == .null)  // none stored, none sent
            }
        }
    }

    @Test func trustedDeviceTokenIsSentWhenStoredAndNeverShown() async throws {
        var configuration = testEmulator()
        configuration.trustedDeviceToken = "tdt-\(UUID().uuidString)"
        let device = try #require(configuration.trustedDeviceToken)
        // Without it, an organisation that requires Trusted Devices refuses.
        try await withEmulator(configuration) { (h: Harness) async throws in
            let error = await tapError { _ = try await h.tap.listSessions() }
            #expect(error?.message.contains("trusted device") == true)
        }
        // From the credentials file, beside claudeAiOauth, as Claude Code keeps it.
        try await withEmulator(configuration, variables: ["CCR_ORG_UUID": configuration.organizationUUID]) { (h: Harness) async throws in
            write(
                #"{"claudeAiOauth": {"accessToken": "\#(EmulatorConfiguration.defaultToken)"}, "trustedDeviceToken": "\#(device)"}"#,
                to: h.home + "/.claude/.credentials.json")
            _ = try await h.tap.sendAndWait(Seed.demo, message: "trusted", timeout: 60)
            #expect(try await h.tap.listSessions().count == 31)
            let recorded = (await h.store.recordedRequests()).arrayValue ?? []
            #expect(recorded.filter { $0["request"]?.stringValue?.contains("/sessions") == true }
                .allSatisfy { $0["trusted_device_token"] == "valid" })
            let credential = try h.tap.credential()
            #expect(credential.hasTrustedDeviceToken)
            #expect(!"\(credential)".contains(device))
        }
        // From the environment, which overrides the file.
        try await withEmulator(configuration, extraVariables: ["CCTAP_TRUSTED_DEVICE_TOKEN": device]) { (h: Harness) async throws in
            #expect(try await h.tap.listSessions().count == 31)
        }
    }

    @Test func aRefusedPageParameterGivesAPartialListNotAnError() async throws {
        try await withEmulator(testEmulator(), tune: { $0.pageSize = 10 }) { (h: Harness) async throws in
            // Both names the sources imply are refused: the first page is still worth showing.
            for parameter in ["cursor=", "page="] {
                await h.store.addFault(FaultRule(kind: .status, method: "GET", path: "/v1/code/sessions", query: parameter, times: 1, status: 400))
            }
            let list = try await h.tap.listSessions()
            #expect(list.count == 10)
            #expect(!list.complete)
            #expect(list.note?.contains("refused the next page") == true)
            #expect(await h.store.pendingFaults().isEmpty)
        }
        try await withEmulator(testEmulator(), tune: { $0.pageSize = 10 }) { (h: Harness) async throws in
            // `cursor` refused, `page` answered: the whole list.
            await h.store.addFault(FaultRule(kind: .status, method: "GET", path: "/v1/code/sessions", query: "cursor=", times: nil, status: 400))
            let list = try await h.tap.listSessions()
            // The emulator ignores `page` (unknown parameters pass), so its answer repeats page one.
            #expect(!list.complete)
            #expect(list.note?.contains("ignores `page`") == true)
            #expect(list.count == 10)
        }
    }
}
