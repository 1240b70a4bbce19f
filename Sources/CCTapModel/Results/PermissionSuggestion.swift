/// A prompt's `permission_suggestions` in words: what an "always allow" would keep allowing, and where
/// (SDK types: `PermissionUpdate`, `{type: addRules|replaceRules|removeRules|setMode|addDirectories|
/// removeDirectories, rules?, behavior?, mode?, directories?, destination}`). A person reads these
/// before choosing; the suggestions themselves go back untouched as `updatedPermissions`.
public enum PermissionSuggestion {
    /// One sentence a suggestion; a kind not seen before is named with its fields.
    public static func words(_ suggestions: [JSONValue]) -> [String] {
        suggestions.map(words)
    }

    static func words(_ suggestion: JSONValue) -> String {
        let place = destination(suggestion["destination"]?.stringValue)
        switch suggestion["type"]?.stringValue {
        case "addRules", "replaceRules":
            let behavior = suggestion["behavior"]?.stringValue ?? "allow"
            let rules = (suggestion["rules"]?.arrayValue ?? []).map(rule).joined(separator: ", ")
            return "\(behavior) \(rules.isEmpty ? "(no rule given)" : rules) \(place)"
        case "removeRules":
            let rules = (suggestion["rules"]?.arrayValue ?? []).map(rule).joined(separator: ", ")
            return "stop applying \(rules) \(place)"
        case "setMode":
            return "switch to \(suggestion["mode"]?.stringValue ?? "another") permission mode \(place)"
        case "addDirectories":
            let directories = (suggestion["directories"]?.arrayValue ?? []).compactMap(\.stringValue)
            return "allow work in \(directories.joined(separator: ", ")) \(place)"
        case "removeDirectories":
            let directories = (suggestion["directories"]?.arrayValue ?? []).compactMap(\.stringValue)
            return "stop allowing work in \(directories.joined(separator: ", ")) \(place)"
        default:
            return "a change not known to cc-tap: " + String(suggestion.jsonText().prefix(300))
        }
    }

    /// `Bash(npm test)`, `Edit`, as Claude Code writes its rules.
    static func rule(_ rule: JSONValue) -> String {
        let tool = rule["toolName"]?.stringValue ?? rule.stringValue ?? "?"
        guard let content = rule["ruleContent"]?.stringValue, !content.isEmpty else { return tool }
        return "\(tool)(\(content))"
    }

    static func destination(_ name: String?) -> String {
        switch name {
        case "session": "for the rest of this session"
        case "localSettings": "in this project, for you (local settings)"
        case "projectSettings": "in this project, for everyone (project settings)"
        case "userSettings": "in every project, for you (user settings)"
        case "cliArg": "for this run of Claude Code"
        case let other?: "(\(other))"
        case nil: "(where: not given)"
        }
    }
}
