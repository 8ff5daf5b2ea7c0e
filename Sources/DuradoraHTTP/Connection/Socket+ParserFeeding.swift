/// Reading a socket into a request parser, the way an edge-triggered event loop must.
extension Socket {
    enum FeedOutcome {
        /// Every read filled its buffer: the kernel may hold more, and no new event will say so.
        case mayHaveMore
        /// A read would block, or a short read emptied the socket: the next bytes raise a new event.
        case drained
        /// The peer closed its side (or the socket failed): nothing more will come.
        case endOfStream
    }

    /// Reads at most `reads` times into `buffer`, handing each read to `parser` (which copies it): a client sending
    /// fast does not starve the others on the loop (what it leaves is read later, on `.mayHaveMore`).
    ///
    /// A short read is taken to have emptied the socket, so the read that would only say EAGAIN is skipped
    /// (nginx assumes the same). Not after a hang-up (`peerHungUp`): the end-of-stream raises no new event, so it
    /// must be read.
    func feed(_ parser: inout RequestParser, through buffer: UnsafeMutableRawBufferPointer, reads: Int,
              peerHungUp: Bool) -> FeedOutcome {
        for _ in 0..<reads {
            do {
                switch try read(into: buffer) {
                case .transferred(let count):
                    parser.append(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                    if count < buffer.count && !peerHungUp { return .drained }
                case .wouldBlock:
                    return .drained
                case .endOfFile:
                    return .endOfStream
                }
            } catch {
                return .endOfStream
            }
        }
        return .mayHaveMore
    }
}
