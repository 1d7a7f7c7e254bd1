/// Splits a command string into arguments the way compose does for `command:` and
/// `entrypoint:` strings: whitespace separates, quotes group, backslash escapes. No
/// variable or glob expansion.
enum ShellSplit {
    static func split(_ text: String) throws(ValueError) -> [String] {
        var args: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for c in text {
            if escaped {
                if quote == "\"", !"\"\\$`\n".contains(c) { current.append("\\") }
                if c != "\n" { current.append(c) }
                escaped = false
                inWord = true
                continue
            }
            if c == "\\", quote != "'" {
                escaped = true
                inWord = true
                continue
            }
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
                continue
            }
            if c == "'" || c == "\"" {
                quote = c
                inWord = true
                continue
            }
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                if inWord {
                    args.append(current)
                    current = ""
                    inWord = false
                }
                continue
            }
            current.append(c)
            inWord = true
        }
        if let quote {
            throw ValueError(
                "the command has an unclosed \(quote) quote", hint: "close the quote, or write the command as a list")
        }
        if escaped { throw ValueError("the command ends with a lone backslash") }
        if inWord { args.append(current) }
        return args
    }
}
