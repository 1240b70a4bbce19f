import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging
import Synchronization

/// The cc-tap MCP server: the core's operations as tools and resources, over stdio (or in process,
/// for the demo), on our own JSON-RPC layer (`Server/`).
public enum CCTapMCPServer {
    /// How the server runs as a Claude Code channel: off, or pushing for these sessions (all live
    /// ones when empty).
    public enum ChannelMode: Sendable {
        case off
        case on(sessions: [String])
    }

    /// The methods, with resources whose changes reach the connection once it exists.
    static func methods(tap: Tap, logger: Logger, channel: Bool, connection: ConnectionSlot) -> MCPMethods {
        let resources = SessionResources(
            tap: tap, logger: logger,
            notify: { uri in await connection.current?.resourceUpdated(uri) },
            listChanged: { await connection.current?.resourceListChanged() })
        return MCPMethods(tap: tap, logger: logger, resources: resources, channel: channel)
    }

    /// Serves MCP on stdin/stdout until stdin closes, then finishes the calls in progress and returns.
    public static func runStdio(tap: Tap, logger: Logger, channel: ChannelMode = .off) async throws {
        let slot = ConnectionSlot()
        let channelOn: Bool
        if case .on = channel { channelOn = true } else { channelOn = false }
        let methods = methods(tap: tap, logger: logger, channel: channelOn, connection: slot)
        let pusher = Mutex<Task<Void, Never>?>(nil)
        logger.debug("cc-tap MCP server ready on stdio")
        await StdioServer.run(methods: methods, logger: logger) { connection in
            slot.set(connection)
            guard case .on(let sessions) = channel else { return }
            // Channel messages go out on the legacy path: a 2026 stdio connection has no place for an
            // unsolicited notification, and Claude Code reads them from the connection it initialized.
            pusher.withLock {
                $0 = Task {
                    await ChannelPusher.run(tap: tap, sessions: sessions, logger: logger) { message in
                        await connection.notify(ChannelNotification.name, message.json)
                    }
                }
            }
        }
        pusher.withLock { $0?.cancel() }
    }
}

/// The connection, once it exists, for what is made before it (the resources' followers).
final class ConnectionSlot: Sendable {
    private let connection = Mutex<MCPConnection?>(nil)
    var current: MCPConnection? { connection.withLock { $0 } }
    func set(_ value: MCPConnection) { connection.withLock { $0 = value } }
}

/// An MCP client in the same process, for the demo: frames go to a connection and answers come back
/// by id, through the same dispatcher and encoding as stdio.
public actor LoopbackClient {
    private let connection: MCPConnection
    private let mailbox: Mailbox
    private var nextID: Int64 = 1

    public init(tap: Tap, logger: Logger) {
        let slot = ConnectionSlot()
        let mailbox = Mailbox()
        let methods = CCTapMCPServer.methods(tap: tap, logger: logger, channel: false, connection: slot)
        let connection = MCPConnection(methods: methods, logger: logger) { frame in
            // Each frame crosses as text, as it would over a pipe.
            guard let parsed = JSONValue.parse(Data(frame.jsonText().utf8)) else { return }
            await mailbox.deliver(parsed)
        }
        slot.set(connection)
        self.connection = connection
        self.mailbox = mailbox
    }

    /// Sends a request and returns its whole response frame (`result` or `error`).
    public func request(_ method: String, _ params: JSONValue) async -> JSONValue {
        let id = nextID
        nextID += 1
        let frame: JSONValue = ["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": params]
        let connection = connection
        return await mailbox.response(for: id) { await connection.receive(frame) }
    }

    public func close() async { await connection.finish(maxSeconds: 1) }

    /// The answers, handed to whoever waits for their id.
    actor Mailbox {
        private var waiting: [Int64: CheckedContinuation<JSONValue, Never>] = [:]

        func response(for id: Int64, send: @escaping @Sendable () async -> Void) async -> JSONValue {
            await withCheckedContinuation { continuation in
                waiting[id] = continuation
                Task { await send() }
            }
        }

        func deliver(_ frame: JSONValue) {
            guard let id = frame["id"]?.intValue, let waiter = waiting.removeValue(forKey: id) else { return }
            waiter.resume(returning: frame)
        }
    }
}
