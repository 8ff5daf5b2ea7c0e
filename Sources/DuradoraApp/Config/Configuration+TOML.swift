import Foundation
import TOMLKit

extension Configuration {
    /// Applies the keys of a TOML document on top of `self`.
    ///
    /// Every key must be known and have the right type and range; otherwise the error names the key, the file and the
    /// line (the first problem in file order). Relative paths are resolved against `baseDirectory`.
    mutating func apply(toml text: String, path: String, baseDirectory: String) throws {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let begin = error.source.begin
            throw ConfigurationError(
                source: .file(path: path, line: begin.line),
                key: nil,
                message: "invalid TOML at column \(begin.column): \(error.description)"
            )
        }

        let locator = TOMLLineLocator(text: text)
        var problems: [ConfigurationError] = []
        var assignments: [(ConfigurationSetting, ConfigurationValue)] = []
        Self.collect(table, prefix: [], into: &assignments, problems: &problems) { keyPath, key, message in
            ConfigurationError(source: .file(path: path, line: locator.line(of: keyPath)), key: key, message: message)
        }
        if let first = problems.min(by: { ($0.line ?? .max) < ($1.line ?? .max) }) { throw first }
        for (setting, value) in assignments { setting.write(&self, value, baseDirectory) }
        try applyOIDCProviders(table) { keyPath, key, message in
            ConfigurationError(source: .file(path: path, line: locator.line(of: keyPath)), key: key, message: message)
        }
    }

    private static func collect(
        _ table: TOMLTable,
        prefix: [String],
        into assignments: inout [(ConfigurationSetting, ConfigurationValue)],
        problems: inout [ConfigurationError],
        makeError: ([String], String, String) -> ConfigurationError
    ) {
        for (name, convertible) in table {
            let value = convertible.tomlValue
            let keyPath = prefix + [name]
            let key = keyPath.joined(separator: ".")
            if let setting = ConfigurationSetting.named(key) {
                guard let raw = configurationValue(value), raw.type == setting.type else {
                    problems.append(makeError(keyPath, key, "must be \(setting.type.noun), got \(describe(value.type))"))
                    continue
                }
                if let problem = setting.check(raw) {
                    problems.append(makeError(keyPath, key, problem))
                } else {
                    assignments.append((setting, raw))
                }
            } else if ConfigurationSetting.tables.contains(key) {
                guard let subtable = value.table else {
                    problems.append(makeError(keyPath, key, "must be a table ([\(key)]), got \(describe(value.type))"))
                    continue
                }
                collect(subtable, prefix: keyPath, into: &assignments, problems: &problems, makeError: makeError)
            } else if key == OIDCProviderConfiguration.tableKey {
                continue  // its section names are the operator's: read by `applyOIDCProviders`
            } else {
                problems.append(makeError(keyPath, key, unknownKeyMessage(prefix: prefix, isTable: value.table != nil)))
            }
        }
    }

    private static func unknownKeyMessage(prefix: [String], isTable: Bool) -> String {
        if prefix.isEmpty {
            let sections = ConfigurationSetting.sections.map { "[\($0)]" }.joined(separator: ", ")
            return "unknown \(isTable ? "section" : "key") (known sections: \(sections))"
        }
        let section = prefix.joined(separator: ".")
        let known = ConfigurationSetting.all.filter { $0.sectionPath == prefix }.map(\.name)
        let subtables = ConfigurationSetting.tables.filter { $0.hasPrefix(section + ".") }.map { "[\($0)]" }.sorted()
        return "unknown key (known keys in [\(section)]: \((known + subtables).joined(separator: ", ")))"
    }

    private static func configurationValue(_ value: TOMLValue) -> ConfigurationValue? {
        switch value.type {
        case .string: value.string.map(ConfigurationValue.string)
        case .int: value.int.map { ConfigurationValue.integer(Int64($0)) }
        case .bool: value.bool.map(ConfigurationValue.boolean)
        case .array:
            value.array.flatMap { array in
                let strings = array.compactMap { $0.tomlValue.string }
                return strings.count == array.count ? ConfigurationValue.strings(strings) : nil
            }
        default: nil
        }
    }

    private static func describe(_ type: TOMLType) -> String {
        switch type {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a floating-point number"
        case .bool: "a boolean"
        case .date: "a date"
        case .time: "a time"
        case .dateTime: "a date-time"
        }
    }
}

extension ConfigurationValue {
    var type: ConfigurationSetting.ValueType {
        switch self {
        case .string: .string
        case .integer: .integer
        case .boolean: .boolean
        case .strings: .stringList
        }
    }
}

/// Finds the line where a key is written, since the TOML parser does not report positions of values.
///
/// A light scan, not a parser: it follows `[table]` / `[[array]]` headers and `dotted.key =` lines (skipping comments
/// and the inside of multi-line strings) and answers the line whose full key path is the longest prefix of the one
/// asked for. A key inside an inline table (`admin = { username = "x" }`) is reported at the line of `admin`.
struct TOMLLineLocator {
    private var entries: [(line: Int, path: [String])] = []

    init(text: String) {
        var header: [String] = []
        var openMultilineDelimiter: String?
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if let delimiter = openMultilineDelimiter {
                if line.contains(delimiter) { openMultilineDelimiter = nil }
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                header = Self.headerPath(line)
                entries.append((index + 1, header))
                continue
            }
            guard let equals = Self.firstUnquoted("=", in: line) else { continue }
            entries.append((index + 1, header + Self.keyPath(line[..<equals])))
            let rest = line[line.index(after: equals)...]
            for delimiter in ["\"\"\"", "'''"] where rest.components(separatedBy: delimiter).count == 2 {
                openMultilineDelimiter = delimiter
            }
        }
    }

    /// The 1-based line that best locates `path`, or nil if nothing in the file matches.
    func line(of path: [String]) -> Int? {
        var best: (line: Int, length: Int)?
        for entry in entries where path.starts(with: entry.path) && entry.path.count > (best?.length ?? 0) {
            best = (entry.line, entry.path.count)
        }
        return best?.line
    }

    private static func headerPath(_ line: String) -> [String] {
        var inner = Substring(line)
        while inner.hasPrefix("[") { inner = inner.dropFirst() }
        if let close = firstUnquoted("]", in: inner) { inner = inner[..<close] }
        return keyPath(inner)
    }

    /// `a."b.c" . d` → `["a", "b.c", "d"]`.
    private static func keyPath(_ text: Substring) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "." {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts
    }

    private static func firstUnquoted<S: StringProtocol>(_ target: Character, in text: S) -> S.Index? {
        var quote: Character?
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == target {
                return index
            }
            index = text.index(after: index)
        }
        return nil
    }
}
