extension OpenAPIArea {
    /// `/rest/{method}`: the Subsonic API, documented here only as its two routes; its methods and their answers
    /// are the OpenSubsonic specification's (see the README's "Subsonic apps").
    static let subsonic = OpenAPIArea(
        tag: "subsonic",
        description: "Subsonic 1.16.1 + OpenSubsonic for music apps (DSub, Symfonium, Feishin, …). Authenticate with "
            + "`u` and an app password (`p`, or `t`=md5(password+salt) with `s`), or `apiKey`.",
        schemas: [],
        operations: [.get, .post].map { method in
            APIOperation(method: method, path: "/rest/{method}", tag: "subsonic", summary: "A Subsonic method",
                         description: "`method` is a Subsonic method name, with or without `.view` (`ping`, "
                             + "`getAlbumList2.view`, `stream`, …). Parameters come from the query"
                             + (method == .post ? " and an `application/x-www-form-urlencoded` body." : ".")
                             + " Every answer is HTTP 200: `status` ok or failed with a Subsonic error code.",
                         query: [.string("f", "xml (default), json or jsonp (with callback).")],
                         requestBody: method == .post
                             ? APIOperation.Body(description: "The parameters, as a form.",
                                                 content: [("application/x-www-form-urlencoded", ["type": "object"])],
                                                 isRequired: false)
                             : nil,
                         status: 200, responseDescription: "A subsonic-response document, or audio for stream/download.",
                         responseBody: APIOperation.Body(description: "", content: [
                             ("text/xml", ["type": "string"]), ("application/json", ["type": "object"]),
                             ("audio/mpeg", ["type": "string", "format": "binary"]),
                         ]),
                         alternatives: [(206, "Part of the audio (Range)."), (304, "The audio did not change.")],
                         errors: [416])
        })
}
