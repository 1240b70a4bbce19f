import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Keeps "a client is watching" presence alive for one session while a wait runs.
/// Presence is advisory: failures are logged and never fail the wait.
final class PresenceKeeper: Sendable {
    let api: RemoteAPI
    let session: SessionID
    private let task = LockedTask()

    init(api: RemoteAPI, session: SessionID) {
        self.api = api
        self.session = session
    }

    func start() {
        let api = api
        let session = session
        task.set(
            Task {
                while !Task.isCancelled {
                    var refresh: TimeInterval = 20
                    do {
                        refresh = try await api.presence(session, clear: false)
                    } catch {
                        api.configuration.logger.debug("presence for \(session.spelled(.v1)) failed: \(error)")
                    }
                    try? await Task.sleep(nanoseconds: Seconds.nanoseconds(max(0.05, min(refresh, 300))))
                }
            })
    }

    /// Stops the heartbeat and withdraws presence. The clear waits for the heartbeat task to end,
    /// so a refresh still in flight cannot land after it and leave presence on. It runs in its own
    /// task so a cancelled wait still sends it; a finished wait awaits it, so a CLI that exits next
    /// does not lose it.
    func stop(awaitingClear: Bool) async {
        let heartbeat = task.cancel()
        let api = api
        let session = session
        let clear = Task {
            await heartbeat?.value
            do { _ = try await api.presence(session, clear: true) } catch {
                api.configuration.logger.debug("clearing presence for \(session.spelled(.v1)) failed: \(error)")
            }
        }
        if awaitingClear { await clear.value }
    }
}
