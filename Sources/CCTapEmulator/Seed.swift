#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The sessions the emulator starts with: every status, unicode titles, a pending permission
/// prompt, a disconnected session, and one long session, plus filler so the list spans pages.
public enum Seed {
    public static let demo = "session_01HFlakyLoginTestDemo0001"
    public static let unicode = "session_01HUnicodeTitle000000002"
    public static let pendingPermission = "session_01HPendingPermission0003"
    public static let archived = "session_01HArchivedSession00004"
    public static let disconnected = "session_01HDisconnected00000005"
    public static let long = "session_01HLongSession5000ev0006"
    public static let running = "session_01HRunningSession00007"
    /// The `request_id` of the seeded pending prompt (its tool_use_id differs).
    public static let pendingRequestID = "0b5e7c1e-2f3a-4d5b-8c6d-7e8f9a0b1c2d"

    static func resource(
        id: String, title: String, status: String, connected: Bool, minutesAgo: Double, cwd: String
    ) -> JSON {
        let created = Clock.timestamp(Date().addingTimeInterval(-minutesAgo * 60 - 3600))
        return [
            "type": "session", "id": .string(id), "title": .string(title), "session_status": .string(status),
            "connection_status": connected ? "connected" : "disconnected",
            "environment_id": "env_01RemoteControlLaptop000", "created_at": .string(created),
            "updated_at": .string(Clock.timestamp(Date().addingTimeInterval(-minutesAgo * 60))),
            "session_context": [
                "cwd": .string(cwd), "model": "claude-sonnet-4-5",
                "sources": [["type": "git_repository", "url": "https://github.com/example/project"]],
                "outcomes": nil,
            ],
        ]
    }

}

extension EmulatorStore {
    /// Adds the seeded sessions (once).
    func populate() {
        guard sessions.isEmpty else { return }
        seeding = true
        defer { seeding = false }
        typealias S = Seed

        do {
            let demo = self.addSession(Seed.resource(
                id: S.demo, title: "Fix the flaky login test", status: "idle", connected: true, minutesAgo: 2,
                cwd: "/home/user/webapp"))
            self.appendTurn(demo.id, user: "Why does test_login fail one run in ten?",
                reply: "It races the session cookie: the test reads it before the redirect sets it. I added an explicit wait.")

            let unicode = self.addSession(Seed.resource(
                id: S.unicode, title: "Résumé parser — поддержка 日本語 🚀", status: "idle", connected: true,
                minutesAgo: 5, cwd: "/home/user/résumé"))
            self.appendTurn(unicode.id, user: "Ajoute la prise en charge des noms en 日本語 ✨",
                reply: "C'est fait : les noms 日本語 passent par NFC avant la comparaison. 👍")

            let pending = self.addSession(Seed.resource(
                id: S.pendingPermission, title: "Deploy the staging build", status: "requires_action", connected: true,
                minutesAgo: 1, cwd: "/home/user/infra"))
            self.appendPendingPrompt(pending.id)

            _ = self.addSession(Seed.resource(
                id: S.archived, title: "Old migration (archived)", status: "archived", connected: false,
                minutesAgo: 60 * 24 * 3, cwd: "/home/user/db"))
            let offline = self.addSession(Seed.resource(
                id: S.disconnected, title: "Laptop asleep", status: "idle", connected: false, minutesAgo: 90,
                cwd: "/home/user/notes"))
            self.appendTurn(offline.id, user: "Summarise the notes", reply: "Three themes: hiring, the Q3 plan, the offsite.")

            let running = self.addSession(Seed.resource(
                id: S.running, title: "Refactor the billing module", status: "running", connected: true,
                minutesAgo: 0.5, cwd: "/home/user/billing"))
            self.append(running.id, Events.user("Split BillingService into smaller pieces"))
            self.append(running.id, Events.systemInit(sessionID: running.id, model: "claude-sonnet-4-5"))

            let long = self.addSession(Seed.resource(
                id: S.long, title: "Long-running monorepo session", status: "idle", connected: true, minutesAgo: 10,
                cwd: "/home/user/monorepo"))
            var turn = 0
            while self.eventCount(long.id) < self.configuration.longSessionEvents {
                turn += 1
                self.appendTurn(long.id, user: "Step \(turn): continue the refactor", reply: "Step \(turn) done: moved one more module.")
            }

            for index in 0..<self.configuration.extraSessions {
                let id = "session_01HFiller" + index.zeroPadded(16)
                _ = self.addSession(Seed.resource(
                    id: id, title: "Earlier session #\(index + 1)", status: index % 3 == 0 ? "archived" : "idle",
                    connected: false, minutesAgo: Double(60 * 24 * 7 + index * 30), cwd: "/home/user/scratch"))
            }
        }
    }
}

extension EmulatorStore {
    /// A finished turn, as the worker would have written it.
    func appendTurn(_ sessionID: String, user: String, reply: String) {
        append(sessionID, Events.user(user))
        append(sessionID, Events.systemInit(sessionID: sessionID, model: "claude-sonnet-4-5"))
        let messageID = "msg_" + IDs.random()
        let words = reply.split(separator: " ")
        append(sessionID, Events.assistant(
            sessionID: sessionID, messageID: messageID, model: "claude-sonnet-4-5",
            content: [["type": "text", "text": .string(words.prefix(max(1, words.count / 2)).joined(separator: " "))]],
            stopReason: nil))
        append(sessionID, Events.assistant(
            sessionID: sessionID, messageID: messageID, model: "claude-sonnet-4-5",
            content: [["type": "text", "text": .string(reply)]], stopReason: "end_turn"))
        append(sessionID, Events.result(sessionID: sessionID, subtype: "success", isError: false, text: reply))
    }

    /// A turn stopped on a `can_use_tool` prompt. Its answer is honoured like a live one.
    func appendPendingPrompt(_ sessionID: String) {
        let toolUseID = "toolu_01SeededPendingPrompt00"
        let input: JSON = ["command": "./deploy.sh staging", "description": "Deploy the staging build"]
        append(sessionID, Events.user("Deploy the staging build"))
        append(sessionID, Events.systemInit(sessionID: sessionID, model: "claude-sonnet-4-5"))
        append(sessionID, Events.assistant(
            sessionID: sessionID, messageID: "msg_" + IDs.random(), model: "claude-sonnet-4-5",
            content: [
                ["type": "text", "text": "I'll run the deploy script."],
                ["type": "tool_use", "id": .string(toolUseID), "name": "Bash", "input": input],
            ], stopReason: "tool_use"))
        append(sessionID, [
            "type": "control_request", "request_id": .string(Seed.pendingRequestID),
            "request": [
                "subtype": "can_use_tool", "tool_name": "Bash", "input": input, "tool_use_id": .string(toolUseID),
                "description": "Run ./deploy.sh staging", "permission_suggestions": [],
            ],
        ])
    }
}
