import Synchronization

/// A task held under a lock, so it can be set and cancelled from any thread.
final class LockedTask: Sendable {
    private let box = Mutex<Task<Void, Never>?>(nil)
    func set(_ task: Task<Void, Never>) { box.withLock { $0 = task } }
    /// Cancels the task and hands it back, so the caller can wait for it to finish.
    func cancel() -> Task<Void, Never>? {
        box.withLock { task in
            task?.cancel()
            return task
        }
    }
}
