import AsyncHTTPClient
import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Synchronization

/// Reads one server-sent-event connection until the server ends it, nothing arrives for
/// `stallTimeout` (a dead connection: the watchdog), or the task is cancelled. Shared by the
/// per-session event stream (`LiveFeed`) and the account watch (`AccountWatch`), which differ only
/// in what they do with a frame and which frames count as delivered.
enum EventStreamReader {
    static func read(
        _ body: HTTPClientResponse.Body, stallTimeout: TimeInterval,
        counts: @escaping @Sendable (ServerSentEvent) -> Bool = { _ in true },
        first: (@Sendable () async throws -> Void)? = nil,
        handle: @escaping @Sendable (ServerSentEvent) async throws -> Void
    ) async -> StreamEnd {
        let activity = Activity()
        return await withTaskGroup(of: StreamEnd.self) { group in
            group.addTask {
                do {
                    try await first?()
                    var parser = ServerSentEventParser()
                    for try await buffer in body {
                        activity.lastByte.withLock { $0 = Date() }
                        for event in try parser.feed(buffer.readableBytesView) {
                            if counts(event) { activity.frames.withLock { $0 += 1 } }
                            try await handle(event)
                        }
                    }
                    return .closed(frames: activity.frames.withLock { $0 }, reason: "the server closed it")
                } catch {
                    if Task.isCancelled { return .cancelled }
                    return .closed(frames: activity.frames.withLock { $0 }, reason: String(describing: error).prefix(200).description)
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(min(1, stallTimeout / 4) * 1_000_000_000))
                    if Date().timeIntervalSince(activity.lastByte.withLock { $0 }) >= stallTimeout {
                        return .stalled(frames: activity.frames.withLock { $0 })
                    }
                }
                return .cancelled
            }
            let end = await group.next() ?? .cancelled
            group.cancelAll()
            return end
        }
    }

    /// What the watchdog watches: when the last byte came, and how many frames counted.
    private final class Activity: Sendable {
        let lastByte = Mutex(Date())
        let frames = Mutex(0)
    }
}
