import Foundation
import Testing
@testable import DuradoraApp

/// SigV4 against the worked examples of AWS's S3 documentation ("Signature Calculations for the Authorization
/// Header" and "Authenticating Requests: Using Query Parameters"): the example keys, 24 May 2013, us-east-1.
/// Every expected value is AWS's published one, so a wrong byte anywhere in the chain fails here.
@Suite struct S3SignerTests {
    static let signer = SigV4Signer(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1")
    static let may24 = Date(timeIntervalSince1970: 1_369_353_600)
    static let host = ("Host", "examplebucket.s3.amazonaws.com")

    func authorization(_ request: SigV4Request, payloadHash: String = SigV4Signer.emptyPayloadHash) -> String? {
        Self.signer.signedHeaders(for: request, payloadHash: payloadHash, at: Self.may24).first { $0.name == "Authorization" }?.value
    }

    @Test func getObjectWithRange() {
        let request = SigV4Request(method: "GET", path: "/test.txt", headers: [Self.host, ("Range", "bytes=0-9")])
        #expect(authorization(request) == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        let signed = Self.signer.signedHeaders(for: request, payloadHash: SigV4Signer.emptyPayloadHash, at: Self.may24)
        #expect(signed.first { $0.name == "x-amz-date" }?.value == "20130524T000000Z")
        #expect(signed.first { $0.name == "x-amz-content-sha256" }?.value == SigV4Signer.emptyPayloadHash)
    }

    @Test func getObjectCanonicalRequestAndStringToSign() {
        var request = SigV4Request(method: "GET", path: "/test.txt", headers: [Self.host, ("Range", "bytes=0-9")])
        request.headers += [("x-amz-content-sha256", SigV4Signer.emptyPayloadHash), ("x-amz-date", "20130524T000000Z")]
        let canonical = Self.signer.canonicalRequest(request, payloadHash: SigV4Signer.emptyPayloadHash)
        #expect(canonical == """
            GET
            /test.txt

            host:examplebucket.s3.amazonaws.com
            range:bytes=0-9
            x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            x-amz-date:20130524T000000Z

            host;range;x-amz-content-sha256;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(Self.signer.stringToSign(canonicalRequest: canonical, time: "20130524T000000Z") == """
            AWS4-HMAC-SHA256
            20130524T000000Z
            20130524/us-east-1/s3/aws4_request
            7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972
            """)
    }

    /// The key `test$file.text` must be signed and sent as `/test%24file.text`; the payload hash is the body's.
    @Test func putObjectWithPayloadHash() {
        var hasher = Sodium.SHA256Stream()
        for piece in ["Welcome to ", "Amazon S3."] { Array(piece.utf8).withUnsafeBytes { hasher.update($0) } }
        let payloadHash = hasher.finish().lowercaseHex
        #expect(payloadHash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let request = SigV4Request(method: "PUT", path: "/test$file.text", headers: [
            Self.host, ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ])
        #expect(request.target == "/test%24file.text")
        #expect(authorization(request, payloadHash: payloadHash) == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            + "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
            + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func getBucketLifecycleFlagQuery() {
        let request = SigV4Request(method: "GET", path: "/", query: [("lifecycle", "")], headers: [Self.host])
        #expect(request.target == "/?lifecycle=")
        #expect(authorization(request)?.hasSuffix("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543") == true)
    }

    /// Given out of order: the canonical query sorts by name.
    @Test func listObjectsSortedQuery() {
        let request = SigV4Request(method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")], headers: [Self.host])
        #expect(request.canonicalQuery == "max-keys=2&prefix=J")
        #expect(authorization(request)?.hasSuffix("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7") == true)
    }

    @Test func presignedURL() {
        let request = SigV4Request(method: "GET", path: "/test.txt", headers: [Self.host])
        let query = Self.signer.presignedQuery(for: request, expires: 86400, at: Self.may24)
        #expect("https://examplebucket.s3.amazonaws.com" + request.encodedPath + "?" + query
            == "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z"
            + "&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test func uriEncodingRules() {
        #expect(S3URIEncoding.encode("A-Z_a.z~09", keepingSlash: false) == "A-Z_a.z~09")
        #expect(S3URIEncoding.encode("a b+c=d&e", keepingSlash: false) == "a%20b%2Bc%3Dd%26e")
        #expect(S3URIEncoding.encode("dir/é$.mp3", keepingSlash: true) == "dir/%C3%A9%24.mp3")
        #expect(S3URIEncoding.encode("dir/x", keepingSlash: false) == "dir%2Fx")
    }

    /// Values are folded and names merged the way the canonical form requires; the signature does not depend on
    /// the order or case the caller gave headers in.
    @Test func headerCanonicalisation() {
        let request = SigV4Request(method: "GET", path: "/k", headers: [("X-Amz-Meta-A", "  one   two "), ("x-amz-meta-a", "three"), Self.host])
        #expect(request.canonicalHeaders.map { "\($0.name):\($0.value)" }
            == ["host:examplebucket.s3.amazonaws.com", "x-amz-meta-a:one two,three"])
        let reordered = SigV4Request(method: "GET", path: "/k", headers: [Self.host, ("x-amz-meta-a", "one two"), ("X-AMZ-META-A", "three")])
        #expect(authorization(request) == authorization(reordered))
    }

    @Test func timestampIsUTC() {
        #expect(SigV4Signer.timestamp(Date(timeIntervalSince1970: 1_369_353_600 + 86399.9)) == "20130524T235959Z")
    }
}
