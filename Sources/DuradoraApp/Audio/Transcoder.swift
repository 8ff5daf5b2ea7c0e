/// Turns an uploaded audio file into the MP3 Duradora stores: any format libsndfile decodes is encoded with LAME;
/// MP3 input is decoded in full to validate it, then copied as is. Streams through bounded buffers (one block of
/// `blockFrames` frames), so memory does not grow with the length of the audio. Blocking: run it on a worker thread.
///
/// The upload path, in order:
/// 1. at start-up: `StagedAudioFile.removeTemporaryFiles(under:)` on the uploads area, and
///    `measureEncoderSpeed()` once;
/// 2. `plan(source:)` on the uploaded temp file — input errors here are 415 already — then
///    `plan.shouldRunInBackground(encoderSpeed:syncLimitSeconds:)` picks 201 now or 202 and a background job;
/// 3. `transcode(from:to:tag:)` into `StagedAudioFile.temporaryPath(for: finalPath)`; an error with
///    `isInputError` is 415, anything else 500; either way nothing is left at the temporary path;
/// 4. `StagedAudioFile.commit(temporaryPath, to: finalPath)`, then commit the row (on a failed row commit,
///    `StagedAudioFile.remove(finalPath)`);
/// 5. metadata edits later: `ID3Tag.rewrite(_:inFileAt:)`, which never re-encodes.
public struct Transcoder: Sendable {
    public var settings: MP3EncoderSettings
    /// Frames decoded and encoded per block.
    public var blockFrames: Int

    public init(settings: MP3EncoderSettings = .standard, blockFrames: Int = 8192) {
        self.settings = settings
        self.blockFrames = max(blockFrames, 1152)
    }

    /// Opens the source (headers only) to say what a transcode would do and how long it might take.
    /// Input that libsndfile cannot open throws the same errors `transcode` would.
    public func plan(source: String) throws -> TranscodePlan {
        let sound = try open(source)
        defer { try? sound.close() }
        return TranscodePlan(isStoredAsIs: sound.isMP3, frames: sound.frames, sampleRate: sound.sampleRate,
                             channels: sound.channels)
    }

    /// Transcodes (or validates and copies) `source` to an MP3 written at `outputPath` (created or replaced),
    /// prefixed with `tag` when given, and fsynced. `outputPath` is meant to be a temporary name that the caller
    /// renames into place with `StagedAudioFile.commit` once it is ready to; `transcode(from:replacing:)` does both.
    /// `progress` runs after every block; returning false cancels with `AudioError.cancelled`.
    /// Input problems throw an error whose `isInputError` is true. On any error `outputPath` is removed.
    public func transcode(
        from source: String, to outputPath: String, tag: ID3Tag? = nil,
        progress: ((TranscodeProgress) -> Bool)? = nil
    ) throws -> AudioInfo {
        var isComplete = false
        defer { if !isComplete { BinaryFile.removeItem(at: outputPath) } }
        let sound = try open(source)
        defer { try? sound.close() }
        var info = sound.isMP3
            ? try storeAsIs(sound, to: outputPath, tag: tag, progress: progress)
            : try encode(sound, to: outputPath, tag: tag, progress: progress)
        info.sourceFormat = sound.formatName
        isComplete = true
        return info
    }

    /// Transcodes into a temporary sibling of `destination`, then renames it over `destination` atomically.
    /// On failure nothing new is left behind and an existing `destination` is untouched.
    public func transcode(
        from source: String, replacing destination: String, tag: ID3Tag? = nil,
        progress: ((TranscodeProgress) -> Bool)? = nil
    ) throws -> AudioInfo {
        let temporaryPath = StagedAudioFile.temporaryPath(for: destination)
        let info = try transcode(from: source, to: temporaryPath, tag: tag, progress: progress)
        try StagedAudioFile.commit(temporaryPath, to: destination)
        return info
    }

    private func open(_ source: String) throws -> SoundFile {
        let sound = try SoundFile(readingFrom: source)
        if sound.isWAV || sound.isAIFF { try DeclaredLengthCheck.verify(source) }
        if sound.isOgg { try DeclaredLengthCheck.verifyOggEnd(source) }
        return sound
    }

    // MARK: - Encoding

    private func encode(
        _ sound: SoundFile, to path: String, tag: ID3Tag?, progress: ((TranscodeProgress) -> Bool)?
    ) throws -> AudioInfo {
        let outputChannels = min(sound.channels, 2)
        let downmixer = sound.channels > 2 ? Downmixer(inputChannels: sound.channels) : nil
        let encoder: LameEncoder
        do {
            encoder = try LameEncoder(sampleRate: sound.sampleRate, channels: outputChannels, settings: settings)
        } catch AudioError.encode(let reason) {
            throw AudioError.unsupported(reason)   // the settings are fixed; it is this input LAME cannot take
        }
        defer { encoder.close() }
        let output = try BinaryFile.create(path)
        defer { output.close() }

        let tagBytes = tag.map { $0.isEmpty ? [] : $0.encoded() } ?? []
        try output.write(tagBytes)
        let audioStart = Int64(tagBytes.count)

        var input = [Float](repeating: 0, count: blockFrames * sound.channels)
        var mixed = [Float](repeating: 0, count: downmixer == nil ? 0 : blockFrames * 2)
        var framesDone: Int64 = 0
        while true {
            let count = try input.withUnsafeMutableBufferPointer { try sound.readFrames(into: $0) }
            if count == 0 { break }
            framesDone += Int64(count)
            let encoded: ArraySlice<UInt8>
            if let downmixer {
                encoded = try input.withUnsafeBufferPointer { source in
                    try mixed.withUnsafeMutableBufferPointer { target in
                        downmixer.mix(source, frames: count, into: target)
                        return try encoder.encode(UnsafeBufferPointer(rebasing: target[0..<count * 2]))
                    }
                }
            } else {
                encoded = try input.withUnsafeBufferPointer { source in
                    try encoder.encode(UnsafeBufferPointer(rebasing: source[0..<count * sound.channels]))
                }
            }
            try encoded.withUnsafeBytes { try output.write($0) }
            if let progress, !progress(TranscodeProgress(framesDone: framesDone, framesTotal: sound.frames)) {
                throw AudioError.cancelled
            }
        }
        try checkDecodedLength(framesDone, of: sound)

        try encoder.flush().withUnsafeBytes { try output.write($0) }
        try output.write(try encoder.lameTagFrame(), at: audioStart)
        try output.sync()
        let size = try output.size()
        output.close()

        let measured = try MP3Info(path: path)
        return AudioInfo(
            durationSeconds: Double(framesDone) / Double(sound.sampleRate),
            sampleRate: encoder.outputSampleRate, channels: outputChannels, bitrate: measured.bitrate,
            sizeBytes: size, wasStoredAsIs: false, sourceFormat: "", sourceTag: sound.embeddedTag
        )
    }

    /// A decoder that stops short of the declared length means a truncated file; none at all, an unusable one.
    private func checkDecodedLength(_ framesDone: Int64, of sound: SoundFile) throws {
        if framesDone == 0 { throw AudioError.undecodable("no audio frames could be decoded") }
        let isLengthKnown = sound.frames < Int64(Int32.max) * 1024
        if isLengthKnown && !sound.isMPEG && framesDone < sound.frames {
            throw AudioError.truncated("decoded \(framesDone) of \(sound.frames) frames")
        }
    }

    // MARK: - MP3 input

    private func storeAsIs(
        _ sound: SoundFile, to path: String, tag: ID3Tag?, progress: ((TranscodeProgress) -> Bool)?
    ) throws -> AudioInfo {
        // Decode everything once: proves the stream is playable and counts the real frames.
        var buffer = [Float](repeating: 0, count: blockFrames * sound.channels)
        var framesDone: Int64 = 0
        while true {
            let count = try buffer.withUnsafeMutableBufferPointer { try sound.readFrames(into: $0) }
            if count == 0 { break }
            framesDone += Int64(count)
            if let progress, !progress(TranscodeProgress(framesDone: framesDone, framesTotal: sound.frames)) {
                throw AudioError.cancelled
            }
        }
        try checkDecodedLength(framesDone, of: sound)
        let measured = try MP3Info(path: sound.path)
        if let declared = measured.declaredFrameCount, declared > measured.frameCount + 1 {
            throw AudioError.truncated("MP3 declares \(declared) frames, holds \(measured.frameCount)")
        }
        let sourceTag = (try? ID3Tag.read(fromFileAt: sound.path)) ?? nil

        let source = try BinaryFile.openForReading(sound.path)
        defer { source.close() }
        let output = try BinaryFile.create(path)
        defer { output.close() }
        if let tag {
            try output.write(tag.isEmpty ? [] : tag.encoded())
            try source.seek(to: try ID3Tag.leadingTagsLength(of: source))
        }
        try output.copyRemainder(of: source)
        try output.sync()
        let size = try output.size()
        return AudioInfo(
            durationSeconds: Double(framesDone) / Double(sound.sampleRate),
            sampleRate: measured.sampleRate, channels: measured.channels, bitrate: measured.bitrate,
            sizeBytes: size, wasStoredAsIs: true, sourceFormat: "", sourceTag: sourceTag ?? ID3Tag()
        )
    }
}
