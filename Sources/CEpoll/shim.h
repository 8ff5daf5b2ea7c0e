// Glibc's Swift module does not include <sys/epoll.h> or <sys/eventfd.h>: the event loops need both
// (Sources/DuradoraHTTP/Socket/EventLoop.swift: epoll for sockets, an eventfd to be woken by other threads).
#include <sys/epoll.h>
#include <sys/eventfd.h>
