/// Migration 15, the same statements on both backends: who is running a background encode (an upload answered
/// `202`), when it last said so, and — with the audio in a bucket — the upload itself, kept there until the encode
/// ends, so another instance can finish what a dead one began (`TrackRepository.claimStaleEncode`).
enum EncodeClaimSchema {
    static let sql = """
        ALTER TABLE tracks ADD COLUMN encode_owner TEXT;        -- the instance encoding a `processing` track
        ALTER TABLE tracks ADD COLUMN encode_heartbeat BIGINT;  -- when it last said so (ms since 1970)
        ALTER TABLE tracks ADD COLUMN pending_upload TEXT;      -- the upload's tag in the bucket (`<id>-<tag>.upload`)
        ALTER TABLE tracks ADD COLUMN pending_filename TEXT;    -- the client's file name (a title when the tag has none)
        CREATE INDEX tracks_encoding ON tracks (encode_heartbeat) WHERE status = 'processing';
        """
}
