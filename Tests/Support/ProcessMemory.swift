import Foundation

/// Reads a process's memory figures from /proc.
public enum ProcessMemory {
    /// Current resident set size in bytes (VmRSS) of process `pid`.
    public static func residentBytes(of pid: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let digits = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return digits * 1024
        }
        return 0
    }
}
