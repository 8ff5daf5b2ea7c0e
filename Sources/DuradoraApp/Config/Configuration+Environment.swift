import Foundation

extension Configuration {
    /// Applies `DURADORA_<SECTION>_<KEY>` variables on top of `self`, e.g. `DURADORA_SERVER_PORT=9000`,
    /// `DURADORA_AUTH_BOOTSTRAP_ADMIN_USERNAME=admin`.
    ///
    /// - Integers are decimal; booleans are `true`/`false`/`1`/`0`/`yes`/`no`/`on`/`off` (any case); strings are taken
    ///   as they are (`DURADORA_SERVER_PUBLIC_URL=` sets `""`). Relative paths resolve against `baseDirectory`.
    /// - A variable that names a known section but no key of it (`DURADORA_SERVER_PROT`) is an error, to catch typos.
    ///   Other `DURADORA_*` names (`DURADORA_HOME`) are not ours to judge and are ignored.
    mutating func apply(environment: [String: String], baseDirectory: String) throws {
        let settings = Dictionary(uniqueKeysWithValues: ConfigurationSetting.all.map { ($0.environmentVariable, $0) })
        for (variable, raw) in environment.sorted(by: { $0.key < $1.key }) where variable.hasPrefix("DURADORA_") {
            guard let setting = settings[variable] else {
                try Self.rejectUnknown(variable)
                continue
            }
            let value = try Self.parse(raw, as: setting.type, variable: variable, key: setting.key)
            if let problem = setting.check(value) {
                throw ConfigurationError(source: .environment(variable: variable), key: setting.key, message: problem)
            }
            setting.write(&self, value, baseDirectory)
        }
    }

    private static func rejectUnknown(_ variable: String) throws {
        for section in ConfigurationSetting.sections {
            let prefix = "DURADORA_\(section.uppercased())_"
            guard variable.hasPrefix(prefix) else { continue }
            let known = ConfigurationSetting.all.filter { $0.sectionPath.first == section }.map(\.environmentVariable)
            throw ConfigurationError(
                source: .environment(variable: variable),
                key: nil,
                message: "unknown setting (variables for [\(section)]: \(known.joined(separator: ", ")))"
            )
        }
    }

    private static func parse(
        _ raw: String,
        as type: ConfigurationSetting.ValueType,
        variable: String,
        key: String
    ) throws -> ConfigurationValue {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        switch type {
        case .string:
            return .string(raw)
        case .integer:
            if let number = Int64(trimmed) { return .integer(number) }
        case .boolean:
            switch trimmed.lowercased() {
            case "true", "1", "yes", "on": return .boolean(true)
            case "false", "0", "no", "off": return .boolean(false)
            default: break
            }
        case .stringList:
            return .strings(raw.split(separator: ":").map(String.init))
        }
        throw ConfigurationError(
            source: .environment(variable: variable),
            key: key,
            message: "must be \(type.noun), got \"\(raw)\""
        )
    }

    /// `API_HOSTNAME` / `API_PORT` set `server.public_url` to `http://API_HOSTNAME:API_PORT`.
    ///
    /// Either alone replaces only its part of the URL the server would otherwise advertise (`effectivePublicURL`,
    /// so after flags): `API_PORT=9000` with the defaults gives `http://localhost:9000`. Empty values count as unset.
    /// `DURADORA_SERVER_PUBLIC_URL`, being more specific, wins over both.
    mutating func applyPublicAddress(environment: [String: String]) throws {
        let hostname = environment["API_HOSTNAME"].flatMap { $0.isEmpty ? nil : $0 }
        let portText = environment["API_PORT"].flatMap { $0.isEmpty ? nil : $0 }
        guard hostname != nil || portText != nil, environment["DURADORA_SERVER_PUBLIC_URL"] == nil else { return }

        if let hostname, hostname.contains(where: { $0.isWhitespace || "/?#@".contains($0) }) {
            throw ConfigurationError(
                source: .environment(variable: "API_HOSTNAME"),
                key: "server.public_url",
                message: "is not a host name or address: \"\(hostname)\""
            )
        }
        var port: Int?
        if let portText {
            guard let number = Int(portText.trimmingCharacters(in: .whitespaces)), (1...65_535).contains(number) else {
                throw ConfigurationError(
                    source: .environment(variable: "API_PORT"),
                    key: "server.public_url",
                    message: "must be a port number in 1...65535, got \"\(portText)\""
                )
            }
            port = number
        }

        if let hostname, let port {
            server.publicURL = "http://\(Self.urlHost(forBindAddress: hostname)):\(port)"
            return
        }
        var base = publicURLParts()
        if let hostname { base.host = Self.urlHost(forBindAddress: hostname) }
        if let port { base.port = port }
        server.publicURL = "\(base.scheme)://\(base.host)\(base.port.map { ":\($0)" } ?? "")\(base.path)"
    }

    /// The parts of `effectivePublicURL`, the host bracketed if it is an IPv6 literal.
    private func publicURLParts() -> (scheme: String, host: String, port: Int?, path: String) {
        guard !server.publicURL.isEmpty, let components = URLComponents(string: server.publicURL) else {
            return ("http", Self.urlHost(forBindAddress: server.host), server.port, "")
        }
        let host = Self.urlHost(forBindAddress: components.host ?? server.host)
        return (components.scheme ?? "http", host, components.port, components.percentEncodedPath)
    }
}
