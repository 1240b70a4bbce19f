import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging

/// One client's connection to the cc-tap MCP server, whatever carries its frames (stdio, or an
/// in-process pipe for the demo): it takes the frames `JSONRPCGate` admitted, runs each request as a
/// task of its own, answers it once (never after a cancellation), sends progress and notifications,
/// and routes the client's answers to the requests the server made of it (elicitation).
///
/// Our own piece, not swift-sdk's `Server`: the SDK cannot speak 2026-07-28 (no per-request `_meta`,
/// no `resultType`, no `server/discover`), and its decode-into-`Value` round trips were most of the
/// server's CPU (issue 25). The era is decided per message (`MCPEra`), never per connection.
public actor MCPConnection {
    let methods: MCPMethods
    private let write: @Sendable (JSONValue) async -> Void
    let logger: Logger
    /// Requests being handled, by id (as JSON text), so a cancellation can stop them.
    private var running: [String: Task<Void, Never>] = [:]
    /// Requests the client cancelled: nothing more is sent for them.
    private var cancelled: Set<String> = []
    /// Requests the server made of the client, waiting for the client's answer.
    private var asked: [Int: CheckedContinuation<JSONValue, any Error>] = [:]
    private var nextRequestID = 1
    /// What the client declared in its last `initialize` (legacy only; a modern request declares its
    /// capabilities in its own `_meta`).
    var legacyClientCapabilities: JSONValue?
    /// URIs the legacy `resources/subscribe` follows.
    private var legacySubscriptions: Set<String> = []
    /// Open `subscriptions/listen` requests (2026-07-28): their id and what they honour.
    private var listens: [String: Listen] = [:]
    /// How many subscribers each followed URI has (legacy subscriptions and listens together).
    private var holders: [String: Int] = [:]

    struct Listen {
        let id: JSONValue
        let uris: Set<String>
        let listChanged: Bool
    }

    init(methods: MCPMethods, logger: Logger, write: @escaping @Sendable (JSONValue) async -> Void) {
        self.methods = methods
        self.logger = logger
        self.write = write
    }

    static func key(_ id: JSONValue) -> String { id.jsonText() }

    /// Takes one admitted frame: a request, a notification, or the client's answer to a request of ours.
    func receive(_ frame: JSONValue) {
        guard let method = frame["method"]?.stringValue else {
            answered(frame)
            return
        }
        let params = frame["params"]
        guard let id = frame["id"] else {
            notified(method, params)
            return
        }
        let key = Self.key(id)
        let task = Task { [weak self] in
            guard let self else { return }
            let reply: JSONValue
            do throws(RPCError) {
                let result = try await self.methods.handle(method, params: params, id: id, connection: self)
                reply = RPCFrame.result(id: id, result)
            } catch {
                reply = RPCFrame.error(id: id, error)
            }
            await self.finish(key, reply)
        }
        running[key] = task
    }

    private func finish(_ key: String, _ reply: JSONValue) async {
        running[key] = nil
        if cancelled.remove(key) != nil { return }  // the client cancelled it: nothing more is sent
        await write(reply)
    }

    private func notified(_ method: String, _ params: JSONValue?) {
        switch method {
        case "notifications/cancelled":
            guard let id = params?["requestId"] else { return }
            let key = Self.key(id)
            guard let task = running[key] else { return }
            cancelled.insert(key)
            task.cancel()
            if let listen = listens.removeValue(forKey: key) { release(listen.uris) }
        default:
            break  // notifications/initialized, roots/list_changed, progress from the client: nothing to do
        }
    }

    private func answered(_ frame: JSONValue) {
        guard let id = frame["id"]?.intValue, let waiting = asked.removeValue(forKey: Int(id)) else { return }
        if let error = frame["error"] {
            waiting.resume(throwing: RPCError(
                code: Int(error["code"]?.intValue ?? -32603), message: error["message"]?.stringValue ?? "the client refused"))
        } else {
            waiting.resume(returning: frame["result"] ?? .null)
        }
    }

    // MARK: What the handlers use

    /// Sends a notification (progress, a resource change, a channel message).
    func notify(_ method: String, _ params: JSONValue) async {
        await write(RPCFrame.notification(method, params))
    }

    /// Sends a request to the client and waits for its answer (cancelled with the calling task).
    func ask(_ method: String, _ params: JSONValue) async throws -> JSONValue {
        let id = nextRequestID
        nextRequestID += 1
        let frame = RPCFrame.request(id: id, method, params)
        let write = write
        return try await withTaskCancellationHandler {
            // Waiting before writing: the client's answer may come back before a write returns.
            try await withCheckedThrowingContinuation { continuation in
                asked[id] = continuation
                Task { await write(frame) }
            }
        } onCancel: {
            Task { await self.abandon(id) }
        }
    }

    private func abandon(_ id: Int) {
        asked.removeValue(forKey: id)?.resume(throwing: CancellationError())
    }

    /// Whether the client declared, in `initialize`, that it shows forms (MCP elicitation; an empty
    /// `elicitation` object means forms, as 2025-11-25 keeps it).
    var elicitsForms: Bool { Self.showsForms(legacyClientCapabilities) }

    static func showsForms(_ capabilities: JSONValue?) -> Bool {
        guard let elicitation = capabilities?["elicitation"]?.objectValue else { return false }
        return elicitation["form"] != nil || elicitation["url"] == nil
    }

    func initialized(capabilities: JSONValue?) { legacyClientCapabilities = capabilities }

    // MARK: Subscriptions

    func subscribeLegacy(_ uri: String) async throws(RPCError) {
        _ = try SessionResources.target(uri)
        guard legacySubscriptions.insert(uri).inserted else { return }
        try await hold([uri])
    }

    func unsubscribeLegacy(_ uri: String) async {
        guard legacySubscriptions.remove(uri) != nil else { return }
        release([uri])
    }

    /// Opens a listen: acknowledges the subset honoured, then keeps it until cancelled.
    func listen(id: JSONValue, uris: [String], listChanged: Bool) async throws(RPCError) -> JSONValue {
        let honoured = Set(uris.filter { (try? SessionResources.target($0)) != nil })
        let key = Self.key(id)
        listens[key] = Listen(id: id, uris: honoured, listChanged: listChanged)
        var acknowledged: [String: JSONValue] = ["resourceSubscriptions": .array(honoured.sorted().map { .string($0) })]
        if listChanged { acknowledged["resourcesListChanged"] = true }
        await notify(
            "notifications/subscriptions/acknowledged",
            ["notifications": .object(acknowledged), "_meta": [MCPEra.subscriptionKey: id]])
        try await hold(honoured.sorted())
        // Held until the client cancels it (then nothing more is sent) or the connection ends (which
        // cancels it too): the sleep ends at once on cancellation, so nothing polls meanwhile.
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: 3_600_000_000_000)
        }
        return [:]
    }

    private func hold(_ uris: [String]) async throws(RPCError) {
        for uri in uris {
            holders[uri, default: 0] += 1
            if holders[uri] == 1 { try await methods.resources.subscribe(uri) }
        }
    }

    private func release(_ uris: some Sequence<String>) {
        for uri in uris {
            holders[uri, default: 1] -= 1
            if holders[uri] == 0 {
                holders[uri] = nil
                let resources = methods.resources
                Task { await resources.unsubscribe(uri) }
            }
        }
    }

    /// A followed resource changed: tell every subscriber, each in its era's way.
    func resourceUpdated(_ uri: String) async {
        if legacySubscriptions.contains(uri) { await notify("notifications/resources/updated", ["uri": .string(uri)]) }
        for listen in listens.values where listen.uris.contains(uri) {
            await notify("notifications/resources/updated", ["uri": .string(uri), "_meta": [MCPEra.subscriptionKey: listen.id]])
        }
    }

    func resourceListChanged() async {
        if !legacySubscriptions.isEmpty { await notify("notifications/resources/list_changed", [:]) }
        for listen in listens.values where listen.listChanged {
            await notify("notifications/resources/list_changed", ["_meta": [MCPEra.subscriptionKey: listen.id]])
        }
    }

    // MARK: Ending

    var inFlight: Int { running.count }

    /// Stops listens and followers, and waits (bounded) for the requests in progress to answer.
    func finish(maxSeconds: Double) async {
        for key in Array(listens.keys) {
            if let listen = listens.removeValue(forKey: key) { release(listen.uris) }
            running[key]?.cancel()
        }
        await methods.resources.stopAll()
        let deadline = Date().addingTimeInterval(maxSeconds)
        var quiet = 0
        // A request read just before EOF may not have started yet: wait for a short quiet spell.
        while Date() < deadline, quiet < 3 {
            quiet = running.isEmpty ? quiet + 1 : 0
            try? await Task.sleep(nanoseconds: 30_000_000)
        }
    }
}
