import Testing
@testable import DuradoraApp

/// The few XML shapes S3 answers with, including the ones a naive search gets wrong.
@Suite struct S3XMLTests {
    @Test func errorBodyGivesCodeAndMessage() {
        let body = #"<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The key &quot;a&amp;b&quot; does not exist</Message><Key>a&amp;b</Key></Error>"#
        let error = S3Error(status: 404, body: Array(body.utf8))
        #expect(error == S3Error(status: 404, code: "NoSuchKey", message: #"The key "a&b" does not exist"#))
        #expect(S3Error(status: 404, body: []).code == "NotFound")
        #expect(S3Error(status: 500, body: Array("oops".utf8)).code == "HTTP500")
    }

    /// `<Upload>` must not match `<UploadId>` or `<UploadIdMarker/>`; attributes and empty elements are allowed.
    @Test func listingElements() {
        let text = """
            <ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>audio</Bucket>
            <KeyMarker></KeyMarker><UploadIdMarker/><IsTruncated>false</IsTruncated>
            <Upload><Key>a.bin</Key><UploadId>one</UploadId><Initiated>2026-12-02T14:47:08Z</Initiated></Upload>
            <Upload><Key>b &lt;2&gt;.bin</Key><UploadId>two</UploadId></Upload></ListMultipartUploadsResult>
            """
        let uploads = S3XML.elements("Upload", in: text)
        #expect(uploads.count == 2)
        #expect(uploads.map { S3XML.value(of: "UploadId", in: String($0)) } == ["one", "two"])
        #expect(S3XML.value(of: "Key", in: String(uploads[1])) == "b <2>.bin")
        #expect(S3XML.value(of: "UploadIdMarker", in: text) == "")
        #expect(S3XML.value(of: "Bucket", in: text) == "audio")
        #expect(S3XML.value(of: "Key", in: text) == "a.bin")
        #expect(S3XML.value(of: "Missing", in: text) == nil)
        #expect(S3XML.escape(#""etag"&<>"#) == "&quot;etag&quot;&amp;&lt;&gt;")
    }
}
