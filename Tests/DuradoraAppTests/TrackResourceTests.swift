import DuradoraHTTP
import Foundation
import Testing
@testable import DuradoraApp

/// A track's JSON is written as bytes (`JSONBytes`) on the routes that answer a track or a page of them, and through
/// `JSONEncoder` (`EncoderFields`) inside larger answers. Both come from one field list: the bytes must be exactly
/// what `JSONCoding.encoder`, which sorts keys, makes of the same track — that also proves the list is in key order.
@Suite struct TrackResourceTests {
    /// Milliseconds a double holds exactly (.5, .25) and ones it does not (.123, .999): a stored time comes back
    /// as the same milliseconds in both renderings.
    static let created = Date(timeIntervalSince1970: 1_700_000_000.123)
    static let updated = Date(timeIntervalSince1970: 1_733_212_345.999)

    static let full = Track(
        id: UUID(uuidString: "0A1B2C3D-4E5F-4a6b-8c7d-9E0F1A2B3C4D")!, ownerID: UUID(),
        metadata: TrackMetadata(title: "Quote \" back\\slash\nline\ttab / é 🎵", artist: "Ärtist", album: "Album",
                                genre: "Jazz", year: 1999, trackNumber: 7, albumArtist: "Various", discNumber: 2),
        visibility: .link, status: .failed, error: "encoder said \"no\"",
        audio: StoredAudio(durationSeconds: 183.144, sampleRate: 44_100, channels: 2, bitrate: 192,
                           sizeBytes: 4_400_123, fileTag: "tag"),
        createdAt: created, updatedAt: updated, format: .flac, coverHash: "abc")

    static let empty = Track(id: UUID(), ownerID: nil, visibility: .public, status: .empty,
                             createdAt: Date(timeIntervalSince1970: -86_400.5), updatedAt: updated)

    static let personal = TrackPersonal(starredAt: Date(timeIntervalSince1970: 1_600_000_000.25), rating: 4, playCount: 12)

    @Test(arguments: [full, empty], [nil, personal, TrackPersonal()])
    func bytesAreWhatJSONEncoderWrites(track: Track, personal: TrackPersonal?) throws {
        let resource = TrackResource(track: track, baseURL: "http://music.example:8080", personal: personal)
        let encoded = try JSONCoding.encoder.encode(resource)
        #expect(String(decoding: resource.json(), as: UTF8.self) == String(decoding: encoded, as: UTF8.self))
    }

    @Test func valuesAreSpelledAsTheContractSays() throws {
        let resource = TrackResource(track: Self.full, baseURL: "http://music.example:8080", personal: Self.personal)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(resource.json())) as? [String: Any])
        #expect(object["id"] as? String == "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
        #expect(object["title"] as? String == Self.full.metadata.title)
        #expect(object["created_at"] as? String == "2023-11-14T22:13:20.123Z")
        #expect(object["updated_at"] as? String == "2024-12-03T07:52:25.999Z")
        #expect(object["starred_at"] as? String == "2020-09-13T12:26:40.250Z")
        #expect(object["duration_seconds"] as? Double == 183.144)
        #expect(object["size_bytes"] as? Int == 4_400_123)
        #expect(object["stream_url"] as? String
            == "http://music.example:8080/api/v1/tracks/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/stream")
        #expect(object["cover_url"] as? String
            == "http://music.example:8080/api/v1/tracks/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/cover")
        #expect(object["album_id"] as? String == Self.full.albumID.map { $0.uuidString.lowercased() })
        #expect(object["play_count"] as? Int == 12)
        let bare = try #require(
            try JSONSerialization.jsonObject(with: Data(TrackResource(track: Self.empty, baseURL: "").json()))
                as? [String: Any])
        #expect(bare["title"] is NSNull && bare["owner_id"] is NSNull && bare["cover_url"] is NSNull)
        #expect(bare["created_at"] as? String == "1969-12-30T23:59:59.500Z")
        #expect(bare["play_count"] == nil && bare["starred_at"] == nil)
    }

    @Test func aPageHoldsItsItemsAndCounts() throws {
        let page = Page(items: [Self.full, Self.empty], total: 9, limit: 2, offset: 4)
        let bytes = TrackList(page, baseURL: "http://x").json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let items = try #require(object["items"] as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == [Self.full, Self.empty].map { $0.id.uuidString.lowercased() })
        #expect(object["limit"] as? Int == 2 && object["offset"] as? Int == 4 && object["total"] as? Int == 9)
        let none = TrackList(Page(items: [], total: 0, limit: 50, offset: 0), baseURL: "").json()
        #expect(String(decoding: none, as: UTF8.self) == #"{"items":[],"limit":50,"offset":0,"total":0}"#)
    }
}
