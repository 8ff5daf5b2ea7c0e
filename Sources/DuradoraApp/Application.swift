import DuradoraHTTP

/// Wires configuration, storage, router and server. (Skeleton.)
public enum DuradoraVersion {
    public static let current = "0.1.0"
}
