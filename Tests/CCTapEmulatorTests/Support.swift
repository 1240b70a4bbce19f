import CCTapEmulator
import CCTapTestSupport

/// Runs `body` with an emulator (see `withRunningEmulator`), tuned by `tune`.
func withEmulator(
    _ tune: (inout EmulatorConfiguration) -> Void = { _ in }, _ body: (Int, Emulator) async throws -> Void
) async throws {
    var configuration = testEmulatorConfiguration(longSessionEvents: 300)
    tune(&configuration)
    try await withRunningEmulator(configuration) { emulator, port in try await body(port, emulator) }
}
