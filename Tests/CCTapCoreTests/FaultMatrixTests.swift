import CCTapCore
import CCTapEmulator
import Foundation
import Synchronization
import Testing

/// The fault matrix of `Tests/fault-matrix.json`, through the core: every fault on every route,
/// printed as a table with a pass count. The MCP server and the C ABI run the same matrix in
/// `Tests/e2e/test_fault_matrix.py`.
@Suite struct FaultMatrixTests {
    @Test func everyFaultOnEveryRoute() async throws {
        let matrix = try FaultMatrix.load()
        let home = temporaryHome()
        let login = LoginFile(path: home + "/.claude/.credentials.json")
        login.write(EmulatorConfiguration.defaultToken)
        let variables = ["HOME": home, "CCR_ORG_UUID": EmulatorConfiguration.defaultOrganization]
        try await withEmulator(variables: variables, tune: {
            $0.host.homeDirectory = home
            $0.requestTimeout = matrix.requestTimeout
            $0.sendTimeout = matrix.requestTimeout
            $0.sessionCheckInterval = 1
        }) { (h: Harness) async throws in
            var table = MatrixTable(routes: matrix.routes.map(\.name))
            for fault in matrix.faults {
                for route in matrix.routes {
                    let verdict = await runCell(h, matrix, fault, route, login)
                    table.record(fault: fault.name, route: route.name, verdict)
                }
            }
            let archived = await runArchivedCell(h, matrix)
            table.record(fault: matrix.archivedMidWait.name, route: matrix.archivedMidWait.route, archived)
            print(table.rendered(title: "Fault matrix through the core (CCTapCore)"))
            for failure in table.failures { Issue.record("\(failure)") }
            #expect(login.isUnchanged, "the credentials file was modified")
        }
    }

    /// One fault, once, on one route; then the call that uses the route, and the checks.
    private func runCell(
        _ h: Harness, _ matrix: FaultMatrix, _ fault: FaultMatrix.Fault, _ route: FaultMatrix.Route, _ login: LoginFile
    ) async -> CellVerdict {
        await h.store.clearFaults()
        if fault.renewLogin == true {
            let renewed = "sk-ant-oat01-renewed-" + UUID().uuidString.prefix(8).lowercased()
            await h.store.rotateTokens([renewed])
            login.write(renewed)
        }
        var rule = fault.rule
        rule.method = route.method
        rule.route = route.route
        rule.times = 1
        await h.store.addFault(rule)
        let storedBefore = await storedTotal(h.store)
        let message = "fault matrix: \(fault.name) on \(route.name)"
        var outcome: CellOutcome
        do {
            switch route.call {
            case "list_sessions": _ = try await h.tap.listSessions()
            case "get_session_info": _ = try await h.tap.sessionInfo(matrix.session)
            case "read_session": _ = try await h.tap.readSession(matrix.session)
            case "send_message": _ = try await h.tap.sendMessage(matrix.session, message: message)
            case "send_and_wait":
                let waited = try await h.tap.sendAndWait(matrix.session, message: message, timeout: 30)
                guard waited.status == .complete else { return .failed("wait ended \(waited.status.rawValue): \(waited.hint)") }
            default: return .failed("unknown call \(route.call)")
            }
            outcome = .ok
        } catch let error as TapError {
            outcome = .error(kind: error.kind, message: error.message)
        } catch {
            outcome = .error(kind: "untyped", message: String(describing: error))
        }
        let sends = route.call == "send_message" || route.call == "send_and_wait"
        var late = false
        if case .error(let kind, _) = outcome, kind == "send_outcome_unknown" { late = true }
        let stored = (sends ? await settledStoredTotal(h.store, from: storedBefore, late: late) : await storedTotal(h.store)) - storedBefore
        let fired = await h.store.pendingFaults().isEmpty
        return fault.judge(route: route.name, outcome: outcome, sends: sends, stored: stored, faultFired: fired,
                           duplicates: await duplicateCount(h.store))
    }

    /// A wait on a session nobody answers, archived while the wait runs: the wait must end and say so.
    private func runArchivedCell(_ h: Harness, _ matrix: FaultMatrix) async -> CellVerdict {
        await h.store.clearFaults()
        let id = await h.store.createSession(turns: 0, title: "archived mid-wait")
        await h.store.setConnection(id, connected: false)
        let store = h.store
        let archiver = Task {
            try await Task.sleep(nanoseconds: 1_000_000_000)
            _ = await store.archive(id)
        }
        defer { archiver.cancel() }
        let before = await storedTotal(h.store)
        do {
            let waited = try await h.tap.sendAndWait(id, message: "are you there?", timeout: 30)
            let stored = await settledStoredTotal(h.store, from: before, late: false) - before
            guard stored == 1 else { return .failed("stored \(stored) times") }
            let named = matrix.archivedMidWait.names.contains { waited.hint.lowercased().contains($0.lowercased()) }
            guard waited.status == .error, named, waited.elapsedSeconds < 10 else {
                return .failed("wait ended \(waited.status.rawValue) after \(waited.elapsedSeconds) s: \(waited.hint)")
            }
            return .passed("error")
        } catch {
            return .failed("threw \(error)")
        }
    }
}

/// The credentials file a cell may renew; cc-tap must only ever read it.
final class LoginFile: Sendable {
    let path: String
    private let written = Mutex<Data?>(nil)

    init(path: String) { self.path = path }

    func write(_ token: String) {
        let text = #"{"claudeAiOauth":{"accessToken":"\#(token)","expiresAt":4102444800000,"scopes":["user:inference","user:profile","user:sessions:claude_code"]}}"#
        written.withLock { $0 = Data(text.utf8) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
    }

    var isUnchanged: Bool { FileManager.default.contents(atPath: path) == written.withLock { $0 } }
}

private func storedCounts(_ store: EmulatorStore) async -> [Int] {
    (await store.stats()["user_messages_stored"]?.objectValue ?? [:]).values.compactMap { $0.intValue.map(Int.init) }
}

private func storedTotal(_ store: EmulatorStore) async -> Int { await storedCounts(store).reduce(0, +) }

private func duplicateCount(_ store: EmulatorStore) async -> Int { await storedCounts(store).filter { $0 > 1 }.count }

/// The stored total once it stops changing. A post that outlived its timeout may still be stored
/// later, so after `send_outcome_unknown` it waits (up to 6 s) for that to happen.
private func settledStoredTotal(_ store: EmulatorStore, from before: Int, late: Bool) async -> Int {
    var last = await storedTotal(store)
    for _ in 0..<15 {
        try? await Task.sleep(nanoseconds: 400_000_000)
        let now = await storedTotal(store)
        if now == last && (!late || now > before) { return now }
        last = now
    }
    return last
}
