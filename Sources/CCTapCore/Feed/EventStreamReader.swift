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
        quiet: QuietCheck? = nil,
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
                            if quiet?.delivers(event) == true { activity.lastDelivered.withLock { $0 = Date() } }
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
                    try? await Task.sleep(nanoseconds: Seconds.nanoseconds(min(1, stallTimeout / 4)))
                    if Date().timeIntervalSince(activity.lastByte.withLock { $0 }) >= stallTimeout {
                        return .stalled(frames: activity.frames.withLock { $0 })
                    }
                    // Bytes are coming (keepalives), but nothing delivered: ask whether that is the truth.
                    if let quiet, Date().timeIntervalSince(activity.lastDelivered.withLock { $0 }) >= quiet.after {
                        let honest = (try? await quiet.check()) ?? true
                        if !honest { return .missedStoredEvents(frames: activity.frames.withLock { $0 }) }
                        activity.lastDelivered.withLock { $0 = Date() }
                    }
                }
                return .cancelled
            }
            let end = await group.next() ?? .cancelled
            group.cancelAll()
            return end
        }
    }

    /// Keepalives show a connection is alive, not that it delivers: after `after` seconds without a
    /// frame that `delivers`, `check` looks elsewhere (the event list) and answers whether the stream
    /// missed nothing; false ends the connection as `missedStoredEvents`.
    struct QuietCheck: Sendable {
        var after: TimeInterval
        var delivers: @Sendable (ServerSentEvent) -> Bool
        var check: @Sendable () async throws -> Bool
    }

    /// What the watchdog watches: when the last byte and the last delivering frame came, and how
    /// many frames counted.
    private final class Activity: Sendable {
        let lastByte = Mutex(Date())
        let lastDelivered = Mutex(Date())
        let frames = Mutex(0)
    }
}
