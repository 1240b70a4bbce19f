/// An edit a prompt proposes, as a short unified diff a person can judge before allowing it (the iOS
/// app cuts a prompt's input at about 100 characters; #86704). One hunk: the lines the old and new
/// text share at either end are context (three at most), the rest is removed and added. Not a minimal
/// diff, but a true one, and cheap on the short strings an `Edit` carries.
public enum UnifiedDiff {
    public static let context = 3

    /// The diff of `old` to `new` in `path`, at most `maxLines` lines of hunk (then a count of the rest).
    public static func render(path: String, old: String, new: String, maxLines: Int = 200) -> String {
        // An empty text has no lines (a new file), not one empty line.
        let before = old.isEmpty ? [] : old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let after = new.isEmpty ? [] : new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var prefix = 0
        while prefix < before.count, prefix < after.count, before[prefix] == after[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < before.count - prefix, suffix < after.count - prefix,
            before[before.count - 1 - suffix] == after[after.count - 1 - suffix]
        {
            suffix += 1
        }
        let lead = max(0, prefix - context)
        let trail = min(suffix, context)
        var hunk: [String] = []
        hunk += before[lead..<prefix].map { " " + $0 }
        hunk += before[prefix..<(before.count - suffix)].map { "-" + $0 }
        hunk += after[prefix..<(after.count - suffix)].map { "+" + $0 }
        hunk += before[(before.count - suffix)..<(before.count - suffix + trail)].map { " " + $0 }
        let oldCount = before.count - suffix + trail - lead
        let newCount = after.count - suffix + trail - lead
        // Unified diff numbers an empty side from 0.
        let oldStart = oldCount == 0 ? lead : lead + 1
        let newStart = newCount == 0 ? lead : lead + 1
        var lines = ["--- \(path)", "+++ \(path)", "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@"]
        if hunk.count > maxLines {
            lines += hunk.prefix(maxLines)
            lines.append("… \(hunk.count - maxLines) more line(s)")
        } else {
            lines += hunk
        }
        return lines.joined(separator: "\n")
    }

    /// The diff, or the command, or the file to write, that a prompt for `tool` proposes; nil for a
    /// tool whose input has none of them.
    public static func proposal(tool: String, input: JSONValue, maxLines: Int = 200) -> String? {
        let path = input["file_path"]?.stringValue ?? input["notebook_path"]?.stringValue ?? "(file)"
        switch tool {
        case "Bash":
            return input["command"]?.stringValue.map { "$ " + $0 }
        case "Edit":
            guard let old = input["old_string"]?.stringValue, let new = input["new_string"]?.stringValue else { return nil }
            let all = input["replace_all"]?.boolValue == true ? " (every occurrence)" : ""
            return render(path: path + all, old: old, new: new, maxLines: maxLines)
        case "MultiEdit":
            let edits = input["edits"]?.arrayValue ?? []
            guard !edits.isEmpty else { return nil }
            return edits.map { edit in
                render(path: path, old: edit["old_string"]?.stringValue ?? "", new: edit["new_string"]?.stringValue ?? "", maxLines: maxLines)
            }.joined(separator: "\n")
        case "Write":
            guard let content = input["content"]?.stringValue else { return nil }
            return render(path: path + " (whole file)", old: "", new: content, maxLines: maxLines)
        default:
            return nil
        }
    }
}
