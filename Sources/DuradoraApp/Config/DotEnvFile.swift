import Foundation

/// A `.env` file read the way docker-compose reads one: `NAME=value` lines, `#` comments and blank lines skipped,
/// an optional `export ` prefix, values in single quotes taken literally, in double quotes with `\n`, `\t`, `\"`
/// and `\\` escapes, unquoted values trimmed and cut at ` #`. (`${VAR}` interpolation is not done.) The real
/// environment wins over the file, as with compose.
enum DotEnvFile {
    static let name = ".env"

    /// `environment` with the variables of `directory/.env` it does not set itself; unchanged without the file.
    static func merged(_ environment: [String: String], directory: String) -> [String: String] {
        let path = (directory as NSString).appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: path) else { return environment }
        return environment.merging(parse(String(decoding: data, as: UTF8.self))) { real, _ in real }
    }

    static func parse(_ text: String) -> [String: String] {
        var variables: [String: String] = [:]
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst("export ".count)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { continue }
            variables[name] = value(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces))
        }
        return variables
    }

    private static func value(_ raw: String) -> String {
        if raw.count >= 2, raw.hasPrefix("'"), let end = raw.dropFirst().firstIndex(of: "'") {
            return String(raw[raw.index(after: raw.startIndex)..<end])
        }
        if raw.hasPrefix("\"") {
            var result = ""
            var isEscaped = false
            for character in raw.dropFirst() {
                if isEscaped {
                    switch character {
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    default: result.append(character)
                    }
                    isEscaped = false
                } else if character == "\\" {
                    isEscaped = true
                } else if character == "\"" {
                    return result
                } else {
                    result.append(character)
                }
            }
            return result
        }
        if let comment = raw.range(of: " #") { return raw[..<comment.lowerBound].trimmingCharacters(in: .whitespaces) }
        return raw
    }
}
