import CCTapCore
import Foundation
import Logging
import MCP

/// The cc-tap MCP server: the core's operations as tools and resources, over stdio.
public enum CCTapMCPServer {
    static let instructions = """
        cc-tap sees into and talks to the user's running Claude Code sessions (Remote Control and web). \
        Start with list_sessions; read a conversation with read_session; talk with send_and_wait (or \
        send_message, then wait_for_reply). When a result says waiting_for_permission, show the user the \
        tool and its input before answering with respond_to_permission. On timeout, continue with \
        wait_for_reply and the cursor instead of sending the message again. To supervise several sessions, \
        call wait_for_attention again and again, each time with the previous result's resume_token; change a \
        session's permission mode or model only when the user asks.
        """

    /// A configured server; `start(transport:)` it, or use `runStdio`.
    public static func makeServer(tap: Tap, logger: Logger, watchInterval: Double = 2) async -> (Server, Lifecycle) {
        let server = Server(
            name: "cc-tap", version: CCTap.version, title: "cc-tap: Claude Code sessions", instructions: instructions,
            capabilities: .init(resources: .init(subscribe: true, listChanged: true), tools: .init(listChanged: false)))
        let inFlight = InFlight()
        let client = ClientTraits()
        // The handlers hold the server strongly; a server lives as long as its process or test.
        let resources = SessionResources(
            tap: tap, watchInterval: watchInterval, logger: logger,
            notify: { uri in try? await server.notify(ResourceUpdatedNotification.message(.init(uri: uri))) },
            listChanged: { try? await server.notify(ResourceListChangedNotification.message()) })

        // Every handler is tracked, so on EOF the server answers all it was asked before exiting.
        await server.withMethodHandler(ListTools.self) { _ in
            try await inFlight.track { ListTools.Result(tools: ToolRegistry.tools) }
        }
        await server.withMethodHandler(CallTool.self) { params in
            try await inFlight.track {
                let sink = params._meta?.progressToken.map { token in
                    ProgressSink { progress, message in
                        try? await server.notify(
                            ProgressNotification.message(.init(progressToken: token, progress: progress, message: message)))
                    }
                }
                // Forms go to the client only when it declared it can show them (MCP elicitation).
                let asker =
                    await client.elicitsForms
                    ? InputAsker { message, schema in try await server.requestElicitation(message: message, requestedSchema: schema) }
                    : nil
                return try await ToolRegistry.call(params, tap: tap, progress: sink, asker: asker, logger: logger)
            }
        }
        await server.withMethodHandler(ListResources.self) { _ in
            try await inFlight.track { ListResources.Result(resources: try await resources.list()) }
        }
        await server.withMethodHandler(ListResourceTemplates.self) { _ in
            try await inFlight.track { ListResourceTemplates.Result(templates: SessionResources.templates) }
        }
        await server.withMethodHandler(ReadResource.self) { params in
            try await inFlight.track { try await resources.read(params.uri) }
        }
        await server.withMethodHandler(ResourceSubscribe.self) { params in
            try await inFlight.track {
                try await resources.subscribe(params.uri)
                return Empty()
            }
        }
        await server.withMethodHandler(ResourceUnsubscribe.self) { params in
            try await inFlight.track {
                await resources.unsubscribe(params.uri)
                return Empty()
            }
        }
        return (server, Lifecycle(inFlight: inFlight, resources: resources, client: client))
    }

    /// How the server runs as a Claude Code channel: off, or pushing for these sessions (all live
    /// ones when empty).
    public enum ChannelMode: Sendable {
        case off
        case on(sessions: [String])
    }

    /// Serves MCP on stdin/stdout until stdin closes, then finishes the calls in progress and returns.
    public static func runStdio(tap: Tap, logger: Logger, watchInterval: Double = 2, channel: ChannelMode = .off) async throws {
        let (server, lifecycle) = await makeServer(tap: tap, logger: logger, watchInterval: watchInterval)
        var pusher: Task<Void, Never>?
        switch channel {
        case .off:
            try await server.start(transport: SerialStdioTransport(logger: logger), initializeHook: lifecycle.client.note)
        case .on(let sessions):
            try await server.start(
                transport: SerialStdioTransport(logger: logger, experimental: ChannelCapability.experimental),
                initializeHook: lifecycle.client.note)
            pusher = Task {
                await ChannelPusher.run(tap: tap, sessions: sessions, logger: logger) { message in
                    try? await server.notify(ChannelNotification.message(message))
                }
            }
        }
        logger.debug("cc-tap MCP server ready on stdio")
        await server.waitUntilCompleted()
        pusher?.cancel()
        logger.debug("stdin closed; finishing calls in progress")
        await lifecycle.finish(maxSeconds: ConversationTools.maxWaitSeconds + 10)
        await server.stop()
    }

    /// What is needed to shut down cleanly.
    public struct Lifecycle: Sendable {
        let inFlight: InFlight
        let resources: SessionResources
        /// What the client declared in `initialize`; pass `client.note` as the start's initialize hook.
        public let client: ClientTraits

        /// Stops watchers and waits (bounded) for the calls in progress to answer.
        public func finish(maxSeconds: Double) async {
            await resources.stopAll()
            await inFlight.drain(maxSeconds: maxSeconds)
        }
    }
}

/// What the client declared it can do, as far as the tools care.
public actor ClientTraits {
    /// Whether the client shows forms to its person (`capabilities.elicitation`, form mode: an empty
    /// `elicitation` object means form, as the 2025-11-25 revision keeps it).
    private(set) var elicitsForms = false

    public init() {}

    /// The `initialize` hook: records what the client declared.
    public nonisolated var note: @Sendable (Client.Info, Client.Capabilities) async throws -> Void {
        { [self] _, capabilities in await self.record(capabilities) }
    }

    private func record(_ capabilities: Client.Capabilities) {
        guard let elicitation = capabilities.elicitation else { return }
        elicitsForms = elicitation.form != nil || elicitation.url == nil
    }
}

/// Counts requests being handled, so the server answers them all before exiting on EOF.
actor InFlight {
    private var count = 0

    func track<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        count += 1
        defer { count -= 1 }
        return try await body()
    }

    func drain(maxSeconds: Double) async {
        let deadline = Date().addingTimeInterval(maxSeconds)
        var quietChecks = 0
        // A request read just before EOF may not have started yet: wait for a short quiet spell.
        while Date() < deadline, quietChecks < 3 {
            quietChecks = count == 0 ? quietChecks + 1 : 0
            try? await Task.sleep(nanoseconds: 30_000_000)
        }
    }
}
