import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTPTypes

/// MCP over Streamable HTTP, for clients that cannot start a process: one endpoint, `POST /mcp`,
/// serving both eras per message, on Hummingbird (already the emulator's server, so it costs the
/// binary nothing new). Every request needs the bearer token; `Host` and `Origin` are checked
/// against the bound address (421 / 403), against DNS rebinding from a browser; the body is bounded.
/// A request answers with JSON, or with an SSE stream when it has something to send first (progress,
/// a listen's notifications) and the client accepts one. GET and DELETE answer 405: no session state
/// lives on the connection, in either era.
public enum HTTPServer {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var token: String
        /// Whether a non-loopback address was asked for explicitly (`--allow-remote`).
        public var allowRemote: Bool

        public init(host: String, port: Int, token: String, allowRemote: Bool) {
            self.host = host
            self.port = port
            self.token = token
            self.allowRemote = allowRemote
        }
    }

    static let endpoint = "/mcp"
    /// The largest request body taken (the Python SDK's bound).
    static let maxBodyBytes = 4 * 1024 * 1024
    static let keepaliveSeconds: Double = 15

    /// Serves until cancelled; `listening` gets the bound port.
    public static func run(tap: Tap, logger: Logger, options: Options, listening: @escaping @Sendable (Int) -> Void) async throws {
        let slot = ConnectionSlot()
        let methods = CCTapMCPServer.methods(tap: tap, logger: logger, channel: false, connection: slot)
        let routes = HTTPRoutes()
        let connection = MCPConnection(methods: methods, logger: logger) { frame in await routes.route(frame) }
        slot.set(connection)
        let router = Router(context: MCPRequestContext.self)
        let gatekeeper = HTTPGatekeeper(options: options)
        router.post(RouterPath(endpoint)) { request, context in
            if let refusal = gatekeeper.refusal(request) { return refusal }
            return try await answer(request, context: context, connection: connection, routes: routes)
        }
        for method in [HTTPRequest.Method.get, .delete] {
            router.on(RouterPath(endpoint), method: method) { request, _ in
                if let refusal = gatekeeper.refusal(request) { return refusal }
                return Response(status: .methodNotAllowed, headers: [.allow: "POST"])
            }
        }
        var quiet = logger
        quiet.logLevel = .critical
        let app = Application(
            router: router, server: .http1(configuration: .init(additionalChannelHandlers: [ClientGoneHandler()])),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil),
            onServerRunning: { channel in listening(channel.localAddress?.port ?? options.port) }, logger: quiet)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    static func answer(_ request: Request, context: MCPRequestContext, connection: MCPConnection, routes: HTTPRoutes) async throws
        -> Response
    {
        let body = try await request.body.collect(upTo: maxBodyBytes)
        var gate = JSONRPCGate(initialized: true)
        let bytes = Data(body.readableBytesView)
        switch gate.admit(bytes) {
        case .answer(let frame): return json(frame, status: .badRequest)
        case .drop: return Response(status: .accepted)
        case .forward: break
        }
        guard let frame = JSONValue.parse(bytes), let method = frame["method"]?.stringValue, let id = frame["id"] else {
            return Response(status: .accepted)  // a notification, or an answer to a request of ours (none over HTTP)
        }
        let params = frame["params"]
        if MCPEra.of(params) == .modern, let mismatch = headerMismatch(request, method: method, params: params) {
            let error = RPCError(code: -32020, message: "Header mismatch: \(mismatch)")
            return json(Data(RPCFrame.error(id: id, error).jsonText().utf8), status: .badRequest)
        }
        // Many clients share one connection: each request gets an id of its own on the way in, and
        // its own id back on the way out.
        let inner = JSONValue.string("http-" + UUID().uuidString)
        var forwarded = frame
        if case .object(var fields) = forwarded { fields["id"] = inner; forwarded = .object(fields) }
        let progressToken = params?["_meta"]?["progressToken"]
        let frames = await routes.open(inner, progressToken: progressToken)
        // A client that goes away cancels its request: nothing more is done or sent for it. After the
        // answer, the cancellation finds nothing running and is ignored.
        context.channel.closeFuture.whenComplete { _ in
            Task { await cancel(inner, connection: connection, routes: routes) }
        }
        await connection.receive(forwarded)
        let streams = progressToken != nil || method == "subscriptions/listen"
        let accepts = request.headers[.accept]?.contains("text/event-stream") ?? false
        if streams && accepts {
            return sse(frames, id: id, inner: inner, connection: connection, routes: routes)
        }
        for await frame in frames where frame["id"] == inner {
            await routes.close(inner)
            return json(Data(restored(frame, id: id).jsonText().utf8), status: .ok)
        }
        await routes.close(inner)
        return Response(status: .internalServerError)
    }

    static func cancel(_ inner: JSONValue, connection: MCPConnection, routes: HTTPRoutes) async {
        await routes.close(inner)
        await connection.receive(["jsonrpc": "2.0", "method": "notifications/cancelled", "params": ["requestId": inner]])
    }

    static func restored(_ frame: JSONValue, id: JSONValue) -> JSONValue {
        guard case .object(var fields) = frame else { return frame }
        if fields["id"] != nil { fields["id"] = id }
        return .object(fields)
    }

    /// The request's frames as server-sent events, ending with its answer; a client that goes away
    /// cancels the request.
    static func sse(
        _ frames: AsyncStream<JSONValue>, id: JSONValue, inner: JSONValue, connection: MCPConnection, routes: HTTPRoutes
    ) -> Response {
        let body = ResponseBody { writer in
            try await stream(frames, to: &writer, id: id, inner: inner, connection: connection, routes: routes)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: body)
    }

    private static func stream(
        _ frames: AsyncStream<JSONValue>, to writer: inout any ResponseBodyWriter, id: JSONValue, inner: JSONValue,
        connection: MCPConnection, routes: HTTPRoutes
    ) async throws {
        let keepalive = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(keepaliveSeconds * 1_000_000_000))
                await routes.send(inner, .null)  // a comment line, below
            }
        }
        defer { keepalive.cancel() }
        do {
            for await frame in frames {
                if frame == .null {
                    try await writer.write(ByteBuffer(string: ": keepalive\n\n"))
                    continue
                }
                let shown = restored(frame, id: id)
                try await writer.write(ByteBuffer(string: "event: message\ndata: \(shown.jsonText())\n\n"))
                if frame["id"] == inner && frame["method"] == nil { break }
            }
            await routes.close(inner)
            try await writer.finish(nil)
        } catch {
            await cancel(inner, connection: connection, routes: routes)  // a write failed: the client is gone
            throw error
        }
    }

    static func json(_ frame: Data, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: frame)))
    }

    /// 2026-07-28: `MCP-Protocol-Version`, `Mcp-Method` and (for named requests) `Mcp-Name` must say
    /// what the body says.
    static func headerMismatch(_ request: Request, method: String, params: JSONValue?) -> String? {
        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { request.headers[$0] }.map(decoded) }
        let version = params?["_meta"]?[MCPEra.versionKey]?.stringValue
        if header("MCP-Protocol-Version") != version { return "MCP-Protocol-Version does not match the body." }
        if header("Mcp-Method") != method { return "Mcp-Method does not match the body's method." }
        let named: String? =
            switch method {
            case "tools/call", "prompts/get": params?["name"]?.stringValue
            case "resources/read": params?["uri"]?.stringValue
            default: nil
            }
        if let named, header("Mcp-Name") != named { return "Mcp-Name does not match the body." }
        return nil
    }

    /// A header value as the client meant it: `=?base64?…?=` wraps what would not survive as a field.
    static func decoded(_ value: String) -> String {
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?="),
            let data = Data(base64Encoded: String(value.dropFirst(9).dropLast(2))),
            let text = String(data: data, encoding: .utf8)
        else { return value }
        return text
    }
}

/// Hummingbird's request context plus the connection, whose end cancels the request it carries.
struct MCPRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}

/// Closes a connection as soon as its client closes its side. MCP clients cancel a request by going
/// away; Hummingbird allows half-closed connections, so without this a gone client's connection (and
/// the call it asked for, a wait of up to 110 s) would stay until the answer is written to nobody.
final class ClientGoneHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}

/// The bearer token, `Host` and `Origin` checks, before anything else is read.
struct HTTPGatekeeper: Sendable {
    let options: HTTPServer.Options

    func refusal(_ request: Request) -> Response? {
        let given = request.headers[.authorization] ?? ""
        guard given.hasPrefix("Bearer "), constantTimeEqual(String(given.dropFirst(7)), options.token) else {
            return Response(
                status: .unauthorized, headers: [.wwwAuthenticate: "Bearer", .contentType: "text/plain"],
                body: .init(byteBuffer: ByteBuffer(string: "A bearer token is required (CCTAP_HTTP_TOKEN or the token file cc-tap printed at start).\n")))
        }
        if !options.allowRemote {
            let host = request.head.authority ?? ""
            let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }) + "]" : String(host.split(separator: ":").first ?? "")
            guard ["127.0.0.1", "localhost", "[::1]"].contains(name) else { return Response(status: .misdirectedRequest) }
        }
        if let origin = request.headers[.origin], origin != "null" {
            let allowed = ["http://127.0.0.1", "http://localhost", "http://[::1]", "https://127.0.0.1", "https://localhost"]
            guard options.allowRemote || allowed.contains(where: { origin == $0 || origin.hasPrefix($0 + ":") }) else {
                return Response(status: .forbidden)
            }
        }
        return nil
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Where each frame the connection writes goes: to the HTTP request it answers or belongs to (by
/// request id, progress token, or listen id).
actor HTTPRoutes {
    private var open: [JSONValue: AsyncStream<JSONValue>.Continuation] = [:]
    private var tokens: [JSONValue: JSONValue] = [:]

    func open(_ id: JSONValue, progressToken: JSONValue?) -> AsyncStream<JSONValue> {
        let (stream, continuation) = AsyncStream.makeStream(of: JSONValue.self)
        open[id] = continuation
        if let progressToken { tokens[progressToken] = id }
        return stream
    }

    func close(_ id: JSONValue) {
        open.removeValue(forKey: id)?.finish()
        tokens = tokens.filter { $0.value != id }
    }

    func send(_ id: JSONValue, _ frame: JSONValue) { open[id]?.yield(frame) }

    func route(_ frame: JSONValue) {
        if let id = frame["id"], frame["method"] == nil {
            open[id]?.yield(frame)
        } else if let token = frame["params"]?["progressToken"], let id = tokens[token] {
            open[id]?.yield(frame)
        } else if let id = frame["params"]?["_meta"]?[MCPEra.subscriptionKey] {
            open[id]?.yield(frame)
        }
        // Anything else (a legacy resource notification) has no stream to go to over HTTP.
    }
}
