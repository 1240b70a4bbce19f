import CCTapCore
import CCTapEmulator
import CCTapTestFiles
import CCTapTestSupport
import Foundation
import Testing

/// A running emulator and a `Tap` pointed at it through the real configuration path.
struct Harness {
    let emulator: Emulator
    let tap: Tap
    let home: String

    var store: EmulatorStore { emulator.store }
}

extension Harness {
    /// Stores `count` assistant events tagged `tag-<n>` in the demo session, as if its worker wrote them.
    func injectAssistantEvents(_ count: Int, tag: String) async {
        for n in 0..<count {
            await store.inject(
                Seed.demo,
                event: [
                    "type": "assistant", "uuid": .string("\(tag)-\(n)"),
                    "message": ["id": .string("msg_\(tag)_\(n)"), "role": "assistant", "content": []],
                ])
        }
    }
}

/// Emulator settings for tests; tests of long sessions ask for `longSession` (5,000 events).
func testEmulator(longSession: Bool = false, dialect: EmulatorDialect = .both) -> EmulatorConfiguration {
    var configuration = testEmulatorConfiguration(longSessionEvents: longSession ? 5_000 : 200)
    configuration.dialect = dialect
    return configuration
}

/// Runs an emulator (see `withRunningEmulator`) and `body` with a `Tap` whose environment is `variables`
/// (plus the base URL; by default the emulator's token and organisation), made through the real
/// configuration path. Backoff and polling are short so tests do not wait on production pacing.
func withEmulator(
    _ emulatorConfiguration: EmulatorConfiguration = testEmulator(),
    variables: [String: String]? = nil,
    extraVariables: [String: String] = [:],
    tune: (inout TapConfiguration) -> Void = { _ in },
    _ body: (Harness) async throws -> Void
) async throws {
    try await withRunningEmulator(emulatorConfiguration) { emulator, port in
        let home = temporaryHome()
        var env = variables ?? [
            "CCTAP_ACCESS_TOKEN": EmulatorConfiguration.defaultToken,
            "CCR_ORG_UUID": emulatorConfiguration.organizationUUID,
        ]
        env["CCTAP_BASE_URL"] = "http://127.0.0.1:\(port)"
        env.merge(extraVariables) { _, extra in extra }
        var configuration = try TapConfiguration.fromEnvironment(HostEnvironment(variables: env, homeDirectory: home))
        configuration.pollInterval = 0.05
        configuration.initialBackoff = 0.05
        configuration.maxBackoff = 0.2
        tune(&configuration)
        try await body(Harness(emulator: emulator, tap: Tap(configuration: configuration), home: home))
    }
}

/// Runs `body` and returns the `TapError` it throws (failing the test if it throws none).
func tapError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> TapError? {
    do {
        try await body()
        Issue.record("expected a TapError", sourceLocation: sourceLocation)
        return nil
    } catch let error as TapError {
        return error
    } catch {
        Issue.record("expected a TapError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
