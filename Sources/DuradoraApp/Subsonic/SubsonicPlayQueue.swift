import Foundation

/// getPlayQueue and savePlayQueue: one saved queue per user, to pick up listening on another device.
struct SubsonicPlayQueue: Sendable {
    /// Entries per saved queue at most (bounds the row count one request writes).
    static let maxEntries = 5_000

    let services: SubsonicServices

    var endpoints: [String: SubsonicEndpoint] {
        [
            "getPlayQueue": SubsonicEndpoint { call in try show(call) },
            "savePlayQueue": SubsonicEndpoint { call in try save(call) },
        ]
    }

    /// The saved queue, without the tracks the caller can no longer see; an empty answer when none was saved.
    private func show(_ call: SubsonicCall) throws -> SubsonicResult {
        let caller = call.caller
        let found = try services.database.read { transaction -> (PlayQueue, [Track])? in
            guard let queue = try transaction.playQueues.find(userID: caller.id) else { return nil }
            return (queue, try queue.trackIDs.compactMap { try transaction.tracks.find(id: $0) })
        }
        guard let (queue, tracks) = found else { return .ok() }
        var element = SubsonicElement()
        element.set("current", queue.currentID)
        element.set("position", queue.positionMilliseconds)
        element.set("username", caller.username)
        element.set("changed", queue.changedAt)
        element.set("changedBy", queue.changedBy)
        element.add("entry", tracks.filter { TrackController.canSee($0, caller) }.map { SubsonicItems.song($0) })
        return .ok("playQueue", element)
    }

    /// `id` repeated (the queue in order; none clears it), `current` (one of them), `position` (ms).
    private func save(_ call: SubsonicCall) throws -> SubsonicResult {
        let caller = call.caller
        let ids = try SubsonicPlaylists.trackIDs(call.parameters.strings("id"))
        guard ids.count <= Self.maxEntries else {
            throw SubsonicError.invalid("id", "may be given at most \(Self.maxEntries) times")
        }
        let current = try call.parameters.string("current").flatMap { text throws(SubsonicError) -> UUID? in
            guard !text.isEmpty else { return nil }
            guard let id = UUID.parse(text), ids.contains(id) else { throw .invalid("current", "must be one of the ids") }
            return id
        }
        let position = max(try call.parameters.int("position") ?? 0, 0)
        let queue = PlayQueue(trackIDs: ids, currentID: current, positionMilliseconds: position,
                              changedAt: services.clock.now().sqliteRounded, changedBy: call.parameters.client)
        try services.database.write { transaction in
            for id in Set(ids) {
                guard let track = try transaction.tracks.find(id: id), TrackController.canSee(track, caller) else {
                    throw SubsonicError.notFound("Song")
                }
            }
            try transaction.playQueues.save(queue, userID: caller.id)
        }
        return .ok()
    }
}
