import Foundation

/// Where a track's lyrics come from: its file's own tags (ID3 USLT and SYLT in MP3s, LYRICS and UNSYNCEDLYRICS
/// Vorbis comments in FLAC, Ogg and Opus), then a `.lrc` file of the same name beside an imported file. Read when
/// asked, not stored: lyrics are looked at seldom, and the file is the one truth a scan keeps up to date.
extension Lyrics {
    /// The largest `.lrc` file read: a few thousand lines of text, far above any song's.
    static let maximumLRCBytes = 256 << 10

    /// Every set of lyrics found for the file at `path`, embedded ones first; `besideFile`: also look for a `.lrc`.
    /// A file that cannot be read or parsed has none (lyrics never fail a request).
    static func read(audioAt path: String, format: AudioFormat, besideFile: Bool) -> [Lyrics] {
        var found: [Lyrics] = []
        switch format {
        case .mp3:
            if let tag = try? ID3Tag.leadingTagBytes(ofFileAt: path), let frames = try? ID3Tag.frames(of: tag).frames {
                found += frames.compactMap { frame in
                    switch frame.id {
                    case "USLT", "ULT": unsynced(frame.payload)
                    case "SYLT", "SLT": synced(frame.payload)
                    default: nil
                    }
                }
            }
        case .flac, .ogg, .opus:
            if let comments = try? VorbisComments.read(fromFileAt: path, format: format) {
                found += ["LYRICS", "UNSYNCEDLYRICS"].compactMap { comments[$0] }.compactMap { parse($0) }
            }
        default:
            break
        }
        if besideFile, let lrc = lrcText(besideAudioAt: path), let lyrics = parse(lrc) { found.append(lyrics) }
        return found
    }

    /// `song.lrc` for `song.mp3`, as UTF-8; nil when there is none (or it is too large to be lyrics).
    private static func lrcText(besideAudioAt path: String) -> String? {
        let lrc = (path as NSString).deletingPathExtension + ".lrc"
        guard let file = try? BinaryFile.openForReading(lrc) else { return nil }
        defer { file.close() }
        guard let size = try? file.size(), size <= maximumLRCBytes, let bytes = try? file.read(at: 0, count: Int(size))
        else { return nil }
        return String(decoding: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes, as: UTF8.self)
    }

    /// USLT: encoding, language, descriptor, then the text (which may itself be LRC).
    private static func unsynced(_ payload: [UInt8]) -> Lyrics? {
        guard payload.count > 4, let encoding = payload.first else { return nil }
        let (_, afterDescriptor) = terminated(payload[4...], encoding: encoding)
        guard let text = ID3Tag.decodeText([encoding] + afterDescriptor) else { return nil }
        return parse(text, language: language(payload[1..<4]))
    }

    /// SYLT: encoding, language, time format (2: milliseconds; MPEG frame counts are not supported), content type,
    /// descriptor, then text + 32-bit big-endian time, repeated.
    private static func synced(_ payload: [UInt8]) -> Lyrics? {
        guard payload.count > 6, let encoding = payload.first, payload[4] == 2 else { return nil }
        var rest = terminated(payload[6...], encoding: encoding).rest
        var lines: [Line] = []
        while !rest.isEmpty {
            let (text, after) = terminated(rest, encoding: encoding)
            guard after.count >= 4 else { break }
            let start = after.prefix(4).reduce(0) { $0 << 8 | Int($1) }
            let words = ID3Tag.decodeText([encoding] + text) ?? ""
            // Lines conventionally begin with "\n" in SYLT; the line structure is ours.
            lines.append(Line(start: start, text: words.trimmingCharacters(in: .whitespacesAndNewlines)))
            rest = after.dropFirst(4)
        }
        return lines.isEmpty ? nil : Lyrics(language: language(payload[1..<4]), lines: lines)
    }

    /// A string up to its terminator (one NUL; two, aligned, in UTF-16) and what follows it.
    private static func terminated(_ bytes: ArraySlice<UInt8>, encoding: UInt8) -> (text: ArraySlice<UInt8>, rest: ArraySlice<UInt8>) {
        let wide = encoding == 1 || encoding == 2
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if wide {
                guard index + 1 < bytes.endIndex else { break }
                if bytes[index] == 0 && bytes[index + 1] == 0 { return (bytes[bytes.startIndex..<index], bytes[(index + 2)...]) }
                index += 2
            } else {
                if bytes[index] == 0 { return (bytes[bytes.startIndex..<index], bytes[(index + 1)...]) }
                index += 1
            }
        }
        return (bytes, [])
    }

    /// An ID3 language code as ISO 639-2 ("eng"); "und" when it is blank or "XXX" (unknown).
    private static func language(_ bytes: ArraySlice<UInt8>) -> String {
        let code = String(decoding: bytes, as: UTF8.self).lowercased()
        return code.count == 3 && code.allSatisfy({ $0.isLetter && $0.isASCII }) && code != "xxx" ? code : "und"
    }
}
