import ArgumentParser
import CCTapEmulator
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging
import CCTapModel

/// `cc-tap-emulator --port N`: the emulated remote session API, for tests, benchmarks and demos.
@main
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cc-tap-emulator",
        abstract: "Serve an emulation of the Claude Code remote session API on loopback.",
        discussion: """
            Clients authenticate with the token printed at start (or set CCTAP_ACCESS_TOKEN to it) and \
            the organisation UUID printed beside it. POST /_emulator/faults injects faults.
            """)

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8765

    @Option(help: "Address to listen on. Only loopback addresses are sensible.")
    var host = "127.0.0.1"

    @Option(help: "Seconds between the scripted worker's events.")
    var step = 0.05

    @Option(help: "How long a turn asked to be slow (a message containing \"slow\") runs, in seconds.")
    var slowTurnSeconds = 3.0

    @Option(help: "Events in the long seeded session.")
    var longSessionEvents = 5_000

    @Option(help: "Sessions seeded beyond the named ones (more than 93 make the list span pages of 100).")
    var extraSessions = 24

    @Option(help: "Accepted bearer token (default: the emulator's own).")
    var token: String?

    @Option(help: "Which routes to serve: both (default), v1 (only /v1/sessions) or v2 (only /v1/code/sessions).")
    var dialect = "both"

    @Option(help: "Which service to behave as: late-2026 (default: wrapped single reads, stamped senders, the peer gate) or mid-2026.")
    var world = "late-2026"

    @Option(help: "The account watch's frame names: web (added/changed/removed, default) or ios (upserted/deleted).")
    var watchVocabulary = "web"

    @Option(help: "Require this X-Trusted-Device-Token on session routes, as organisations with Trusted Devices do.")
    var trustedDeviceToken: String?

    @Flag(help: "Answer the account watch (/v1/code/sessions/watch) with 404, as when its server gate is off.")
    var noWatch = false

    @Option(help: "Seconds after which a watch resume token opens a silently dead stream (the service: about 230).")
    var watchTokenStaleSeconds = 230.0

    @Option(help: "Seconds between keepalives on event and watch streams (the service: 12-15).")
    var keepaliveSeconds = 13.0

    func validate() throws {
        guard EmulatorDialect(rawValue: dialect) != nil else {
            throw ValidationError("--dialect must be one of: both, v1, v2 (got '\(dialect)').")
        }
        guard EmulatorWorld(rawValue: world) != nil else {
            throw ValidationError("--world must be one of: late-2026, mid-2026 (got '\(world)').")
        }
        guard WatchVocabulary(rawValue: watchVocabulary) != nil else {
            throw ValidationError("--watch-vocabulary must be one of: web, ios (got '\(watchVocabulary)').")
        }
    }

    func run() async throws {
        var configuration = EmulatorConfiguration()
        configuration.workerStepSeconds = step
        configuration.longSessionEvents = longSessionEvents
        configuration.extraSessions = max(0, extraSessions)
        configuration.slowTurnSeconds = slowTurnSeconds
        if let token { configuration.validTokens = [token] }
        configuration.dialect = EmulatorDialect(rawValue: dialect) ?? .both
        configuration.world = EmulatorWorld(rawValue: world) ?? .late2026
        configuration.watchVocabulary = WatchVocabulary(rawValue: watchVocabulary) ?? .web
        configuration.trustedDeviceToken = trustedDeviceToken
        configuration.watchServed = !noWatch
        configuration.watchTokenStaleSeconds = watchTokenStaleSeconds
        configuration.streamKeepaliveSeconds = keepaliveSeconds
        let emulator = Emulator(configuration: configuration)
        let bound = try await emulator.start(host: host, port: port)
        let banner = """
            cc-tap-emulator listening on http://\(host):\(bound) (dialect \(configuration.dialect.rawValue), world \(configuration.world.rawValue))
            CCTAP_BASE_URL=http://\(host):\(bound)
            CCTAP_ACCESS_TOKEN=\(configuration.validTokens.first ?? "")
            CCR_ORG_UUID=\(configuration.organizationUUID)

            """
        // Written unbuffered so a parent process reading the pipe sees it at once.
        writeAll(banner, to: 1)
        // Serve until killed.
        while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
    }
}
