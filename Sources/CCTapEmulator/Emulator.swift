#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Hummingbird
import Logging

/// The emulated remote session API on a loopback port, in-process.
///
/// ```swift
/// let emulator = Emulator()
/// let port = try await emulator.start()
/// defer { Task { await emulator.stop() } }
/// ```
public final class Emulator: Sendable {
    public let store: EmulatorStore
    public let configuration: EmulatorConfiguration
    private let running = RunningServer()

    public init(configuration: EmulatorConfiguration = EmulatorConfiguration()) {
        self.configuration = configuration
        self.store = EmulatorStore(configuration: configuration)
    }

    /// Seeds the sessions, starts serving on `host:port` (0 picks a free port) and returns the port.
    public func start(host: String = "127.0.0.1", port: Int = 0, logger: Logger? = nil) async throws -> Int {
        await store.populate()
        let router = Router(context: EmulatorContext.self)
        router.add(middleware: ServiceMiddleware(store: store, configuration: configuration))
        ServiceRoutes(store: store, configuration: configuration).register(on: router)
        var quiet = Logger(label: "cc-tap-emulator")
        quiet.logLevel = .critical  // Hummingbird logs cancellation at stop as errors
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? port)
                continuation.finish()
            },
            logger: logger ?? quiet)
        let task = Task {
            do { try await app.runService(gracefulShutdownSignals: []) } catch {
                (logger ?? quiet).error("emulator stopped: \(error)")
            }
            continuation.finish()
        }
        running.set(task)
        var iterator = stream.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            throw EmulatorStartError(message: "the emulator could not listen on \(host):\(port) (is the port free?)")
        }
        return bound
    }

    public func stop() async {
        await running.stop()
    }
}

public struct EmulatorStartError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

import Synchronization

final class RunningServer: Sendable {
    private let state = Mutex<Task<Void, Never>?>(nil)
    func set(_ task: Task<Void, Never>) { state.withLock { $0 = task } }
    func stop() async {
        let task = state.withLock { $0 }
        task?.cancel()
        await task?.value
    }
}
