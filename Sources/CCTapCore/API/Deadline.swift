import CCTapModel
import Synchronization

/// Runs an operation against a clock: whichever ends first, the operation or the time allowed.
enum Deadline {
    /// Thrown by `run` when the time ran out first (the operation has been cancelled and has ended).
    struct Expired: Error {}

    /// Runs `operation`; when it has not finished within `seconds`, cancels it and throws `Expired`.
    /// The operation must end when cancelled (AsyncHTTPClient's requests and bodies do).
    static func run<T: Sendable>(seconds: Double, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(nanoseconds: Seconds.nanoseconds(seconds))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            guard let value = first else {
                if Task.isCancelled { throw CancellationError() }
                throw Expired()
            }
            return value
        }
    }
}

/// How far one HTTP exchange got, for the message when it runs out of time.
final class ExchangeProgress: Sendable {
    private let head = Mutex(false)

    func headArrived() { head.withLock { $0 = true } }
    var sawHead: Bool { head.withLock { $0 } }
}
