// libFuzzer target for RequestParser and ChunkedBodyDecoder. Built by scripts/fuzz.sh into one module together
// with the parser and message sources, so it can use internal API. Any invariant violation traps (a crash report).
//
// Input: byte 0 picks the limits (so small limits get exercised), byte 1 picks the split pattern for the third
// feeding; the rest is the raw stream of one or more requests.

/// One normalised run: heads, each body's bytes concatenated, ends, and the error that stopped it (if any).
private struct Outcome: Equatable {
    var events: [RequestParserEvent] = []
    var error: HTTPParseError?

    mutating func record(_ event: RequestParserEvent) {
        if case .body(let bytes) = event {
            precondition(!bytes.isEmpty, "the parser yielded an empty .body")
            if case .body(let previous)? = events.last {
                events[events.count - 1] = .body(previous + bytes)
                return
            }
        }
        if case .end = event, let last = events.last, case .end = last {
            preconditionFailure("two .end events in a row")
        }
        events.append(event)
    }
}

private func limits(for selector: UInt8) -> ParserLimits {
    switch selector % 4 {
    case 0: ParserLimits()
    case 1: ParserLimits(maxHeaderBytes: 64, maxTargetBytes: 16, maxBodyBytes: 32, maxHeaderCount: 3, maxChunkSizeLineBytes: 12)
    case 2: ParserLimits(maxHeaderBytes: 200, maxTargetBytes: 100, maxBodyBytes: 1_000, maxHeaderCount: 10)
    default: ParserLimits(maxHeaderBytes: 40, maxTargetBytes: 60, maxBodyBytes: 0, maxHeaderCount: 1, maxChunkSizeLineBytes: 3)
    }
}

/// Feeds `input` in pieces of the given sizes (cycled), pulling every available event after each piece.
private func run(_ input: UnsafeBufferPointer<UInt8>, limits: ParserLimits, pieces: [Int]) -> Outcome {
    var parser = RequestParser(limits: limits)
    var outcome = Outcome()
    var offset = 0
    var piece = 0
    var appended = 0
    repeat {
        let count = min(pieces[piece % pieces.count], input.count - offset)
        piece += 1
        parser.append(Array(input[offset..<(offset + count)]))
        offset += count
        appended += count
        do {
            while let event = try parser.next() {
                outcome.record(event)
            }
        } catch {
            outcome.error = error
            // A dead parser stays dead, with the same error.
            do {
                _ = try parser.next()
                preconditionFailure("the parser recovered after an error")
            } catch {
                precondition(error == outcome.error, "a different error after the first")
            }
            return outcome
        }
        precondition(parser.bufferedByteCount >= 0 && parser.bufferedByteCount <= appended)
    } while offset < input.count
    return outcome
}

private func checkParser(_ input: UnsafeBufferPointer<UInt8>, limits: ParserLimits, splitSelector: UInt8) {
    let oneShot = run(input, limits: limits, pieces: [max(input.count, 1)])
    let byteByByte = run(input, limits: limits, pieces: [1])
    let pattern = [Int(splitSelector % 7) + 1, Int(splitSelector / 7 % 5) + 2, 1, Int(splitSelector % 13) + 1]
    let split = run(input, limits: limits, pieces: pattern)
    precondition(oneShot == byteByByte, "one-shot and byte-by-byte feeding disagree:\n\(oneShot)\n\(byteByByte)")
    precondition(oneShot == split, "one-shot and split feeding disagree:\n\(oneShot)\n\(split)")
}

/// The same stream treated as a chunked body on its own: one-shot and byte-by-byte must agree.
private func checkChunkedDecoder(_ input: UnsafeBufferPointer<UInt8>, limits: ParserLimits) {
    func decode(step: Int) -> ([UInt8], Bool, HTTPParseError?) {
        var decoder = ChunkedBodyDecoder(
            maxBodyBytes: limits.maxBodyBytes, maxTrailerBytes: limits.maxHeaderBytes,
            maxTrailerFields: limits.maxHeaderCount, maxSizeLineBytes: limits.maxChunkSizeLineBytes)
        var buffer: [UInt8] = []
        var index = 0
        var data: [UInt8] = []
        var offset = 0
        repeat {
            let count = min(step, input.count - offset)
            buffer.append(contentsOf: input[offset..<(offset + count)])
            offset += count
            do {
                while let event = try decoder.decode(buffer, index: &index) {
                    precondition(index <= buffer.count)
                    switch event {
                    case .data(let range):
                        precondition(!range.isEmpty && range.upperBound <= index)
                        data += buffer[range]
                    case .end:
                        precondition(decoder.isFinished)
                        precondition(decoder.decodedByteCount == Int64(data.count))
                        return (data, true, nil)
                    }
                }
            } catch {
                return (data, false, error)
            }
        } while offset < input.count
        return (data, false, nil)
    }
    let oneShot = decode(step: max(input.count, 1))
    let byteByByte = decode(step: 1)
    precondition(oneShot == byteByByte, "chunked decoder: one-shot and byte-by-byte disagree")
    precondition(oneShot.0.count <= max(limits.maxBodyBytes, 0))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let limits = limits(for: data[0])
    let input = UnsafeBufferPointer(start: data + 2, count: size - 2)
    checkParser(input, limits: limits, splitSelector: data[1])
    checkChunkedDecoder(input, limits: limits)
    return 0
}
