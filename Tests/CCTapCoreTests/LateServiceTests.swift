@testable import CCTapCore
import CCTapEmulator
import CCTapTestFiles
import CCTapTestSupport
import Foundation
import Synchronization
import Testing

/// The service as it is in late 2026 (protocol-late-2026.md), against the emulator in both of its
/// worlds: wrapped single reads, the sender's platform stamped on each message, the peer gate, the
/// watch's iOS vocabulary, and `pending_action` as a plain string.
@Suite struct LateServiceTests {
    static func world(_ world: EmulatorWorld, _ vocabulary: WatchVocabulary = .web) -> EmulatorConfiguration {
        var configuration = testEmulator()
        configuration.world = world
        configuration.watchVocabulary = vocabulary
        return configuration
    }

    // MARK: One session's read

    @Test func aReadIsUnwrappedFromEachShapeAndAnObjectWithoutAnIdIsAnError() throws {
        let bare: JSONValue = ["id": "cse_1", "title": "T"]
        #expect(try SessionRecord.unwrapped(bare, route: "GET x") == bare)
        #expect(try SessionRecord.unwrapped(["response_shape": bare], route: "GET x") == bare)
        #expect(try SessionRecord.unwrapped(["session": bare], route: "GET x") == bare)
        for odd: JSONValue in [["response_shape": ["title": "no id"]], ["data": []], [:], "text", []] {
            let error = #expect(throws: TapError.self) { try SessionRecord.unwrapped(odd, route: "GET x") }
            #expect(error?.message.contains("GET x") == true)
        }
    }

    @Test(arguments: EmulatorWorld.allCases)
    func infoIsTheSessionInEitherWorld(world: EmulatorWorld) async throws {
        try await withEmulator(Self.world(world)) { (h: Harness) async throws in
            let info = try await h.tap.sessionInfo(Seed.pendingPermission)
            #expect(info.session.id == "cse_01HPendingPermission0003")
            #expect(info.session.title?.isEmpty == false)
            #expect(info.session.connectionStatus == "connected")
            #expect(info.pendingPermissions.count == 1)
        }
    }

    // MARK: Who sent a message

    @Test func anAgentsMessageIsStampedAPeersAndAPersonsTheAppsPlatform() async throws {
        try await withEmulator(Self.world(.late2026)) { (h: Harness) async throws in
            let session = await h.store.createSession(turns: 0, title: "senders")
            let agent = try await h.tap.sendAndWait(session, message: "from an agent", timeout: 30)
            #expect(agent.status == .complete)
            #expect(agent.sender == .agent)
            let person = try await h.tap.sendAndWait(session, message: "from a person", timeout: 30, sender: .person)
            #expect(person.status == .complete && person.sender == .person)
            let stored = await h.store.allEvents(session).filter { $0["type"] == "user" }
            #expect(stored.map { $0["client_platform"]?.stringValue } == ["claude_code_remote", "web_claude_ai"])
            let transcript = try await h.tap.readSession(session, lastN: 10).entries.filter { $0.kind == .user }
            #expect(transcript.map(\.sender) == [.peer, .person])
        }
    }

    @Test func theConfiguredSenderIsTheDefaultAndAgentUnlessSet() async throws {
        try await withEmulator(Self.world(.late2026), extraVariables: ["CCTAP_SENDER": "person"]) { (h: Harness) async throws in
            #expect(h.tap.configuration.sender == .person)
            let sent = try await h.tap.sendMessage(Seed.demo, message: "typed by me")
            #expect(sent.sender == .person && sent.clientPlatform == "web_claude_ai" && sent.peerMessages == nil)
        }
        try await withEmulator(Self.world(.late2026)) { (h: Harness) async throws in
            let sent = try await h.tap.sendMessage(Seed.demo, message: "an agent's")
            #expect(sent.sender == .agent && sent.clientPlatform == "claude_code_remote")
        }
        let refused = #expect(throws: TapError.self) {
            try TapConfiguration.fromEnvironment(
                HostEnvironment(variables: ["CCTAP_SENDER": "robot", "CCTAP_ACCESS_TOKEN": "t"], homeDirectory: temporaryHome()))
        }
        #expect(refused?.message.contains("CCTAP_SENDER must be agent or person") == true)
    }

    // MARK: The peer gate

    @Test func aSessionThatHoldsPeersAnswersHeldAtOnceAndAPersonsMessageRunsATurn() async throws {
        try await withEmulator(Self.world(.late2026)) { (h: Harness) async throws in
            let session = await h.store.createSession(turns: 1, title: "holds peers")
            await h.store.setCrossSessionInbound(session, "hold")
            let started = Date()
            let held = try await h.tap.sendAndWait(session, message: "an agent asks", timeout: 60)
            #expect(held.status == .held)
            #expect(Date().timeIntervalSince(started) < 30, "held must not wait out the timeout")
            #expect(held.peerMessages?.verdict == .hold && held.peerMessages?.reported == "unavailable")
            #expect(held.messageUUID != nil && held.hint.contains("crossSessionInbound") == false)
            #expect(held.hint.contains("Messages from your other sessions"))
            #expect(await h.store.stoppedPeerMessages(session).map(\.text) == ["an agent asks"])

            let typed = try await h.tap.sendAndWait(session, message: "the person types", timeout: 30, sender: .person)
            #expect(typed.status == .complete && typed.turn == .own)
            #expect(typed.reply.contains("the person types"))
        }
    }

    @Test func bypassingPermissionsWithTheSettingUnsetHoldsPeersMessages() async throws {
        try await withEmulator(Self.world(.late2026)) { (h: Harness) async throws in
            let session = await h.store.createSession(turns: 1, title: "bypass")
            _ = try await h.tap.setPermissionMode(session, mode: "bypassPermissions", confirmBypass: true)
            let sent = try await h.tap.sendMessage(session, message: "an agent again")
            #expect(sent.held && sent.peerMessages?.verdict == .hold)
            #expect(sent.hint.hasPrefix("Stored, but not taken up"))
        }
    }

    @Test func theMidYearWorldHasNoGate() async throws {
        try await withEmulator(Self.world(.mid2026)) { (h: Harness) async throws in
            let session = await h.store.createSession(turns: 1, title: "mid-2026")
            await h.store.setCrossSessionInbound(session, "hold")
            let waited = try await h.tap.sendAndWait(session, message: "no gate then", timeout: 30)
            #expect(waited.status == .complete)
            #expect(waited.peerMessages?.verdict == .unknown)
            #expect(await h.store.allEvents(session).last { $0["type"] == "user" }?["client_platform"] == nil)
        }
    }

    @Test func policiesAreReadFromEachShape() {
        func verdict(_ metadata: JSONValue?) -> PeerVerdict {
            PeerPolicy(record: metadata.map { ["id": "cse_1", "external_metadata": $0] } ?? ["id": "cse_1"]).verdict
        }
        #expect(verdict(["cross_session_inbound": "available"]) == .accept)
        #expect(verdict(["cross_session_inbound": "unavailable"]) == .hold)
        #expect(verdict(["cross_session_inbound": "accept"]) == .accept)
        #expect(verdict(["cross_session_inbound": "hold"]) == .hold)
        #expect(verdict(["cross_session_inbound": "refuse"]) == .refuse)
        #expect(verdict(["permission_mode": "bypassPermissions"]) == .hold)
        #expect(verdict(["permission_mode": "default"]) == .unknown)
        #expect(verdict(nil) == .unknown)
    }

    @Test func aSessionThatRefusesPeersIsSentNothing() async throws {
        try await withEmulator(Self.world(.late2026)) { (h: Harness) async throws in
            // The emulator's worker reports only available/unavailable, as the CLI does; a record that
            // names the setting itself (`refuse`) is served here through a rewritten answer.
            let session = await h.store.createSession(turns: 1, title: "refuses")
            let before = await h.store.allEvents(session).count
            await h.store.setMetadataOverride(session, ["cross_session_inbound": "refuse"])
            let waited = try await h.tap.sendAndWait(session, message: "will not go", timeout: 30)
            #expect(waited.status == .refused && waited.messageUUID == nil)
            let error = await tapError { _ = try await h.tap.sendMessage(session, message: "nor this") }
            #expect(error?.message.contains("nothing was sent") == true)
            #expect(await h.store.allEvents(session).count == before)
        }
    }

    // MARK: Permission answers

    @Test func aPermissionAnswerCarriesTheToolUseIDBesideTheRequestIDAndADenyAlwaysAMessage() {
        let allow = RemoteAPI.permissionAnswer(requestID: "r1", toolUseID: "toolu_1", decision: .allow, input: ["a": 1], message: nil)
        #expect(allow["response"]?["request_id"] == "r1" && allow["response"]?["tool_use_id"] == "toolu_1")
        #expect(allow["response"]?["response"]?["toolUseID"] == "toolu_1")
        #expect(allow["response"]?["response"]?["updatedInput"] == ["a": 1])
        for said in [nil, "", "  "] as [String?] {
            let deny = RemoteAPI.permissionAnswer(requestID: "r1", toolUseID: nil, decision: .deny, input: [:], message: said)
            #expect(deny["response"]?["response"]?["message"] == "Denied by user")
            #expect(deny["response"]?["tool_use_id"] == nil)
        }
    }

    // MARK: The watch's vocabularies and pending_action's shapes

    @Test(arguments: WatchVocabulary.allCases)
    func attentionArrivesOverEitherWatchVocabulary(vocabulary: WatchVocabulary) async throws {
        try await withEmulator(Self.world(.late2026, vocabulary)) { (h: Harness) async throws in
            let first = try await h.tap.waitForAttention(timeout: 5)
            // Wait for anything new on the account while the watch is open; then a session appears and
            // asks, so only the watch's frames (in this vocabulary) can bring it: no list read may.
            let waiting = Task { try await h.tap.waitForAttention(timeout: 60, resumeToken: first.resumeToken) }
            #expect(await eventually { await h.store.openWatchCount > 0 })
            let listReads = { () async -> Int in
                (await h.store.recordedRequests().arrayValue ?? []).filter {
                    ($0["request"]?.stringValue ?? "").hasPrefix("GET /v1/code/sessions?")
                }.count
            }
            let before = await listReads()
            let session = await h.store.createSession(turns: 0, title: "asks later")
            _ = try await h.tap.sendMessage(session, message: "ask permission to run a tool")
            let result = try await waiting.value
            #expect(result.status == .attention)
            #expect(result.source == "watch")
            #expect(result.items.map(\.session.id) == [try SessionID(session).spelled(.v2)])
            #expect(result.items.first?.reason == .permission)
            #expect(await listReads() == before, "the session reached the wait by a list read, not by the watch")
        }
    }

    @Test func theBoardTakesUpsertedAndDeleted() {
        var board = SessionBoard()
        let object: JSONValue = ["id": "cse_1", "status": "active", "worker_status": "idle", "connection_status": "connected"]
        #expect(board.apply(frame: "upserted", data: object).membership)
        #expect(board.apply(frame: "deleted", data: ["id": "cse_1"]).membership)
        #expect(!board.apply(frame: "deleted", data: ["id": "cse_1"]).changed)
    }

    @Test func aPendingActionGivenAsAPlainStringStillGivesThePromptFromTheEvents() async throws {
        try await withEmulator(Self.world(.late2026)) { (h: Harness) async throws in
            let session = await h.store.createSession(turns: 1, title: "string pending_action")
            await h.store.renderPendingActionAsString(session)
            let waited = try await h.tap.sendAndWait(session, message: "ask permission to run a tool", timeout: 30)
            #expect(waited.status == .waitingForPermission)
            let info = try await h.tap.sessionInfo(session)
            #expect(info.session.pendingAction == "permission")
            #expect(info.session.attentionReason == .permission)
            #expect(info.pendingPermissions.first?.requestID == waited.pendingPermissions.first?.requestID)
        }
    }

    // MARK: The stream as it is now

    /// The event-list reads (not the stream) of `session` the emulator has served.
    static func eventListReads(_ store: EmulatorStore, _ session: String) async -> Int {
        let suffix = session.dropFirst("session_".count)
        return (await store.recordedRequests().arrayValue ?? []).filter { item in
            let line = item["request"]?.stringValue ?? ""
            return line.hasPrefix("GET ") && line.contains(String(suffix)) && line.contains("/events")
                && !line.contains("/events/stream")
        }.count
    }

    @Test func progressCarriesTheLiveTextBeforeTheReplyIsStored() async throws {
        try await withEmulator(Self.world(.late2026)) { (h: Harness) async throws in
            let session = await h.store.createSession(turns: 1, title: "live text")
            // The machine is away, so the turn starts only once the wait follows the stream.
            await h.store.setConnection(session, connected: false)
            let sent = try await h.tap.sendMessage(session, message: "tell me something slow")
            let assistantsBefore = await h.store.allEvents(session).filter { $0["type"] == "assistant" }.count
            let seen = Mutex<[WaitProgress]>([])
            let waiting = Task {
                try await h.tap.waitForReply(session, cursor: sent.cursor, timeout: 60) { update in
                    seen.withLock { $0.append(update) }
                }
            }
            while await h.store.openStreamCount(session) == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
            await h.store.setConnection(session, connected: true)
            let result = try await waiting.value
            #expect(result.status == .complete)
            let live = seen.withLock { $0 }.compactMap(\.liveText)
            #expect(!live.isEmpty, "no progress carried live text")
            for text in live {
                #expect(result.reply.hasPrefix(text) && text != result.reply, "live text \(text) is not a part of \(result.reply)")
            }
            // Nothing partial was stored: the list holds the whole reply once.
            let assistantsAfter = await h.store.allEvents(session).filter { $0["type"] == "assistant" }.count
            #expect(assistantsAfter - assistantsBefore == 1)
        }
    }

    @Test func framesOnTheStreamCostNoReadOfTheEventList() async throws {
        try await withEmulator(Self.world(.late2026)) { (h: Harness) async throws in
            let session = await h.store.createSession(turns: 1, title: "no re-read")
            // The turn starts once the wait follows the stream, so the stream carries the turn's empty
            // `client_event`, its session_update and its ephemeral text to the wait.
            await h.store.setConnection(session, connected: false)
            let sent = try await h.tap.sendMessage(session, message: "hello")
            let waiting = Task { try await h.tap.waitForReply(session, cursor: sent.cursor, timeout: 30) }
            while await h.store.openStreamCount(session) == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
            let before = await Self.eventListReads(h.store, session)
            await h.store.setConnection(session, connected: true)
            let result = try await waiting.value
            #expect(result.status == .complete && result.eventSource == .stream)
            // Once the stream is open, everything comes by it: an empty client_event is not damage.
            let reads = await Self.eventListReads(h.store, session) - before
            let log = await h.store.recordedRequests().arrayValue?.suffix(8).compactMap { $0["request"]?.stringValue } ?? []
            #expect(reads == 0, "\(reads) reads: \(log)")
        }
    }

    @Test func aSessionUpdateSaysTheMachineWentAway() async throws {
        try await withEmulator(Self.world(.late2026)) { (h: Harness) async throws in
            let session = await h.store.createSession(turns: 1, title: "goes away")
            _ = try await h.tap.sendMessage(session, message: "talk until stopped")
            let queued = try await h.tap.sendMessage(session, message: "and then this")
            #expect(queued.queued)
            let waiting = Task { try await h.tap.waitForReply(session, cursor: queued.cursor, timeout: 8) }
            while await h.store.openStreamCount(session) == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
            // Only the stream's session_update says so before the timeout: the wait looks at the
            // record again only after `sessionCheckInterval` (10 s) of quiet.
            await h.store.setConnection(session, connected: false)
            let result = try await waiting.value
            #expect(result.status == .timeout && result.turn == .queued)
            #expect(result.hint.contains("machine is disconnected"), "\(result.hint)")
        }
    }

    @Test func liveTextTakesSnapshotsAndRawDeltas() {
        func delta(_ text: String, _ index: Int = 0) -> JSONValue {
            ["event_type": "stream_event", "payload": ["type": "stream_event", "event": [
                "type": "content_block_delta", "index": .int(Int64(index)), "delta": ["type": "text_delta", "text": .string(text)],
            ]]]
        }
        var live = LiveText()
        let took1 = live.take(delta("Hello")); #expect(took1)
        let took2 = live.take(delta("Hello, wor")); #expect(took2)  // a snapshot: replaces
        #expect(live.text == "Hello, wor")
        let took3 = live.take(delta("ld")); #expect(took3)  // a raw delta after a reconnect: appends
        #expect(live.text == "Hello, world")
        let took4 = live.take(delta("!", 1)); #expect(took4)
        #expect(live.text == "Hello, world!")
        let ignored = live.take(["event_type": "stream_event", "payload": ["type": "system"]]); #expect(!ignored)
        live.clear()
        #expect(live.text.isEmpty)
    }

    // MARK: Sessions replaced

    @Test func aSessionReplacedAfterCompactNamesItsLikelySuccessor() async throws {
        try await withEmulator(Self.world(.late2026)) { (h: Harness) async throws in
            let session = await h.store.createSession(turns: 1, title: "compacting work")
            let compacted = try await h.tap.sendAndWait(session, message: "/compact", timeout: 30)
            #expect(compacted.status == .complete)
            #expect(await eventually { await h.store.sessionStatus(session) == "archived" })
            let successor = try #require(
                try await h.tap.listSessions(status: "active").sessions.first { $0.title == "compacting work" })
            #expect(try successor.id != SessionID(session).spelled(.v2))

            // A wait from a cursor of the old session ends at once, naming the likely successor.
            let waited = try await h.tap.waitForReply(session, cursor: compacted.cursor, timeout: 30)
            #expect(waited.status == .error)
            #expect(waited.likelySuccessor == successor.id)
            #expect(waited.hint.contains(successor.id) && waited.hint.contains("check it is the one"))

            // A send to it is refused before anything is posted, and names the successor too.
            let error = await tapError { _ = try await h.tap.sendMessage(session, message: "still there?") }
            #expect(error?.message.contains("nothing was sent") == true)
            #expect(error?.message.contains(successor.id) == true)
        }
    }

    @Test func aSuccessorIsOnlyALiveSessionOfTheSameTitleAndEnvironmentCreatedSince() {
        func session(_ id: String, _ title: String?, env: String? = "env_1", created: String, status: String = "active") -> SessionSummary {
            var json: JSONValue = ["id": .string(id), "status": .string(status), "worker_status": "idle", "created_at": .string(created)]
            json["title"] = title.map(JSONValue.string)
            json["environment_id"] = env.map(JSONValue.string)
            return SessionSummary(json)
        }
        let old = session("cse_old", "Work", created: "2026-12-01T10:00:00Z", status: "archived")
        let candidates = [
            session("cse_other", "Other", created: "2026-12-02T10:00:00Z"),
            session("cse_before", "Work", created: "2026-11-30T10:00:00Z"),
            session("cse_elsewhere", "Work", env: "env_2", created: "2026-12-02T10:00:00Z"),
            session("cse_first", "Work", created: "2026-12-01T11:00:00Z"),
            session("cse_newest", "Work", created: "2026-12-01T12:00:00Z"),
            session("cse_gone", "Work", created: "2026-12-01T13:00:00Z", status: "archived"),
        ]
        #expect(Successor.likely(of: old, among: candidates)?.id == "cse_newest")
        #expect(Successor.likely(of: old, among: Array(candidates.prefix(3))) == nil)
        #expect(Successor.likely(of: session("cse_x", nil, created: "2026-12-01T10:00:00Z"), among: candidates) == nil)
    }

    // MARK: Prompt suggestions

    @Test func aPromptSuggestionIsShownInTheTranscriptAndCountsAsRest() {
        let events: [JSONValue] = [
            ["type": "user", "message": ["role": "user", "content": "hello"]],
            ["type": "result", "subtype": "success", "is_error": false, "result": "hi"],
            ["type": "prompt_suggestion", "suggestion": "Run the tests next", "uuid": "u1", "session_id": "s"],
        ]
        let entries = TranscriptBuilder.entries(from: events)
        #expect(entries.last?.kind == .promptSuggestion && entries.last?.text == "Run the tests next")
        let idle = SessionSummary(["id": "cse_1", "status": "active", "worker_status": "idle"])
        #expect(SessionLook.atRest(idle, events))
        let running = SessionSummary(["id": "cse_1", "status": "active", "worker_status": "running"])
        #expect(!SessionLook.atRest(running, events))
    }
}
