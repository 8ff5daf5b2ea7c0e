import CEpoll

/// How many processors this process may run on: its CPU affinity (`taskset`, a container's `--cpuset-cpus`,
/// systemd's `CPUAffinity=`), not every processor the machine has. Foundation's `activeProcessorCount` counts the
/// machine's: pinned to one core of two, the server ran two event loops and let two worker threads run at once on
/// that core, where they took turns on the pool's lock (a context switch every three requests, `/proc/…/status`).
public enum Processors {
    /// Read once, at first use (a later change of affinity is not followed).
    public static let available: Int = Int(duradora_available_processors())
}
