import DuradoraHTTP
import Foundation
import Testing

/// https through `PlainHTTPClient` against a real TLS server on loopback (Python's http.server wrapped in ssl) with
/// a self-signed certificate for `localhost` made by `openssl req` in the test: trusted through `caFile`, the
/// request goes through; the system's store alone, or another host name than the certificate's, is refused.
@Suite struct TLSClientTests {
    static let server = """
        import http.server, ssl, sys
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = b'{"path": "%s"}' % self.path.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        server.socket = context.wrap_socket(server.socket, server_side=True)
        print(server.server_port, flush=True)
        server.serve_forever()
        """

    static func run(_ path: String, _ arguments: [String], stdout: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = stdout ?? FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func get(_ url: String, caFile: String?) throws -> (Int, String) {
        var body: [UInt8] = []
        let head = try PlainHTTPClient.send("GET", url, timeout: 10, caFile: caFile) { body += $0 }
        return (head.status, String(decoding: body, as: UTF8.self))
    }

    @Test func httpsTrustsOnlyCertificatesItCanVerify() throws {
        let directory = NSTemporaryDirectory() + "tls-\(UUID().uuidString)/"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (cert, key) = (directory + "cert.pem", directory + "key.pem")
        let openssl = try Self.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"])
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)
        let output = Pipe()
        let server = try Self.run("/usr/bin/python3", ["-c", Self.server, cert, key], stdout: output)
        defer { server.terminate() }
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let port = try #require(Int(line.trimmingCharacters(in: .whitespacesAndNewlines)))

        let (status, body) = try Self.get("https://localhost:\(port)/info?format=json", caFile: cert)
        #expect(status == 200 && body == #"{"path": "/info?format=json"}"#)

        // The system's certificate authorities alone do not vouch for a self-signed certificate.
        #expect { try Self.get("https://localhost:\(port)/", caFile: nil) } throws: { error in
            "\(error)".contains("not trusted")
        }
        // Trusted, but issued for localhost, not for 127.0.0.1.
        #expect { try Self.get("https://127.0.0.1:\(port)/", caFile: cert) } throws: { error in
            "\(error)".contains("not trusted")
        }
    }
}
