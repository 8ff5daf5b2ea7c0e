import COpenSSL
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// TLS over an already connected socket for `PlainHTTPClient`'s https URLs (OpenSSL libssl): TLS 1.2 or newer,
/// the peer's certificate checked against the system CA store (plus `caFile`, when given) and against the host
/// name, which is also sent as SNI. The socket's receive and send timeouts bound the handshake and every read,
/// as they do for plain http. One connection, one request; blocking: a worker's call, never a loop's.
final class TLSConnection {
    private let context: OpaquePointer
    private let ssl: OpaquePointer

    init(socket: Int32, host: String, caFile: String?) throws {
        let context = try Self.makeContext(caFile: caFile)
        // SSL_new copies the context's settings, so it comes after them.
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw Self.failure("cannot set up TLS")
        }
        self.context = context
        self.ssl = ssl
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        // SNI names a host, never an address (RFC 6066 §3); the certificate is checked against either.
        guard SSL_set_fd(ssl, socket) == 1, SSL_set1_host(ssl, host) == 1,
              isAddress || duradora_ssl_set_tlsext_host_name(ssl, host) == 1 else {
            throw Self.failure("cannot set up TLS for \(host)")
        }
        guard SSL_connect(ssl) == 1 else {
            let verdict = SSL_get_verify_result(ssl)
            if verdict != X509_V_OK {
                let reason = String(cString: X509_verify_cert_error_string(verdict))
                throw Self.failure("the TLS certificate of \(host) is not trusted: \(reason)")
            }
            throw Self.failure("the TLS handshake with \(host) failed\(Self.openSSLReason())")
        }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    func write(_ bytes: ArraySlice<UInt8>) throws {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            var written = 0
            let result = bytes[offset...].withUnsafeBytes { SSL_write_ex(ssl, $0.baseAddress, $0.count, &written) }
            guard result == 1, written > 0 else { throw Self.failure("the connection closed while sending") }
            offset += written
        }
    }

    /// Bytes read into `buffer`: 0 at the end of the stream, -1 on a failure (errno EAGAIN when it timed out).
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var count = 0
        if SSL_read_ex(ssl, buffer.baseAddress, buffer.count, &count) == 1 { return count }
        return SSL_get_error(ssl, 0) == SSL_ERROR_ZERO_RETURN ? 0 : -1
    }

    /// Peer verification on, TLS 1.2 at least, the system's CAs and `caFile`. A fresh context per connection
    /// re-reads the CA store: a few milliseconds, once per call to a provider.
    private static func makeContext(caFile: String?) throws -> OpaquePointer {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw failure("cannot set up TLS") }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        duradora_ssl_ctx_ignore_unexpected_eof(context)
        guard duradora_ssl_ctx_set_min_tls12(context) == 1, SSL_CTX_set_default_verify_paths(context) == 1 else {
            SSL_CTX_free(context)
            throw failure("cannot load the system's certificate authorities")
        }
        if let caFile, SSL_CTX_load_verify_locations(context, caFile, nil) != 1 {
            SSL_CTX_free(context)
            throw failure("cannot read the certificate authority file \(caFile)")
        }
        return context
    }

    private static func openSSLReason() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "" }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        return ": " + String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func failure(_ text: String) -> PlainHTTPClient.Failure {
        PlainHTTPClient.Failure(description: text)
    }
}
