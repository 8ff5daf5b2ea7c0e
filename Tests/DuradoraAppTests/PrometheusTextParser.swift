import Foundation

/// A strict reader of the Prometheus text exposition format (0.0.4), enough to prove a scrape parses: every line is
/// a comment, a `# HELP`/`# TYPE` line or a sample `name{label="value",…} number`; a family's TYPE comes before its
/// samples; histogram buckets are cumulative and end with `+Inf` equal to `_count`.
struct PrometheusText {
    struct Sample: Equatable {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    private(set) var types: [String: String] = [:]
    private(set) var samples: [Sample] = []

    init(_ text: String) throws {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(line)
            if line.isEmpty { continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                    throw ParseError(description: "line \(number + 1): bad TYPE: \(line)")
                }
                guard types[String(parts[2])] == nil else { throw ParseError(description: "TYPE twice for \(parts[2])") }
                types[String(parts[2])] = String(parts[3])
            } else if line.hasPrefix("#") {
                continue
            } else {
                let sample = try Self.sample(line, number: number + 1)
                guard types[family(of: sample.name)] != nil else {
                    throw ParseError(description: "line \(number + 1): sample before its TYPE: \(line)")
                }
                samples.append(sample)
            }
        }
        try checkHistograms()
    }

    /// The value of the one sample with this name and (a superset of) these labels; nil if none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { sample in
            sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value }
        }?.value
    }

    func family(of name: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" || types[base] == "summary" { return base }
        }
        return name
    }

    private static func sample(_ line: String, number: Int) throws -> Sample {
        var rest = Substring(line)
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard let first = name.first, !first.isNumber else { throw ParseError(description: "line \(number): bad name") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                rest = rest.dropFirst(key.count)
                guard !key.isEmpty, rest.hasPrefix("=\"") else { throw ParseError(description: "line \(number): bad label") }
                rest = rest.dropFirst(2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\" {
                        guard let escaped = rest.first else { throw ParseError(description: "line \(number): bad escape") }
                        rest = rest.dropFirst()
                        switch escaped {
                        case "n": value.append("\n")
                        case "\\", "\"": value.append(escaped)
                        default: throw ParseError(description: "line \(number): bad escape \\\(escaped)")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard rest.first == "\"" else { throw ParseError(description: "line \(number): unterminated label value") }
                rest = rest.dropFirst()
                labels[String(key)] = value
                if rest.first == "," { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw ParseError(description: "line \(number): no space before the value") }
        let fields = rest.dropFirst().split(separator: " ")
        guard (1...2).contains(fields.count) else { throw ParseError(description: "line \(number): bad value") }
        let text = String(fields[0])
        guard let value = text == "+Inf" ? Double.infinity : text == "-Inf" ? -Double.infinity : Double(text) else {
            throw ParseError(description: "line \(number): value \(text) is not a number")
        }
        return Sample(name: String(name), labels: labels, value: value)
    }

    private func checkHistograms() throws {
        for (family, type) in types where type == "histogram" {
            let buckets = samples.filter { $0.name == family + "_bucket" }
            let series = Dictionary(grouping: buckets) { $0.labels.filter { $0.key != "le" }.sorted { $0.key < $1.key }.description }
            for (labels, buckets) in series {
                let ordered = buckets.map { (bound: Double($0.labels["le"] == "+Inf" ? "inf" : $0.labels["le"] ?? "x"), $0.value) }
                guard ordered.allSatisfy({ $0.bound != nil }), ordered.last?.bound == .infinity else {
                    throw ParseError(description: "\(family)\(labels): buckets must have numeric le and end at +Inf")
                }
                for (previous, next) in zip(ordered, ordered.dropFirst()) where next.bound! <= previous.bound! || next.1 < previous.1 {
                    throw ParseError(description: "\(family)\(labels): buckets not increasing or not cumulative")
                }
                let count = samples.first { $0.name == family + "_count" && labels == $0.labels.sorted { $0.key < $1.key }.description }
                guard let count, count.value == ordered.last!.1 else {
                    throw ParseError(description: "\(family)\(labels): _count differs from the +Inf bucket")
                }
            }
        }
    }
}
