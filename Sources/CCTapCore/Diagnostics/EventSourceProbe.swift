import AsyncHTTPClient
import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What `cc-tap doctor` reports about where waits will read events from.
public struct EventSourceReport: Sendable {
    public var source: EventSource
    /// One sentence: what was tried and what answered.
    public var detail: String
}

extension Tap {
    /// Tries the event sources a wait on `id` would use, in the same order, and says which one
    /// answers: the v2 list, then the event stream's first frame (within `seconds`).
    public func probeEventSource(_ id: String, within seconds: Double = 5) async -> EventSourceReport {
        let interval = "\(configuration.pollInterval) s, stretching to \(configuration.idlePollInterval) s when idle"
        guard let session = try? SessionID(id) else {
            return EventSourceReport(source: .pollV1, detail: "'\(id)' is not a session id")
        }
        if configuration.eventSource == .pollV1 {
            return EventSourceReport(source: .pollV1, detail: "CCTAP_EVENT_SOURCE=poll-v1: waits poll the v1 event list every \(interval)")
        }
        let latest: Int
        do {
            latest = try await api.latestSequence(session)
        } catch let error as TapError {
            return EventSourceReport(
                source: .pollV1, detail: "the v2 event list did not answer (\(error.message)); waits poll the v1 list every \(interval)")
        } catch {
            return EventSourceReport(source: .pollV1, detail: "the v2 event list did not answer; waits poll the v1 list")
        }
        if configuration.eventSource == .poll {
            return EventSourceReport(source: .poll, detail: "CCTAP_EVENT_SOURCE=poll: waits poll the v2 event list every \(interval)")
        }
        let started = Date()
        do {
            let body = try await api.openEventStream(session, after: latest)
            let firstFrame = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    var parser = ServerSentEventParser()
                    for try await buffer in body where !(try parser.feed(buffer.readableBytesView)).isEmpty { return true }
                    return false
                }
                group.addTask {
                    try await Task.sleep(nanoseconds: Seconds.nanoseconds(seconds))
                    return false
                }
                let first = try await group.next() ?? false
                group.cancelAll()
                return first
            }
            let ms = Int(Date().timeIntervalSince(started) * 1000)
            if firstFrame {
                return EventSourceReport(source: .stream, detail: "the event stream of \(session.spelled(.v2)) answered its first frame in \(ms) ms")
            }
            return EventSourceReport(
                source: .poll, detail: "the event stream of \(session.spelled(.v2)) opened but sent nothing within \(Int(seconds)) s; "
                    + "waits will try it, then poll the v2 event list every \(interval)")
        } catch let error as TapError {
            return EventSourceReport(
                source: .poll, detail: "the event stream did not open (\(error.message)); waits poll the v2 event list every \(interval)")
        } catch {
            return EventSourceReport(source: .poll, detail: "the event stream failed (\(error)); waits poll the v2 event list")
        }
    }
}
