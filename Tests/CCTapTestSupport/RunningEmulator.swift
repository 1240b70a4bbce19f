import CCTapEmulator

/// The one way the Swift suites run an emulator: on a free loopback port, stopped when `body` ends
/// (also when it throws). Its login and organisation are `EmulatorConfiguration.defaultToken` and
/// `defaultOrganization`; tests name those, never copies of them.
public func withRunningEmulator(
    _ configuration: EmulatorConfiguration, _ body: (_ emulator: Emulator, _ port: Int) async throws -> Void
) async throws {
    let emulator = Emulator(configuration: configuration)
    let port = try await emulator.start()
    do {
        try await body(emulator, port)
    } catch {
        await emulator.stop()
        throw error
    }
    await emulator.stop()
}

/// Emulator settings for tests: a long session of `longSessionEvents` (seeding 5,000 events in every
/// test would only slow the suites; tests of long sessions ask for 5,000).
public func testEmulatorConfiguration(longSessionEvents: Int = 200) -> EmulatorConfiguration {
    var configuration = EmulatorConfiguration()
    configuration.longSessionEvents = longSessionEvents
    return configuration
}

/// Checks `condition` every 20 ms until it holds and returns true, or returns false once `timeout`
/// seconds have passed. Tests wait on the event they mean with this; the timeout is generous, so only
/// a broken feature (never a busy machine) reaches it.
public func eventually(timeout: Double = 60, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
