import CCTapCore
import Dispatch
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// MCP over stdin/stdout: newline-delimited frames. Reading happens on a dedicated thread with
/// blocking reads (an idle server costs no CPU), each line passing `JSONRPCGate` first; every frame
/// is written whole by one serial queue before the next begins, so large results never interleave
/// (the bug swift-sdk 0.12.1's transport had, its issue #263). stdout stays blocking.
enum StdioServer {
    /// Longest frame accepted from the client; a longer line is dropped and answered with an error
    /// (MCP requests are small: this bounds memory against a runaway peer).
    static let maxFrameBytes = 64 * 1024 * 1024

    /// Serves until stdin closes, then lets the requests in progress answer (bounded) and returns.
    static func run(
        methods: MCPMethods, logger: Logger, input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO,
        started: @Sendable (MCPConnection) -> Void = { _ in }
    ) async {
        let writer = DispatchQueue(label: "cc-tap.stdout")
        let write: @Sendable (Data) async -> Void = { frame in
            var bytes = frame
            bytes.append(UInt8(ascii: "\n"))
            let whole = bytes
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                writer.async {
                    if let failure = writeAll(whole, to: output) { logger.error("stdout write failed (errno \(failure))") }
                    done.resume()
                }
            }
        }
        let connection = MCPConnection(methods: methods, logger: logger) { frame in await write(Data(frame.jsonText().utf8)) }
        started(connection)
        let (frames, continuation) = AsyncStream.makeStream(of: JSONValue.self)
        startThread {
            readLines(from: input, logger: logger, admit: { continuation.yield($0) }) { answer in
                writer.async { _ = writeAll(answer + [UInt8(ascii: "\n")], to: output) }
            }
            continuation.finish()
        }
        for await frame in frames { await connection.receive(frame) }
        logger.debug("stdin closed; finishing calls in progress")
        await connection.finish(maxSeconds: ConversationTools.maxWaitSeconds + 10)
        writer.sync {}
    }

    /// Splits stdin into newline-delimited frames until EOF (a last frame without its newline counts),
    /// passing each through `JSONRPCGate`: what it admits goes to `admit`, what it answers is answered.
    static func readLines(
        from descriptor: Int32, logger: Logger, admit: (JSONValue) -> Void, answer: @Sendable (Data) -> Void
    ) {
        var gate = JSONRPCGate()
        func deliver(_ frame: Data) {
            var line = frame
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { return }
            switch gate.admit(line) {
            case .forward: if let value = JSONValue.parse(line) { admit(value) }
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
    }
}
