@testable import CCTapCore
@testable import CCTapModel
import CCTapEmulator
import CCTapTestSupport
import Foundation
import Testing

/// Dialogs and forms a session asks, answered from here; "always allow"; pruning stale sessions.
@Suite struct InputAnswerTests {
    @Test(arguments: [InputAction.complete, .cancel])
    func aDialogIsAnsweredAndTheTurnGoesOn(action: InputAction) async throws {
        try await withEmulator { (h: Harness) async throws in
            let asked = try await h.tap.sendAndWait(Seed.demo, message: "open a dialog please", timeout: 120)
            let dialog = try #require(asked.pendingInputs.first)
            #expect(asked.hint.contains("person's answer"))
            let answered = try await h.tap.respondToInput(
                Seed.demo, requestID: dialog.requestID, action: action, value: action == .complete ? "Continue" : nil)
            #expect(answered.status == .acknowledged)
            #expect(answered.sent["response"]?["response"]?["behavior"] == (action == .complete ? "completed" : "cancelled"))
            let done = try await h.tap.waitForReply(Seed.demo, cursor: asked.cursor, timeout: 120)
            #expect(done.status == .complete)
            #expect(done.pendingInputs.isEmpty)
            #expect(done.reply.contains(action == .complete ? "you chose Continue" : "The dialog was cancelled"))
        }
    }

    @Test func aFormIsAcceptedWithContentThatFitsAndMisfitsAreRefusedBeforeSending() async throws {
        try await withEmulator { (h: Harness) async throws in
            let asked = try await h.tap.sendAndWait(Seed.demo, message: "elicit a release target", timeout: 120)
            #expect(asked.status == .waitingForInput)
            let form = try #require(asked.pendingInputs.first)
            #expect(form.kind == .elicitation && form.serverName == "deploy-tools" && form.mode == "form")
            #expect(form.summary.contains("environment (string, required)"))
            let posts = await h.store.requests().filter { $0.hasPrefix("POST") }.count
            let misfits: [(JSONValue?, String)] = [
                (["environment": "moon"], "environment must be one of staging, production"),
                (["replicas": 3], "environment is required"),
                (["environment": "staging", "replicas": 11], "replicas must be at most 10"),
                (["environment": "staging", "color": "red"], "color is not a field of the form"),
                ("staging", "content must be a JSON object"),
                (nil, "accept needs content"),
            ]
            for (content, words) in misfits {
                let error = await tapError { _ = try await h.tap.respondToInput(Seed.demo, requestID: form.requestID, action: .accept, value: content) }
                #expect(error?.errorKind == .invalidArgument)
                #expect(error?.message.contains(words) == true, "\(String(describing: error?.message))")
            }
            // A dialog's action on a form, and a result on a decline, are refused too.
            let wrong = await tapError { _ = try await h.tap.respondToInput(Seed.demo, requestID: form.requestID, action: .complete, value: "x") }
            #expect(wrong?.message.contains("accept, decline, cancel") == true)
            let extra = await tapError { _ = try await h.tap.respondToInput(Seed.demo, requestID: form.requestID, action: .decline, value: "x") }
            #expect(extra?.message.contains("takes no result") == true)
            #expect(await h.store.requests().filter { $0.hasPrefix("POST") }.count == posts)

            let accepted = try await h.tap.respondToInput(
                Seed.demo, requestID: form.requestID, action: .accept, value: ["environment": "staging", "replicas": 3, "notify": true])
            #expect(accepted.status == .acknowledged)
            #expect(accepted.sent["response"]?["response"]?["action"] == "accept")
            let done = try await h.tap.waitForReply(Seed.demo, cursor: asked.cursor, timeout: 120)
            #expect(done.reply.contains("Releasing to staging with 3 replicas."))
        }
    }

    @Test func anErrorAnswerLeavesTheDialogOpen() async throws {
        try await withEmulator { (h: Harness) async throws in
            let asked = try await h.tap.sendAndWait(Seed.demo, message: "open a dialog please", timeout: 120)
            let dialog = try #require(asked.pendingInputs.first)
            await h.store.takeAnswer(Seed.demo, [
                "type": "control_response",
                "response": ["subtype": "error", "request_id": .string(dialog.requestID), "error": "unsupported"],
            ])
            // The worker discarded it: the dialog is still pending, here and in the session's own state.
            let info = try await h.tap.sessionInfo(Seed.demo)
            #expect(info.pendingInputs.map(\.requestID) == [dialog.requestID])
            #expect(info.session.workerStatus == "requires_action")
            let answered = try await h.tap.respondToInput(Seed.demo, requestID: dialog.requestID, action: .cancel)
            #expect(answered.status == .acknowledged)
        }
    }

    @Test func alwaysAllowSendsTheSuggestionsAndTheSameCommandIsNotAskedAgain() async throws {
        try await withEmulator { (h: Harness) async throws in
            let asked = try await h.tap.sendAndWait(Seed.demo, message: "run ls -la", timeout: 120)
            let prompt = try #require(asked.pendingPermissions.first)
            #expect(prompt.alwaysAllows == ["allow Bash(ls -la) for the rest of this session"])
            let denyAlways = await tapError {
                _ = try await h.tap.respondToPermission(Seed.demo, requestID: prompt.requestID, decision: .deny, always: true)
            }
            #expect(denyAlways?.errorKind == .invalidArgument)
            let edited = await tapError {
                _ = try await h.tap.respondToPermission(
                    Seed.demo, requestID: prompt.requestID, decision: .allow, updatedInput: ["command": "ls"], always: true)
            }
            #expect(edited?.message.contains("would not cover what runs") == true)
            let answered = try await h.tap.respondToPermission(Seed.demo, requestID: prompt.requestID, decision: .allow, always: true)
            #expect(answered.always)
            #expect(answered.sent["response"]?["response"]?["updatedPermissions"] == .array(prompt.suggestions))
            _ = try await h.tap.waitForReply(Seed.demo, cursor: asked.cursor, timeout: 120)
            // The same command again runs without a prompt; another one still asks.
            let again = try await h.tap.sendAndWait(Seed.demo, message: "run ls -la", timeout: 120)
            #expect(again.status == .complete)
            #expect(again.reply.contains("`ls -la` ran"))
            let other = try await h.tap.sendAndWait(Seed.demo, message: "run rm -rf build", timeout: 120)
            #expect(other.status == .waitingForPermission)
        }
    }

    @Test func pruneNamesExactlyTheStaleSessionsAndArchivesOnlyWhenAsked() async throws {
        try await withEmulator { (h: Harness) async throws in
            let old = await h.store.createSession(turns: 1, title: "old and offline")
            await h.store.age(old, daysAgo: 40, connected: false)
            let oldOnline = await h.store.createSession(turns: 1, title: "old, machine still on")
            await h.store.age(oldOnline, daysAgo: 40, connected: true)
            let recent = await h.store.createSession(turns: 1, title: "recent")
            await h.store.age(recent, daysAgo: 2, connected: false)
            let running = await h.store.createSession(turns: 1, title: "old but running")
            await h.store.age(running, daysAgo: 40, connected: true)
            _ = try await h.tap.sendMessage(running, message: "a long one, until stopped")
            #expect(try await eventually { try await h.tap.sessionInfo(running).session.workerStatus == "running" })

            let preview = try await h.tap.pruneSessions(olderThanDays: 30)
            #expect(preview.dryRun)
            let named = try Set(preview.sessions.map { try SessionID($0.id) })
            #expect(try named == Set([old, oldOnline].map { try SessionID($0) }))
            #expect(preview.sessions.allSatisfy { $0.outcome == "would_archive" })
            // The seeded sessions are recent, or running; the one running here is among the kept.
            #expect((preview.kept["running"] ?? 0) >= 1 && (preview.kept["recent"] ?? 0) >= 1)
            #expect(await h.store.sessionStatus(old) != "archived")

            let offline = try await h.tap.pruneSessions(olderThanDays: 30, offlineOnly: true, dryRun: false)
            let archived = try offline.sessions.map { try SessionID($0.id) }
            #expect(try archived == [SessionID(old)])
            #expect(offline.sessions.first?.outcome == "archived")
            #expect(await h.store.sessionStatus(old) == "archived")
            #expect(await h.store.sessionStatus(oldOnline) != "archived")
            #expect(await h.store.sessionStatus(running) != "archived")
            // A run limited to the ids a dry run named archives none that turned stale after it.
            let listed = try await h.tap.pruneSessions(olderThanDays: 30)
            let later = await h.store.createSession(turns: 1, title: "stale after the dry run")
            await h.store.age(later, daysAgo: 40, connected: false)
            let limited = try await h.tap.pruneSessions(olderThanDays: 30, dryRun: false, only: listed.sessions.map(\.id))
            #expect(try limited.sessions.map { try SessionID($0.id) } == [try SessionID(oldOnline)])
            #expect(await h.store.sessionStatus(later) != "archived")
            let bad = await tapError { _ = try await h.tap.pruneSessions(olderThanDays: 0) }
            #expect(bad?.errorKind == .invalidArgument)
            _ = try await h.tap.interrupt(running)
        }
    }
}

/// The pure pieces: the form check, the diff, the words of a suggestion, the prune rule.
@Suite struct InputModelTests {
    @Test func aDiffShowsTheChangedLinesWithContext() {
        let diff = UnifiedDiff.render(path: "a.swift", old: "one\ntwo\nthree\nfour\nfive", new: "one\ntwo\nTHREE\nfour\nfive")
        let head = "--- a.swift (the text replaced)\n+++ a.swift (its replacement)\n"
        #expect(diff == head + "@@ -1,5 +1,5 @@\n one\n two\n-three\n+THREE\n four\n five")
        let added = UnifiedDiff.render(path: "a.swift", old: "", new: "x\ny\n")
        #expect(added == head + "@@ -0,0 +1,2 @@\n+x\n+y")
        // A final newline is no line of its own; far context is left out; a long hunk is cut and counted.
        #expect(UnifiedDiff.render(path: "a.swift", old: "a\n", new: "b\n") == head + "@@ -1,1 +1,1 @@\n-a\n+b")
        let far = UnifiedDiff.render(path: "a.swift", old: "1\n2\n3\n4\n5\nX", new: "1\n2\n3\n4\n5\nY")
        #expect(far == head + "@@ -3,4 +3,4 @@\n 3\n 4\n 5\n-X\n+Y")
        let cut = UnifiedDiff.render(path: "a.swift", old: "", new: "1\n2\n3\n4", maxLines: 2)
        #expect(cut == head + "@@ -0,0 +1,4 @@\n+1\n+2\n… 2 more line(s)")
        #expect(UnifiedDiff.proposal(tool: "Bash", input: ["command": "make check"]) == "$ make check")
    }

    @Test func aFormsChoicesAndCountsAreChecked() {
        let schema = ElicitationSchema([
            "type": "object",
            "properties": [
                "tier": ["type": "string", "oneOf": [["const": "gold", "title": "Gold"], ["const": "free", "title": "Free"]]],
                "tags": ["type": "array", "items": ["anyOf": [["const": "a"], ["const": "b"]]], "minItems": 1, "maxItems": 1],
                "name": ["type": "string", "maxLength": 2],
            ],
        ])
        #expect(schema.problems(in: ["tier": "gold", "tags": ["a"], "name": "é🚀"]).isEmpty)
        #expect(schema.problems(in: ["tier": "silver"]) == ["tier must be one of gold, free."])
        #expect(schema.problems(in: ["tags": ["a", "b"]]) == ["tags takes at most 1 choice(s)."])
        #expect(schema.problems(in: ["tags": ["c"]]).first?.hasPrefix("tags holds \"c\"") == true)
        #expect(schema.fieldLines().contains { $0.contains("tier (string): one of gold, free") || $0.contains("one of gold, free") })
    }

    @Test func anAnswerIsAcknowledgedOnlyByTheMainThreadGoingOnOrItsOwnTool() {
        let verdict = ControlVerdict.inputAnswer(requestID: "d1", toolUseID: "toolu_asks")
        #expect(verdict(["type": "assistant", "parent_tool_use_id": "toolu_sub", "message": [:]])?.0 == nil)
        #expect(verdict(["type": "user", "message": ["content": [["type": "tool_result", "tool_use_id": "toolu_other"]]]])?.0 == nil)
        #expect(verdict(["type": "control_request", "request_id": "p2", "request": ["subtype": "can_use_tool"]])?.0 == nil)
        #expect(verdict(["type": "control_response", "response": ["request_id": "d1", "subtype": "success"]])?.0 == nil)
        #expect(verdict(["type": "user", "message": ["content": [["type": "tool_result", "tool_use_id": "toolu_asks"]]]])?.0 == .acknowledged)
        #expect(verdict(["type": "assistant", "parent_tool_use_id": nil, "message": [:]])?.0 == .acknowledged)
        #expect(verdict(["type": "control_cancel_request", "request_id": "d1"])?.0 == .withdrawn)
    }

    @Test func suggestionsAreWordedAndUnknownOnesNamed() {
        let words = PermissionSuggestion.words([
            ["type": "addRules", "rules": [["toolName": "Bash", "ruleContent": "npm test"]], "behavior": "allow", "destination": "localSettings"],
            ["type": "setMode", "mode": "acceptEdits", "destination": "session"],
            ["type": "somethingNew", "x": 1],
        ])
        #expect(words[0] == "allow Bash(npm test) in this project, for you (local settings)")
        #expect(words[1] == "switch to acceptEdits permission mode for the rest of this session")
        #expect(words[2].hasPrefix("a change not known to cc-tap"))
    }

    @Test func thePruneRuleKeepsRunningRecentOnlineAndUndatedSessions() throws {
        let now = try Date("2026-12-06T12:00:00Z", strategy: Date.ISO8601FormatStyle())
        func session(_ fields: JSONValue) -> SessionSummary { SessionSummary(fields) }
        let rule = PruneRule(olderThanDays: 30, offlineOnly: true)
        let base: [String: JSONValue] = ["id": "cse_x", "status": "active", "worker_status": "idle", "connection_status": "disconnected",
                                         "last_event_at": "2026-10-01T00:00:00.123Z"]
        #expect(rule.verdict(session(.object(base)), now: now) == nil)
        var running = base; running["worker_status"] = "requires_action"
        #expect(rule.verdict(session(.object(running)), now: now) == .running)
        var recent = base; recent["last_event_at"] = "2026-11-30T00:00:00Z"
        #expect(rule.verdict(session(.object(recent)), now: now) == .recent)
        var online = base; online["connection_status"] = "connected"
        #expect(rule.verdict(session(.object(online)), now: now) == .online)
        var undated = base; undated["last_event_at"] = nil
        #expect(rule.verdict(session(.object(undated)), now: now) == .undated)
    }
}
