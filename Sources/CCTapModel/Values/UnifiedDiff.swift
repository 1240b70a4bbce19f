/// An edit a prompt proposes, as a short unified diff a person can judge before allowing it (the iOS
/// app cuts a prompt's input at about 100 characters; #86704). One hunk per edit: the lines the old
/// and new text share at either end are context (three at most), the rest is removed and added. Not
/// a minimal diff, but a true one, and cheap on the short strings an `Edit` carries. The prompt holds
/// the edited text, not the file, so its line numbers count from the start of that text, and the
/// headers say so.
public enum UnifiedDiff {
    public static let context = 3
    /// A longer line is cut (a minified file must not flood the prompt).
    public static let maxLineCharacters = 400

    /// The diff of `old` to `new` in `path`, at most `maxLines` lines of hunk (then a count of the rest).
    public static func render(path: String, old: String, new: String, maxLines: Int = 200) -> String {
        let (header, hunk) = parts(old: old, new: new)
        var lines = ["--- \(path) (the text replaced)", "+++ \(path) (its replacement)", header]
        lines += hunk.prefix(max(0, maxLines))
        if hunk.count > maxLines { lines.append("… \(hunk.count - maxLines) more line(s)") }
        return lines.joined(separator: "\n")
    }

    /// A text's lines: none for an empty text, and no empty last line for a final newline.
    static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.count > maxLineCharacters ? String($0.prefix(maxLineCharacters)) + "…" : $0 }
    }

    static func parts(old: String, new: String) -> (header: String, hunk: [String]) {
        let before = lines(old)
        let after = lines(new)
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
        return ("@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@", hunk)
    }

    /// The diff, or the command, or the file to write, that a prompt for `tool` proposes; nil for a
    /// tool whose input has none of them. `maxLines` bounds the whole rendering, all edits together.
    public static func proposal(tool: String, input: JSONValue, maxLines: Int = 200) -> String? {
        let path = input["file_path"]?.stringValue ?? input["notebook_path"]?.stringValue ?? "(file)"
        switch tool {
        case "Bash":
            return input["command"]?.stringValue.map { "$ " + $0 }
        case "Edit":
            guard let old = input["old_string"]?.stringValue, let new = input["new_string"]?.stringValue else { return nil }
            let every = input["replace_all"]?.boolValue == true ? "\n(every occurrence in the file)" : ""
            return render(path: path, old: old, new: new, maxLines: maxLines) + every
        case "MultiEdit":
            let edits = input["edits"]?.arrayValue ?? []
            guard !edits.isEmpty else { return nil }
            var left = maxLines
            var shown: [String] = []
            for (index, edit) in edits.enumerated() {
                guard left > 0 else {
                    shown.append("… \(edits.count - index) more edit(s)")
                    break
                }
                let text = render(
                    path: path, old: edit["old_string"]?.stringValue ?? "", new: edit["new_string"]?.stringValue ?? "",
                    maxLines: left)
                left -= text.split(separator: "\n").count - 3
                shown.append(text)
            }
            return shown.joined(separator: "\n")
        case "Write":
            guard let content = input["content"]?.stringValue else { return nil }
            return render(path: path + " (whole file)", old: "", new: content, maxLines: maxLines)
        default:
            return nil
        }
    }
}
