import ArgumentParser
import CCTapCore
import Foundation

/// `cc-tap doctor`: checks each link from the login to the API, printing no secret.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the login, organisation and API connection.")

    @Flag(help: "Log requests to stderr.")
    var verbose = false

    func run() async throws {
        var healthy = true
        func report(_ ok: Bool?, _ text: String) {
            let mark = ok == nil ? "!" : (ok! ? "✓" : "✗")
            if ok == false { healthy = false }
            Output.print("\(mark) \(text)")
        }
        let configuration: TapConfiguration
        do {
            configuration = try TapConfiguration.fromEnvironment()
        } catch let error as TapError {
            report(false, error.message)
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
                let minutes = Int(expiresAt.timeIntervalSinceNow / 60)
                report(minutes > 10 ? true : nil, "token expires in \(minutes) min (\(ISO8601DateFormatter().string(from: expiresAt)))")
            } else {
                report(nil, "token expiry: unknown (the source does not record it)")
            }
            switch credential.hasSessionsScope {
            case true?: report(true, "scope user:sessions:claude_code: present")
            case false?: report(false, "scope user:sessions:claude_code: missing; log in again with `claude` (/login)")
            case nil: report(nil, "scopes: unknown (the source does not record them)")
            }
            for warning in credential.warnings { report(nil, warning) }
        } catch let error as TapError {
            report(false, error.message)
            throw ExitCode(1)
        }
        do {
            let organization = try await tap.organization()
            report(true, "organisation: \(organization.uuid) (from \(organization.source.rawValue))")
        } catch let error as TapError {
            report(false, error.message)
            throw ExitCode(1)
        }
        var probeSession: String?
        do {
            let started = Date()
            let list = try await tap.listSessions()
            let ms = Int(Date().timeIntervalSince(started) * 1000)
            report(true, "API answers: \(list.count) session(s) in \(list.pagesRead) page(s), \(ms) ms")
            probeSession = (list.sessions.first { $0.status != "archived" } ?? list.sessions.first)?.id
        } catch let error as TapError {
            report(false, "API: \(error.message)")
        }
        if let probeSession {
            let probe = await tap.probeEventSource(probeSession)
            report(probe.source == .stream ? true : nil, "event source: \(probe.source.rawValue): \(probe.detail)")
        } else {
            report(nil, "event source: not checked (no session to try it on); mode \(configuration.eventSource.rawValue)")
        }
        if !healthy { throw ExitCode(1) }
    }
}
