import ArgumentParser
import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `cc-tap probe`: settles PROTOCOL.md's open questions that need no write, against your own account.
struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask the service the protocol's open questions (reads only) and print a report to paste into an issue.",
        discussion: """
            Tries which routes answer, the list's page parameter, the fields of session objects, the event \
            stream's frames and keepalives, and which headers are required. It never writes. The report \
            holds no token, no message text and no session title, and shortens every id.
            """)

    @Option(help: "Seconds to listen to one session's event stream (keepalives come every 12-15 s).")
    var streamSeconds = 20.0

    @Flag(help: "Log requests to stderr.")
    var verbose = false

    @Flag(help: "Print the report as JSON: {\"version\", \"sections\": [{\"title\", \"lines\"}]}.")
    var json = false

    func validate() throws {
        guard (1...300).contains(streamSeconds) else { throw ValidationError("--stream-seconds must be between 1 and 300.") }
    }

    func run() async throws {
        let tap = try await reportingErrors { try GlobalOptions.tap(verbose: verbose) }
        // The login and organisation first, so a missing one is one clear error, not a report of failures.
        _ = try await reportingErrors { try await tap.organization() }
        let report = await tap.probeProtocol(streamSeconds: streamSeconds)
        if json {
            struct Printed: Encodable {
                let version: String
                let sections: [ProbeReport.Section]
            }
            Output.print(ResultJSON.encode(Printed(version: CCTap.version, sections: report.sections), pretty: true))
            return
        }
        Output.print("cc-tap \(CCTap.version) probe, \(Date().formatted(.iso8601))\n")
        Output.print(report.text)
    }
}
