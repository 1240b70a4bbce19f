#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /v1/code/sessions/watch?exclude_tags=-&resume_token=<token>`: the account-wide stream of
/// session changes, as the reference (protocol.md §8.3) describes the web client's view of it:
///
/// - it needs `anthropic-client-platform: web_claude_ai`, and a `resume_token` from the list;
///   without a token the answer is 400, with an expired one 410;
/// - a token older than `watchTokenStaleSeconds` gets a 200, one keepalive, then nothing (the
///   silently dead stream the captures saw);
/// - otherwise: `added` with each live session, a `sync` whose `id:` is the next resume token
///   (again every `watchSyncSeconds`), then `changed` with the session object whenever it changes
///   and `removed` with `{id}` when a session is archived; keepalives between.
///
/// Emulator choices (no capture shows them), listed in PROTOCOL.md's "Emulator choices": the status for a missing
/// platform header (400), when a token counts as expired rather than stale
/// (`watchTokenExpirySeconds`), that a session created later arrives as `added`, and that
/// `changed` is sent only when something besides the timestamps moved.
extension ServiceRoutes {
    static let watchPlatform = "web_claude_ai"

    func openAccountWatch(_ request: Request, _ context: EmulatorContext) async throws -> Response {
        guard configuration.watchServed else { throw APIFailure(404, "Not found: \(request.uri.path)") }
        guard request.headers[.clientPlatform] == Self.watchPlatform else {
            throw APIFailure(400, "This endpoint is not available for this client platform.")
        }
        guard let token = request.uri.queryParameters.get("resume_token"), !token.isEmpty else {
            throw APIFailure(400, "resume_token: Field required")
        }
        let (items, continuation) = AsyncStream<EmulatorStore.WatchItem>.makeStream()
        let opened = await store.openWatch(token: String(token), continuation: continuation)
        let watchID: UUID
        let snapshot: [JSON]
        switch opened {
        case .expired:
            throw APIFailure(410, "The resume token has expired; list the sessions again for a new one.")
        case .stale:
            // Alive to the eye (200 and a keepalive), dead in fact: nothing more is written, until
            // the service drops it ten minutes on (or the client gives up first).
            let body = ResponseBody { writer in
                try await writer.write(Self.frame(name: nil, id: nil, data: "{}"))
                try await Task.sleep(nanoseconds: 600_000_000_000)
            }
            return Self.eventStreamResponse(body)
        case .open(let id, let sessions):
            watchID = id
            snapshot = sessions
        }
        let keepalive = configuration.streamKeepaliveSeconds, sync = configuration.watchSyncSeconds
        let store = store
        let ticker = Task {
            var sinceSync = 0.0
            while !Task.isCancelled {
                let pause = min(keepalive, sync)
                try? await Task.sleep(nanoseconds: UInt64(max(0.01, pause) * 1_000_000_000))
                sinceSync += pause
                if sinceSync >= sync {
                    sinceSync = 0
                    continuation.yield(.sync(await store.issueWatchToken()))
                } else {
                    continuation.yield(.keepalive)
                }
            }
        }
        let firstToken = await store.issueWatchToken()
        let vocabulary = configuration.watchVocabulary
        let body = ResponseBody { writer in
            defer { ticker.cancel() }
            do {
                let ios = vocabulary == .ios
                for session in snapshot {
                    try await writer.write(Self.frame(name: ios ? "upserted" : "added", id: nil, data: session.jsonText()))
                }
                try await writer.write(Self.frame(name: "sync", id: firstToken, data: "{}"))
                for await item in items {
                    switch item {
                    case .added(let object):
                        try await writer.write(Self.frame(name: ios ? "upserted" : "added", id: nil, data: object.jsonText()))
                    case .changed(let object):
                        try await writer.write(Self.frame(name: ios ? "upserted" : "changed", id: nil, data: object.jsonText()))
                    case .removed(let id):
                        try await writer.write(
                            Self.frame(name: ios ? "deleted" : "removed", id: nil, data: JSON.object(["id": .string(id)]).jsonText()))
                    case .sync(let token): try await writer.write(Self.frame(name: "sync", id: token, data: "{}"))
                    case .keepalive: try await writer.write(Self.frame(name: nil, id: nil, data: "{}"))
                    }
                }
                try await writer.finish(nil)
            } catch {
                await store.closeWatch(watchID)
                throw error
            }
            await store.closeWatch(watchID)
        }
        return Self.eventStreamResponse(body)
    }

    private static func eventStreamResponse(_ body: ResponseBody) -> Response {
        Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}

extension EmulatorStore {
    /// What an open watch stream receives.
    enum WatchItem: Sendable {
        case added(JSON)
        case changed(JSON)
        case removed(String)
        case sync(String)
        case keepalive
    }

    enum WatchOpening {
        case open(UUID, [JSON])
        case stale
        case expired
    }

    /// A fresh resume token, remembered with the time it was issued.
    func issueWatchToken() -> String {
        let now = Date().timeIntervalSince1970
        let token = "rt_" + IDs.random(24)
        watchTokens[token] = now
        // Forget tokens long past expiry, so a long run does not grow without bound.
        if watchTokens.count > 10_000 {
            let horizon = now - configuration.watchTokenExpirySeconds
            watchTokens = watchTokens.filter { $0.value >= horizon }
        }
        return token
    }

    /// Opens a watch from `token`: the live sessions to announce as `added` and the registration,
    /// in one step so that no change falls between the snapshot and the live feed.
    func openWatch(token: String, continuation: AsyncStream<WatchItem>.Continuation) -> WatchOpening {
        guard let issued = watchTokens[token] else { return .expired }
        let age = Date().timeIntervalSince1970 - issued
        if age > configuration.watchTokenExpirySeconds { return .expired }
        if age > configuration.watchTokenStaleSeconds { return .stale }
        let id = UUID()
        watchers[id] = continuation
        let live = orderedSessions().filter { $0.status != "archived" }
        for session in live { announced[session.id] = Self.comparable(session.v2Object(detailed: false, world: configuration.world)) }
        return .open(id, live.map { $0.v2Object(detailed: false, world: configuration.world) })
    }

    func closeWatch(_ id: UUID) {
        watchers.removeValue(forKey: id)?.finish()
    }

    public var openWatchCount: Int { watchers.count }

    /// Tells the watchers what changed in session `id`, if anything did besides its timestamps, and
    /// notes when the session began to need its user.
    func noteSessionChanged(_ id: String) {
        guard let session = sessions[id] else { return }
        let object = session.v2Object(detailed: false, world: configuration.world)
        let needsUser = session.status != "archived" && (!session.openPrompts.isEmpty || (session.unread && session.status == "idle"))
        if needsUser {
            if attentionStartedAt[id] == nil { attentionStartedAt[id] = Date().timeIntervalSince1970 }
        } else {
            attentionStartedAt[id] = nil
        }
        let comparable = Self.comparable(object)
        let before = announced[id]
        guard before != comparable else { return }
        if session.status == "archived" {
            announced[id] = nil
            if before != nil { for watcher in watchers.values { watcher.yield(.removed(object["id"]?.stringValue ?? id)) } }
            return
        }
        announced[id] = comparable
        for watcher in watchers.values { watcher.yield(before == nil ? .added(object) : .changed(object)) }
    }

    /// The object without the fields that move with every stored event.
    static func comparable(_ object: JSON) -> JSON {
        guard case .object(var fields) = object else { return object }
        fields["last_event_at"] = nil
        fields["updated_at"] = nil
        return .object(fields)
    }
}
