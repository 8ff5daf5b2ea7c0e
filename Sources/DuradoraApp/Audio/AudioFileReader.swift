import Foundation

/// Reads what the library needs from an audio file found on disk, without changing it: format, tags, duration,
/// rate, channels and bitrate. MP3s are measured by our own frame parser (tags: ID3v2, else ID3v1); every other
/// format through libsndfile (FLAC and Ogg Vorbis comments, RIFF INFO, …).
public enum AudioFileReader {
    public struct Result: Sendable, Equatable {
        public var format: AudioFormat
        public var tag: ID3Tag
        public var durationSeconds: Double
        public var sampleRate: Int
        public var channels: Int
        /// kbps, averaged over the file.
        public var bitrate: Int
        public var sizeBytes: Int64
    }

    /// Throws `AudioError` for a file that is not audio of its extension's kind (the scan reports it and goes on).
    public static func read(_ path: String) throws -> Result {
        let name = (path as NSString).lastPathComponent
        guard let format = AudioFormat(fileExtension: (name as NSString).pathExtension) else {
            throw AudioError.undecodable("not an audio file extension")
        }
        let file = try BinaryFile.openForReading(path)
        defer { file.close() }
        let size = try file.size()
        if format == .mp3 {
            let info = try MP3Info(path: path)
            let tag = try ID3Tag.read(fromFileAt: path) ?? ID3v1Tag.read(from: file) ?? ID3Tag()
            return Result(format: .mp3, tag: tag, durationSeconds: info.durationSeconds, sampleRate: info.sampleRate,
                          channels: info.channels, bitrate: info.bitrate, sizeBytes: size)
        }
        let sound = try SoundFile(readingFrom: path)
        defer { try? sound.close() }
        let duration = Double(sound.frames) / Double(sound.sampleRate)
        var tag = sound.embeddedTag
        if let comments = try VorbisComments.read(fromFileAt: path, format: format) {
            tag.albumArtist = comments["ALBUMARTIST"] ?? comments["ALBUM ARTIST"]
            tag.discNumber = comments["DISCNUMBER"].flatMap(ID3Tag.parseTrackNumber)
        }
        return Result(format: format, tag: tag, durationSeconds: duration, sampleRate: sound.sampleRate,
                      channels: sound.channels, bitrate: duration > 0 ? Int(Double(size) * 8 / duration / 1000) : 0,
                      sizeBytes: size)
    }
}
