import ArgumentParser
import AsyncHTTPClient
import CCTapCore
import Foundation
import NIOCore

/// cctap-soak: send-and-wait cycles through the core against a cc-tap-emulator process, with a random
/// fault injected before most cycles, for a given time. Prints resident memory over time, calls made,
/// outcomes by kind, and at the end every message's fate as the emulator stored it: lost (reported
/// sent, not stored), duplicated (stored twice), or stored although the caller was told it failed.
/// Not a test: its figures are read by people (scripts/soak.sh, README "Soak").
@main
struct Soak: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cctap-soak", abstract: "Soak the core under random faults.")

    @Option(help: "How long to run, in minutes.") var minutes: Double = 10
    @Option(help: "Seconds between progress lines.") var every: Double = 30
    @Option(help: "Share of cycles preceded by a fault (0...1).") var faultRate: Double = 0.7
    @Option(help: "Sessions the cycles rotate over.") var sessions: Int = 4
    @Option(help: "The cc-tap-emulator binary (default: next to this one).") var emulator: String?

    func run() async throws {
        let emulatorPath = emulator ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("cc-tap-emulator").path
        let service = try EmulatorProcess(path: emulatorPath)
        defer { service.stop() }
        let control = EmulatorControl(base: service.baseURL)

        var variables = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CCTAP_") && !$0.key.hasPrefix("CLAUDE_") }
        // The emulator's banner says where it listens and which login and organisation it accepts.
        variables.merge(service.banner) { _, announced in announced }
        var configuration = try TapConfiguration.fromEnvironment(HostEnvironment(variables: variables, homeDirectory: NSTemporaryDirectory()))
        configuration.requestTimeout = 1
        configuration.sendTimeout = 1
        configuration.pollInterval = 0.1
        configuration.streamStallTimeout = 2
        configuration.streamMaxBackoff = 2
        configuration.sessionCheckInterval = 2
        configuration.logger.logLevel = .critical
        let tap = Tap(configuration: configuration)

        var ids: [String] = []
        for index in 0..<max(1, sessions) { ids.append(try await control.createSession(title: "soak \(index)")) }

        var ledger = Ledger()
        let started = Date()
        let end = started.addingTimeInterval(minutes * 60)
        var nextReport = started
        say("cctap-soak: \(minutes) min, fault rate \(faultRate), \(ids.count) sessions, emulator \(service.baseURL)")
        say(String(format: "%8@  %9@  %7@  %@", "elapsed" as NSString, "RSS MiB" as NSString, "calls" as NSString, "outcomes" as NSString))
        var cycle = 0
        while Date() < end {
            if Date() >= nextReport {
                ledger.report(elapsed: Date().timeIntervalSince(started))
                nextReport = nextReport.addingTimeInterval(every)
            }
            cycle += 1
            try await control.clearFaults()
            var faultName = "none"
            if Double.random(in: 0..<1) < faultRate {
                let fault = SoakFault.all.randomElement()!
                faultName = fault.name
                try await control.addFault(fault.rule)
            }
            let session = ids[cycle % ids.count]
            let text = "soak message #\(cycle)"
            do {
                let result = try await tap.sendAndWait(session, message: text, timeout: 20)
                ledger.note(outcome: result.status == .complete ? "ok" : "wait_\(result.status.rawValue)", fault: faultName)
            } catch TapError.waitFailedAfterSend(_, _, let cause) {
                // Told it was sent: it counts as sent (lost if it is not stored).
                ledger.note(outcome: "wait_failed_after_send(\(cause.kind))", fault: faultName)
            } catch let error as TapError {
                ledger.note(outcome: error.kind, fault: faultName)
            }
            if cycle % 10 == 0 {
                // The other reads, now and then.
                _ = try? await tap.readSession(session)
                _ = try? await tap.listSessions()
                ledger.calls += 2
            }
        }
        ledger.report(elapsed: Date().timeIntervalSince(started))
        try await control.clearFaults()
        // Let posts that outlived their timeout land before counting.
        try await Task.sleep(nanoseconds: 3_000_000_000)
        var stored: [String: Int] = [:]
        for id in ids {
            for text in try await control.userMessages(id) where text.hasPrefix("soak message #") { stored[text, default: 0] += 1 }
        }
        let verdict = ledger.verdict(stored: stored)
        say(verdict.text)
        if !verdict.clean { throw ExitCode(1) }
    }
}

/// What happened to every message, and the running counters.
struct Ledger {
    var outcomes: [String: Int] = [:]
    var faults: [String: Int] = [:]
    var calls = 0
    /// Per message (cycle n sends "soak message #n"), its outcome as an index into `outcomeNames`:
    /// one byte a message, so the soak's own bookkeeping does not pass for growth of the core.
    var messages: [UInt8] = []
    var outcomeNames: [String] = []
    var rssSamples: [Double] = []

    mutating func note(outcome: String, fault: String) {
        calls += 1
        outcomes[outcome, default: 0] += 1
        faults[fault, default: 0] += 1
        let code = outcomeNames.firstIndex(of: outcome) ?? outcomeNames.count
        if code == outcomeNames.count { outcomeNames.append(outcome) }
        messages.append(UInt8(code))
    }

    mutating func report(elapsed: TimeInterval) {
        let rss = Self.residentMiB()
        rssSamples.append(rss)
        let kinds = outcomes.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        say(String(format: "%7.0fs  %9.1f  %7d  %@", elapsed, rss, calls, kinds as NSString))
    }

    func verdict(stored: [String: Int]) -> (text: String, clean: Bool) {
        var lost = 0, duplicated = 0, storedDespiteError = 0, unknownStored = 0, unknownNotStored = 0, notSent = 0
        for (index, code) in messages.enumerated() {
            let count = stored["soak message #\(index + 1)"] ?? 0
            if count > 1 { duplicated += 1 }
            switch outcomeNames[Int(code)] {
            case let sent where sent == "ok" || sent.hasPrefix("wait_"):
                if count == 0 { lost += 1 }
            case "send_outcome_unknown":
                if count == 1 { unknownStored += 1 } else if count == 0 { unknownNotStored += 1 }
            default:
                if count > 0 { storedDespiteError += 1 } else { notSent += 1 }
            }
        }
        let first = rssSamples.dropFirst().first ?? rssSamples.first ?? 0
        let last = rssSamples.last ?? 0
        let peak = rssSamples.max() ?? 0
        let text = """
            messages: \(messages.count) sent in \(calls) calls; faults injected: \
            \(faults.filter { $0.key != "none" }.values.reduce(0, +)) (\(faults["none"] ?? 0) cycles without)
            lost (reported sent, not stored): \(lost)
            duplicated (stored more than once): \(duplicated)
            stored although the caller was told it failed: \(storedDespiteError)
            told "may not have been sent": \(unknownStored + unknownNotStored) (\(unknownStored) were stored once, \(unknownNotStored) not at all)
            failed before sending (not stored): \(notSent)
            resident memory: \(String(format: "%.1f", first)) MiB after the first interval, \(String(format: "%.1f", last)) MiB at the end, peak sample \(String(format: "%.1f", peak)) MiB
            """
        return (text, lost == 0 && duplicated == 0 && storedDespiteError == 0)
    }

    static func residentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kib / 1024
    }
}

/// The faults a cycle may meet, on the routes a send-and-wait uses.
struct SoakFault {
    let name: String
    let rule: String

    static let routes = [
        ("POST", "/v1/sessions/{id}/events"), ("GET", "/v1/code/sessions/{id}/events/stream"),
        ("GET", "/v1/code/sessions/{id}/events"), ("POST", "/v1/code/sessions/{id}/client/presence"),
        ("GET", "/v1/sessions/{id}"),
    ]
    static let kinds = [
        #""kind":"status","status":500"#, #""kind":"status","status":502"#, #""kind":"status","status":503"#,
        #""kind":"status","status":529"#, #""kind":"status","status":429,"retry_after":1"#, #""kind":"status","status":429"#,
        #""kind":"cloudflare""#, #""kind":"status","status":404"#, #""kind":"malformed_json""#, #""kind":"truncated_body""#,
        #""kind":"reset_before""#, #""kind":"reset_after""#, #""kind":"delay","seconds":1.5"#,
        #""kind":"stream_drop","frames":2"#, #""kind":"stream_stall","frames":1,"seconds":3"#,
    ]
    static let all: [SoakFault] = routes.flatMap { method, route in
        kinds.map { kind in
            SoakFault(name: "\(kind) \(method) \(route)", rule: #"{\#(kind),"method":"\#(method)","route":"\#(route)","times":1}"#)
        }
    }
}

/// The emulator's control routes.
struct EmulatorControl {
    let base: String
    var client: HTTPClient { .shared }

    func post(_ path: String, _ body: String) async throws -> Data {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(10))
        return Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
    }

    func clearFaults() async throws {
        var request = HTTPClientRequest(url: base + "/_emulator/faults")
        request.method = .DELETE
        _ = try await client.execute(request, timeout: .seconds(10)).body.collect(upTo: 1 << 16)
    }

    func addFault(_ rule: String) async throws { _ = try await post("/_emulator/faults", rule) }

    /// The texts of every user message the session stored, as the emulator counts them.
    func userMessages(_ session: String) async throws -> [String] {
        let request = HTTPClientRequest(url: base + "/_emulator/sessions/\(session)/user-messages")
        let body = try await client.execute(request, timeout: .seconds(30)).body.collect(upTo: 64 << 20)
        guard let texts = JSONValue.parse(Data(body.readableBytesView))?["texts"]?.arrayValue else {
            throw ValidationError("the emulator did not list the session's messages")
        }
        return texts.compactMap(\.stringValue)
    }

    func createSession(title: String) async throws -> String {
        let data = try await post("/_emulator/sessions", #"{"turns":0,"title":"\#(title)"}"#)
        guard let id = JSONValue.parse(data)?["id"]?.stringValue else { throw ValidationError("the emulator made no session") }
        return id
    }
}

/// A cc-tap-emulator child process on a free loopback port.
final class EmulatorProcess {
    let process = Process()
    /// The banner's settings: CCTAP_BASE_URL, CCTAP_ACCESS_TOKEN and CCR_ORG_UUID.
    let banner: [String: String]
    var baseURL: String { banner["CCTAP_BASE_URL"] ?? "" }

    init(path: String) throws {
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--port", "0", "--step", "0.005"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        var settings: [String: String] = [:]
        // The organisation is the banner's last setting: once its line is whole, the banner is read.
        while settings["CCR_ORG_UUID"] == nil {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw ValidationError("cc-tap-emulator at \(path) exited before it listened") }
            text += String(decoding: chunk, as: UTF8.self)
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                let parts = line.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { settings[String(parts[0])] = String(parts[1]) }
            }
        }
        guard settings["CCTAP_BASE_URL"] != nil, settings["CCTAP_ACCESS_TOKEN"] != nil else {
            throw ValidationError("cc-tap-emulator did not print its address and login")
        }
        banner = settings
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// Writes a line at once, also into a file or a pipe (`print` would buffer it there, and a soak runs for minutes).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
