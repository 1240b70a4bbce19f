import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Synchronization

/// What a `cctap_client *` stands for: the core's `Tap`, the names its caller uses for next steps,
/// and the waits that can be cancelled.
final class ClientBox: Sendable {
    let tap: Tap
    let wording: Wording
    private let waits = Mutex<[Int: Task<Void, Never>]>([:])
    private let counter = Mutex<Int>(0)

    init(tap: Tap, wording: Wording = .c) {
        self.tap = tap
        self.wording = wording
    }

    func register(_ task: Task<Void, Never>) -> Int {
        let id = counter.withLock { value -> Int in
            value += 1
            return value
        }
        waits.withLock { $0[id] = task }
        return id
    }

    func unregister(_ id: Int) {
        _ = waits.withLock { $0.removeValue(forKey: id) }
    }

    func cancelWaits() {
        let running = waits.withLock { Array($0.values) }
        for task in running { task.cancel() }
    }
}
