import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// Vorbis comments and pictures of FLAC and Ogg files, which libsndfile's string API does not give.
@Suite struct VorbisCommentTests {
    static func littleEndian(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(value >> (8 * $0) & 0xFF) } }
    static func bigEndian(_ value: Int) -> [UInt8] { (0..<4).reversed().map { UInt8(value >> (8 * $0) & 0xFF) } }

    /// The FLAC at `path` with its metadata after STREAMINFO replaced by `blocks` (type, body); the last flag set.
    static func replaceMetadata(ofFLAC path: String, with blocks: [(UInt8, [UInt8])]) throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var offset = 4
        var streamInfo: [UInt8] = []
        while true {
            let length = Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            if bytes[offset] & 0x7F == 0 { streamInfo = Array(bytes[offset + 4..<offset + 4 + length]) }
            let isLast = bytes[offset] & 0x80 != 0
            offset += 4 + length
            if isLast { break }
        }
        var output = Array("fLaC".utf8) + [0, 0, 0, UInt8(streamInfo.count)] + streamInfo
        for (index, block) in blocks.enumerated() {
            let last: UInt8 = index == blocks.count - 1 ? 0x80 : 0
            output += [block.0 | last] + Array(bigEndian(block.1.count).suffix(3)) + block.1
        }
        try Data(output + bytes[offset...]).write(to: URL(fileURLWithPath: path))
    }

    @Test func flacAlbumArtistDiscAndPictureAreRead() throws {
        let scratch = try AudioScratch()
        let path = scratch.path("tagged.flac")
        try AudioFixtures.writeTone(to: path, format: .flac16, seconds: 0.2)
        let picture = try LibraryCoverTests.jpeg(in: scratch)
        let entries = ["TITLE=Track", "ARTIST=Performer", "ALBUM=Record", "ALBUMARTIST=Compiler", "DISCNUMBER=2/3"]
        var comment = Self.littleEndian(4) + Array("test".utf8) + Self.littleEndian(entries.count)
        for entry in entries { comment += Self.littleEndian(entry.utf8.count) + Array(entry.utf8) }
        let mime = Array("image/jpeg".utf8)
        let block = Self.bigEndian(3) + Self.bigEndian(mime.count) + mime + Self.bigEndian(0)
            + [UInt8](repeating: 0, count: 16) + Self.bigEndian(picture.count) + picture
        try Self.replaceMetadata(ofFLAC: path, with: [(4, comment), (6, block)])

        let read = try AudioFileReader.read(path)
        #expect(read.tag.title == "Track" && read.tag.album == "Record")
        #expect(read.tag.albumArtist == "Compiler" && read.tag.discNumber == 2)
        #expect(try EmbeddedPicture.read(fromFileAt: path, format: .flac) == picture)
    }

    @Test func oggAndOpusCommentHeadersAreFound() throws {
        let scratch = try AudioScratch()
        let tag = ID3Tag(title: "Packet", artist: "Pages")
        for (name, format, rate) in [("v.ogg", SoundFileFormat.oggVorbis, 44100), ("o.opus", SoundFileFormat(.oggOpus), 48000)] {
            let path = scratch.path(name)
            try AudioFixtures.writeTone(to: path, format: format, seconds: 0.2, sampleRate: rate, tag: tag)
            let comments = try #require(try VorbisComments.read(fromFileAt: path, format: name.hasSuffix("opus") ? .opus : .ogg))
            #expect(comments["TITLE"] == "Packet" && comments["ARTIST"] == "Pages")
            #expect(comments.picture == nil)
        }
    }
}
