import Foundation
import Logging
import MCP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A stdio transport that writes one whole frame at a time.
///
/// swift-sdk 0.12.1's `StdioTransport` makes stdout non-blocking and sleeps inside its EAGAIN retry
/// loop; actor re-entrancy then lets a second reply splice its bytes into a half-written frame when
/// several large replies go out at once (swift-sdk issue #263, reproduced with 12 concurrent 2 MB
/// results). Here stdout stays blocking and every frame is written by one serial queue, start to
/// end, before the next begins. Reading happens on a dedicated thread with blocking reads, so an
/// idle server costs no CPU.
public actor SerialStdioTransport: Transport {
    public nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let writer = DispatchQueue(label: "cc-tap.stdout")
    private let stream: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private var started = false
    /// Entries for `capabilities.experimental` of the `initialize` result (a channel's
    /// `claude/channel`): swift-sdk 0.12.1's `Server.Capabilities` has no field for them, so the
    /// result is rewritten here on its way out. Nil: frames pass untouched.
    private let experimental: [String: Value]?
    private var initializeAnswered = false

    /// Longest frame accepted from the client; a longer line is dropped and answered with an error
    /// (MCP requests are small: this bounds memory against a runaway peer).
    public static let maxFrameBytes = 64 * 1024 * 1024

    public init(
        input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, logger: Logger, experimental: [String: Value]? = nil
    ) {
        self.input = input
        self.output = output
        self.logger = logger
        self.experimental = experimental
        (stream, continuation) = AsyncThrowingStream<Data, Swift.Error>.makeStream()
    }

    public func connect() async throws {
        guard !started else { return }
        started = true
        let thread = Thread { [input, output, writer, continuation, logger] in
            // The gate's own answers go out through the same serial writer as every other frame.
            let answer: @Sendable (Data) -> Void = { frame in
                let bytes = frame + [UInt8(ascii: "\n")]
                writer.async { _ = Self.writeAll(bytes, to: output) }
            }
            Self.readLines(from: input, into: continuation, answer: answer, logger: logger)
        }
        thread.name = "cc-tap.stdin"
        thread.start()
    }

    public func disconnect() async {
        continuation.finish()
    }

    public func receive() -> AsyncThrowingStream<Data, Swift.Error> {
        stream
    }

    /// Writes `data` and a newline as one frame; returns when the frame is fully written.
    public func send(_ data: Data) async throws {
        var bytes = declaringExperimental(data)
        bytes.append(UInt8(ascii: "\n"))
        let frame = bytes
        let output = output
        let failure: Int32? = await withCheckedContinuation { done in
            writer.async {
                done.resume(returning: Self.writeAll(frame, to: output))
            }
        }
        if let failure {
            throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO))
        }
    }

    /// The frame, with `experimental` added to its capabilities if it is the `initialize` result.
    private func declaringExperimental(_ data: Data) -> Data {
        guard let experimental, !initializeAnswered,
            case .object(var frame)? = try? JSONDecoder().decode(Value.self, from: data),
            case .object(var result)? = frame["result"], result["protocolVersion"] != nil, result["serverInfo"] != nil
        else { return data }
        initializeAnswered = true
        var capabilities = result["capabilities"]?.objectValue ?? [:]
        var declared = capabilities["experimental"]?.objectValue ?? [:]
        declared.merge(experimental) { _, ours in ours }
        capabilities["experimental"] = .object(declared)
        result["capabilities"] = .object(capabilities)
        frame["result"] = .object(result)
        return (try? JSONEncoder().encode(Value.object(frame))) ?? data
    }

    /// Blocking write of the whole buffer; returns an errno on failure.
    private static func writeAll(_ data: Data, to descriptor: Int32) -> Int32? {
        data.withUnsafeBytes { raw -> Int32? in
            guard var pointer = raw.baseAddress else { return nil }
            var left = raw.count
            while left > 0 {
                let written = write(descriptor, pointer, left)
                if written < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN {
                        usleep(1000)  // someone made the descriptor non-blocking: wait, keep order
                        continue
                    }
                    return errno
                }
                left -= written
                pointer += written
            }
            return nil
        }
    }

    /// An `initialize` request whose client capabilities hold `experimental` entries that are not
    /// strings (e.g. `{"claude/channel": {}}`) makes swift-sdk 0.12.1 fail the whole handshake with
    /// -32603, because it decodes them as `[String: String]` (measured; mcp.md §2.3 #2, swift-sdk PR
    /// #276 unmerged). cc-tap reads no client experimental capability, so such entries are dropped
    /// before the SDK sees the request.
    static func acceptingClientExperimental(_ line: Data) -> Data {
        guard line.count < 1 << 20, let text = String(data: line, encoding: .utf8), text.contains("\"experimental\""),
            text.contains("\"initialize\""),
            case .object(var request)? = try? JSONDecoder().decode(Value.self, from: line),
            request["method"]?.stringValue == "initialize", case .object(var params)? = request["params"],
            case .object(var capabilities)? = params["capabilities"], case .object(let experimental)? = capabilities["experimental"],
            experimental.values.contains(where: { $0.stringValue == nil })
        else { return line }
        capabilities["experimental"] = .object(experimental.filter { $0.value.stringValue != nil })
        params["capabilities"] = .object(capabilities)
        request["params"] = .object(params)
        return (try? JSONEncoder().encode(Value.object(request))) ?? line
    }

    /// Splits stdin into newline-delimited frames until EOF (a last frame without its newline counts),
    /// passing each through `JSONRPCGate`: what it admits goes to the server, what it answers is
    /// answered here.
    private static func readLines(
        from descriptor: Int32, into continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation,
        answer: @Sendable (Data) -> Void, logger: Logger
    ) {
        var gate = JSONRPCGate()
        func deliver(_ frame: Data) {
            var line = frame
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { return }
            switch gate.admit(line) {
            case .forward: continuation.yield(acceptingClientExperimental(line))
            case .answer(let frame): answer(frame)
            case .drop(let reason): logger.warning("ignoring an invalid notification: \(reason)")
            }
        }
        var pending = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var discarding = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN {
                    if errno == EAGAIN { usleep(10_000) }
                    continue
                }
                logger.error("stdin read failed (errno \(errno)); stopping")
                break
            }
            if count == 0 { break }  // EOF
            var chunk = buffer[0..<count][...]
            while let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) {
                if !discarding {
                    pending.append(contentsOf: chunk[chunk.startIndex..<newline])
                    deliver(pending)
                }
                pending.removeAll(keepingCapacity: true)
                discarding = false
                chunk = chunk[(newline + 1)...]
            }
            if !discarding {
                pending.append(contentsOf: chunk)
                if pending.count > maxFrameBytes {
                    logger.error("dropping an incoming frame larger than \(maxFrameBytes) bytes")
                    answer(JSONRPCGate.error(
                        id: .null, code: -32600, "Invalid Request: the frame is larger than \(maxFrameBytes >> 20) MiB; it was dropped."))
                    pending.removeAll()
                    discarding = true
                }
            }
        }
        if !discarding, !pending.isEmpty { deliver(pending) }
        continuation.finish()
    }
}
