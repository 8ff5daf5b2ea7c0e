import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// ID3v2.4 written by us, read back by us, rewritten without touching a byte of audio.
@Suite struct AudioTagTests {
    static let full = ID3Tag(
        title: "Für Elise — 月の光 🎹", artist: "Ludwig van Beethoven", album: "Bagatellen", genre: "Classical",
        year: 1810, trackNumber: 7
    )

    @Test func encodedTagParsesBackIdentically() throws {
        let bytes = Self.full.encoded()
        #expect(Array(bytes.prefix(5)) == Array("ID3".utf8) + [4, 0])
        #expect(ID3Tag.leadingTagSize(bytes) == bytes.count)
        #expect(try ID3Tag.parse(bytes) == Self.full)
        #expect(try ID3Tag.parse(ID3Tag(title: "Only a title").encoded(padding: 100)) == ID3Tag(title: "Only a title"))
    }

    @Test func tagIsWrittenIntoTheMP3AndReadBack() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("in.wav")
        try AudioFixtures.writeTone(to: input, seconds: 1)
        let output = directory.path("out.mp3")

        let info = try Transcoder().transcode(from: input, to: output, tag: Self.full)

        #expect(try ID3Tag.read(fromFileAt: output) == Self.full)
        #expect(info.sizeBytes == Int64(try AudioFixtures.fileSize(output)))
        // The tag does not disturb decoders or the measured length.
        expectWithinOnePercent(try MP3Info(path: output).durationSeconds, 1)
        expectWithinOnePercent(Double(try AudioFixtures.decode(output).frames), 44100)
    }

    @Test func rewritingTheTagKeepsTheAudioBytes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("track.mp3")
        try AudioFixtures.writeMP3(to: path, seconds: 1, tag: ID3Tag(title: "Draft"))
        let audio = try audioBytes(of: path)
        #expect(audio.first == 0xFF)   // the audio starts with a frame sync right after the tag

        try ID3Tag.rewrite(Self.full, inFileAt: path)
        #expect(try ID3Tag.read(fromFileAt: path) == Self.full)
        #expect(try audioBytes(of: path) == audio)

        var shorter = Self.full
        shorter.title = "短い"
        shorter.album = nil
        try ID3Tag.rewrite(shorter, inFileAt: path)
        #expect(try ID3Tag.read(fromFileAt: path) == shorter)
        #expect(try audioBytes(of: path) == audio)

        try ID3Tag.rewrite(nil, inFileAt: path)
        #expect(try ID3Tag.read(fromFileAt: path) == nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == audio)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["track.mp3"])
    }

    @Test func taggingAnUploadedMP3ReplacesItsTagOnly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("upload.mp3")
        try AudioFixtures.writeMP3(to: input, seconds: 1, tag: ID3Tag(title: "From the uploader", year: 1999))
        let output = directory.path("stored.mp3")

        let info = try Transcoder().transcode(from: input, to: output, tag: Self.full)

        #expect(info.wasStoredAsIs)
        #expect(info.sourceTag == ID3Tag(title: "From the uploader", year: 1999))
        #expect(try ID3Tag.read(fromFileAt: output) == Self.full)
        #expect(try audioBytes(of: output) == audioBytes(of: input))
    }

    @Test(arguments: [SoundFileFormat.wav16, .flac16, .oggVorbis])
    func containerMetadataIsReportedForPrefilling(format: SoundFileFormat) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("in.\(format.fileExtension)")
        let tag = ID3Tag(title: "Título", artist: "Artista", album: "Álbum", genre: "Jazz", year: 1959)
        try AudioFixtures.writeTone(to: input, format: format, seconds: 0.5, tag: tag)

        let info = try Transcoder().transcode(from: input, to: directory.path("out.mp3"))

        #expect(info.sourceTag.title == tag.title && info.sourceTag.artist == tag.artist)
        #expect(info.sourceTag.album == tag.album && info.sourceTag.genre == tag.genre)
        #expect(info.sourceTag.year == 1959)
        #expect(try ID3Tag.read(fromFileAt: directory.path("out.mp3")) == nil)   // tags are the caller's choice
    }

    @Test func readsVersion23WithUTF16AndNumericGenre() throws {
        // TIT2 in UTF-16 with BOM, TCON "(17)Rock", TYER, TRCK "3/12" — as iTunes-era taggers write them.
        func frame(_ id: String, _ payload: [UInt8]) -> [UInt8] {
            let size = payload.count
            return Array(id.utf8) + [UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
                + [0, 0] + payload
        }
        let title: [UInt8] = [1, 0xFF, 0xFE] + "Ünïcode".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } + [0, 0]
        let body = frame("TIT2", title) + frame("TCON", [0] + Array("(17)Rock".utf8)) + frame("TYER", [0] + Array("2001".utf8))
            + frame("TRCK", [0] + Array("3/12".utf8)) + frame("PRIV", [1, 2, 3]) + [0, 0, 0, 0]
        let tag = Array("ID3".utf8) + [3, 0, 0] + ID3Tag.syncsafeBytes(body.count) + body

        #expect(try ID3Tag.parse(tag) == ID3Tag(title: "Ünïcode", genre: "Rock", year: 2001, trackNumber: 3))
    }

    @Test func readsVersion22() throws {
        func frame(_ id: String, _ text: String) -> [UInt8] {
            let payload = [0] + Array(text.utf8)
            return Array(id.utf8) + [0, 0, UInt8(payload.count)] + payload
        }
        let body = frame("TT2", "Old") + frame("TP1", "Tagger") + frame("TAL", "Album")
        let tag = Array("ID3".utf8) + [2, 0, 0] + ID3Tag.syncsafeBytes(body.count) + body
        #expect(try ID3Tag.parse(tag) == ID3Tag(title: "Old", artist: "Tagger", album: "Album"))
    }

    @Test func brokenTagsThrowInvalidTag() throws {
        var overrun = ID3Tag(title: "Title").encoded()
        overrun[10 + 7] = 0x7F                     // TIT2 claims 127 bytes in a tag of a dozen
        #expect(throws: AudioError.self) { try ID3Tag.parse(overrun) }
        #expect(throws: AudioError.self) { try ID3Tag.parse(Array("ID3".utf8)) }
        #expect(ID3Tag.leadingTagSize(Array("RIFF....WAVE".utf8)) == nil)

        // A header claiming a 256 MB tag in a tiny file: refused without allocating the claimed size.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("liar.mp3")
        try Data(Array("ID3".utf8) + [4, 0, 0, 0x7F, 0x7F, 0x7F, 0x7F] + [UInt8](repeating: 0, count: 100))
            .write(to: URL(fileURLWithPath: path))
        #expect(throws: AudioError.self) { try ID3Tag.read(fromFileAt: path) }
    }

    @Test func nulInAValueIsDroppedAndEmptyTagsWriteNothing() throws {
        #expect(try ID3Tag.parse(ID3Tag(title: "a\u{0}b").encoded()).title == "ab")
        #expect(try ID3Tag.parse(ID3Tag(title: "t", year: 99, trackNumber: 0).encoded()) == ID3Tag(title: "t"))
        #expect(ID3Tag().isEmpty)
        #expect(ID3Tag().encoded().count == 10)
    }

    /// Everything after the leading ID3 tag.
    private func audioBytes(of path: String) throws -> Data {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let tagSize = ID3Tag.leadingTagSize(Array(data.prefix(10))) ?? 0
        return data.dropFirst(tagSize)
    }
}
