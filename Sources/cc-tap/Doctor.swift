import ArgumentParser
import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `cc-tap doctor`: checks each link from the login to the API, printing no secret.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the login, organisation and API connection.")

    @Flag(help: "Log requests to stderr.")
    var verbose = false

    @Flag(help: "Print the checks as JSON: {\"healthy\", \"checks\": [{\"ok\": true|false|null, \"text\"}]}.")
    var json = false

    /// One check: passed, failed, or worth a look (nil).
    struct Check: Encodable {
        let ok: Bool?
        let text: String

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(ok, forKey: .ok)  // null, not left out, for a warning
            try container.encode(text, forKey: .text)
        }

        enum CodingKeys: String, CodingKey { case ok, text }
    }

    struct Report: Encodable {
        let healthy: Bool
        let checks: [Check]
    }

    func run() async throws {
        var checks: [Check] = []
        // With --json the checks are printed once, at the end, however the run ends.
        defer {
            if json { Output.print(ResultJSON.encode(Report(healthy: !checks.contains { $0.ok == false }, checks: checks), pretty: true)) }
        }
        func report(_ ok: Bool?, _ text: String) {
            checks.append(Check(ok: ok, text: text))
            if !json { Output.print("\(ok == nil ? "!" : (ok! ? "✓" : "✗")) \(text)") }
        }
        let configuration: TapConfiguration
        do {
            configuration = try TapConfiguration.fromEnvironment()
        } catch let error as TapError {
            report(false, error.message(.cli))
            throw ExitCode(1)
        }
        report(true, "endpoint: \(configuration.baseURL.absoluteString)")
        var withLogger = configuration
        withLogger.logger = Output.logger(verbose: verbose)
        let tap = Tap(configuration: withLogger)
        do {
            let credential = try tap.credential()
            report(true, "login: found in \(credential.source.rawValue)" + (credential.path.map { " (\($0))" } ?? ""))
            if let expiresAt = credential.expiresAt {
                let minutes = Seconds.whole(expiresAt.timeIntervalSinceNow / 60) ?? 0
                report(minutes > 10 ? true : nil, "token expires in \(minutes) min (\(expiresAt.formatted(.iso8601)))")
            } else {
                report(nil, "token expiry: unknown (the source does not record it)")
            }
            switch credential.hasSessionsScope {
            case true?: report(true, "scope user:sessions:claude_code: present")
            case false?: report(false, "scope user:sessions:claude_code: missing; log in again with `claude` (/login)")
            case nil: report(nil, "scopes: unknown (the source does not record them)")
            }
            for warning in credential.warnings { report(nil, warning) }
            report(
                true,
                credential.hasTrustedDeviceToken
                    ? "trusted device token: found (sent as X-Trusted-Device-Token, never shown)"
                    : "trusted device token: none stored (only organisations that require Trusted Devices need one)")
        } catch let error as TapError {
            report(false, error.message(.cli))
            throw ExitCode(1)
        }
        do {
            let organization = try await tap.organization()
            report(true, "organisation: \(organization.uuid) (from \(organization.source.rawValue))")
        } catch let error as TapError {
            report(false, error.message(.cli))
            throw ExitCode(1)
        }
        var probeSession: String?
        do {
            let started = Date()
            let list = try await tap.listSessions()
            let ms = Int(Date().timeIntervalSince(started) * 1000)
            report(
                list.complete ? true : nil,
                "API answers: \(list.count) session(s) in \(list.pagesRead) page(s), \(ms) ms" + (list.note.map { " (\($0))" } ?? ""))
            probeSession = (list.sessions.first { $0.status != "archived" } ?? list.sessions.first)?.id
        } catch let error as TapError {
            report(false, "API: \(error.message(.cli))")
        }
        // Which route generation answers what: one read each, never a write.
        let routes = await tap.routeReport(session: probeSession)
        for check in routes.checks {
            report(check.usable ? true : (check.operation == "stream" ? nil : false), check.line)
        }
        if probeSession == nil {
            report(nil, "history, stream and writes: not checked (no session to try them on)")
        }
        report(
            true,
            configuration.presence
                ? "presence: on (CCTAP_PRESENCE): while a wait runs the service treats you as watching and holds back your phone's notifications"
                : "presence: off (waits do not silence your phone's notifications; CCTAP_PRESENCE=1 turns it on)")
        if checks.contains(where: { $0.ok == false }) { throw ExitCode(1) }
    }
}
