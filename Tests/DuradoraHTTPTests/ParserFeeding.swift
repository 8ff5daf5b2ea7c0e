import Testing
@testable import DuradoraHTTP

/// How a test hands its raw bytes to the parser: every table runs in each mode and must give the same result.
enum Feeding: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case oneShot
    case byteByByte
    case threeBytes

    var testDescription: String { rawValue }

    var pieceSize: Int? {
        switch self {
        case .oneShot: nil
        case .byteByByte: 1
        case .threeBytes: 3
        }
    }
}

/// What a parse produced: events with consecutive `.body` events merged, and the error that stopped it.
struct ParseOutcome {
    var events: [RequestParserEvent] = []
    var error: HTTPParseError?

    var heads: [RequestHead] {
        events.compactMap { if case .head(let head) = $0 { head } else { nil } }
    }

    /// One entry per message: its body bytes as a string.
    var bodies: [String] {
        var result: [String] = []
        for event in events {
            switch event {
            case .head: result.append("")
            case .body(let bytes): result[result.count - 1] += String(decoding: bytes, as: UTF8.self)
            case .end: break
            }
        }
        return result
    }

    var endCount: Int { events.filter { $0 == .end }.count }
}

/// Feeds `raw` to a fresh parser as `feeding` says, pulling every event after each piece.
func parse(_ raw: String, limits: ParserLimits = ParserLimits(), feeding: Feeding = .oneShot) -> ParseOutcome {
    parse(Array(raw.utf8), limits: limits, feeding: feeding)
}

func parse(_ bytes: [UInt8], limits: ParserLimits = ParserLimits(), feeding: Feeding = .oneShot) -> ParseOutcome {
    var parser = RequestParser(limits: limits)
    var outcome = ParseOutcome()
    let pieceSize = feeding.pieceSize ?? max(bytes.count, 1)
    var offset = 0
    repeat {
        let end = min(offset + pieceSize, bytes.count)
        parser.append(Array(bytes[offset..<end]))
        offset = end
        do {
            while let event = try parser.next() {
                if case .body(let chunk) = event {
                    #expect(!chunk.isEmpty, "the parser yielded an empty .body")
                    if case .body(let previous)? = outcome.events.last {
                        outcome.events[outcome.events.count - 1] = .body(previous + chunk)
                        continue
                    }
                }
                outcome.events.append(event)
            }
        } catch {
            outcome.error = error
            return outcome
        }
    } while offset < bytes.count
    return outcome
}
