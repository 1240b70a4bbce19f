#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Hummingbird
import NIOCore

/// The emulated routes. Shapes, orders and status codes follow the protocol reference; where the
/// reference has no answer, the choice is marked "emulator choice" and listed in PROTOCOL.md.
struct ServiceRoutes {
    let store: EmulatorStore
    let configuration: EmulatorConfiguration

    func register(on router: Router<EmulatorContext>) {
        router.get("/v1/sessions") { request, _ in try await listSessions(request) }
        router.get("/v1/sessions/:id") { _, context in try await getSession(context) }
        router.get("/v1/sessions/:id/events") { request, context in try await listEvents(request, context) }
        router.post("/v1/sessions/:id/events") { request, context in try await postEvents(request, context) }
        router.post("/v1/sessions/:id/archive") { _, context in try await archive(context) }
        router.post("/v1/code/sessions/:id/client/presence") { request, context in try await presence(request, context) }
        router.get("/v1/code/sessions/:id/events") { request, context in try await listEnvelopes(request, context) }
        router.get("/v1/code/sessions/:id/events/stream") { request, context in
            try await openEventStream(request, context)
        }
        registerCodeSessions(on: router)
        router.get("/api/oauth/profile") { _, _ in try profile() }
        router.get("/api/oauth/claude_cli/roles") { _, _ in
            // Claude Code's own type for this answer has no organisation UUID; neither do we.
            Reply.json(["organization_role": "admin", "workspace_role": nil, "organization_name": "Example Org"])
        }
        router.post("/_emulator/faults") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 16)
            guard let rule = try? JSONDecoder().decode(FaultRule.self, from: Data(body.readableBytesView)) else {
                throw APIFailure(400, "Body must be a fault rule, e.g. {\"kind\":\"status\",\"status\":503}")
            }
            await store.addFault(rule)
            return Reply.json(["ok": true])
        }
        router.delete("/_emulator/faults") { _, _ in
            await store.clearFaults()
            return Reply.json(["ok": true])
        }
        router.post("/_emulator/faults/release") { _, _ in
            await store.releaseHeldRequests()
            return Reply.json(["ok": true])
        }
        router.get("/_emulator/stats") { _, _ in Reply.json(await store.stats()) }
        router.get("/_emulator/requests") { _, _ in Reply.json(["requests": await store.recordedRequests()]) }
        router.post("/_emulator/sessions") { request, context in
            let body = try await request.body.collect(upTo: 64 * 1024)
            let json = JSON.parse(Data(body.readableBytesView)) ?? [:]
            let turns = json["turns"]?.intValue.map { Int($0) } ?? 0
            guard (0...100_000).contains(turns) else {
                return Reply.error(APIFailure(400, "turns must be between 0 and 100000"), requestID: "req_emulator_control")
            }
            let id = await store.createSession(turns: turns, title: json["title"]?.stringValue)
            if let days = json["days_ago"]?.doubleValue {
                // A session last active `days_ago` days ago, its machine connected or not (for pruning).
                await store.age(id, daysAgo: days, connected: json["connected"]?.boolValue ?? false)
            }
            if json["pending_action"]?.stringValue == "string" { await store.renderPendingActionAsString(id) }
            return Reply.json(["id": .string(id), "events": .int(Int64(await store.eventCount(id)))])
        }
        router.post("/_emulator/tokens") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 16)
            guard let tokens = JSON.parse(Data(body.readableBytesView))?["valid"]?.arrayValue?.compactMap(\.stringValue),
                !tokens.isEmpty
            else {
                return Reply.error(
                    APIFailure(400, "Body must name the accepted tokens, e.g. {\"valid\":[\"sk-ant-oat01-...\"]}"),
                    requestID: "req_emulator_control")
            }
            await store.rotateTokens(Set(tokens))
            return Reply.json(["ok": true])
        }
        router.post("/_emulator/sessions/:id/age") { request, context in
            // Makes a session last active `days_ago` days ago, its machine connected or not (for pruning
            // a session that went stale while it waits on its person).
            let id = try await existingSession(context)
            let body = try await request.body.collect(upTo: 64 * 1024)
            let json = JSON.parse(Data(body.readableBytesView)) ?? [:]
            guard let days = json["days_ago"]?.doubleValue else {
                return Reply.error(APIFailure(400, "days_ago is required"), requestID: "req_emulator_control")
            }
            await store.age(id, daysAgo: days, connected: json["connected"]?.boolValue ?? false)
            return Reply.json(["ok": true])
        }
        router.post("/_emulator/sessions/:id/archive") { _, context in
            // The archive a user makes elsewhere (claude.ai, another client), without this client's login.
            let id = try await existingSession(context)
            return Reply.json(["archived": .bool(await store.archive(id))])
        }
        router.get("/_emulator/sessions/:id/user-messages") { _, context in
            // What the session holds from users (clients), for tests and the soak's accounting.
            let id = try await existingSession(context)
            let users = await store.allEvents(id).filter { $0["type"] == "user" }
            // `platforms`: each message's stored `client_platform` (null where none was stamped).
            return Reply.json([
                "texts": .array(users.map { JSON.string(Self.text(of: $0)) }),
                "platforms": .array(users.map { $0["client_platform"] ?? .null }),
            ])
        }
        router.post("/_emulator/sessions/:id/peer-policy") { request, context in
            // The session's `crossSessionInbound` setting as its person sets it: accept, hold, refuse, or null.
            let id = try await existingSession(context)
            let body = try await request.body.collect(upTo: 1 << 12)
            let setting = JSON.parse(Data(body.readableBytesView))?["setting"]
            guard setting == nil || setting == .null || ["accept", "hold", "refuse"].contains(setting?.stringValue ?? "") else {
                return Reply.error(APIFailure(400, "setting must be accept, hold, refuse or null"), requestID: "req_emulator_control")
            }
            await store.setCrossSessionInbound(id, setting?.stringValue)
            return Reply.json(["ok": true])
        }
        router.get("/_emulator/sessions/:id/stopped-peer-messages") { _, context in
            let id = try await existingSession(context)
            let stopped = await store.stoppedPeerMessages(id)
            return Reply.json(["messages": .array(stopped.map { ["text": .string($0.text), "verdict": .string($0.verdict)] })])
        }
        router.post("/_emulator/sessions/:id/connection") { request, context in
            let id = try sessionID(context)
            let body = try await request.body.collect(upTo: 1 << 12)
            let connected = JSON.parse(Data(body.readableBytesView))?["connected"] == .bool(true)
            await store.setConnection(id, connected: connected)
            return Reply.json(["ok": true])
        }
    }

    // MARK: Parameters

    /// `limit` in 1...1000 (the Anthropic list convention), default 20.
    func limit(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return 20 }
        guard let value = Int(text), (1...1000).contains(value) else {
            throw APIFailure(400, "limit: Input should be between 1 and 1000")
        }
        return value
    }

    /// The v1 compat routes validate the `session_` tag.
    private func sessionID(_ context: EmulatorContext, allowInfra: Bool = false) throws -> String {
        let raw = context.parameters.get("id") ?? ""
        if allowInfra, raw.hasPrefix("cse_") { return "session_" + raw.dropFirst(4) }
        guard raw.hasPrefix("session_"), raw.count > 8 else {
            throw APIFailure(400, "invalid session ID: \(raw.prefix(64)) (expected a session_ ID)")
        }
        return raw
    }

    func existingSession(_ context: EmulatorContext, allowInfra: Bool = false) async throws -> String {
        let id = try sessionID(context, allowInfra: allowInfra)
        guard await store.resource(id) != nil else { throw APIFailure(404, "Session not found") }
        return id
    }

    private func page(_ data: [JSON], ids: [String], hasMore: Bool) -> Response {
        Reply.json([
            "data": .array(data), "has_more": .bool(hasMore),
            "first_id": ids.first.map(JSON.string) ?? .null, "last_id": ids.last.map(JSON.string) ?? .null,
        ])
    }

    // MARK: Handlers

    private func listSessions(_ request: Request) async throws -> Response {
        let limit = try limit(request)
        let ordered = await store.orderedResources()
        let ids = ordered.map { $0["id"]?.stringValue ?? "" }
        var lower = 0
        var upper = ordered.count
        if let after = request.uri.queryParameters.get("after_id") {
            guard let position = ids.firstIndex(of: after) else { throw APIFailure(400, "after_id: unknown session \(after)") }
            lower = position + 1
        }
        if let before = request.uri.queryParameters.get("before_id") {
            guard let position = ids.firstIndex(of: before) else { throw APIFailure(400, "before_id: unknown session \(before)") }
            upper = position
        }
        guard lower < upper else { return page([], ids: [], hasMore: false) }
        let end = min(upper, lower + limit)
        return page(Array(ordered[lower..<end]), ids: Array(ids[lower..<end]), hasMore: end < upper)
    }

    private func getSession(_ context: EmulatorContext) async throws -> Response {
        let id = try await existingSession(context)
        return Reply.json(await store.resource(id) ?? [:])
    }

    private func listEvents(_ request: Request, _ context: EmulatorContext) async throws -> Response {
        let id = try await existingSession(context)
        let query = request.uri.queryParameters
        let anchor = query.get("anchor_to_latest").map { $0 == "true" || $0 == "1" } ?? false
        do {
            let (events, hasMore) = try await store.eventsPage(
                id, limit: try limit(request), afterID: query.get("after_id"), beforeID: query.get("before_id"),
                anchorToLatest: anchor)
            return page(events.map(\.body), ids: events.map(\.id), hasMore: hasMore)
        } catch EmulatorStore.QueryError.badCursor(let name) {
            throw APIFailure(400, "\(name): no such event in this session")
        }
    }

    private func postEvents(_ request: Request, _ context: EmulatorContext) async throws -> Response {
        let id = try await existingSession(context)
        let body = try await request.body.collect(upTo: 8 << 20)
        guard let json = JSON.parse(Data(body.readableBytesView)), let events = json["events"]?.arrayValue, !events.isEmpty else {
            throw APIFailure(400, "events: Field required (a non-empty list)")
        }
        try await ingest(id, events, platform: request.headers[.clientPlatform])
        return Reply.json([:])
    }

    /// The platforms the worker takes as a person typing (late-2026 §1). Kept apart from the client's
    /// `MessageOrigin.personPlatforms` on purpose: the emulator stands for the service, and one shared list
    /// would let a wrong value pass on both sides.
    static let personPlatforms: Set<String> = ["ios", "android", "web_claude_ai", "desktop_app"]

    /// Checks and stores posted events (v1 bare, or v2 once unwrapped from `payload`), and lets the
    /// scripted worker act on them: user messages start turns, answers resume prompts, interrupts stop.
    ///
    /// Late world: a user message is stored with the request's `anthropic-client-platform` as its
    /// `client_platform` (whatever the body said), and one from a platform other than the apps' is a
    /// peer's: a session whose `crossSessionInbound` does not accept it stores it but starts no turn.
    func ingest(_ id: String, _ events: [JSON], platform: String?) async throws {
        let late = configuration.world == .late2026
        for event in events {
            guard event.objectValue != nil, event["type"]?.stringValue != nil else { throw APIFailure(400, "events: each event needs a type") }
            if event["type"]?.stringValue == "user" {
                guard event["message"]?["content"] != nil else { throw APIFailure(400, "events: a user event needs message.content") }
            }
        }
        // Emulator choice: the reference does not say how an archived session answers a post.
        guard await store.sessionStatus(id) != "archived" else { throw APIFailure(400, "Session is archived") }
        for event in events {
            switch event["type"]?.stringValue {
            case "user":
                if let uuid = event["uuid"]?.stringValue { await store.noteUserMessageReceived(uuid) }
                var stored = event
                if late {
                    stored["client_platform"] = platform.map(JSON.string)  // nil removes what the body said
                }
                await store.append(id, stored, source: "client")
                let isPeer = late && !Self.personPlatforms.contains(platform ?? "")
                let verdict = isPeer ? await store.peerVerdict(id) : "accept"
                if verdict == "accept" {
                    await store.enqueueUserMessage(id, text: Self.text(of: event))
                } else {
                    await store.stopPeerMessage(id, text: Self.text(of: event), verdict: verdict)
                }
            case "control_response":
                await store.takeAnswer(id, event)
            case "control_request":
                await store.append(id, event, source: "client")
                await store.dispatchControl(id, event)
            default:
                await store.append(id, event, source: "client")
            }
        }
    }

    static func text(of event: JSON) -> String {
        switch event["message"]?["content"] {
        case .string(let text): return text
        case .array(let blocks): return blocks.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
        default: return ""
        }
    }

    private func archive(_ context: EmulatorContext) async throws -> Response {
        let id = try await existingSession(context)
        guard await store.archive(id) else { throw APIFailure(409, "Session is already archived") }
        return Reply.json(await store.resource(id) ?? [:])
    }

    func presence(_ request: Request, _ context: EmulatorContext) async throws -> Response {
        let id = try await existingSession(context, allowInfra: true)
        let body = try await request.body.collect(upTo: 1 << 16)
        guard let json = JSON.parse(Data(body.readableBytesView)), let clientID = json["client_id"]?.stringValue else {
            throw APIFailure(400, "client_id: Field required")
        }
        await store.notePresence(
            id, clientID: clientID, clear: json["clear"] == .bool(true), connectedAt: json["connected_at"]?.stringValue)
        return Reply.json(["refresh_after_seconds": .double(configuration.presenceRefreshSeconds)])
    }

    private func profile() throws -> Response {
        guard configuration.profileAnswers else {
            throw APIFailure(403, "OAuth token does not meet scope requirement user:profile")
        }
        return Reply.json([
            "account": ["uuid": "3d0a9c1e-0000-4000-8000-000000000001", "email_address": "user@example.com", "display_name": "Emulated User"],
            "organization": ["uuid": .string(configuration.organizationUUID), "name": "Example Org", "organization_type": "claude_max"],
        ])
    }
}
