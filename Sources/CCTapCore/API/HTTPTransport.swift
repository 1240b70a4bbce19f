import AsyncHTTPClient
import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging
import NIOCore
import NIOHTTP1

/// One request to the service, described as data.
struct APIRequest: Sendable {
    enum Retry: Sendable {
        /// Safe to repeat: retried on network errors, 429 and 5xx.
        case read
        /// Not repeated here: the caller decides (a send must be checked before it is repeated).
        case never
    }

    /// Which routes a request goes to decides its headers (PROTOCOL.md §2): the login's own
    /// account (`/api/oauth/*`: the login alone), or the session routes of a dialect. v1
    /// (`/v1/sessions`): organisation, `anthropic-beta: ccr-byoc-2025-07-29`, the client platform, the
    /// trusted-device token and `Accept: application/json`. v2 (`/v1/code/sessions`): organisation,
    /// client platform and trusted-device token; no beta and no explicit `Accept` on JSON routes (one
    /// exporter saw `/v1/code` refuse it).
    enum HeaderFamily: Sendable, Equatable {
        case account
        case sessions(Dialect)
    }

    var method: HTTPMethod
    var path: String
    var query: [(String, String)] = []
    var body: JSONValue? = nil
    var headerFamily: HeaderFamily
    var retry: Retry = .read
    /// Header changes after the header family's own (a nil value removes the header): only `cc-tap probe`
    /// uses them, to learn which headers the service requires.
    var headerOverrides: [(name: String, value: String?)] = []
    var timeout: TimeInterval

    var route: String { "\(method.rawValue) \(path)" }
}

/// A successful (2xx) answer.
struct APIResponse: Sendable {
    var status: Int
    var body: ByteBuffer

    func json(route: String) throws -> JSONValue {
        guard body.readableBytes > 0 else { return .null }
        do {
            return try JSONParser.parse(body.readableBytesView)
        } catch {
            throw TapError.badResponse(
                "\(route) answered \(status) with a body that is not valid JSON (\(body.readableBytes) bytes; "
                    + "\(error.reason) at byte \(error.offset)). The service may have changed or a proxy interfered; try again.")
        }
    }
}

/// Sends requests with the right headers, turns error answers into `TapError`s and retries what is
/// safe to retry. It holds the credential and organisation, and re-reads the credential on a 401.
final class HTTPTransport: Sendable {
    let configuration: TapConfiguration
    let credentials: CredentialStore
    private let client: HTTPClient
    private let streamingClient: HTTPClient

    /// One client for the process, reused by every `Tap` (connections are pooled). Redirects are
    /// refused: following one could carry the bearer token to another host.
    static let sharedClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration(connectionsPerHost: 8))

    /// How long a connection may take to open. The pool does not keep retrying a refused one within
    /// it (`retryConnectionEstablishment: false`): that made an absent host cost 10 s an attempt; we
    /// retry a refused one once ourselves instead (`send`). The bound covers the name lookup, the TCP
    /// connection and the TLS handshake together (AsyncHTTPClient gives them one deadline); 5 s lets the
    /// kernel resend a lost SYN twice (after 1 s and 3 s) and leaves seconds for the rest, which take
    /// well under one to a host that is there.
    static let connectTimeoutSeconds = 5

    /// Event streams hold their connection for as long as a wait runs, so they get a pool of their
    /// own: with the default 8 connections per host, 8 pending waits would queue every other call.
    static let streamingClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration(connectionsPerHost: 256))

    private static func clientConfiguration(connectionsPerHost: Int) -> HTTPClient.Configuration {
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost)
        pool.retryConnectionEstablishment = false
        return HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(Int64(connectTimeoutSeconds))),
            connectionPool: pool)
    }

    init(
        configuration: TapConfiguration, credentials: CredentialStore, client: HTTPClient = HTTPTransport.sharedClient,
        streamingClient: HTTPClient = HTTPTransport.streamingClient
    ) {
        self.configuration = configuration
        self.credentials = credentials
        self.client = client
        self.streamingClient = streamingClient
    }

    var logger: Logger { configuration.logger }

    /// The `anthropic-client-platform` the web and mobile Remote Control controllers send.
    static let clientPlatform = "claude_code_remote"

    /// Sends `request`, retrying as its policy allows; throws `TapError`.
    func send(_ request: APIRequest, organization: String?) async throws -> APIResponse {
        var attempt = 1
        var reread401 = false
        if let refusal = configuration.refusal { throw refusal }
        while true {
            try Task.checkCancellation()
            let credential = try credentials.current()
            let outcome: Outcome
            do {
                outcome = try await once(request, credential: credential, organization: organization)
            } catch TapError.unreachable(let text) {
                // Nothing was sent, so any request may be tried again; once, soon, so an absent host is
                // reported in about a second rather than after the whole backoff. A host that let the
                // connect time out is not tried again: it dropped the kernel's resent SYNs already.
                guard attempt < 2, !text.contains(Self.connectTimedOut) else { throw TapError.unreachable(text) }
                logger.debug("\(request.route): \(text) Trying once more.")
                try await sleep(Self.unreachablePause)
                attempt += 1
                continue
            } catch let error as TapError where error.isTransportFailure && request.retry == .read {
                guard attempt < configuration.maxAttempts else { throw Self.afterAttempts(error, attempt) }
                let delay = backoff(attempt: attempt)
                logger.debug("\(request.route): \(error.message); retrying in \(delay.rounded(toDecimals: 2)) s")
                try await sleep(delay)
                attempt += 1
                continue
            }
            switch outcome {
            case .success(let response):
                return response
            case .failure(let details):
                if details.status == 401 && !reread401 {
                    // Claude Code may have refreshed the token since we read it: re-read once and retry.
                    reread401 = true
                    credentials.invalidate()
                    logger.debug("\(request.route): 401, re-reading the credential and retrying once")
                    continue
                }
                if request.retry == .read, attempt < configuration.maxAttempts, let delay = retryDelay(details, attempt) {
                    logger.debug("\(request.route): HTTP \(details.status); retrying in \(delay.rounded(toDecimals: 2)) s")
                    try await sleep(delay)
                    attempt += 1
                    continue
                }
                throw TapError.api(details)
            }
        }
    }

    /// How long to wait before retrying an error answer, or nil when it is not retryable.
    func retryDelay(_ details: APIErrorDetails, _ attempt: Int) -> TimeInterval? {
        switch details.status {
        case 429:
            if let retryAfter = details.retryAfterSeconds {
                return retryAfter <= configuration.maxRetryAfter ? retryAfter : nil
            }
            return backoff(attempt: attempt)
        case 500, 502, 503, 504, 529:
            return backoff(attempt: attempt)
        default:
            return nil
        }
    }

    /// Exponential backoff with "equal jitter": half fixed, half random, so retries from many
    /// clients spread out but never collapse to zero.
    func backoff(attempt: Int) -> TimeInterval {
        Self.backoff(attempt: attempt, initial: configuration.initialBackoff, maximum: configuration.maxBackoff)
    }

    /// The same rule for any start and cap (the event stream's reconnects use their own).
    static func backoff(attempt: Int, initial: TimeInterval, maximum: TimeInterval) -> TimeInterval {
        let ceiling = Backoff.ceiling(afterFailures: max(1, attempt), initial: initial, maximum: maximum)
        return ceiling / 2 + Double.random(in: 0...(ceiling / 2))
    }

    private func sleep(_ seconds: TimeInterval) async throws {
        try await Seconds.sleep(seconds)
    }

    /// The cause named when a connection did not open in time.
    static let connectTimedOut = "no connection within \(connectTimeoutSeconds) s"

    /// The pause before the one more try at a host that did not take the connection.
    static let unreachablePause: TimeInterval = 0.5

    /// A transport failure that outlasted every attempt, saying how many there were.
    static func afterAttempts(_ error: TapError, _ attempts: Int) -> TapError {
        guard attempts > 1 else { return error }
        let note = " Tried \(attempts) times."
        switch error {
        case .timeout(let text): return .timeout(text + note)
        case .network(let text): return .network(text + note)
        default: return error
        }
    }

    enum Outcome {
        case success(APIResponse)
        case failure(APIErrorDetails)
    }

    /// One HTTP exchange. Network failures throw `.network`; any HTTP answer is an `Outcome`.
    func once(_ request: APIRequest, credential: Credential, organization: String?) async throws -> Outcome {
        let http = try httpRequest(request, credential: credential, organization: organization)
        let started = Date()
        let client = client
        let limit = configuration.maxResponseBytes
        let progress = ExchangeProgress()
        let status: Int
        let headers: HTTPHeaders
        let body: ByteBuffer
        do {
            // One bound for the whole exchange: AsyncHTTPClient's deadline ends when the answer's head
            // arrives, so a body that stalls or drips after it would otherwise last as long as the
            // server likes.
            (status, headers, body) = try await Deadline.run(seconds: request.timeout) {
                let response = try await client.execute(http, deadline: .now() + .seconds(Int64(Seconds.whole(request.timeout) ?? 30)), logger: nil)
                progress.headArrived()
                return (Int(response.status.code), response.headers, try await response.body.collect(upTo: limit))
            }
        } catch let expired as Deadline.Expired {
            _ = expired
            throw TapError.timeout(
                "\(request.route) got no complete answer from \(configuration.baseURL.host ?? "the service") within "
                    + "\(Seconds.whole(request.timeout) ?? 0) s"
                    + (progress.sawHead ? "; the answer began, then its body stalled." : "."))
        } catch {
            throw mapped(error, request: request)
        }
        let elapsedMS = Int(Date().timeIntervalSince(started) * 1000)
        logger.debug("\(request.route) -> \(status) in \(elapsedMS) ms, \(body.readableBytes) bytes")
        if (200..<300).contains(status) {
            return .success(APIResponse(status: status, body: body))
        }
        return .failure(Self.errorDetails(status: status, headers: headers, body: body, route: request.route, scrubber: scrubber(credential)))
    }

    /// What takes this client's credentials out of text from elsewhere.
    func scrubber(_ credential: Credential?) -> SecretScrubber {
        SecretScrubber(secrets: [credential?.accessToken, credential?.trustedDeviceToken])
    }

    /// Opens a long-lived GET (a server-sent-event stream) and returns its body once the answer's
    /// head has arrived; `request.timeout` bounds only that. A 401 re-reads the credential and
    /// retries once; any other error answer throws `TapError.api`.
    func openStream(_ request: APIRequest, organization: String?, headers extra: [(String, String)]) async throws
        -> HTTPClientResponse.Body
    {
        var reread401 = false
        if let refusal = configuration.refusal { throw refusal }
        while true {
            try Task.checkCancellation()
            let credential = try credentials.current()
            var http = try httpRequest(request, credential: credential, organization: organization)
            http.headers.replaceOrAdd(name: "Accept", value: "text/event-stream")
            for (name, value) in extra { http.headers.add(name: name, value: value) }
            let response: HTTPClientResponse
            do {
                response = try await streamingClient.execute(
                    http, deadline: .now() + .milliseconds(Int64(Seconds.whole(request.timeout * 1000) ?? 30_000)), logger: nil)
            } catch {
                throw mapped(error, request: request)
            }
            let status = Int(response.status.code)
            logger.debug("\(request.route) -> \(status) (stream)")
            if (200..<300).contains(status) { return response.body }
            let body: ByteBuffer
            do { body = try await response.body.collect(upTo: 64 * 1024) } catch { body = ByteBuffer() }
            let details = Self.errorDetails(
                status: status, headers: response.headers, body: body, route: request.route, scrubber: scrubber(credential))
            if status == 401 && !reread401 {
                reread401 = true
                credentials.invalidate()
                continue
            }
            throw TapError.api(details)
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1_048_576 ? "\(bytes / 1_048_576) MiB" : bytes >= 1024 ? "\(bytes / 1024) KiB" : "\(bytes) bytes"
    }

    /// Turns what AsyncHTTPClient throws into a `TapError`.
    private func mapped(_ error: any Error, request: APIRequest) -> TapError {
        switch error {
        case let error as TapError:
            return error
        case is NIOTooManyBytesError:
            return TapError.badResponse(
                "\(request.route) answered with more than \(Self.size(configuration.maxResponseBytes)); refused.")
        case is CancellationError:
            return TapError.cancelled
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout:
            return TapError.timeout(
                "\(request.route) got no complete answer from \(configuration.baseURL.host ?? "the service") "
                    + "within \(Seconds.whole(request.timeout) ?? 0) s.")
        case let error as HTTPClientError where error == .connectTimeout || error == .tlsHandshakeTimeout:
            return unreachable(Self.connectTimedOut)
        default:
            if Task.isCancelled { return TapError.cancelled }
            if let cause = ConnectFailure.cause(of: error) { return unreachable(cause) }
            return TapError.network(networkMessage(error, request: request))
        }
    }

    /// The HTTP request for `request`, with the headers every route gets.
    private func httpRequest(_ request: APIRequest, credential: Credential, organization: String?) throws
        -> HTTPClientRequest
    {
        var http = HTTPClientRequest(url: url(for: request))
        http.method = request.method
        http.headers.add(name: "Authorization", value: "Bearer \(credential.accessToken)")
        http.headers.add(name: "anthropic-version", value: "2023-06-01")
        http.headers.add(name: "User-Agent", value: CCTap.userAgent)
        if request.headerFamily != .sessions(.v2) { http.headers.add(name: Header.accept, value: "application/json") }
        if request.headerFamily == .sessions(.v1) { http.headers.add(name: Header.beta, value: Header.compatBeta) }
        if request.headerFamily != .account {
            if let organization { http.headers.add(name: Header.organization, value: organization) }
            http.headers.add(name: Header.clientPlatform, value: Self.clientPlatform)
            if let device = credential.trustedDeviceToken {
                http.headers.add(name: "X-Trusted-Device-Token", value: device)
            }
        }
        for (name, value) in request.headerOverrides {
            if let value { http.headers.replaceOrAdd(name: name, value: value) } else { http.headers.remove(name: name) }
        }
        if let body = request.body {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            let data = try encoder.encode(body)
            http.headers.add(name: "Content-Type", value: "application/json")
            http.body = .bytes(ByteBuffer(bytes: data))
        }
        return http
    }

    /// The library's own words, scrubbed: its error texts can quote a header value (a token, when the
    /// token itself was the problem).
    /// "Nothing answers at http://127.0.0.1:9 (connection refused): check CCTAP_BASE_URL or your network."
    private func unreachable(_ cause: String) -> TapError {
        var base = configuration.baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return TapError.unreachable(
            "Nothing answers at \(base) (\(cause)): check CCTAP_BASE_URL or your network, then try again.")
    }

    private func networkMessage(_ error: any Error, request: APIRequest) -> String {
        let host = configuration.baseURL.host ?? "the service"
        let scrub = scrubber(try? credentials.current())
        if let error = error as? HTTPClientError {
            if error == .remoteConnectionClosed {
                return "\(request.route): \(host) closed the connection before answering."
            }
            return scrub.scrub("\(request.route) could not reach \(host): \(error).")
        }
        return scrub.scrub("\(request.route) could not reach \(host): \(String(describing: error).prefix(200)).")
    }

    func url(for request: APIRequest) -> String {
        var text = configuration.baseURL.absoluteString + request.path
        if !request.query.isEmpty {
            text += "?" + request.query.map { "\(Self.percentEncode($0.0))=\(Self.percentEncode($0.1))" }
                .joined(separator: "&")
        }
        return text
    }

    /// Encodes everything but RFC 3986 unreserved characters, so no value can add a parameter or path.
    static func percentEncode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded.unicodeScalars.append("%")
                encoded.unicodeScalars.append(hexDigits[Int(byte >> 4)])
                encoded.unicodeScalars.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return encoded
    }

    private static let hexDigits = Array("0123456789ABCDEF".unicodeScalars)

    /// Reads an error answer (`ErrorAnswer`, in the model, where the fuzz target reaches it too).
    static func errorDetails(
        status: Int, headers: HTTPHeaders, body: ByteBuffer, route: String, scrubber: SecretScrubber
    ) -> APIErrorDetails {
        ErrorAnswer.details(
            status: status, header: { headers.first(name: $0) }, body: body.readableBytesView, route: route, scrubber: scrubber)
    }
}
