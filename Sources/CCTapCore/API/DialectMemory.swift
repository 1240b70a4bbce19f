import CCTapModel
import Synchronization

/// The kinds of operation whose dialect is learned separately: a service may serve one generation
/// for some routes and the other for the rest.
enum RouteFamily: String, Sendable, CaseIterable {
    case list, session, history, send
}

/// Which dialect last answered each route family, per client. Every family starts with v2; a
/// "route not served" answer makes the operation try the other dialect once, and whichever answers
/// is remembered, so a steady state costs no extra requests and a change in the service is re-learned
/// on its first failure.
final class DialectMemory: Sendable {
    private let learned: Mutex<[RouteFamily: Dialect]>

    init(history: Dialect = .v2) {
        learned = Mutex([.history: history])
    }

    func current(_ family: RouteFamily) -> Dialect { learned.withLock { $0[family] ?? .v2 } }
    func remember(_ dialect: Dialect, for family: RouteFamily) { learned.withLock { $0[family] = dialect } }
}

extension TapError {
    /// The answer says this route does not exist here (rather than that the request was wrong):
    /// 404, 405 or 501, or a 400 from a route that checks the id's prefix against its own generation.
    var meansRouteNotServed: Bool {
        guard case .api(let details) = self else { return false }
        return [400, 404, 405, 501].contains(details.status)
    }
}
