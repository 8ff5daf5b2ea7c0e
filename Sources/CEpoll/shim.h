// Glibc's Swift module does not include <sys/epoll.h> or <sys/eventfd.h>: the event loops need both
// (Sources/DuradoraHTTP/Socket/EventLoop.swift: epoll for sockets, an eventfd to be woken by other threads).
// And the processors this process may run on (Sources/DuradoraHTTP/Server/Processors.swift), which needs
// glibc's CPU_COUNT (a macro, behind _GNU_SOURCE).
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

static inline int duradora_available_processors(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int count = CPU_COUNT(&set);
        if (count > 0) return count;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}
