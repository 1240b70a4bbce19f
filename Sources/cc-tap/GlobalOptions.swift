import ArgumentParser
import CCTapCore

/// Options every command that talks to the service shares.
struct GlobalOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the result as JSON (the same JSON the MCP server and C library return).")
    var json = false

    @Flag(name: .long, help: "Log requests to stderr.")
    var verbose = false

    func makeTap() throws -> Tap { try Self.tap(verbose: verbose) }

    /// The body most subcommands share (as `Exports.operation` serves the C exports): make the Tap,
    /// run one operation, report a `TapError` on stderr with exit code 1, or print the result as JSON
    /// or for people, its next step in the command line's words, with the `session` the command was
    /// given filled in, so a suggested command runs as printed.
    func run<T: Encodable>(session: String? = nil, human: (T) -> String, _ operation: (Tap) async throws -> T) async throws {
        try await run(Wording.cli(session: session), human: human, operation)
    }

    /// The same, in words a command made for its own arguments. A setting the Tap refuses (say
    /// `CCTAP_BASE_URL`) is reported like any other error.
    func run<T: Encodable>(_ wording: Wording, human: (T) -> String, _ operation: (Tap) async throws -> T) async throws {
        let result = try await reportingErrors(wording) { try await operation(try makeTap()) }
        Output.emit(result, json: json, wording: wording, human: human)
    }

    static func tap(verbose: Bool) throws -> Tap {
        var configuration = try TapConfiguration.fromEnvironment()
        configuration.logger = Output.logger(verbose: verbose)
        return Tap(configuration: configuration)
    }
}
