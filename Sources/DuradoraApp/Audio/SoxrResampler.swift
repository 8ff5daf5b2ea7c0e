import CSoxr

/// A libsoxr stream resampler for interleaved `Float` frames. Transcodes resample themselves (instead of leaving
/// it to LAME) because the output rate decides the MP3 frame size: at the rates `StreamProfile` picks every frame
/// has the same length, which is what makes a transcode's length and byte ↔ time mapping exact in advance.
/// Not thread-safe: keep it on the thread that encodes.
public final class SoxrResampler {
    public let inputRate: Int
    public let outputRate: Int
    public let channels: Int
    private var handle: soxr_t?
    private var output: [Float] = []

    public init(inputRate: Int, outputRate: Int, channels: Int) throws {
        var error: soxr_error_t?
        guard let handle = soxr_create(Double(inputRate), Double(outputRate), UInt32(channels), &error, nil, nil, nil),
              error == nil else {
            throw AudioError.unsupported("cannot resample \(inputRate) Hz to \(outputRate) Hz: "
                                         + (error.map { String(cString: $0) } ?? "soxr_create failed"))
        }
        self.handle = handle
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.channels = channels
    }

    deinit {
        if let handle { soxr_delete(handle) }
    }

    /// Resamples `frames` interleaved frames; returns the output frames available so far (the filter holds a few
    /// back until `flush()`). The returned buffer is valid until the next call.
    public func process(_ input: UnsafeBufferPointer<Float>) throws -> ArraySlice<Float> {
        try run(input.baseAddress, frames: input.count / channels)
    }

    /// Ends the stream: the frames the filter still held.
    public func flush() throws -> ArraySlice<Float> {
        try run(nil, frames: 0)
    }

    private func run(_ input: UnsafePointer<Float>?, frames: Int) throws -> ArraySlice<Float> {
        guard let handle else { throw AudioError.encode("resampler closed") }
        // Room for every frame this input can make, plus the filter's tail on a flush.
        let capacity = frames * outputRate / inputRate + 4096
        if output.count < capacity * channels { output = [Float](repeating: 0, count: capacity * channels) }
        var consumed = 0
        var produced = 0
        repeat {
            var inputDone = 0
            var outputDone = 0
            let error = output.withUnsafeMutableBufferPointer { target in
                soxr_process(handle, input.map { $0 + consumed * channels }, frames - consumed, &inputDone,
                             target.baseAddress! + produced * channels, capacity - produced, &outputDone)
            }
            if let error { throw AudioError.encode("resampling failed: \(String(cString: error))") }
            consumed += inputDone
            produced += outputDone
            // A flush ends when soxr has nothing more; input ends when it is all consumed.
            if input == nil ? outputDone == 0 || produced == capacity : consumed == frames { break }
            if outputDone == 0 && inputDone == 0 { break }
        } while produced < capacity
        return output[0..<produced * channels]
    }
}

@available(*, unavailable)
extension SoxrResampler: Sendable {}
