import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Synchronization

/// Sends `notifications/progress` for one request that carried a progress token.
final class ProgressSink: Sendable {
    private let send: @Sendable (_ progress: Double, _ message: String) async -> Void
    private let count = Mutex<Double>(0)

    init(send: @escaping @Sendable (_ progress: Double, _ message: String) async -> Void) {
        self.send = send
    }

    /// Reports once; `progress` increases by one each time, as the spec requires it to grow.
    func report(_ message: String) async {
        let progress = count.withLock { value -> Double in
            value += 1
            return value
        }
        await send(progress, message)
    }

    /// How often a long wait reports, at the latest, even when nothing changed: clients such as
    /// Claude Code reset their idle watchdog on progress.
    static let heartbeatSeconds: Double = 4

    /// Runs a wait, reporting the reply so far whenever it grows and at least every
    /// `heartbeatSeconds`. Without a sink it just runs the wait.
    static func reporting(
        _ sink: ProgressSink?, _ wait: (@escaping @Sendable (WaitProgress) -> Void) async throws -> WaitResult
    ) async throws -> WaitResult {
        guard let sink else { return try await wait({ _ in }) }
        let latest = Mutex<WaitProgress?>(nil)
        let started = Date()
        let reporter = Task {
            var lastSent = Date.distantPast
            var lastReply: String?
            while !Task.isCancelled {
                let (reply, queued) = latest.withLock { ($0?.reply ?? "", $0?.queued ?? false) }
                let text = queued ? "" : reply
                if text != lastReply || Date().timeIntervalSince(lastSent) >= heartbeatSeconds {
                    let seconds = Int(Date().timeIntervalSince(started))
                    let tail = text.count > 600 ? "…" + text.suffix(600) : text
                    await sink.report(
                        queued
                            ? "Your message is queued behind the current turn (\(seconds) s)."
                            : text.isEmpty ? "Waiting for the reply (\(seconds) s)." : "Reply so far (\(seconds) s): \(tail)")
                    lastSent = Date()
                    lastReply = text
                }
                try? await Task.sleep(nanoseconds: 200_000_000)
            }
        }
        defer { reporter.cancel() }
        return try await wait { progress in latest.withLock { $0 = progress } }
    }
}
