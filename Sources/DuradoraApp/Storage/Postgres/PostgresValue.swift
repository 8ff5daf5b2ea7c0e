import CLibPQ
import Foundation

/// A parameter or column value. Integers, floats, booleans and bytea travel in PostgreSQL's binary format (no
/// text round trip, no escaping); strings travel as text.
public enum PostgresValue: Sendable, Hashable {
    case null
    case int8(Int64)
    case float8(Double)
    case bool(Bool)
    case text(String)
    case bytea([UInt8])

    public var int64: Int64? { if case .int8(let value) = self { value } else { nil } }
    public var string: String? { if case .text(let value) = self { value } else { nil } }
    public var bytes: [UInt8]? { if case .bytea(let value) = self { value } else { nil } }
    public var isNull: Bool { self == .null }

    /// The type the statement is prepared with (0: let the server infer it, for NULL).
    var typeOID: Oid {
        switch self {
        case .null: 0
        case .int8: Self.int8OID
        case .float8: Self.float8OID
        case .bool: Self.boolOID
        case .text: Self.textOID
        case .bytea: Self.byteaOID
        }
    }

    /// 1 = binary, 0 = text.
    var format: Int32 { if case .text = self { 0 } else { 1 } }

    /// The bytes libpq sends (text NUL-terminated, as libpq reads text parameters as C strings); nil for NULL.
    func encoded() throws -> [UInt8]? {
        switch self {
        case .null: return nil
        case .int8(let value): return withUnsafeBytes(of: value.bigEndian) { Array($0) }
        case .float8(let value): return withUnsafeBytes(of: value.bitPattern.bigEndian) { Array($0) }
        case .bool(let value): return [value ? 1 : 0]
        case .bytea(let bytes): return bytes
        case .text(let text):
            let utf8 = Array(text.utf8)
            // PostgreSQL text cannot hold U+0000; refuse it here rather than send a string libpq would cut short.
            guard !utf8.contains(0) else { throw PostgresError(message: "a text parameter contains a NUL character") }
            return utf8 + [0]
        }
    }

    /// A binary-format column value of type `oid`.
    static func decode(_ bytes: UnsafeRawBufferPointer, oid: Oid) throws -> PostgresValue {
        func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> Int64 {
            guard bytes.count == MemoryLayout<T>.size else {
                throw PostgresError(message: "column of type \(oid) has \(bytes.count) bytes")
            }
            return Int64(T(bigEndian: bytes.loadUnaligned(as: T.self)))
        }
        switch oid {
        case int8OID: return .int8(try integer(Int64.self))
        case int4OID, oidOID: return .int8(try integer(Int32.self))
        case int2OID: return .int8(try integer(Int16.self))
        case float8OID: return .float8(Double(bitPattern: UInt64(bitPattern: try integer(Int64.self))))
        case float4OID: return .float8(Double(Float(bitPattern: UInt32(truncatingIfNeeded: try integer(Int32.self)))))
        case boolOID: return .bool(bytes.first == 1)
        case byteaOID: return .bytea(Array(bytes))
        case textOID, varcharOID, bpcharOID, nameOID, unknownOID: return .text(String(decoding: bytes, as: UTF8.self))
        case voidOID: return .null
        default:
            // Binary formats of other types (numeric, timestamptz, …) are not worth decoding: our schema stores
            // times as int8 and the rest as the types above.
            throw PostgresError(message: "column type \(oid) is not supported: cast it in SQL (::int8, ::text)")
        }
    }

    // From pg_type.dat (stable since PostgreSQL 7).
    static let boolOID: Oid = 16, byteaOID: Oid = 17, nameOID: Oid = 19, int8OID: Oid = 20, int2OID: Oid = 21
    static let int4OID: Oid = 23, textOID: Oid = 25, oidOID: Oid = 26, float4OID: Oid = 700, float8OID: Oid = 701
    static let unknownOID: Oid = 705, bpcharOID: Oid = 1042, varcharOID: Oid = 1043, voidOID: Oid = 2278
}
