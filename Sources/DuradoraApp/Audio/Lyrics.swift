import Foundation

/// One set of lyrics of a track: lines, each with its start time when the lyrics are synced (LRC, ID3 SYLT).
public struct Lyrics: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        /// Milliseconds from the start of the track; nil in unsynced lyrics.
        public var start: Int?
        public var text: String
    }

    /// ISO 639-2 when the source names one (ID3 frames do), else "und".
    public var language: String
    public var lines: [Line]

    public var isSynced: Bool { !lines.isEmpty && lines.allSatisfy { $0.start != nil } }

    /// All the text, one line each (Subsonic's `getLyrics`).
    public var plainText: String { lines.map(\.text).joined(separator: "\n") }

    public init(language: String, lines: [Line]) {
        self.language = language
        self.lines = lines
    }

    /// Lyrics from text as tags and `.lrc` files hold it: LRC when some line starts with a `[mm:ss.xx]` time (lines
    /// without one are then dropped, `[offset:±ms]` applied, several times on one line repeat it); plain lines
    /// otherwise. nil when there is no text.
    public static func parse(_ text: String, language: String = "und") -> Lyrics? {
        var timed: [Line] = []
        var plain: [Line] = []
        var offset = 0
        lines: for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            var line = Substring(raw)
            var starts: [Int] = []
            while line.first == "[", let close = line.firstIndex(of: "]") {
                let tag = line[line.index(after: line.startIndex)..<close]
                if let time = Self.milliseconds(tag) {
                    starts.append(time)
                } else if tag.lowercased().hasPrefix("offset:"), let value = Int(tag.dropFirst(7).trimmingCharacters(in: .whitespaces)) {
                    offset = value
                } else if tag.contains(":") {
                    continue lines   // an LRC header tag ([ar:…], [ti:…]): no lyrics on this line
                } else {
                    break
                }
                line = line[line.index(after: close)...]
            }
            let words = line.trimmingCharacters(in: .whitespaces)
            if starts.isEmpty {
                plain.append(Line(start: nil, text: words))
            } else {
                timed += starts.map { Line(start: $0, text: words) }
            }
        }
        if !timed.isEmpty {
            // LRC's offset: positive makes lines appear sooner.
            let lines = timed.map { Line(start: max(0, $0.start! - offset), text: $0.text) }
            return Lyrics(language: language, lines: lines.sorted { $0.start! < $1.start! })
        }
        while plain.last?.text.isEmpty == true { plain.removeLast() }
        while plain.first?.text.isEmpty == true { plain.removeFirst() }
        return plain.isEmpty ? nil : Lyrics(language: language, lines: plain)
    }

    /// `mm:ss`, `mm:ss.xx` or `mm:ss.xxx` in milliseconds; nil for anything else.
    static func milliseconds(_ tag: Substring) -> Int? {
        let parts = tag.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let minutes = Int(parts[0]), minutes >= 0 else { return nil }
        let secondParts = parts[1].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let seconds = Int(secondParts[0]), (0..<60).contains(seconds), secondParts[0].count == 2 else { return nil }
        var fraction = 0
        if secondParts.count == 2 {
            let digits = secondParts[1]
            guard (1...3).contains(digits.count), let value = Int(digits) else { return nil }
            fraction = value * [100, 10, 1][digits.count - 1]
        }
        return (minutes * 60 + seconds) * 1000 + fraction
    }
}
