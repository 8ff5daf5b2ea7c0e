import DuradoraHTTP
import Foundation

/// A small JSON object from a request body, with typed field access that fails the way the contract says:
/// 413 over the size limit, 400 for bytes that are not a JSON object, 422 naming the field for a wrong type.
/// Unknown fields are ignored.
struct JSONBody {
    /// Account and session bodies are tiny; anything larger is refused before it is read.
    static let defaultLimit = 64 * 1024

    private let object: [String: Any]

    init(object: [String: Any]) {
        self.object = object
    }

    /// The body as a JSON object; nil when the body is empty and `allowEmpty` is set.
    /// A urlencoded form (what `curl -d name=value` sends) is read as an object of strings.
    static func read(_ request: Request, allowEmpty: Bool = false, limit: Int = defaultLimit) throws -> JSONBody? {
        // (A typed `catch .tooLarge` here crashes the 6.3 compiler's SIL verifier, hence the Result.)
        let bytes: [UInt8]
        switch Result(catching: { () throws(RequestBodyError) -> [UInt8] in try request.body.collect(limit: limit) }) {
        case .success(let collected): bytes = collected
        case .failure(.tooLarge): throw APIError.bodyTooLarge(limit: Int64(limit))
        case .failure(let error): throw error
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            if allowEmpty { return nil }
            throw APIError.malformedJSON("the body is empty; send a JSON object")
        }
        if isForm(request), bytes.first != UInt8(ascii: "{") {
            let form = URLEncodedForm(parsing: bytes)
            return JSONBody(object: Dictionary(form.fields.map { ($0.name, $0.value as Any) }) { first, _ in first })
        }
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw APIError.malformedJSON("it could not be parsed")
        }
        guard let object = value as? [String: Any] else {
            throw APIError.badRequest("The request body must be a JSON object.")
        }
        return JSONBody(object: object)
    }

    /// Every string, number and Boolean field as text (`{"year": 2001}` → `"2001"`), for the earlier services'
    /// routes, which take the same parameter from JSON, a form or the query. Arrays, objects and null are left out.
    var textFields: [String: String] {
        var fields: [String: String] = [:]
        for (name, value) in object {
            if let number = value as? NSNumber {
                fields[name] = Self.isBoolean(value) ? (number.boolValue ? "true" : "false") : number.stringValue
            } else if let text = value as? String {
                fields[name] = text
            }
        }
        return fields
    }

    private static func isForm(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") ?? false
    }

    /// A string field; nil when absent or null; 422 for any other type.
    func string(_ field: String) throws(APIError) -> String? {
        guard let value = object[field], !(value is NSNull) else { return nil }
        // JSONSerialization gives NSString for strings only; numbers and Booleans are NSNumber.
        guard let text = value as? String, !(value is NSNumber) else {
            throw .invalidField(field, "must be a string")
        }
        return text
    }

    /// A string field that must be present; 422 naming it otherwise.
    func requiredString(_ field: String) throws(APIError) -> String {
        guard let text = try string(field) else { throw .invalidField(field, "is required") }
        return text
    }

    /// True when the body has `field`, even as null (PATCH: absent leaves a value alone, null clears it).
    func contains(_ field: String) -> Bool {
        object[field] != nil
    }

    /// A whole-number field; nil when absent or null; 422 for any other type or a fraction.
    func integer(_ field: String) throws(APIError) -> Int? {
        guard let value = object[field], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, !Self.isBoolean(value),  // JSON Booleans are NSNumbers too
              let integer = Int(exactly: number.doubleValue)
        else { throw .invalidField(field, "must be a whole number") }
        return integer
    }

    /// A Boolean field; nil when absent or null; 422 for any other type (`1` and `"true"` are not Booleans).
    func boolean(_ field: String) throws(APIError) -> Bool? {
        guard let value = object[field], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, Self.isBoolean(value) else {
            throw .invalidField(field, "must be true or false")
        }
        return number.boolValue
    }

    /// True for a JSON `true`/`false`. (Not `value is Bool`: on Linux the numbers 0 and 1 bridge to Bool too.)
    private static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    /// An array of strings; nil when absent or null; 422 for anything else.
    func stringArray(_ field: String) throws(APIError) -> [String]? {
        guard let value = object[field], !(value is NSNull) else { return nil }
        guard let array = value as? [Any] else { throw .invalidField(field, "must be an array of strings") }
        var strings: [String] = []
        for item in array {
            guard let text = item as? String, !(item is NSNumber) else {
                throw .invalidField(field, "must be an array of strings")
            }
            strings.append(text)
        }
        return strings
    }
}
