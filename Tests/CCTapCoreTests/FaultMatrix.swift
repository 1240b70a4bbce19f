import CCTapEmulator
import Foundation

/// `Tests/fault-matrix.json`, the matrix every surface runs (its "about" says what a cell checks).
struct FaultMatrix: Decodable {
    struct Route: Decodable {
        var name: String
        var method: String
        var route: String
        var call: String
    }

    struct Fault: Decodable {
        var name: String
        var rule: FaultRule
        var expect: String
        var names: [String]?
        var renewLogin: Bool?
        var exceptions: [String: String]?

        enum CodingKeys: String, CodingKey {
            case name, rule, expect, names
            case renewLogin = "renew_login"
            case exceptions = "except"
        }

        /// What this fault must lead to on `route`: "ok", "error" or "unknown" (send_outcome_unknown).
        func expectation(on route: String) -> String { exceptions?[route] ?? expect }

        func judge(route: String, outcome: CellOutcome, sends: Bool, stored: Int, faultFired: Bool, duplicates: Int)
            -> CellVerdict
        {
            guard faultFired else { return .failed("the fault was never hit") }
            guard duplicates == 0 else { return .failed("a message was stored twice") }
            let expected = expectation(on: route)
            switch (expected, outcome) {
            case ("ok", .ok):
                if sends && stored != 1 { return .failed("succeeded but stored \(stored) times") }
                return .passed("ok")
            case ("error", .error(_, let message)):
                guard stored == 0 else { return .failed("failed but the message was stored \(stored) times") }
                guard (names ?? []).contains(where: { message.lowercased().contains($0.lowercased()) }) else {
                    return .failed("error does not name the cause: \(message.prefix(160))")
                }
                return .passed("error")
            case ("unknown", .error(let kind, _)) where kind == "send_outcome_unknown":
                guard stored <= 1 else { return .failed("stored \(stored) times") }
                return .passed("unknown")
            case (_, .ok):
                return .failed("expected \(expected), but it succeeded")
            case (_, .error(let kind, let message)):
                return .failed("expected \(expected), got \(kind): \(message.prefix(160))")
            }
        }
    }

    struct Special: Decodable {
        var name: String
        var route: String
        var names: [String]
    }

    var session: String
    var requestTimeout: Double
    var routes: [Route]
    var faults: [Fault]
    var archivedMidWait: Special

    enum CodingKeys: String, CodingKey {
        case session, routes, faults
        case requestTimeout = "request_timeout"
        case archivedMidWait = "archived_mid_wait"
    }

    static func load() throws -> FaultMatrix {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fault-matrix.json")
        return try JSONDecoder().decode(FaultMatrix.self, from: Data(contentsOf: url))
    }
}

enum CellOutcome {
    case ok
    case error(kind: String, message: String)
}

enum CellVerdict {
    case passed(String)
    case failed(String)
}

/// The printed matrix: a row per fault, a column per route, and the pass count.
struct MatrixTable {
    let routes: [String]
    private var rows: [(fault: String, cells: [String: CellVerdict])] = []

    init(routes: [String]) { self.routes = routes }

    mutating func record(fault: String, route: String, _ verdict: CellVerdict) {
        if rows.last?.fault != fault { rows.append((fault, [:])) }
        rows[rows.count - 1].cells[route] = verdict
    }

    var failures: [String] {
        rows.flatMap { row in
            row.cells.compactMap { route, verdict in
                if case .failed(let why) = verdict { return "\(row.fault) on \(route): \(why)" }
                return nil
            }
        }
    }

    func rendered(title: String) -> String {
        let width = max(28, (rows.map(\.fault.count).max() ?? 0) + 2)
        let columns = routes.map { max($0.count, 7) + 2 }
        func pad(_ text: String, _ n: Int) -> String { text.padding(toLength: n, withPad: " ", startingAt: 0) }
        var lines = [title, pad("fault \\ route", width) + zip(routes, columns).map { pad($0, $1) }.joined()]
        var passed = 0
        var total = 0
        for row in rows {
            var line = pad(row.fault, width)
            for (route, column) in zip(routes, columns) {
                guard let verdict = row.cells[route] else {
                    line += pad("-", column)
                    continue
                }
                total += 1
                switch verdict {
                case .passed(let what):
                    passed += 1
                    line += pad(what, column)
                case .failed: line += pad("FAIL", column)
                }
            }
            lines.append(line)
        }
        lines.append("\(passed) of \(total) cells passed (ok = recovered, error = clear error naming the cause, "
            + "unknown = told it may not have been sent)")
        lines += failures.map { "  FAIL \($0)" }
        return lines.joined(separator: "\n")
    }
}
