// Glibc's Swift module does not include <sys/epoll.h> or <sys/eventfd.h>: the event loops need both
// (Sources/DuradoraHTTP/Socket/EventLoop.swift: epoll for sockets, an eventfd to be woken by other threads).
#include <sys/epoll.h>
#include <sys/eventfd.h>
// And the processors this process may run on (Sources/DuradoraHTTP/Server/Processors.swift). Through the system
// call, not glibc's sched_getaffinity and CPU_COUNT: those need _GNU_SOURCE, and defining it here changes how
// shared headers (fd_set in <sys/select.h>) are declared in this module and in Dispatch's, which a clean build
// refuses ("fds_bits ... is not present in definition of 'fd_set' in module 'CDispatch'").
#include <sys/syscall.h>
#include <unistd.h>

/// The processors the calling thread may run on (a new thread inherits its creator's mask, so at start-up the
/// process's), or the online processors if the mask cannot be read.
static inline int duradora_available_processors(void) {
    unsigned long mask[16] = {0};  // 1 024 processors
    long bytes = syscall(SYS_sched_getaffinity, 0, sizeof mask, mask);
    if (bytes > 0) {
        int count = 0;
        for (long word = 0; word < bytes / (long)sizeof mask[0]; word++) count += __builtin_popcountl(mask[word]);
        if (count > 0) return count;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}

/// Restricts the calling thread to processor `processor` (0 on success): ProcessorsTests pins a thread of its own.
static inline int duradora_pin_calling_thread(int processor) {
    unsigned long mask[16] = {0};
    if (processor < 0 || processor >= 1024) return -1;
    mask[processor / (8 * sizeof mask[0])] = 1UL << (processor % (8 * sizeof mask[0]));
    return (int)syscall(SYS_sched_setaffinity, 0, sizeof mask, mask);
}
