import CCTapEmulator

/// Runs `body` with an emulator on a free loopback port (a short long-session keeps start-up fast),
/// and stops it afterwards.
func withEmulator(
    _ tune: (inout EmulatorConfiguration) -> Void = { _ in }, _ body: (Int, Emulator) async throws -> Void
) async throws {
    var configuration = EmulatorConfiguration()
    configuration.longSessionEvents = 300
    tune(&configuration)
    let emulator = Emulator(configuration: configuration)
    let port = try await emulator.start()
    do { try await body(port, emulator) } catch {
        await emulator.stop()
        throw error
    }
    await emulator.stop()
}
