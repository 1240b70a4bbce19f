import CCTapABI
import CCTapCore
import Dispatch
import NIOPosix

/// Runs async core work for a blocking C call.
///
/// The caller's thread (a C or Python thread) waits on a semaphore while a detached task does the
/// work on Swift's runtime. Called from a thread of that runtime, the wait could take the last
/// worker thread the task needs (the pool is as wide as the machine has cores), so we refuse
/// instead of deadlocking.
enum BlockingBridge {
    private final class Outcome<T: Sendable>: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<T, CFailure>?

        func complete(_ result: Result<T, CFailure>) {
            self.result = result
            done.signal()
        }

        func wait() -> Result<T, CFailure> {
            done.wait()
            return result!
        }
    }

    static var onAsyncRuntimeThread: Bool {
        withUnsafeCurrentTask { $0 != nil } || MultiThreadedEventLoopGroup.currentEventLoop != nil
    }

    /// Runs `operation` and blocks until it finishes. With `cancellableOn`, `cctap_client_cancel`
    /// on that client cancels it. A failure's next step is told in `wording`.
    static func run<T: Sendable>(
        cancellableOn box: ClientBox? = nil, wording: Wording = .c, _ operation: @escaping @Sendable () async throws -> T
    ) throws(CFailure) -> T {
        guard !onAsyncRuntimeThread else {
            throw CFailure(
                CCTAP_E_WOULD_DEADLOCK,
                "cctap functions block; they cannot be called from a Swift concurrency thread (or from a progress "
                    + "callback). Call them from your own thread.")
        }
        let outcome = Outcome<T>()
        let task = Task.detached {
            do {
                outcome.complete(.success(try await operation()))
            } catch {
                outcome.complete(.failure(CFailure(error, wording: wording)))
            }
        }
        let registration = box?.register(task)
        defer { if let registration { box?.unregister(registration) } }
        return try outcome.wait().get()
    }
}
