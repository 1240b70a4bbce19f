#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Hummingbird
import NIOCore
import HTTPTypes

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The request context: Hummingbird's core storage plus the connection, so a fault can reset it.
public struct EmulatorContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}

/// An answer in the service's error format: `{"type":"error","error":{type,message},"request_id"}`.
struct APIFailure: Error {
    var status: Int
    var type: String
    var message: String

    init(_ status: Int, _ message: String, type: String? = nil) {
        self.status = status
        self.type = type ?? anthropicErrorType(for: status)
        self.message = message
    }
}

enum Reply {
    static func json(_ value: JSON, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(data: value.jsonData())))
    }

    static func error(_ failure: APIFailure, requestID: String) -> Response {
        let body: JSON = [
            "type": "error", "error": ["type": .string(failure.type), "message": .string(failure.message)],
            "request_id": .string(requestID),
        ]
        return json(body, status: .init(code: failure.status))
    }

    static let cloudflarePage = """
        <!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head>\
        <body><noscript>Enable JavaScript and cookies to continue</noscript></body></html>
        """
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("request-id")!
    static let anthropicVersion = HTTPField.Name("anthropic-version")!
    static let organizationUUID = HTTPField.Name("x-organization-uuid")!
    static let retryAfter = HTTPField.Name("retry-after")!
    static let clientPlatform = HTTPField.Name("anthropic-client-platform")!
    static let trustedDevice = HTTPField.Name("x-trusted-device-token")!
    static let anthropicBeta = HTTPField.Name("anthropic-beta")!
}

/// Checks every request like the service's front end (Cloudflare, auth, headers), injects faults,
/// tags the answer with a `request-id`, and turns failures into the service's error bodies.
struct ServiceMiddleware: RouterMiddleware {
    typealias Context = EmulatorContext
    let store: EmulatorStore
    let configuration: EmulatorConfiguration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = "req_011" + IDs.random(22)
        let isService = !request.uri.path.hasPrefix("/_emulator/")
        if isService { await store.noteRequestStarted() }
        var response: Response
        do {
            response = try await answer(request, context: context, requestID: requestID, next: next)
        } catch {
            if isService { await store.noteRequestFinished() }
            throw error
        }
        // A stream's handler returns once its body is set up; the frames it writes later store nothing.
        if isService { await store.noteRequestFinished() }
        response.headers[.requestID] = requestID
        if isService {
            // Count what clients read (the benchmark's "API bytes"), keeping the body's length header.
            let body = response.body
            let store = store
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                try await body.write(writer.map { buffer in
                    await store.noteResponseBytes(buffer.readableBytes)
                    return buffer
                })
            }
        }
        return response
    }

    private func answer(
        _ request: Request, context: Context, requestID: String, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        await store.noteRequest(
            "\(request.method.rawValue) \(request.uri.description)",
            headers: RecordedHeaders(
                platform: request.headers[.clientPlatform], accept: request.headers[.accept],
                beta: request.headers[.anthropicBeta],
                trustedDevice: request.headers[.trustedDevice].map { $0 == configuration.trustedDeviceToken } ?? nil))
        if path.hasPrefix("/_emulator/") { return try await next(request, context) }
        if !configuration.dialect.serves(path: path) {
            // The route does not exist in this world: the service's plain 404.
            return Reply.error(APIFailure(404, "Not found: \(path)"), requestID: requestID)
        }

        // An event stream applies body faults frame by frame itself (see FaultRule.Kind).
        let isStream = path.hasSuffix("/events/stream")
        if let fault = await store.takeFault(
            method: request.method.rawValue, path: path, query: request.uri.query ?? "", accept: { isStream ? !$0.isStreamBodyFault : !$0.isStreamFault })
        {
            switch fault.kind {
            case .status:
                let status = fault.status ?? 500
                var response = Reply.error(
                    APIFailure(status, fault.message ?? defaultMessage(status), type: fault.errorType), requestID: requestID)
                if let retryAfter = fault.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
                return response
            case .cloudflare:
                return Response(
                    status: .forbidden, headers: [.contentType: "text/html; charset=UTF-8"],
                    body: .init(byteBuffer: ByteBuffer(string: Reply.cloudflarePage)))
            case .nonJSON:
                return Response(
                    status: .init(code: fault.status ?? 502), headers: [.contentType: "text/plain"],
                    body: .init(byteBuffer: ByteBuffer(string: fault.body ?? "upstream connect error or disconnect/reset before headers")))
            case .delay:
                try? await Task.sleep(nanoseconds: UInt64(min(max(0, fault.seconds ?? 5), 3600) * 1_000_000_000))
            case .hold:
                await store.holdUntilReleased(atMost: min(max(0, fault.seconds ?? 60), 3600))
            case .acceptWithoutStoring:
                return Response(
                    status: .init(code: fault.status ?? 200), headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: fault.body ?? "{}")))
            case .resetBefore:
                try await reset(context.channel)
                throw APIFailure(500, "connection reset")
            case .resetAfter:
                _ = try? await checkedAnswer(request, context: context, requestID: requestID, next: next)
                try await reset(context.channel)
                throw APIFailure(500, "connection reset")
            case .malformedJSON:
                var response = try await checkedAnswer(request, context: context, requestID: requestID, next: next)
                response.body = .init(byteBuffer: ByteBuffer(string: "{\"data\": [{\"type\": \"user\", \"uu"))
                response.status = .ok
                return response
            case .streamDrop, .streamStall, .keepaliveOnly:
                break  // applied by the stream route
            case .stallBody:
                let response = try await checkedAnswer(request, context: context, requestID: requestID, next: next)
                let box = BufferBox()
                try await response.body.write(CollectingWriter(box: box))
                let whole = box.buffer
                let half = max(1, whole.readableBytes / 2)
                let store = store
                let seconds = min(max(0, fault.seconds ?? 60), 3600)
                return Response(
                    status: response.status, headers: [.contentType: "application/json"],
                    body: ResponseBody(contentLength: whole.readableBytes) { writer in
                        try await writer.write(whole.getSlice(at: whole.readerIndex, length: half) ?? whole)
                        await store.holdUntilReleased(atMost: seconds)
                        try await writer.write(whole.getSlice(at: whole.readerIndex + half, length: whole.readableBytes - half) ?? ByteBuffer())
                        try await writer.finish(nil)
                    })
            case .truncatedBody:
                let response = try await checkedAnswer(request, context: context, requestID: requestID, next: next)
                let box = BufferBox()
                try await response.body.write(CollectingWriter(box: box))
                let whole = box.buffer
                let half = whole.getSlice(at: whole.readerIndex, length: max(1, whole.readableBytes / 2)) ?? ByteBuffer()
                let total = whole.readableBytes
                return Response(
                    status: response.status, headers: [.contentType: "application/json"],
                    body: ResponseBody(contentLength: total) { writer in
                        try await writer.write(half)
                        throw APIFailure(500, "truncated on purpose")
                    })
            }
        }
        return try await checkedAnswer(request, context: context, requestID: requestID, next: next)
    }

    private func checkedAnswer(
        _ request: Request, context: Context, requestID: String, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            try checkHeaders(request, validTokens: await store.validTokens)
            return try await next(request, context)
        } catch let failure as APIFailure {
            return Reply.error(failure, requestID: requestID)
        } catch is CloudflareChallenge {
            return Response(
                status: .forbidden, headers: [.contentType: "text/html; charset=UTF-8"],
                body: .init(byteBuffer: ByteBuffer(string: Reply.cloudflarePage)))
        } catch let error as HTTPError where error.status == .notFound {
            return Reply.error(APIFailure(404, "Not found: \(request.uri.path)"), requestID: requestID)
        } catch let error as HTTPError {
            return Reply.error(APIFailure(Int(error.status.code), error.body ?? error.status.reasonPhrase), requestID: requestID)
        }
    }

    private func defaultMessage(_ status: Int) -> String {
        switch status {
        case 429: return "Rate limited. Please try again later."
        case 529: return "Overloaded"
        case 401: return "Invalid bearer token"
        default: return status >= 500 ? "Internal server error" : "Request failed"
        }
    }

    /// What the real front end is reported to check (see PROTOCOL.md for the evidence).
    private func checkHeaders(_ request: Request, validTokens: Set<String>) throws {
        let agent = request.headers[.userAgent] ?? ""
        let lowerAgent = agent.lowercased()
        if agent.isEmpty || lowerAgent.hasPrefix("python-urllib") || lowerAgent.hasPrefix("python-httpx") {
            throw CloudflareChallenge()
        }
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") else {
            throw APIFailure(401, "Missing bearer token")
        }
        let token = String(authorization.dropFirst("Bearer ".count))
        if configuration.expiredTokens.contains(token) {
            throw APIFailure(401, "OAuth token has expired. Please obtain a new token or refresh your existing token.")
        }
        guard validTokens.contains(token) else { throw APIFailure(401, "Invalid bearer token") }
        guard request.headers[.anthropicVersion] != nil else {
            throw APIFailure(400, "anthropic-version: header is required")
        }
        let path = request.uri.path
        if path.hasPrefix("/v1/sessions") || path.hasPrefix("/v1/code/") {
            // S7 saw the bare v2 list answer without the organisation header; every other route needs it.
            guard let org = request.headers[.organizationUUID] ?? (path == "/v1/code/sessions" ? configuration.organizationUUID : nil)
            else {
                throw APIFailure(400, "x-organization-uuid header is required")
            }
            guard org == configuration.organizationUUID else {
                throw APIFailure(403, "You do not have access to organization \(org)")
            }
            // Wording after the 403 the WATCH research reports for organisations that require Trusted Devices.
            if let required = configuration.trustedDeviceToken, request.headers[.trustedDevice] != required {
                throw APIFailure(403, "This organization requires a trusted device: sign in on a trusted device and try again.")
            }
        }
    }

    private func reset(_ channel: any Channel) async throws {
        // SO_LINGER 0 makes close() send a TCP RST, like a proxy dropping the connection.
        if let provider = channel as? any SocketOptionProvider {
            try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
    }
}

struct CloudflareChallenge: Error {}

final class BufferBox: @unchecked Sendable {
    var buffer = ByteBuffer()
}

/// Collects a response body into one buffer (used to cut it in half).
struct CollectingWriter: ResponseBodyWriter {
    let box: BufferBox
    mutating func write(_ part: ByteBuffer) async throws {
        var part = part
        box.buffer.writeBuffer(&part)
    }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
