import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging

/// The resources: the session list, one session, and one session's transcript, all as the same
/// JSON the tools return. Subscriptions are the connection's to keep: while a
/// client is subscribed to a URI, one watcher follows what it shows and sends
/// `notifications/resources/updated` when it changes. The session list follows the account's shared
/// board (the watch stream, or polls of the list), which also gives `notifications/resources/
/// list_changed` when sessions appear or go; one session and its transcript follow the core's
/// live feed of that session (`Tap.sessionEvents`). Nothing is followed for URIs nobody watches.
actor SessionResources {
    static let sessionsURI = "cctap://sessions"
    static let templates: JSONValue = [
        [
            "uriTemplate": "cctap://sessions/{session_id}", "name": "session", "title": "A Claude Code session",
            "description": "One session's details and pending permission prompts (JSON, as get_session_info).",
            "mimeType": "application/json",
        ],
        [
            "uriTemplate": "cctap://sessions/{session_id}/transcript", "name": "transcript", "title": "A session's conversation",
            "description": "The newest 50 entries of a session's conversation (JSON, as read_session).",
            "mimeType": "application/json",
        ],
    ]

    enum Target: Equatable {
        case sessions
        case session(String)
        case transcript(String)
    }

    private let tap: Tap
    private let logger: Logger
    private let notify: @Sendable (String) async -> Void
    private let listChanged: @Sendable () async -> Void
    private var watchers: [String: Task<Void, Never>] = [:]

    init(
        tap: Tap, logger: Logger, notify: @escaping @Sendable (String) async -> Void,
        listChanged: @escaping @Sendable () async -> Void
    ) {
        self.tap = tap
        self.logger = logger
        self.notify = notify
        self.listChanged = listChanged
    }

    static func target(_ uri: String) throws(RPCError) -> Target {
        guard uri.hasPrefix("cctap://sessions") else { throw notFound(uri) }
        if uri == sessionsURI { return .sessions }
        let rest = uri.dropFirst("cctap://sessions/".count).split(separator: "/", omittingEmptySubsequences: false)
        guard uri.hasPrefix("cctap://sessions/"), let id = rest.first, let session = try? SessionID(String(id)) else {
            throw notFound(uri)
        }
        switch rest.count {
        case 1: return .session(session.spelled(.v1))
        case 2 where rest[1] == "transcript": return .transcript(session.spelled(.v1))
        default: throw notFound(uri)
        }
    }

    /// −32002 as 2025-11-25 names it; the connection gives −32602 on the 2026-07-28 path.
    static func notFound(_ uri: String) -> RPCError {
        RPCError(
            code: -32002,
            message: "Resource not found: \(uri.prefix(200)). Known: cctap://sessions, cctap://sessions/{session_id}, cctap://sessions/{session_id}/transcript",
            data: ["uri": .string(String(uri.prefix(200)))])
    }

    /// The session list plus, for each session not archived, its transcript.
    func list() async throws(RPCError) -> JSONValue {
        let sessions = try await mapped { try await self.tap.listSessions(status: "active") }
        var resources: [JSONValue] = [
            [
                "name": "sessions", "uri": .string(Self.sessionsURI), "title": "Claude Code sessions",
                "description": "Every session on the account (JSON, as list_sessions).", "mimeType": "application/json",
            ]
        ]
        for session in sessions.sessions {
            resources.append([
                "name": .string("transcript of \(session.id)"), "uri": .string("cctap://sessions/\(session.id)/transcript"),
                "title": .string(session.title ?? session.id), "description": .string("\(session.status), \(session.connectionStatus)"),
                "mimeType": "application/json",
            ])
        }
        return .array(resources)
    }

    func read(_ uri: String) async throws(RPCError) -> JSONValue {
        let json: String
        switch try Self.target(uri) {
        case .sessions: json = ResultJSON.encode(try await mapped { try await self.tap.listSessions() })
        case .session(let id): json = ResultJSON.encode(try await mapped { try await self.tap.sessionInfo(id) })
        case .transcript(let id): json = ResultJSON.encode(try await mapped { try await self.tap.readSession(id, lastN: 50) })
        }
        return ["contents": [["uri": .string(uri), "mimeType": "application/json", "text": .string(json)]]]
    }

    /// Core failures as JSON-RPC errors (a resource read has no `isError` result).
    private func mapped<T>(_ body: () async throws -> T) async throws(RPCError) -> T {
        do {
            return try await body()
        } catch let error as TapError {
            switch error {
            case .cancelled: throw RPCError(code: -32800, message: "Request cancelled")
            case .invalidArgument, .invalidSessionID: throw .invalidParams(error.message(.mcp))
            case .api(let details) where details.status == 404: throw RPCError(code: -32002, message: error.message(.mcp))
            default: throw .internal(error.message(.mcp))
            }
        } catch {
            throw .internal(String(describing: error).prefix(300).description)
        }
    }

    // MARK: Subscriptions

    func subscribe(_ uri: String) throws(RPCError) {
        let target = try Self.target(uri)
        guard watchers[uri] == nil else { return }
        let tap = tap, notify = notify, logger = logger, listChanged = listChanged
        watchers[uri] = Task {
            switch target {
            case .sessions:
                await Self.followSessions(uri: uri, tap: tap, notify: notify, listChanged: listChanged)
            case .session(let id), .transcript(let id):
                await Self.followEvents(of: id, uri: uri, tap: tap, connectionMatters: target == .session(id), logger: logger, notify: notify)
            }
        }
    }

    func unsubscribe(_ uri: String) {
        watchers.removeValue(forKey: uri)?.cancel()
    }

    func stopAll() {
        for task in watchers.values { task.cancel() }
        watchers.removeAll()
    }

    /// Follows the account's sessions: `updated` for any change after the first picture, and
    /// `list_changed` when sessions appear or go (the resource list names one transcript per session).
    private static func followSessions(
        uri: String, tap: Tap, notify: @Sendable (String) async -> Void, listChanged: @Sendable () async -> Void
    ) async {
        var first = true
        for await update in tap.sessionUpdates() {
            defer { first = false }
            guard !first, update.failure == nil || update.membershipChanged || !update.changed.isEmpty else { continue }
            await notify(uri)
            if update.membershipChanged { await listChanged() }
        }
    }

    /// Follows one session through the core's live feed (the event stream, or polling where the
    /// service serves none) and notifies when new events are stored. The session URI also changes
    /// when the stream says the session's connection changed (the first status it says, and the same
    /// status said again on a reopen, are no change). A failed read is logged; the core resumes from
    /// its cursor.
    private static func followEvents(
        of id: String, uri: String, tap: Tap, connectionMatters: Bool, logger: Logger,
        notify: @Sendable (String) async -> Void
    ) async {
        let updates: AsyncStream<SessionEventsUpdate>
        do { updates = try tap.sessionEvents(id) } catch { return }  // `target` accepted the id already
        var connection: String?
        for await update in updates {
            if let failure = update.failure { logger.debug("watching \(uri) failed: \(failure.message(.mcp))") }
            if changes(update, lastConnection: &connection, connectionMatters: connectionMatters) { await notify(uri) }
        }
    }

    /// Whether an update changes what a subscribed URI shows: new events do; a connection status
    /// does (for the session URI) only when it differs from the last one heard.
    static func changes(_ update: SessionEventsUpdate, lastConnection: inout String?, connectionMatters: Bool) -> Bool {
        var changed = !update.events.isEmpty
        if let status = update.connection {
            changed = changed || (connectionMatters && lastConnection != nil && lastConnection != status)
            lastConnection = status
        }
        return changed
    }
}
